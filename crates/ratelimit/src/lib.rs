//! Rate limiting by the generic cell rate algorithm (GCRA): a quota of `limit` requests per
//! `period`, spent one request at a time and refilled continuously.
//!
//! One algorithm, two places it can run: [`MemoryLimiter`] in this process, and
//! [`RedisLimiter`] as one Lua script, so several API instances (and workers) share limits.
//! Both make the same decisions; the tests in this crate run one suite against each.
#![forbid(unsafe_code)]

mod failover;
mod gcra;
mod memory;
mod redis_backend;

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use failover::FailoverLimiter;
pub use gcra::decide;
pub use memory::MemoryLimiter;
pub use redis_backend::RedisLimiter;

/// `limit` requests per `period_secs`, with the whole quota available as a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub limit: u32,
    pub period_secs: u64,
}

impl Quota {
    pub const fn per_minute(limit: u32) -> Self {
        Self {
            limit,
            period_secs: 60,
        }
    }

    pub const fn per_hour(limit: u32) -> Self {
        Self {
            limit,
            period_secs: 3600,
        }
    }

    pub fn period(&self) -> Duration {
        Duration::from_secs(self.period_secs)
    }

    /// A quota of zero requests, or over zero seconds, cannot be enforced meaningfully.
    pub fn validate(&self) -> Result<(), String> {
        if self.limit == 0 {
            return Err("limit must be at least 1".into());
        }
        if self.period_secs == 0 {
            return Err("period_secs must be at least 1".into());
        }
        Ok(())
    }

    fn period_micros(&self) -> u64 {
        self.period_secs.saturating_mul(1_000_000)
    }

    /// Time between two requests at the sustained rate.
    fn interval_micros(&self) -> u64 {
        (self.period_micros() / u64::from(self.limit.max(1))).max(1)
    }
}

/// The outcome of one check, with what the `RateLimit-*` headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Requests still allowed right now.
    pub remaining: u32,
    /// Until the quota is whole again.
    pub reset: Duration,
    /// When refused: until one request is allowed again.
    pub retry_after: Option<Duration>,
}

impl Decision {
    /// Whole seconds, rounded up, as HTTP headers carry them.
    pub fn reset_secs(&self) -> u64 {
        ceil_secs(self.reset)
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after.map(|d| ceil_secs(d).max(1))
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("rate limiter backend: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("rate limiter backend: {0}")]
    Link(#[from] redislink::LinkError),
    #[error("rate limiter backend returned {0}")]
    Protocol(String),
}

/// Spends one request of `quota` under `key`.
#[async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    async fn check(&self, key: &str, quota: Quota) -> Result<Decision, LimitError>;

    /// `memory` or `redis`, for logs and metrics.
    fn backend(&self) -> &'static str;
}

#[cfg(test)]
mod suite;

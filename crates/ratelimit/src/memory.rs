use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use async_trait::async_trait;

use crate::{Decision, LimitError, Quota, RateLimiter, gcra};

/// Prune keys whose quota is whole again once the map grows past this.
const PRUNE_ABOVE: usize = 50_000;

/// Limits within this process; the default when no Redis is configured.
pub struct MemoryLimiter {
    epoch: Instant,
    arrivals: Mutex<HashMap<String, u64>>,
}

impl Default for MemoryLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryLimiter {
    pub fn new() -> Self {
        Self {
            epoch: Instant::now(),
            arrivals: Mutex::new(HashMap::new()),
        }
    }

    fn now_micros(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    pub fn tracked_keys(&self) -> usize {
        self.arrivals.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[async_trait]
impl RateLimiter for MemoryLimiter {
    async fn check(&self, key: &str, quota: Quota) -> Result<Decision, LimitError> {
        let now = self.now_micros();
        let mut arrivals = self.arrivals.lock().unwrap_or_else(|p| p.into_inner());
        if arrivals.len() > PRUNE_ABOVE {
            // An arrival time in the past means a whole quota: the same as no entry.
            arrivals.retain(|_, tat| *tat > now);
        }
        let (decision, new_tat) = gcra::decide(arrivals.get(key).copied(), now, quota);
        if let Some(tat) = new_tat {
            arrivals.insert(key.to_owned(), tat);
        }
        Ok(decision)
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}

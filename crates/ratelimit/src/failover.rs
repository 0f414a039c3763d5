//! Shared limits while Redis answers, this process's own when it does not.

use std::sync::Arc;

use async_trait::async_trait;

use crate::{Decision, LimitError, MemoryLimiter, Quota, RateLimiter};

/// Asks `shared` first; when it fails (Redis away or slow), decides with an in-process
/// limiter of the same algorithm, so limits keep holding per process instead of being
/// lifted, and no request waits on the outage.
pub struct FailoverLimiter {
    shared: Arc<dyn RateLimiter>,
    local: MemoryLimiter,
}

impl FailoverLimiter {
    pub fn new(shared: Arc<dyn RateLimiter>) -> Self {
        Self {
            shared,
            local: MemoryLimiter::new(),
        }
    }
}

#[async_trait]
impl RateLimiter for FailoverLimiter {
    async fn check(&self, key: &str, quota: Quota) -> Result<Decision, LimitError> {
        match self.shared.check(key, quota).await {
            Ok(decision) => Ok(decision),
            Err(_) => self.local.check(key, quota).await,
        }
    }

    fn backend(&self) -> &'static str {
        self.shared.backend()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Broken;

    #[async_trait]
    impl RateLimiter for Broken {
        async fn check(&self, _: &str, _: Quota) -> Result<Decision, LimitError> {
            Err(LimitError::Protocol("away".into()))
        }
        fn backend(&self) -> &'static str {
            "redis"
        }
    }

    #[tokio::test]
    async fn a_failing_shared_limiter_falls_back_to_local_limits() {
        let limiter = FailoverLimiter::new(Arc::new(Broken));
        let quota = Quota::per_minute(2);
        assert!(limiter.check("k", quota).await.unwrap().allowed);
        assert!(limiter.check("k", quota).await.unwrap().allowed);
        assert!(
            !limiter.check("k", quota).await.unwrap().allowed,
            "limits still hold"
        );
        assert_eq!(limiter.backend(), "redis");
    }
}

//! One behavioural suite, run against each backend.

use std::time::Duration;

use crate::{MemoryLimiter, Quota, RateLimiter, RedisLimiter};

async fn spends_and_refuses(limiter: &dyn RateLimiter) {
    let quota = Quota::per_minute(3);
    for expected_remaining in [2, 1, 0] {
        let d = limiter.check("user:1:search", quota).await.unwrap();
        assert!(d.allowed, "{d:?}");
        assert_eq!(d.limit, 3);
        assert_eq!(d.remaining, expected_remaining);
    }
    let refused = limiter.check("user:1:search", quota).await.unwrap();
    assert!(!refused.allowed);
    assert_eq!(refused.remaining, 0);
    let retry = refused.retry_after.expect("a refusal says when to retry");
    assert!(
        retry > Duration::from_secs(15) && retry <= Duration::from_secs(20),
        "{retry:?}"
    );
    assert_eq!(refused.retry_after_secs(), Some(20));
    assert!(refused.reset_secs() <= 60 && refused.reset_secs() >= 55);
    // Another key, and the same key under another quota class, are untouched.
    assert!(limiter.check("user:2:search", quota).await.unwrap().allowed);
    assert_eq!(
        limiter
            .check("user:1:general", Quota::per_minute(100))
            .await
            .unwrap()
            .remaining,
        99
    );
}

async fn refills_after_an_interval(limiter: &dyn RateLimiter) {
    // 20 requests per second: one every 50 ms.
    let quota = Quota {
        limit: 20,
        period_secs: 1,
    };
    while limiter.check("burst", quota).await.unwrap().allowed {}
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(limiter.check("burst", quota).await.unwrap().allowed);
}

#[tokio::test]
async fn memory_limiter_spends_and_refuses() {
    spends_and_refuses(&MemoryLimiter::new()).await;
    refills_after_an_interval(&MemoryLimiter::new()).await;
}

fn fresh_prefix() -> String {
    format!("obs-test-{}:", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn redis_limiter_spends_and_refuses() {
    let Some(url) = redislink::test_url() else { return };
    let limiter = RedisLimiter::connect(&url, &fresh_prefix()).await.unwrap();
    spends_and_refuses(&limiter).await;
    refills_after_an_interval(&limiter).await;
}

#[tokio::test]
async fn redis_limiters_in_two_instances_share_one_quota() {
    let Some(url) = redislink::test_url() else { return };
    let prefix = fresh_prefix();
    let a = RedisLimiter::connect(&url, &prefix).await.unwrap();
    let b = RedisLimiter::connect(&url, &prefix).await.unwrap();
    let quota = Quota::per_minute(4);
    for limiter in [&a, &b, &a, &b] {
        assert!(limiter.check("user:9:scrape", quota).await.unwrap().allowed);
    }
    assert!(!a.check("user:9:scrape", quota).await.unwrap().allowed);
    assert!(!b.check("user:9:scrape", quota).await.unwrap().allowed);
}

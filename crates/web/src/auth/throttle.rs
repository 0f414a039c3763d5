//! Login throttling by client IP and by username: failures count within a window, and a
//! key over its limit is refused until the window ends. In-process by default; Redis
//! when configured, so that every API instance sees the same counts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use redis::AsyncCommands;
use redislink::RedisLink;

#[async_trait]
pub trait LoginThrottle: Send + Sync + 'static {
    /// Seconds until `key` may try again, if it has reached `limit` failures.
    async fn blocked(&self, key: &str, limit: u32) -> anyhow::Result<Option<u64>>;
    async fn record_failure(&self, key: &str) -> anyhow::Result<()>;
    async fn reset(&self, key: &str) -> anyhow::Result<()>;
}

pub struct MemoryThrottle {
    window: Duration,
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

impl MemoryThrottle {
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn with_entries<R>(&self, f: impl FnOnce(&mut HashMap<String, (u32, Instant)>) -> R) -> R {
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let window = self.window;
        if guard.len() > 10_000 {
            guard.retain(|_, (_, started)| now.duration_since(*started) < window);
        }
        f(&mut guard)
    }
}

#[async_trait]
impl LoginThrottle for MemoryThrottle {
    async fn blocked(&self, key: &str, limit: u32) -> anyhow::Result<Option<u64>> {
        let window = self.window;
        Ok(self.with_entries(|entries| {
            let (count, started) = *entries.get(key)?;
            let elapsed = started.elapsed();
            (elapsed < window && count >= limit).then(|| (window - elapsed).as_secs().max(1))
        }))
    }

    async fn record_failure(&self, key: &str) -> anyhow::Result<()> {
        let window = self.window;
        self.with_entries(|entries| {
            let entry = entries.entry(key.to_owned()).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= window {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        });
        Ok(())
    }

    async fn reset(&self, key: &str) -> anyhow::Result<()> {
        self.with_entries(|entries| entries.remove(key));
        Ok(())
    }
}

/// Counts shared through Redis; while Redis is away, counts kept in this process (so
/// throttling goes on per instance and no login waits on, or fails with, the outage).
pub struct RedisThrottle {
    window: Duration,
    link: RedisLink,
    prefix: String,
    local: MemoryThrottle,
}

impl RedisThrottle {
    pub async fn connect(url: &str, window: Duration, prefix: &str) -> anyhow::Result<Self> {
        Ok(Self::with_link(RedisLink::connect(url).await?, window, prefix))
    }

    /// Over the process's one guarded connection (see `redislink`).
    pub fn with_link(link: RedisLink, window: Duration, prefix: &str) -> Self {
        Self {
            window,
            link,
            prefix: prefix.to_owned(),
            local: MemoryThrottle::new(window),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}login:{key}", self.prefix)
    }
}

#[async_trait]
impl LoginThrottle for RedisThrottle {
    async fn blocked(&self, key: &str, limit: u32) -> anyhow::Result<Option<u64>> {
        let redis_key = self.key(key);
        let shared = self
            .link
            .run(|mut conn| async move {
                redis::pipe()
                    .get(&redis_key)
                    .ttl(&redis_key)
                    .query_async::<(Option<u32>, i64)>(&mut conn)
                    .await
            })
            .await;
        let Ok((count, ttl)) = shared else {
            return self.local.blocked(key, limit).await;
        };
        let shared = match count {
            Some(c) if c >= limit => Some(u64::try_from(ttl).unwrap_or(1).max(1)),
            _ => None,
        };
        // Failures counted here during an outage still count until their window ends.
        Ok(shared.or(self.local.blocked(key, limit).await?))
    }

    async fn record_failure(&self, key: &str) -> anyhow::Result<()> {
        let redis_key = self.key(key);
        let secs = i64::try_from(self.window.as_secs()).unwrap_or(i64::MAX);
        // INCR then EXPIRE NX in one transaction: the window starts at the first failure.
        let shared = self
            .link
            .run(|mut conn| async move {
                redis::pipe()
                    .atomic()
                    .incr(&redis_key, 1u32)
                    .cmd("EXPIRE")
                    .arg(&redis_key)
                    .arg(secs)
                    .arg("NX")
                    .query_async::<(u32, i32)>(&mut conn)
                    .await
            })
            .await;
        if shared.is_err() {
            self.local.record_failure(key).await?;
        }
        Ok(())
    }

    async fn reset(&self, key: &str) -> anyhow::Result<()> {
        let redis_key = self.key(key);
        self.local.reset(key).await?;
        // A reset Redis misses only leaves a count that expires with its window.
        let _ = self
            .link
            .run(|mut conn| async move { conn.del::<_, i64>(redis_key).await })
            .await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exercise(t: &dyn LoginThrottle, key: &str) {
        t.reset(key).await.unwrap();
        assert_eq!(t.blocked(key, 2).await.unwrap(), None);
        t.record_failure(key).await.unwrap();
        assert_eq!(t.blocked(key, 2).await.unwrap(), None);
        t.record_failure(key).await.unwrap();
        let wait = t
            .blocked(key, 2)
            .await
            .unwrap()
            .expect("blocked after two failures");
        assert!((1..=60).contains(&wait), "{wait}");
        t.reset(key).await.unwrap();
        assert_eq!(t.blocked(key, 2).await.unwrap(), None);
    }

    #[tokio::test]
    async fn memory_throttle_blocks_after_limit() {
        exercise(&MemoryThrottle::new(Duration::from_secs(60)), "user:a").await;
    }

    #[tokio::test]
    async fn redis_throttle_blocks_after_limit() {
        let Some(url) = redislink::test_url() else {
            return; // Runs in CI's PostgreSQL + Redis pass.
        };
        let prefix = format!("obs-test-{}:", uuid::Uuid::new_v4().simple());
        let t = RedisThrottle::connect(&url, Duration::from_secs(60), &prefix)
            .await
            .unwrap();
        exercise(&t, "user:a").await;
    }
}

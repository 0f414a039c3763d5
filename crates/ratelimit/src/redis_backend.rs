use async_trait::async_trait;
use redislink::RedisLink;

use crate::{Decision, LimitError, Quota, RateLimiter, gcra};

/// `gcra::decide` in Lua, run atomically by Redis with Redis's own clock, so that every
/// instance agrees on time as well as on state. Returns `{allowed, reset_us, retry_us}`.
const GCRA_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if now < allow_at then
  return {0, tat - now, allow_at - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, new_tat - now, 0}
";

/// Limits shared by every process using the same Redis and key prefix.
pub struct RedisLimiter {
    link: RedisLink,
    prefix: String,
    script: redis::Script,
}

impl RedisLimiter {
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, LimitError> {
        Ok(Self::with_link(RedisLink::connect(url).await?, prefix))
    }

    /// Over the process's one guarded connection (see `redislink`).
    pub fn with_link(link: RedisLink, prefix: &str) -> Self {
        Self {
            link,
            prefix: format!("{prefix}rl:"),
            script: redis::Script::new(GCRA_SCRIPT),
        }
    }
}

#[async_trait]
impl RateLimiter for RedisLimiter {
    async fn check(&self, key: &str, quota: Quota) -> Result<Decision, LimitError> {
        let mut invocation = self.script.key(format!("{}{key}", self.prefix));
        invocation.arg(quota.interval_micros()).arg(quota.period_micros());
        let (allowed, reset, retry): (i64, i64, i64) = self
            .link
            .run(|mut conn| async move { invocation.invoke_async(&mut conn).await })
            .await?;
        let micros =
            |v: i64| u64::try_from(v).map_err(|_| LimitError::Protocol(format!("negative duration {v}")));
        if allowed == 1 {
            return Ok(gcra::allowed(micros(reset)?, quota));
        }
        Ok(Decision {
            allowed: false,
            limit: quota.limit,
            remaining: 0,
            reset: std::time::Duration::from_micros(micros(reset)?),
            retry_after: Some(std::time::Duration::from_micros(micros(retry)?)),
        })
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}

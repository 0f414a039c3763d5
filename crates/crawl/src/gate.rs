//! Host gates: the one place every job of every user in every process asks before a
//! request to a host starts. A gate keeps, per host, the earliest moment the next request
//! may start and the requests in flight (each under a lease, so a dead worker's slot frees
//! itself). Asking is one atomic step: in Redis when it is configured (a Lua script on
//! Redis's clock), in the database otherwise (a row lock on the database's clock).
//!
//! The politeness key is the URL's host name, lower case, without the port: two jobs that
//! crawl `www.dr.dk` share its gate whatever their scope, while `dr.dk` and `www.dr.dk`
//! are separate servers as far as load goes.

use std::sync::Arc;

use async_trait::async_trait;
use redislink::RedisLink;
use store::{GateAnswer, GateRequest, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("host gate (database): {0}")]
    Store(#[from] StoreError),
    #[error("host gate (Redis): {0}")]
    Redis(#[from] redislink::LinkError),
    #[error("host gate (Redis) answered {0}")]
    Protocol(String),
}

#[async_trait]
pub trait HostGate: Send + Sync + std::fmt::Debug {
    /// Asks for a slot; see [`GateAnswer`].
    async fn acquire(&self, request: &GateRequest<'_>) -> Result<GateAnswer, GateError>;
    /// Frees a granted slot.
    async fn release(&self, host: &str, token: &str) -> Result<(), GateError>;
    /// Where the gate lives, for the job's report.
    fn backend(&self) -> &'static str;
}

/// Gates in the database: PostgreSQL for a team, or one SQLite file that several
/// processes on one machine share.
#[derive(Debug, Clone)]
pub struct StoreGate(pub Arc<dyn Store>);

#[async_trait]
impl HostGate for StoreGate {
    async fn acquire(&self, request: &GateRequest<'_>) -> Result<GateAnswer, GateError> {
        Ok(self.0.gate_acquire(request).await?)
    }

    async fn release(&self, host: &str, token: &str) -> Result<(), GateError> {
        Ok(self.0.gate_release(host, token).await?)
    }

    fn backend(&self) -> &'static str {
        "database"
    }
}

/// The gate step in Lua: drop lapsed slots; refuse when the host has as many requests in
/// flight as the requester accepts; otherwise start at the later of now and the host's next
/// start, move the next start on by the requester's delay, and take a slot until the lease
/// ends. Returns `{granted, wait_ms | retry_ms}`.
const GATE_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[2])
local max_in_flight = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 1)
if redis.call('ZCARD', KEYS[2]) >= max_in_flight then
  return {0, math.max(20, math.min(250, math.floor(delay / 4)))}
end
local next_start = tonumber(redis.call('GET', KEYS[1])) or now
local start = math.max(now, next_start)
redis.call('SET', KEYS[1], string.format('%.0f', start + delay), 'PX', start + delay - now + 60000)
redis.call('ZADD', KEYS[2], start + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[2], start + lease - now + 1000)
return {1, start - now}
";

/// Gates in Redis, shared by every process using the same Redis and key prefix.
#[derive(Clone)]
pub struct RedisGate {
    link: RedisLink,
    prefix: String,
    script: Arc<redis::Script>,
}

impl std::fmt::Debug for RedisGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisGate")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisGate {
    pub fn new(link: RedisLink, prefix: &str) -> Self {
        Self {
            link,
            prefix: format!("{prefix}gate:"),
            script: Arc::new(redis::Script::new(GATE_SCRIPT)),
        }
    }

    fn keys(&self, host: &str) -> (String, String) {
        // The hash tag keeps a host's two keys on one cluster slot.
        (
            format!("{}{{{host}}}:next", self.prefix),
            format!("{}{{{host}}}:slots", self.prefix),
        )
    }
}

#[async_trait]
impl HostGate for RedisGate {
    async fn acquire(&self, request: &GateRequest<'_>) -> Result<GateAnswer, GateError> {
        let (next, slots) = self.keys(request.host);
        let mut invocation = self.script.key(next);
        invocation
            .key(slots)
            .arg(request.token)
            .arg(request.delay_ms.max(0))
            .arg(request.max_in_flight.max(1))
            .arg(request.lease_ms.max(0));
        let (granted, millis): (i64, i64) = self
            .link
            .run(|mut conn| async move { invocation.invoke_async(&mut conn).await })
            .await?;
        match granted {
            1 => Ok(GateAnswer::Granted { wait_ms: millis }),
            0 => Ok(GateAnswer::Busy { retry_ms: millis }),
            other => Err(GateError::Protocol(format!("granted = {other}"))),
        }
    }

    async fn release(&self, host: &str, token: &str) -> Result<(), GateError> {
        let (_, slots) = self.keys(host);
        let token = token.to_owned();
        self.link
            .run(|mut conn| async move {
                redis::cmd("ZREM")
                    .arg(slots)
                    .arg(token)
                    .query_async::<i64>(&mut conn)
                    .await
            })
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}

/// Redis while it answers, the database while it does not: Redis is an accelerator, and
/// the crawl goes on without it. (During an outage a process that still reaches Redis and
/// one that does not keep separate gates; both Redis failure modes here fail fast, so in
/// practice every process moves to the database together.)
#[derive(Debug)]
pub struct FailoverGate {
    redis: RedisGate,
    database: StoreGate,
    /// Slots the database granted (while Redis was away): released there, and only those,
    /// so a healthy Redis costs no database write per request.
    from_database: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Tokens whose Redis ask failed without saying whether the script ran (a timeout, a
    /// connection lost mid-call): Redis may hold a slot for them, which the release frees
    /// there too, instead of leaving it taken until its lease lapses.
    maybe_in_redis: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl FailoverGate {
    pub fn new(redis: RedisGate, database: StoreGate) -> Self {
        Self {
            redis,
            database,
            from_database: Default::default(),
            maybe_in_redis: Default::default(),
        }
    }
}

/// Adds (`add`) or takes out a token of a set; says whether it changed the set.
fn mark(set: &std::sync::Mutex<std::collections::HashSet<String>>, token: &str, add: bool) -> bool {
    let mut tokens = set.lock().unwrap_or_else(|e| e.into_inner());
    if add {
        tokens.insert(token.to_owned())
    } else {
        tokens.remove(token)
    }
}

#[async_trait]
impl HostGate for FailoverGate {
    async fn acquire(&self, request: &GateRequest<'_>) -> Result<GateAnswer, GateError> {
        match self.redis.acquire(request).await {
            Ok(answer) => Ok(answer),
            Err(GateError::Redis(e)) => {
                if !matches!(e, redislink::LinkError::Degraded) {
                    mark(&self.maybe_in_redis, request.token, true);
                }
                metrics::counter!("observatory_gate_failovers_total").increment(1);
                let answer = self.database.acquire(request).await?;
                if matches!(answer, GateAnswer::Granted { .. }) {
                    mark(&self.from_database, request.token, true);
                }
                Ok(answer)
            }
            Err(e) => Err(e),
        }
    }

    async fn release(&self, host: &str, token: &str) -> Result<(), GateError> {
        let maybe_in_redis = mark(&self.maybe_in_redis, token, false);
        if mark(&self.from_database, token, false) {
            if maybe_in_redis {
                // Best effort: if Redis is still away, the slot's lease frees it there.
                let _ = self.redis.release(host, token).await;
            }
            return self.database.release(host, token).await;
        }
        self.redis.release(host, token).await
    }

    fn backend(&self) -> &'static str {
        if self.redis.link.is_degraded() {
            "database"
        } else {
            "redis"
        }
    }
}

/// The politeness key of a URL: its host name, lower case, without the port.
pub fn politeness_key(url: &url::Url) -> String {
    url.host_str()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_politeness_key_is_the_host_name() {
        let key = |u: &str| politeness_key(&url::Url::parse(u).unwrap());
        assert_eq!(key("https://WWW.DR.dk:8443/a?b"), "www.dr.dk");
        assert_eq!(key("http://www.dr.dk./"), "www.dr.dk");
        assert_ne!(key("https://dr.dk/"), key("https://www.dr.dk/"));
    }

    #[tokio::test]
    async fn the_redis_gate_spaces_starts_and_bounds_slots() {
        let Some(url) = redislink::test_url() else {
            return;
        };
        let link = RedisLink::connect(&url).await.unwrap();
        let prefix = format!("test:{}:", uuid_like());
        let gate = RedisGate::new(link, &prefix);
        let ask = |token: &'static str, delay_ms, max| GateRequest {
            host: "a.dk",
            token,
            delay_ms,
            max_in_flight: max,
            lease_ms: 60_000,
        };
        let waits: Vec<i64> = {
            let mut waits = Vec::new();
            for token in ["t1", "t2", "t3"] {
                match gate.acquire(&ask(token, 10_000, 8)).await.unwrap() {
                    GateAnswer::Granted { wait_ms } => waits.push(wait_ms),
                    busy => panic!("{busy:?}"),
                }
            }
            waits
        };
        assert!(waits[0] <= 5 && (9_000..=10_000).contains(&waits[1]), "{waits:?}");
        assert!((19_000..=20_000).contains(&waits[2]), "{waits:?}");
        // Three in flight: a requester that accepts two waits, until one is released.
        assert!(matches!(
            gate.acquire(&ask("t4", 0, 3)).await.unwrap(),
            GateAnswer::Busy { .. }
        ));
        gate.release("a.dk", "t1").await.unwrap();
        assert!(matches!(
            gate.acquire(&ask("t4", 0, 3)).await.unwrap(),
            GateAnswer::Granted { .. }
        ));
    }

    fn uuid_like() -> String {
        format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        )
    }
}

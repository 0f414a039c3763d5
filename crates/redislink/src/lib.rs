//! The process's connection to Redis, used by login throttling, rate limits, the response
//! cache and the search engines' shared quotas.
//!
//! Redis is an accelerator, never a dependency: with its defaults the connection manager
//! retried a lost connection six times with growing delays, so a 15 s outage made every
//! request wait 9–19 s. Here every command has a deadline of [`CALL_TIMEOUT`]; the first
//! failure marks the link *degraded*, after which commands fail at once (callers fall back:
//! local limits, no cache) while a background probe pings Redis until it answers again.
//! Then the link is healthy, and whoever subscribed to [`RedisLink::recoveries`] catches
//! up on what it missed (the cache flushes and replays invalidations).
#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::watch;

/// The longest one command may take before Redis counts as away.
pub const CALL_TIMEOUT: Duration = Duration::from_millis(50);
/// How long connecting may take (the probe's reconnects; loopback refuses at once).
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(250);
/// How often a degraded link asks Redis whether it is back.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("Redis is unavailable (bypassed until it answers again)")]
    Degraded,
    /// The command may or may not have run on the server.
    #[error("Redis did not answer in time")]
    Timeout,
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
}

#[derive(Clone)]
pub struct RedisLink(Arc<Inner>);

struct Inner {
    conn: ConnectionManager,
    /// The deadline of one command.
    call_timeout: Duration,
    degraded: AtomicBool,
    /// Counts recoveries; subscribers wake on each.
    recoveries: watch::Sender<u64>,
}

impl std::fmt::Debug for RedisLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLink")
            .field("degraded", &self.is_degraded())
            .finish_non_exhaustive()
    }
}

impl RedisLink {
    /// Connects (the server must answer now: a wrong URL is a configuration error worth
    /// refusing to start for); later outages are survived.
    pub async fn connect(url: &str) -> Result<Self, LinkError> {
        Self::connect_with_deadline(url, CALL_TIMEOUT).await
    }

    /// [`RedisLink::connect`] with another deadline per command: for work off the request
    /// path (host gates), where a busy process's slower answer is not yet an outage, and
    /// counting it as one would cost more (a switch of gates) than waiting.
    pub async fn connect_with_deadline(url: &str, call_timeout: Duration) -> Result<Self, LinkError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(call_timeout))
            // One attempt per reconnect: the probe is the retry loop, at its own pace.
            .set_number_of_retries(0);
        let conn = tokio::time::timeout(
            CONNECT_TIMEOUT * 8,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| LinkError::Timeout)??;
        let (recoveries, _) = watch::channel(0);
        metrics::gauge!("observatory_redis_up").set(1.0);
        Ok(Self(Arc::new(Inner {
            conn,
            call_timeout,
            degraded: AtomicBool::new(false),
            recoveries,
        })))
    }

    pub fn is_degraded(&self) -> bool {
        self.0.degraded.load(Ordering::SeqCst)
    }

    /// Wakes (with a new number) each time the link recovers from an outage.
    pub fn recoveries(&self) -> watch::Receiver<u64> {
        self.0.recoveries.subscribe()
    }

    /// Runs one command (or pipeline, or script) with the deadline; while degraded, fails
    /// at once without touching the network.
    pub async fn run<T, F, Fut>(&self, command: F) -> Result<T, LinkError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if self.is_degraded() {
            return Err(LinkError::Degraded);
        }
        let outcome = match tokio::time::timeout(self.0.call_timeout, command(self.0.conn.clone())).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) if !is_connection_problem(&e) => return Err(LinkError::Redis(e)),
            Ok(Err(e)) => LinkError::Redis(e),
            Err(_) => LinkError::Timeout,
        };
        self.degrade(&outcome);
        Err(outcome)
    }

    fn degrade(&self, why: &LinkError) {
        if self.0.degraded.swap(true, Ordering::SeqCst) {
            return;
        }
        tracing::warn!(error = %why, "Redis is unavailable: bypassing it (no shared cache, local rate limits and throttling) until it answers");
        metrics::counter!("observatory_redis_outages_total").increment(1);
        metrics::gauge!("observatory_redis_up").set(0.0);
        let link = self.clone();
        tokio::spawn(async move { link.probe_until_back().await });
    }

    async fn probe_until_back(self) {
        let mut ticker = tokio::time::interval(PROBE_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let mut conn = self.0.conn.clone();
            let ping = tokio::time::timeout(
                CONNECT_TIMEOUT + self.0.call_timeout,
                redis::cmd("PING").query_async::<String>(&mut conn),
            )
            .await;
            if matches!(ping, Ok(Ok(_))) {
                self.0.degraded.store(false, Ordering::SeqCst);
                self.0.recoveries.send_modify(|n| *n += 1);
                metrics::counter!("observatory_redis_recoveries_total").increment(1);
                metrics::gauge!("observatory_redis_up").set(1.0);
                tracing::info!("Redis answers again: shared cache and limits resume");
                return;
            }
        }
    }
}

/// Errors that say the server is unreachable, as opposed to a command it refused.
fn is_connection_problem(e: &redis::RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || e.is_unrecoverable_error()
}

/// The Redis of the test run (`OBSERVATORY_TEST_REDIS_URL`), or `None` when the run has
/// none. With `OBSERVATORY_TEST_REQUIRE_REDIS` set (CI's PostgreSQL + Redis pass) a missing
/// URL fails the test instead of skipping it.
#[cfg(feature = "testing")]
pub fn test_url() -> Option<String> {
    match std::env::var("OBSERVATORY_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("OBSERVATORY_TEST_REQUIRE_REDIS").is_none(),
                "OBSERVATORY_TEST_REQUIRE_REDIS is set but OBSERVATORY_TEST_REDIS_URL is not"
            );
            None
        }
    }
}

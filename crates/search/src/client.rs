//! Shared transport for every engine: one HTTP client, a per-engine request spacing,
//! retries with exponential backoff and jitter that honour `Retry-After`, and paging.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::Rng;
use secrecy::ExposeSecret;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::engine::{Engine, EngineError, Hit, HttpCall, Method, QueryParams};

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this fails the query instead of stalling the worker.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Full jitter: uniform in [0, min(max, base·2^attempt)].
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let millis = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }
}

/// Spaces requests to one engine key at least `interval` apart across every session this
/// process runs; or, once [`RequestSpacing::share`] is called, holds them to the engine's
/// quota through a rate limiter every process shares (Redis), as the API's quotas are.
pub struct RequestSpacing {
    interval: Duration,
    next: Mutex<Option<Instant>>,
    shared: std::sync::OnceLock<SharedQuota>,
}

struct SharedQuota {
    limiter: Arc<dyn ratelimit::RateLimiter>,
    key: String,
    quota: ratelimit::Quota,
}

impl std::fmt::Debug for RequestSpacing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestSpacing")
            .field("interval", &self.interval)
            .field("shared", &self.shared.get().map(|s| (&s.key, s.quota)))
            .finish()
    }
}

impl RequestSpacing {
    pub fn per_second(rate: f64) -> Self {
        // Zero, negative or non-finite means no spacing; an absurdly low rate is capped.
        let interval = if rate > 0.0 && rate.is_finite() {
            Duration::try_from_secs_f64(1.0 / rate).unwrap_or(Duration::from_secs(3600))
        } else {
            Duration::ZERO
        };
        Self {
            interval,
            next: Mutex::new(None),
            shared: std::sync::OnceLock::new(),
        }
    }

    /// The quota that spends one request per `interval`: whole requests per second where the
    /// rate allows, else one request per whole number of seconds.
    fn quota(&self) -> Option<ratelimit::Quota> {
        if self.interval.is_zero() {
            return None;
        }
        let per_second = 1.0 / self.interval.as_secs_f64();
        Some(if per_second >= 1.0 {
            ratelimit::Quota {
                limit: per_second.floor().min(f64::from(u32::MAX)) as u32,
                period_secs: 1,
            }
        } else {
            ratelimit::Quota {
                limit: 1,
                period_secs: self.interval.as_secs_f64().ceil() as u64,
            }
        })
    }

    /// Spends from `key` in `limiter` from now on. No-op without a rate, or if already shared.
    pub fn share(&self, limiter: Arc<dyn ratelimit::RateLimiter>, key: String) {
        if let Some(quota) = self.quota() {
            let _ = self.shared.set(SharedQuota { limiter, key, quota });
        }
    }

    async fn wait_turn(&self) {
        if let Some(shared) = self.shared.get() {
            loop {
                match shared.limiter.check(&shared.key, shared.quota).await {
                    Ok(d) if d.allowed => return,
                    Ok(d) => tokio::time::sleep(d.retry_after.unwrap_or(self.interval)).await,
                    Err(e) => {
                        // Without the shared count, fall back to this process's spacing.
                        tracing::warn!(error = %e, key = %shared.key, "engine quota unavailable; spacing locally");
                        break;
                    }
                }
            }
        }
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

/// One engine response page as kept for reproducibility.
#[derive(Debug, Clone)]
pub struct RawPage {
    pub page: u32,
    /// Method, URL and body as sent, with secrets masked.
    pub request: Value,
    pub status: u16,
    pub body: Vec<u8>,
    pub fetched_at: DateTime<Utc>,
}

/// A result hit with its place in the list.
#[derive(Debug, Clone)]
pub struct RankedHit {
    /// 1-based, absolute across pages.
    pub rank: u32,
    /// 0-based page it came from (index into [`QueryRun::pages`]).
    pub page: u32,
    pub hit: Hit,
}

/// Everything one query produced, whether or not it succeeded.
#[derive(Debug, Clone, Default)]
pub struct QueryRun {
    pub hits: Vec<RankedHit>,
    pub pages: Vec<RawPage>,
    /// Requests sent, counting retries.
    pub requests: u32,
    /// Pauses before retries, in order.
    pub waits: Vec<Duration>,
    /// Why fewer than `max_results` were collected, when they were.
    pub shortfall: Option<String>,
    pub error: Option<EngineError>,
}

/// Told after every page of a query run.
pub trait OnPage: Send {
    type Error: Send;
    fn page_done(
        &mut self,
        page: u32,
        collected: usize,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// Ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl OnPage for NoProgress {
    type Error = std::convert::Infallible;
    async fn page_done(&mut self, _page: u32, _collected: usize) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// An engine with its transport.
pub struct EngineClient {
    engine: Arc<dyn Engine>,
    http: reqwest::Client,
    spacing: RequestSpacing,
    retry: RetryPolicy,
}

impl std::fmt::Debug for EngineClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineClient")
            .field("engine", &self.engine.kind())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl EngineClient {
    pub fn new(
        engine: Arc<dyn Engine>,
        http: reqwest::Client,
        spacing: RequestSpacing,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            engine,
            http,
            spacing,
            retry,
        }
    }

    pub fn engine(&self) -> &dyn Engine {
        self.engine.as_ref()
    }

    /// Holds this engine to its rate through a limiter shared with other processes.
    pub fn share_quota(&self, limiter: Arc<dyn ratelimit::RateLimiter>) {
        self.spacing
            .share(limiter, format!("search-engine:{}", self.engine.kind().as_str()));
    }

    /// Runs one query, paging until `max_results`, the engine's ceiling, or an empty page.
    /// `on_page` is told after each page (for progress and cancellation); an error from it
    /// stops the run.
    pub async fn run_query<P: OnPage>(
        &self,
        params: &QueryParams,
        on_page: &mut P,
    ) -> Result<QueryRun, P::Error> {
        let limits = self.engine.limits();
        let wanted = params.max_results;
        let target = limits.max_results.map_or(wanted, |ceiling| wanted.min(ceiling));
        let mut run = QueryRun::default();
        if let Some(ceiling) = limits.max_results
            && ceiling < wanted
        {
            run.shortfall = Some(format!(
                "{} returns at most {ceiling} results per query",
                self.engine.kind().label()
            ));
        }
        let max_pages = target.div_ceil(limits.page_size.max(1)).max(1)
            // Engines whose page size varies (SearXNG) may need more pages than nominal.
            + if limits.max_results.is_none() { 5 } else { 0 };

        let mut page = 0;
        while (run.hits.len() as u32) < target && page < max_pages {
            let call = self.engine.page_call(params, page);
            let response = match self.send(&call, &mut run).await {
                Ok(r) => r,
                Err(e) => {
                    run.error = Some(e);
                    break;
                }
            };
            let parsed = self.engine.parse(&response.body);
            run.pages.push(RawPage {
                page,
                request: call.redacted(),
                status: response.status,
                body: response.body,
                fetched_at: Utc::now(),
            });
            let hits = match parsed {
                Ok(h) => h,
                Err(e) => {
                    run.error = Some(e);
                    break;
                }
            };
            if hits.is_empty() {
                if (run.hits.len() as u32) < target && run.shortfall.is_none() {
                    run.shortfall = Some(format!(
                        "{} had no more results after {}",
                        self.engine.kind().label(),
                        run.hits.len()
                    ));
                }
                break;
            }
            let room = (target as usize).saturating_sub(run.hits.len());
            for hit in hits.into_iter().take(room) {
                let rank = run.hits.len() as u32 + 1;
                run.hits.push(RankedHit { rank, page, hit });
            }
            on_page.page_done(page, run.hits.len()).await?;
            page += 1;
        }
        if run.error.is_none() && run.shortfall.is_none() && (run.hits.len() as u32) < target {
            run.shortfall = Some(format!(
                "{} returned {} results in {page} pages",
                self.engine.kind().label(),
                run.hits.len()
            ));
        }
        Ok(run)
    }

    async fn send(&self, call: &HttpCall, run: &mut QueryRun) -> Result<Response, EngineError> {
        let kind = self.engine.kind();
        let mut attempt = 0;
        loop {
            self.spacing.wait_turn().await;
            run.requests += 1;
            metrics::counter!("observatory_search_requests_total", "engine" => kind.as_str()).increment(1);
            let outcome = self.send_once(call).await;
            let (error, retry_after) = match outcome {
                Ok(r) if (200..300).contains(&r.status) => return Ok(r),
                Ok(r) => (self.engine.classify(r.status, &r.body), r.retry_after),
                Err(e) => (e, None),
            };
            let error = match (error, retry_after) {
                (EngineError::RateLimited { engine, .. }, Some(after)) => EngineError::RateLimited {
                    engine,
                    retry_after_secs: Some(after.as_secs()),
                },
                (e, _) => e,
            };
            if !error.is_transient() || attempt >= self.retry.max_retries {
                return Err(error);
            }
            let wait = match retry_after {
                Some(after) if after > self.retry.max_retry_after => return Err(error),
                Some(after) => after,
                None => self.retry.backoff(attempt),
            };
            tracing::warn!(engine = %kind, attempt, wait_ms = wait.as_millis() as u64, %error, "retrying search request");
            run.waits.push(wait);
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(&self, call: &HttpCall) -> Result<Response, EngineError> {
        let kind = self.engine.kind();
        let url = call.url_with_secrets();
        let mut request = match call.method {
            Method::Get => self.http.get(url),
            Method::Post => self.http.post(url),
        };
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        for (name, value) in &call.secret_headers {
            let mut header = reqwest::header::HeaderValue::from_str(value.expose_secret()).map_err(|_| {
                EngineError::Transport {
                    engine: kind,
                    message: format!("the configured {name} contains characters not allowed in a header"),
                }
            })?;
            header.set_sensitive(true);
            request = request.header(*name, header);
        }
        if let Some(body) = &call.json {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| transport_error(kind, e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(kind, e))?
            .to_vec();
        Ok(Response {
            status,
            body,
            retry_after,
        })
    }
}

struct Response {
    status: u16,
    body: Vec<u8>,
    retry_after: Option<Duration>,
}

fn transport_error(engine: crate::EngineKind, e: reqwest::Error) -> EngineError {
    if e.is_timeout() {
        return EngineError::Timeout { engine };
    }
    // reqwest's Display includes the URL, which may carry a key in its query string.
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    EngineError::Transport { engine, message }
}

/// `Retry-After` as delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.with_timezone(&Utc) - Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn any_configured_rate_gives_a_usable_spacing() {
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-300, 5.0] {
            assert!(RequestSpacing::per_second(rate).interval <= Duration::from_secs(3600));
        }
        assert_eq!(
            RequestSpacing::per_second(4.0).interval,
            Duration::from_millis(250)
        );
    }

    #[test]
    fn backoff_stays_within_its_cap() {
        let policy = RetryPolicy::default();
        for attempt in 0..20 {
            assert!(policy.backoff(attempt) <= policy.max_delay);
        }
        assert!(policy.backoff(0) <= policy.base_delay);
    }
}

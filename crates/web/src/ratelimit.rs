//! Per-user request quotas by endpoint class. Every request spends from `general`; starting
//! a search, a scrape or a network also spends from its own class. Anonymous requests are
//! counted per client IP. Responses carry `RateLimit-Limit/Remaining/Reset` for the
//! tightest quota involved; a refusal is a 429 in the error envelope with `Retry-After`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ratelimit::{Decision, Quota, RateLimiter};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::{bearer, cookie};
use crate::client_addr::ClientAddr;
use crate::error::AppError;
use crate::state::AppState;

/// Quotas per endpoint class; `enabled = false` turns request limiting off (login
/// throttling after failures stays on).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    pub enabled: bool,
    pub general: Quota,
    pub search: Quota,
    pub scrape: Quota,
    pub network: Quota,
    /// Login attempts per client IP and username, successful or not.
    pub login: Quota,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            general: Quota::per_minute(100),
            search: Quota::per_minute(10),
            scrape: Quota::per_minute(5),
            network: Quota::per_hour(5),
            login: Quota::per_minute(10),
        }
    }
}

impl RateLimits {
    /// Every quota a deployment could run with; a zero is a configuration error.
    pub fn validate(&self) -> Result<(), String> {
        for (name, quota) in self.classes() {
            quota.validate().map_err(|e| format!("rate_limits.{name}: {e}"))?;
        }
        Ok(())
    }

    fn classes(&self) -> [(&'static str, Quota); 5] {
        [
            ("general", self.general),
            ("search", self.search),
            ("scrape", self.scrape),
            ("network", self.network),
            ("login", self.login),
        ]
    }

    /// The expensive class a route belongs to, besides `general`.
    fn class_of(&self, method: &Method, route: &str) -> Option<(&'static str, Quota)> {
        if method != Method::POST {
            return None;
        }
        match route {
            "/api/search/sessions" | "/api/search/sessions/{id}/rerun" => Some(("search", self.search)),
            "/api/crawls" | "/api/crawls/{id}/resume" => Some(("scrape", self.scrape)),
            "/api/networks" => Some(("network", self.network)),
            _ => None,
        }
    }
}

/// Probes and scrapes must answer however busy a client is.
fn exempt(route: &str) -> bool {
    route.starts_with("/health") || route == "/metrics"
}

/// Who spends: the user named by a validly signed token, else the client address. The
/// token's session is checked later by the handler; a forged token cannot pass the signature.
fn identity(state: &AppState, headers: &HeaderMap, client: Option<IpAddr>) -> String {
    let token = bearer(headers).or_else(|| cookie(headers));
    if let Some(claims) = token.and_then(|t| state.tokens.verify(t)) {
        return format!("user:{}", claims.sub);
    }
    match client {
        Some(ip) => format!("ip:{ip}"),
        None => "ip:unknown".to_owned(),
    }
}

/// Spends one request; a backend failure lets the request through (and is logged), since
/// refusing all traffic because Redis blinked would be worse than a moment without limits.
pub async fn spend(
    limiter: &Arc<dyn RateLimiter>,
    class: &'static str,
    key: &str,
    quota: Quota,
) -> Option<Decision> {
    match limiter.check(&format!("{class}:{key}"), quota).await {
        Ok(decision) => {
            let outcome = if decision.allowed { "allowed" } else { "refused" };
            metrics::counter!("observatory_rate_limit_decisions_total", "class" => class, "outcome" => outcome)
                .increment(1);
            Some(decision)
        }
        Err(e) => {
            metrics::counter!("observatory_rate_limit_decisions_total", "class" => class, "outcome" => "error")
                .increment(1);
            tracing::warn!(error = %e, backend = limiter.backend(), "rate limiter unavailable; request let through");
            None
        }
    }
}

pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = &state.config.rate_limits;
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let Some(route) = route.filter(|r| limits.enabled && !exempt(r)) else {
        return next.run(request).await;
    };
    // The client behind any trusted proxy (see `client_addr`), else the peer.
    let client = request.extensions().get::<ClientAddr>().map(|c| c.0).or_else(|| {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
    });
    let who = identity(&state, request.headers(), client);

    let mut tightest = spend(&state.limiter, "general", &who, limits.general).await;
    if tightest.is_some_and(|d| d.allowed)
        && let Some((class, quota)) = limits.class_of(request.method(), &route)
        && let Some(decision) = spend(&state.limiter, class, &who, quota).await
    {
        tightest = Some(decision);
    }

    let mut response = match tightest {
        Some(d) if !d.allowed => AppError::RateLimited {
            retry_after_secs: d.retry_after_secs().unwrap_or(1),
        }
        .into_response(),
        _ => next.run(request).await,
    };
    if let Some(decision) = tightest {
        set_headers(response.headers_mut(), &decision);
    }
    response
}

pub fn set_headers(headers: &mut HeaderMap, decision: &Decision) {
    for (name, value) in [
        ("ratelimit-limit", u64::from(decision.limit)),
        ("ratelimit-remaining", u64::from(decision.remaining)),
        ("ratelimit-reset", decision.reset_secs()),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
}

use std::sync::Arc;
use std::time::Duration;

use jobs::{Registry, WorkerLiveness};
use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::SecretString;
use store::Store;

use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::ratelimit::RateLimits;
use ratelimit::RateLimiter;

/// What the HTTP layer needs to know from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub secret_key: SecretString,
    pub token_ttl: Duration,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Origins allowed cross-origin requests; empty = CORS off.
    pub cors_allowed_origins: Vec<String>,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub login_window: Duration,
    pub login_max_failures_per_user: u32,
    pub login_max_failures_per_ip: u32,
    pub rate_limits: RateLimits,
    /// Sign browsers on loopback in as this user without a password (the demo only).
    pub auto_login: Option<String>,
    /// Peers whose `X-Forwarded-For` / `Forwarded` name the client.
    pub trusted_proxies: crate::client_addr::TrustedProxies,
}

impl WebConfig {
    pub fn for_secret(secret_key: SecretString) -> Self {
        Self {
            secret_key,
            token_ttl: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            cors_allowed_origins: Vec::new(),
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 1024 * 1024,
            login_window: Duration::from_secs(15 * 60),
            login_max_failures_per_user: 5,
            login_max_failures_per_ip: 20,
            rate_limits: RateLimits::default(),
            auto_login: None,
            trusted_proxies: Default::default(),
        }
    }
}

/// State that several API instances may share through Redis.
pub struct SharedState {
    pub throttle: Arc<dyn LoginThrottle>,
    pub limiter: Arc<dyn RateLimiter>,
    pub cache: cache::Cache,
    /// The guarded Redis connection behind them, when configured (readiness reports it).
    pub redis: Option<redislink::RedisLink>,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub registry: Registry,
    /// The search engines this deployment has keys and endpoints for.
    pub engines: Arc<search::Engines>,
    pub config: WebConfig,
    pub tokens: TokenKeys,
    pub throttle: Arc<dyn LoginThrottle>,
    pub limiter: Arc<dyn RateLimiter>,
    pub cache: cache::Cache,
    pub metrics: PrometheusHandle,
    /// Present when this process runs workers; readiness then requires a fresh heartbeat.
    pub workers: Option<WorkerLiveness>,
    /// Whether the database answers (see `db_health`).
    pub db_health: crate::db_health::DatabaseHealth,
    pub redis: Option<redislink::RedisLink>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        registry: Registry,
        engines: Arc<search::Engines>,
        config: WebConfig,
        shared: SharedState,
        workers: Option<WorkerLiveness>,
    ) -> Self {
        let tokens = TokenKeys::new(&config.secret_key);
        let db_health = crate::db_health::DatabaseHealth::monitor(store.clone());
        Self(Arc::new(Inner {
            db_health,
            store,
            registry,
            engines,
            config,
            tokens,
            throttle: shared.throttle,
            limiter: shared.limiter,
            cache: shared.cache,
            redis: shared.redis,
            metrics: crate::metrics::handle(),
            workers,
        }))
    }
}

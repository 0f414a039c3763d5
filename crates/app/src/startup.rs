//! Wiring: open and migrate the store, start workers, build the router, bind.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jobs::{Registry, WorkerHandle};
use ratelimit::{FailoverLimiter, MemoryLimiter, RedisLimiter};
use secrecy::ExposeSecret;
use store::Store;
use web::auth::throttle::{MemoryThrottle, RedisThrottle};

use crate::settings::Settings;

/// The account `observatory demo` creates and signs its one visitor in as.
pub const DEMO_USER: &str = "demo";

#[derive(Debug, Clone, Copy, Default)]
pub struct ServeMode {
    pub workers: bool,
    pub demo: bool,
}

pub struct Application {
    listener: tokio::net::TcpListener,
    state: web::AppState,
    store: Arc<dyn Store>,
    workers: Option<WorkerHandle>,
}

/// Opens the configured database and applies migrations.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::connect(&settings.database_url, &settings.store_options())
        .await
        .with_context(|| format!("opening {}", store::redact_url(&settings.database_url)))?;
    store.migrate().await.context("applying migrations")?;
    Ok(store)
}

/// The response cache for a process. With Redis, every process shares it and hears every
/// invalidation. Without Redis, only a process that runs the workers itself sees every
/// write; an API without its own workers then caches nothing rather than serve stale views.
pub async fn response_cache(
    settings: &Settings,
    runs_workers: bool,
    link: Option<&redislink::RedisLink>,
) -> anyhow::Result<cache::Cache> {
    Ok(match &settings.redis_url {
        Some(url) => {
            let link = match link {
                Some(link) => link.clone(),
                None => redis_link(url.expose_secret()).await?,
            };
            cache::Cache::with_link(
                &settings.cache,
                link,
                url.expose_secret(),
                &settings.redis_key_prefix,
            )
            .await
            .context("connecting to Redis")?
        }
        None if runs_workers => cache::Cache::local(&settings.cache),
        None => {
            if settings.cache.enabled {
                tracing::info!("response cache off: no Redis, and the workers run in other processes");
            }
            cache::Cache::disabled()
        }
    })
}

/// What a process that only runs jobs needs to tell the API instances about its writes.
pub async fn worker_cache(settings: &Settings) -> anyhow::Result<cache::Cache> {
    match settings.redis_url {
        Some(_) => response_cache(settings, false, None).await,
        None => Ok(cache::Cache::disabled()),
    }
}

/// Login throttling, request quotas and the response cache: in this process, or shared
/// through Redis.
pub async fn shared_state(settings: &Settings, runs_workers: bool) -> anyhow::Result<web::SharedState> {
    let window = Duration::from_secs(settings.auth.login_window_secs);
    let prefix = &settings.redis_key_prefix;
    Ok(match &settings.redis_url {
        Some(url) => {
            // One guarded connection for all of them: one view of whether Redis is there.
            let link = redis_link(url.expose_secret()).await?;
            let cache = response_cache(settings, runs_workers, Some(&link)).await?;
            let shared = RedisLimiter::with_link(link.clone(), prefix);
            web::SharedState {
                throttle: Arc::new(RedisThrottle::with_link(link.clone(), window, prefix)),
                limiter: Arc::new(FailoverLimiter::new(Arc::new(shared))),
                cache,
                redis: Some(link),
            }
        }
        None => web::SharedState {
            throttle: Arc::new(MemoryThrottle::new(window)),
            limiter: Arc::new(MemoryLimiter::new()),
            cache: response_cache(settings, runs_workers, None).await?,
            redis: None,
        },
    })
}

async fn redis_link(url: &str) -> anyhow::Result<redislink::RedisLink> {
    redislink::RedisLink::connect(url)
        .await
        .with_context(|| format!("connecting to Redis at {}", store::redact_url(url)))
}

/// With Redis, every process's search engines spend from one quota per engine; without
/// it, each process spaces its own requests (one process is the norm then).
/// `link` is the process's guarded connection when it has one already.
pub async fn share_engine_quotas(
    settings: &Settings,
    engines: &search::Engines,
    link: Option<&redislink::RedisLink>,
) -> anyhow::Result<()> {
    if let Some(url) = &settings.redis_url {
        let link = match link {
            Some(link) => link.clone(),
            None => redis_link(url.expose_secret()).await?,
        };
        let shared = RedisLimiter::with_link(link, &settings.redis_key_prefix);
        // While Redis is away each process spaces its own requests, as without Redis.
        engines.share_quotas(Arc::new(FailoverLimiter::new(Arc::new(shared))));
    }
    Ok(())
}

/// Every job kind, with the search engines the search jobs use.
pub fn job_registry(settings: &Settings) -> anyhow::Result<(Registry, Arc<search::Engines>)> {
    let engines = Arc::new(settings.engines().context("configuring search engines")?);
    let registry = Registry::standard()
        .with(search::RunSearchSession::new(engines.clone()))
        .with(crawl::RunCrawl::new(crawl::CrawlerSettings {
            // With Redis, host gates live there (the database while it is away).
            shared_redis: settings.redis_url.as_ref().map(|url| crawl::RedisTarget {
                url: url.expose_secret().to_owned(),
                key_prefix: settings.redis_key_prefix.clone(),
            }),
            ..settings.crawl.crawler()
        }))
        .with(analysis::RunAnalysis::new())
        .with(networks::RunNetwork::new());
    Ok((registry, engines))
}

/// Demo mode signs browsers on this machine in as an administrator and may run on the
/// development secret: it serves loopback addresses only, unless `flag` says otherwise
/// (then with a warning).
pub fn check_demo_bind(bind: &str, allow_remote: bool, flag: &str) -> anyhow::Result<()> {
    if binds_loopback_only(bind) {
        return Ok(());
    }
    anyhow::ensure!(
        allow_remote,
        "demo mode serves loopback addresses only, and `{bind}` is not one: the demo runs on a \
         development secret and with a demo administrator. Bind 127.0.0.1 (or [::1]), or pass \
         {flag} to serve it to the network anyway"
    );
    tracing::warn!(
        bind,
        "demo mode on a non-loopback address: anyone who reaches it can log in as `demo` with its \
         password, and tokens may be signed with the development secret"
    );
    eprintln!(
        "warning: serving the demo on {bind}, beyond this machine; only browsers on this machine are \
         signed in automatically"
    );
    Ok(())
}

/// Whether `bind` (`host:port`) names a loopback address or `localhost`.
fn binds_loopback_only(bind: &str) -> bool {
    if let Ok(addr) = bind.parse::<std::net::SocketAddr>() {
        return addr.ip().is_loopback();
    }
    bind.rsplit_once(':')
        .is_some_and(|(host, _)| host.eq_ignore_ascii_case("localhost"))
}

impl Application {
    pub async fn build(settings: &Settings, mode: ServeMode) -> anyhow::Result<Self> {
        settings.check_secret(mode.demo)?;
        let store = open_store(settings).await?;
        let (registry, engines) = job_registry(settings)?;
        let shared = shared_state(settings, mode.workers).await?;
        share_engine_quotas(settings, &engines, shared.redis.as_ref()).await?;
        let workers = mode.workers.then(|| {
            let mut options = settings.worker_options();
            options.cache = shared.cache.clone();
            jobs::start_workers(store.clone(), registry.clone(), options)
        });
        let mut web_config = settings.web_config();
        if mode.demo {
            // The demo serves loopback only, for the one person who started it.
            web_config.auto_login = Some(DEMO_USER.to_owned());
        }
        let state = web::AppState::new(
            store.clone(),
            registry,
            engines,
            web_config,
            shared,
            workers.as_ref().map(WorkerHandle::liveness),
        );
        accounts::password::warm_up();
        let listener = tokio::net::TcpListener::bind(&settings.bind)
            .await
            .with_context(|| format!("binding {}", settings.bind))?;
        Ok(Self {
            listener,
            state,
            store,
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Serves until `shutdown` resolves, then drains requests and running jobs.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %self.listener.local_addr()?, "listening");
        web::serve(self.listener, web::router(self.state), shutdown).await?;
        if let Some(workers) = self.workers {
            workers.shutdown().await;
        }
        self.store.close().await;
        Ok(())
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_binds_loopback_unless_told_otherwise() {
        for bind in ["127.0.0.1:8000", "127.0.0.2:0", "[::1]:8000", "localhost:8000"] {
            assert!(check_demo_bind(bind, false, "--allow-remote").is_ok(), "{bind}");
        }
        for bind in [
            "0.0.0.0:8000",
            "[::]:8000",
            "192.168.1.10:8000",
            "observatory.lab:80",
        ] {
            let refused = check_demo_bind(bind, false, "--allow-remote")
                .unwrap_err()
                .to_string();
            assert!(
                refused.contains("--allow-remote") && refused.contains(bind),
                "{refused}"
            );
            assert!(check_demo_bind(bind, true, "--allow-remote").is_ok(), "{bind}");
        }
    }
}

//! The response cache: serialized views keyed `io:{resource}:{id}:{variant}`, where the id
//! always names the owner, so one user's entry can never answer another user's request.
//!
//! Two tiers behind one type: moka in this process, and Redis when configured (with a short
//! in-process TTL in front of it). Invalidation is by namespace — one resource of one owner
//! — and works by generations rather than deletes: a write bumps the namespace's generation
//! and every entry loaded before that bump is stale from then on, including one whose load
//! was still running when the write happened. Across instances the bump travels over Redis
//! (the generation counter itself, and a pub/sub message for the in-process tier).
#![forbid(unsafe_code)]

mod local;
mod remote;
mod settings;

use std::future::Future;
use std::sync::Arc;

pub use bytes::Bytes;
pub use settings::{CacheSettings, Class, Ttls};

use local::Local;
use remote::Remote;

/// One resource of one owner: the unit of invalidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Namespace {
    pub resource: &'static str,
    pub owner: i64,
}

impl Namespace {
    pub const fn new(resource: &'static str, owner: i64) -> Self {
        Self { resource, owner }
    }

    pub fn render(&self) -> String {
        format!("io:{}:u{}", self.resource, self.owner)
    }
}

/// A cached view: its namespace, class (which sets the TTL), the entity it is about (if
/// any) and the variant (query parameters and the like).
#[derive(Debug, Clone)]
pub struct Key {
    pub namespace: Namespace,
    pub class: Class,
    pub entity: Option<i64>,
    pub variant: String,
}

impl Key {
    pub fn new(namespace: Namespace, class: Class, entity: Option<i64>, variant: impl Into<String>) -> Self {
        Self {
            namespace,
            class,
            entity,
            variant: variant.into(),
        }
    }

    /// `io:{resource}:{id}:{variant}`, the id being `u{owner}` or `u{owner}.{entity}`.
    pub fn render(&self) -> String {
        let ns = self.namespace;
        match self.entity {
            Some(e) => format!("io:{}:u{}.{e}:{}", ns.resource, ns.owner, self.variant),
            None => format!("io:{}:u{}:{}", ns.resource, ns.owner, self.variant),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache backend: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("cache backend: {0}")]
    Link(#[from] redislink::LinkError),
}

impl CacheError {
    /// Redis is known to be away: the link said so once; each bypass needs no log line.
    fn is_bypass(&self) -> bool {
        matches!(self, CacheError::Link(redislink::LinkError::Degraded))
    }
}

/// Counters for `/metrics` and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub remote_hits: u64,
    pub invalidations_received: u64,
    pub entries: u64,
}

/// The namespaces the platform's views live in, one per resource family.
pub mod resource {
    /// Search sessions, their queries, results and domain statistics.
    pub const SEARCH: &str = "search";
    pub const ANALYSES: &str = "analyses";
    pub const NETWORKS: &str = "networks";
    /// Users and their login sessions.
    pub const USERS: &str = "users";
    pub const CRAWLS: &str = "crawls";
    /// A user's interface preferences (apart from `USERS`, so saving them keeps the login
    /// session lookups cached).
    pub const PREFERENCES: &str = "preferences";
    pub const ALL: [&str; 6] = [SEARCH, ANALYSES, NETWORKS, USERS, CRAWLS, PREFERENCES];
}

#[derive(Clone)]
pub struct Cache(Arc<Inner>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Cache").field(&self.backend()).finish()
    }
}

impl Default for Cache {
    fn default() -> Self {
        Self::disabled()
    }
}

struct Inner {
    settings: CacheSettings,
    local: Option<Arc<Local>>,
    remote: Option<Remote>,
}

impl Cache {
    /// Every lookup goes to the loader.
    pub fn disabled() -> Self {
        Self(Arc::new(Inner {
            settings: CacheSettings {
                enabled: false,
                ..Default::default()
            },
            local: None,
            remote: None,
        }))
    }

    /// In-process only: right for one process serving the API and running the workers.
    pub fn local(settings: &CacheSettings) -> Self {
        if !settings.enabled {
            return Self::disabled();
        }
        Self(Arc::new(Inner {
            settings: settings.clone(),
            local: Some(Arc::new(Local::new(settings, settings.ttls.longest()))),
            remote: None,
        }))
    }

    /// Both tiers; invalidations from other instances arrive over Redis pub/sub.
    pub async fn with_redis(settings: &CacheSettings, url: &str, prefix: &str) -> Result<Self, CacheError> {
        let link = redislink::RedisLink::connect(url).await?;
        Self::with_link(settings, link, url, prefix).await
    }

    /// As [`Cache::with_redis`], over the process's one guarded connection; `url` is for
    /// the invalidation subscription, which needs a connection of its own.
    pub async fn with_link(
        settings: &CacheSettings,
        link: redislink::RedisLink,
        url: &str,
        prefix: &str,
    ) -> Result<Self, CacheError> {
        if !settings.enabled {
            return Ok(Self::disabled());
        }
        let local = Arc::new(Local::new(settings, settings.local_ttl()));
        let remote =
            Remote::connect(link, url, prefix, settings.ttls.longest(), Arc::downgrade(&local)).await?;
        Ok(Self(Arc::new(Inner {
            settings: settings.clone(),
            local: Some(local),
            remote: Some(remote),
        })))
    }

    pub fn enabled(&self) -> bool {
        self.0.local.is_some()
    }

    pub fn backend(&self) -> &'static str {
        match (&self.0.local, &self.0.remote) {
            (None, _) => "off",
            (Some(_), None) => "memory",
            (Some(_), Some(_)) => "memory+redis",
        }
    }

    /// The cached bytes for `key`, or what `load` produces (then cached). Concurrent misses
    /// on one key in this process run `load` once. A failed load is not cached.
    pub async fn get_or_load<E, F, Fut>(&self, key: &Key, load: F) -> Result<Bytes, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, E>>,
    {
        let ttl = self.0.settings.ttls.of(key.class);
        // A class with no lifetime is not cached: how an operator (or a benchmark) turns
        // off the response cache while keeping the login-session lookups cached.
        let (Some(local), false) = (&self.0.local, ttl.is_zero()) else {
            return load().await;
        };
        let rendered = key.render();
        let class = key.class.as_str();
        let namespace = key.namespace.render();
        if let Some(bytes) = local.get(&rendered, &namespace).await {
            count(class, "hit");
            return Ok(bytes);
        }
        let remote = self.0.remote.as_ref();
        local
            .load_once(&rendered, &namespace, ttl, || async {
                if let Some(remote) = remote {
                    match remote.get(&rendered, key.namespace).await {
                        Ok(remote::Lookup {
                            value: Some(bytes), ..
                        }) => {
                            count(class, "remote_hit");
                            local.note_remote_hit();
                            return Ok(bytes);
                        }
                        Ok(remote::Lookup {
                            generation,
                            value: None,
                        }) => {
                            let bytes = load().await?;
                            count(class, "miss");
                            if let Err(e) = remote
                                .put(&rendered, key.namespace, &generation, &bytes, ttl)
                                .await
                                && !e.is_bypass()
                            {
                                tracing::warn!(error = %e, "cache: could not write to Redis");
                            }
                            return Ok(bytes);
                        }
                        Err(e) => {
                            if !e.is_bypass() {
                                tracing::warn!(error = %e, "cache: Redis unavailable; loading directly");
                            }
                            count(class, "bypass");
                        }
                    }
                }
                let bytes = load().await?;
                count(class, "miss");
                Ok(bytes)
            })
            .await
    }

    /// Makes every entry of these namespaces stale, here and (with Redis) everywhere.
    pub async fn invalidate(&self, namespaces: &[Namespace]) {
        let Some(local) = &self.0.local else { return };
        for ns in namespaces {
            local.invalidate(&ns.render());
            metrics::counter!("observatory_cache_invalidations_total", "resource" => ns.resource)
                .increment(1);
        }
        if let Some(remote) = &self.0.remote
            && let Err(e) = remote.invalidate(namespaces).await
            && !e.is_bypass()
        {
            // Replayed when Redis answers again; meanwhile the other instances' in-process
            // tier expires within its short TTL (and is flushed when they reconnect).
            tracing::warn!(error = %e, "cache: could not publish an invalidation; it is replayed when Redis returns");
        }
    }

    /// Forgets everything in this process (and bumps nothing remotely).
    pub fn clear_local(&self) {
        if let Some(local) = &self.0.local {
            local.clear();
        }
    }

    pub fn stats(&self) -> CacheStats {
        self.0.local.as_ref().map(|l| l.stats()).unwrap_or_default()
    }
}

fn count(class: &'static str, outcome: &'static str) {
    metrics::counter!("observatory_cache_requests_total", "class" => class, "outcome" => outcome)
        .increment(1);
}

#[cfg(test)]
mod tests;

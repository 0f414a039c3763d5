//! The in-process tier: moka with a TTL per entry, and namespace invalidation by sequence
//! numbers. Every load records the sequence number current when it started; invalidating
//! a namespace records the next one. An entry is fresh only if its load started after the
//! namespace's last invalidation — so a load racing a write can never be served after it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::Op;

use crate::{CacheSettings, CacheStats};

const PRUNE_ABOVE: usize = 100_000;

#[derive(Clone)]
struct Stored {
    bytes: Bytes,
    loaded_at: u64,
    namespace: String,
    ttl: Duration,
}

struct PerEntryTtl;

impl Expiry<String, Stored> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, value: &Stored, _created_at: Instant) -> Option<Duration> {
        Some(value.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        value: &Stored,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

pub(crate) struct Local {
    entries: Cache<String, Stored>,
    /// The sequence number (and time) of each namespace's last invalidation. No entry lives
    /// longer than the longest TTL, so older records can be forgotten.
    invalidated: Mutex<HashMap<String, (u64, Instant)>>,
    longest_ttl: Duration,
    sequence: AtomicU64,
    ttl_cap: Duration,
    hits: AtomicU64,
    misses: AtomicU64,
    remote_hits: AtomicU64,
    received: AtomicU64,
}

impl Local {
    pub fn new(settings: &CacheSettings, ttl_cap: Duration) -> Self {
        let longest = settings.ttls.longest();
        Self {
            entries: Cache::builder()
                .max_capacity(settings.max_entries)
                .expire_after(PerEntryTtl)
                .eviction_listener(|_key, _value, cause| {
                    let cause = match cause {
                        moka::notification::RemovalCause::Size => "size",
                        moka::notification::RemovalCause::Expired => "expired",
                        moka::notification::RemovalCause::Explicit => "explicit",
                        moka::notification::RemovalCause::Replaced => return,
                    };
                    metrics::counter!("observatory_cache_evictions_total", "cause" => cause).increment(1);
                })
                .build(),
            invalidated: Mutex::new(HashMap::new()),
            longest_ttl: longest,
            sequence: AtomicU64::new(1),
            ttl_cap,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            remote_hits: AtomicU64::new(0),
            received: AtomicU64::new(0),
        }
    }

    fn is_fresh(&self, stored: &Stored) -> bool {
        let invalidated = self.invalidated.lock().unwrap_or_else(|p| p.into_inner());
        match invalidated.get(&stored.namespace) {
            Some((at, _)) => stored.loaded_at > *at,
            None => true,
        }
    }

    pub async fn get(&self, key: &str, namespace: &str) -> Option<Bytes> {
        let stored = self.entries.get(key).await?;
        if stored.namespace != namespace || !self.is_fresh(&stored) {
            return None;
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(stored.bytes)
    }

    /// Loads `key` unless a fresh entry appears first; callers for one key take turns, so
    /// a burst of misses runs the loader once and the rest read its result.
    pub async fn load_once<E, F, Fut>(
        &self,
        key: &str,
        namespace: &str,
        ttl: Duration,
        load: F,
    ) -> Result<Bytes, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, E>>,
    {
        let mut outcome: Option<Result<Bytes, E>> = None;
        let slot = &mut outcome;
        self.entries
            .entry(key.to_owned())
            .and_compute_with(move |current| async move {
                if let Some(entry) = current {
                    let stored = entry.into_value();
                    if stored.namespace == namespace && self.is_fresh(&stored) {
                        self.hits.fetch_add(1, Ordering::Relaxed);
                        *slot = Some(Ok(stored.bytes));
                        return Op::Nop;
                    }
                }
                self.misses.fetch_add(1, Ordering::Relaxed);
                let loaded_at = self.sequence.fetch_add(1, Ordering::SeqCst);
                match load().await {
                    Ok(bytes) => {
                        *slot = Some(Ok(bytes.clone()));
                        Op::Put(Stored {
                            bytes,
                            loaded_at,
                            namespace: namespace.to_owned(),
                            ttl: ttl.min(self.ttl_cap),
                        })
                    }
                    Err(e) => {
                        *slot = Some(Err(e));
                        Op::Nop
                    }
                }
            })
            .await;
        outcome.expect("moka runs the compute closure exactly once, and every path sets the outcome")
    }

    pub fn invalidate(&self, namespace: &str) {
        let at = self.sequence.fetch_add(1, Ordering::SeqCst);
        let now = Instant::now();
        let mut invalidated = self.invalidated.lock().unwrap_or_else(|p| p.into_inner());
        if invalidated.len() > PRUNE_ABOVE {
            let longest = self.longest_ttl;
            invalidated.retain(|_, (_, when)| now.duration_since(*when) < longest);
        }
        invalidated.insert(namespace.to_owned(), (at, now));
    }

    /// An invalidation that another instance published.
    pub fn invalidate_received(&self, namespace: &str) {
        self.received.fetch_add(1, Ordering::Relaxed);
        self.invalidate(namespace);
    }

    pub fn note_remote_hit(&self) {
        self.remote_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn clear(&self) {
        self.entries.invalidate_all();
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            remote_hits: self.remote_hits.load(Ordering::Relaxed),
            invalidations_received: self.received.load(Ordering::Relaxed),
            entries: self.entries.entry_count(),
        }
    }
}

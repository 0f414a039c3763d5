//! The Redis tier. Each namespace has a generation counter; an entry is stored under its
//! key plus the generation it was loaded in, and written only if that generation is still
//! current — so a load that raced an invalidation is dropped rather than stored. Reads and
//! conditional writes are single scripts (one round trip, atomic). An invalidation bumps
//! the counter and publishes the namespace for the other instances' in-process tiers.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use redislink::RedisLink;

use bytes::Bytes;
use futures::StreamExt;

use crate::local::Local;
use crate::{CacheError, Namespace};

const READ: &str = r"
local g = redis.call('GET', KEYS[1]) or '0'
local v = redis.call('GET', ARGV[1] .. '#' .. g)
if v then return {g, v} end
return {g}
";

const WRITE: &str = r"
local g = redis.call('GET', KEYS[1]) or '0'
if g ~= ARGV[2] then return 0 end
redis.call('SET', ARGV[1] .. '#' .. g, ARGV[3], 'PX', ARGV[4])
return 1
";

pub(crate) struct Lookup {
    pub generation: String,
    pub value: Option<Bytes>,
}

pub(crate) struct Remote {
    link: RedisLink,
    keys: Arc<Keys>,
    read: redis::Script,
    write: redis::Script,
    /// Invalidations that could not reach Redis, replayed when it answers again.
    unsent: Arc<Mutex<HashSet<Namespace>>>,
    listener: tokio::task::AbortHandle,
    catch_up: tokio::task::AbortHandle,
}

/// Key and channel names, shared with the background tasks.
struct Keys {
    prefix: String,
    channel: String,
    /// Generation counters outlive every entry they could guard.
    generation_ttl: Duration,
}

impl Keys {
    fn generation_key(&self, ns: Namespace) -> String {
        format!("{}gen:{}", self.prefix, ns.render())
    }

    /// Bump each namespace's generation and tell the other instances, in one round trip.
    fn invalidation(&self, namespaces: &[Namespace]) -> redis::Pipeline {
        let mut pipe = redis::pipe();
        for ns in namespaces {
            let key = self.generation_key(*ns);
            pipe.incr(&key, 1)
                .ignore()
                .expire(
                    &key,
                    i64::try_from(self.generation_ttl.as_secs()).unwrap_or(i64::MAX),
                )
                .ignore()
                .publish(&self.channel, ns.render())
                .ignore();
        }
        pipe
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.listener.abort();
        self.catch_up.abort();
    }
}

impl Remote {
    pub async fn connect(
        link: RedisLink,
        url: &str,
        prefix: &str,
        longest_ttl: Duration,
        local: Weak<Local>,
    ) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let keys = Arc::new(Keys {
            prefix: format!("{prefix}cache:"),
            channel: format!("{prefix}cache-invalidations"),
            generation_ttl: longest_ttl * 2,
        });
        // Subscribe before serving: an invalidation published from now on reaches us.
        let pubsub = subscribe(&client, &keys.channel).await?;
        let listener =
            tokio::spawn(listen(client, keys.channel.clone(), pubsub, local.clone())).abort_handle();
        let unsent = Arc::new(Mutex::new(HashSet::new()));
        let catch_up =
            tokio::spawn(catch_up(link.clone(), keys.clone(), unsent.clone(), local)).abort_handle();
        Ok(Self {
            link,
            keys,
            read: redis::Script::new(READ),
            write: redis::Script::new(WRITE),
            unsent,
            listener,
            catch_up,
        })
    }

    pub async fn get(&self, key: &str, ns: Namespace) -> Result<Lookup, CacheError> {
        let mut invocation = self.read.key(self.keys.generation_key(ns));
        invocation.arg(format!("{}{key}", self.keys.prefix));
        let mut parts: Vec<Vec<u8>> = self
            .link
            .run(|mut conn| async move { invocation.invoke_async(&mut conn).await })
            .await?;
        let value = (parts.len() > 1).then(|| Bytes::from(parts.swap_remove(1)));
        let generation = parts
            .first()
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .unwrap_or_else(|| "0".to_owned());
        Ok(Lookup { generation, value })
    }

    pub async fn put(
        &self,
        key: &str,
        ns: Namespace,
        generation: &str,
        bytes: &Bytes,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut invocation = self.write.key(self.keys.generation_key(ns));
        invocation
            .arg(format!("{}{key}", self.keys.prefix))
            .arg(generation)
            .arg(bytes.as_ref())
            .arg(ttl_ms);
        let _: i64 = self
            .link
            .run(|mut conn| async move { invocation.invoke_async(&mut conn).await })
            .await?;
        Ok(())
    }

    pub async fn invalidate(&self, namespaces: &[Namespace]) -> Result<(), CacheError> {
        let pipe = self.keys.invalidation(namespaces);
        let sent = self
            .link
            .run(|mut conn| async move { pipe.query_async::<()>(&mut conn).await })
            .await;
        if sent.is_err() {
            self.unsent
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(namespaces.iter().copied());
        }
        Ok(sent?)
    }
}

/// After each outage: replay the invalidations Redis missed (entries other instances wrote
/// before them would otherwise stay current there), and drop this process's tier, which
/// missed the other instances' invalidations.
async fn catch_up(
    link: RedisLink,
    keys: Arc<Keys>,
    unsent: Arc<Mutex<HashSet<Namespace>>>,
    local: Weak<Local>,
) {
    let mut recoveries = link.recoveries();
    while recoveries.changed().await.is_ok() {
        let Some(local) = local.upgrade() else { return };
        local.clear();
        let pending: Vec<Namespace> = unsent.lock().unwrap_or_else(|e| e.into_inner()).drain().collect();
        if pending.is_empty() {
            continue;
        }
        let pipe = keys.invalidation(&pending);
        match link
            .run(|mut conn| async move { pipe.query_async::<()>(&mut conn).await })
            .await
        {
            Ok(()) => tracing::info!(
                namespaces = pending.len(),
                "cache: replayed invalidations made while Redis was away"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "cache: could not replay invalidations; kept for the next recovery");
                unsent.lock().unwrap_or_else(|e| e.into_inner()).extend(pending);
            }
        }
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> Result<redis::aio::PubSub, CacheError> {
    let subscribing = async {
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(channel).await?;
        Ok::<_, redis::RedisError>(pubsub)
    };
    match tokio::time::timeout(Duration::from_secs(2), subscribing).await {
        Ok(subscribed) => Ok(subscribed?),
        Err(_) => Err(redislink::LinkError::Timeout.into()),
    }
}

/// Applies other instances' invalidations to this process's tier. After a lost connection
/// it cannot know what it missed, so it drops the whole in-process tier and resubscribes.
async fn listen(client: redis::Client, channel: String, first: redis::aio::PubSub, local: Weak<Local>) {
    let mut pubsub = Some(first);
    loop {
        let Some(current) = pubsub.take() else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            match subscribe(&client, &channel).await {
                Ok(p) => {
                    match local.upgrade() {
                        Some(l) => l.clear(),
                        None => return,
                    }
                    pubsub = Some(p);
                }
                Err(e) => tracing::warn!(error = %e, "cache: cannot resubscribe to invalidations"),
            }
            continue;
        };
        let mut messages = current.into_on_message();
        while let Some(message) = messages.next().await {
            let Some(local) = local.upgrade() else { return };
            let payload: String = message.get_payload().unwrap_or_default();
            if payload.starts_with("io:") {
                local.invalidate_received(&payload);
            } else {
                local.clear();
            }
        }
        tracing::warn!("cache: invalidation subscription lost; reconnecting");
    }
}

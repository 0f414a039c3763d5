//! The Redis tier. Each namespace has a generation counter; an entry is stored under its
//! key plus the generation it was loaded in, and written only if that generation is still
//! current — so a load that raced an invalidation is dropped rather than stored. Reads and
//! conditional writes are single scripts (one round trip, atomic). An invalidation bumps
//! the counter and publishes the namespace for the other instances' in-process tiers.

use std::sync::Weak;
use std::time::Duration;

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
    conn: redis::aio::ConnectionManager,
    prefix: String,
    channel: String,
    /// Generation counters outlive every entry they could guard.
    generation_ttl: Duration,
    read: redis::Script,
    write: redis::Script,
    listener: tokio::task::AbortHandle,
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl Remote {
    pub async fn connect(
        url: &str,
        prefix: &str,
        longest_ttl: Duration,
        local: Weak<Local>,
    ) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let conn = redis::aio::ConnectionManager::new(client.clone()).await?;
        let channel = format!("{prefix}cache-invalidations");
        // Subscribe before serving: an invalidation published from now on reaches us.
        let pubsub = subscribe(&client, &channel).await?;
        let listener = tokio::spawn(listen(client, channel.clone(), pubsub, local)).abort_handle();
        Ok(Self {
            conn,
            prefix: format!("{prefix}cache:"),
            channel,
            generation_ttl: longest_ttl * 2,
            read: redis::Script::new(READ),
            write: redis::Script::new(WRITE),
            listener,
        })
    }

    fn generation_key(&self, ns: Namespace) -> String {
        format!("{}gen:{}", self.prefix, ns.render())
    }

    pub async fn get(&self, key: &str, ns: Namespace) -> Result<Lookup, CacheError> {
        let mut conn = self.conn.clone();
        let mut parts: Vec<Vec<u8>> = self
            .read
            .key(self.generation_key(ns))
            .arg(format!("{}{key}", self.prefix))
            .invoke_async(&mut conn)
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
        let mut conn = self.conn.clone();
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let _: i64 = self
            .write
            .key(self.generation_key(ns))
            .arg(format!("{}{key}", self.prefix))
            .arg(generation)
            .arg(bytes.as_ref())
            .arg(ttl_ms)
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }

    pub async fn invalidate(&self, namespaces: &[Namespace]) -> Result<(), CacheError> {
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
        let mut conn = self.conn.clone();
        let () = pipe.query_async(&mut conn).await?;
        Ok(())
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> Result<redis::aio::PubSub, CacheError> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
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

//! robots.txt, fetched with the crawler's own user agent and cached: Google semantics
//! (longest match, Allow/Disallow, `*`, `$`) via texting_robots. A 4xx robots.txt allows
//! everything; a 5xx or an unreachable one disallows for now and is asked again after
//! `retry_after`.
//!
//! With a store, what was fetched is shared by every job and process: a 2xx or 4xx answer
//! for [`ROBOTS_LIFETIME`] (RFC 9309 § 2.4 allows caching for up to 24 hours), a 5xx or
//! an unreachable server for `retry_after`. Each job also keeps what it read in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use texting_robots::Robot;
use url::Url;

use crate::fetch::{FetchError, Fetcher};
use crate::politeness::Politeness;

/// How long a fetched robots.txt (2xx or 4xx) is used by every job before it is asked again.
pub const ROBOTS_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Google reads at most 500 KiB of a robots.txt.
const MAX_ROBOTS_BYTES: usize = 500 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RobotsRule {
    /// robots.txt allows the URL.
    Allowed,
    /// robots.txt disallows the URL for our agent.
    Disallowed,
    /// No robots.txt (4xx): everything is allowed.
    NoRobots,
    /// robots.txt answered 5xx or could not be fetched: disallowed for now.
    Unavailable,
    /// The job was told not to read robots.txt.
    Ignored,
    /// The host resolves only to addresses the crawler may not reach: the URL itself is
    /// refused (`refused_address`), whatever robots.txt would say.
    RefusedAddress,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RobotsDecision {
    pub allowed: bool,
    pub rule: RobotsRule,
    /// `Crawl-delay` for our agent, when given.
    pub crawl_delay: Option<Duration>,
    /// Why the address was refused, with [`RobotsRule::RefusedAddress`].
    pub refusal: Option<String>,
}

enum Entry {
    Rules(Box<Robot>),
    AllowAll,
    Unavailable {
        until: Instant,
    },
    /// The origin's host resolves only to refused addresses; asked again like `Unavailable`
    /// (an allow-list or DNS may change), but never read as "robots.txt unavailable".
    Refused {
        until: Instant,
        why: String,
    },
}

/// The robots.txt of every origin one job touches.
pub struct RobotsCache {
    agent: String,
    retry_after: Duration,
    entries: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Entry>>>>>,
    /// Where every job and process shares what was fetched.
    shared: Option<Arc<dyn store::Store>>,
}

impl std::fmt::Debug for RobotsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RobotsCache")
            .field("agent", &self.agent)
            .finish_non_exhaustive()
    }
}

impl RobotsCache {
    /// `agent` is the product token matched against `User-agent:` lines (`IssueObservatory`).
    pub fn new(agent: impl Into<String>, retry_after: Duration) -> Self {
        Self {
            agent: agent.into(),
            retry_after,
            entries: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// A cache that reads and writes every job's shared robots.txt table in `store`.
    pub fn shared(agent: impl Into<String>, retry_after: Duration, store: Arc<dyn store::Store>) -> Self {
        Self {
            shared: Some(store),
            ..Self::new(agent, retry_after)
        }
    }

    pub async fn check(&self, fetcher: &Fetcher, url: &Url) -> RobotsDecision {
        self.check_with(fetcher, url, None).await
    }

    /// As [`RobotsCache::check`], with a robots.txt fetch waiting for the host's gate like
    /// any other request to it.
    pub async fn check_politely(
        &self,
        fetcher: &Fetcher,
        url: &Url,
        politeness: &Politeness,
    ) -> RobotsDecision {
        self.check_with(fetcher, url, Some(politeness)).await
    }

    async fn check_with(
        &self,
        fetcher: &Fetcher,
        url: &Url,
        politeness: Option<&Politeness>,
    ) -> RobotsDecision {
        let origin = url.origin().ascii_serialization();
        let slot = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.entry(origin.clone()).or_default().clone()
        };
        // One fetch per origin even when many URLs of it are checked at once.
        let mut entry = slot.lock().await;
        let stale = entry.is_none()
            || matches!(&*entry, Some(Entry::Unavailable { until } | Entry::Refused { until, .. }) if Instant::now() >= *until);
        if stale {
            *entry = Some(self.load(fetcher, &origin, politeness).await);
        }
        match entry.as_ref() {
            Some(Entry::Rules(robot)) => {
                let allowed = robot.allowed(url.as_str());
                RobotsDecision {
                    allowed,
                    rule: if allowed {
                        RobotsRule::Allowed
                    } else {
                        RobotsRule::Disallowed
                    },
                    crawl_delay: robot
                        .delay
                        .filter(|d| d.is_finite() && *d > 0.0)
                        .map(|d| Duration::from_secs_f32(d.min(3600.0))),
                    refusal: None,
                }
            }
            Some(Entry::AllowAll) => RobotsDecision {
                allowed: true,
                rule: RobotsRule::NoRobots,
                crawl_delay: None,
                refusal: None,
            },
            Some(Entry::Refused { why, .. }) => RobotsDecision {
                allowed: false,
                rule: RobotsRule::RefusedAddress,
                crawl_delay: None,
                refusal: Some(why.clone()),
            },
            Some(Entry::Unavailable { .. }) | None => RobotsDecision {
                allowed: false,
                rule: RobotsRule::Unavailable,
                crawl_delay: None,
                refusal: None,
            },
        }
    }

    async fn load(&self, fetcher: &Fetcher, origin: &str, politeness: Option<&Politeness>) -> Entry {
        if let Some(stored) = self.stored(origin).await {
            return stored;
        }
        let Ok(url) = Url::parse(&format!("{origin}/robots.txt")) else {
            return self.unavailable_since(chrono::Utc::now());
        };
        let permit = match politeness {
            Some(p) => Some(p.acquire(&crate::gate::politeness_key(&url)).await),
            None => None,
        };
        let fetched = fetcher.fetch_text(&url, MAX_ROBOTS_BYTES).await;
        drop(permit);
        let record = match &fetched {
            // A refusal is this installation's address policy, not the origin's answer.
            Err(FetchError::Refused(why)) => {
                return Entry::Refused {
                    until: Instant::now() + self.retry_after,
                    why: why.clone(),
                };
            }
            Ok(f) => store::StoredRobots {
                status: i32::from(f.status),
                body: (200..300)
                    .contains(&f.status)
                    .then(|| String::from_utf8_lossy(f.body.as_deref().unwrap_or_default()).into_owned()),
                fetched_at: chrono::Utc::now(),
            },
            Err(_) => store::StoredRobots {
                status: 0,
                body: None,
                fetched_at: chrono::Utc::now(),
            },
        };
        if let Some(shared) = &self.shared
            && let Err(e) = shared.put_robots_txt(origin, &record).await
        {
            tracing::warn!(origin, error = %e, "could not share a robots.txt with other jobs");
        }
        self.entry_of(&record)
    }

    /// What another job (or an earlier one) fetched, while it is fresh.
    async fn stored(&self, origin: &str) -> Option<Entry> {
        let shared = self.shared.as_ref()?;
        let record = match shared.robots_txt(origin).await {
            Ok(record) => record?,
            Err(e) => {
                tracing::warn!(origin, error = %e, "could not read the shared robots.txt; fetching it");
                return None;
            }
        };
        let age = (chrono::Utc::now() - record.fetched_at)
            .to_std()
            .unwrap_or_default();
        let answered = (200..500).contains(&record.status);
        let lifetime = if answered {
            ROBOTS_LIFETIME
        } else {
            self.retry_after
        };
        (age < lifetime).then(|| self.entry_of(&record))
    }

    fn entry_of(&self, record: &store::StoredRobots) -> Entry {
        match record.status {
            200..=299 => match Robot::new(&self.agent, record.body.as_deref().unwrap_or_default().as_bytes())
            {
                Ok(robot) => Entry::Rules(Box::new(robot)),
                Err(_) => Entry::AllowAll,
            },
            400..=499 => Entry::AllowAll,
            _ => self.unavailable_since(record.fetched_at),
        }
    }

    fn unavailable_since(&self, fetched_at: chrono::DateTime<chrono::Utc>) -> Entry {
        let age = (chrono::Utc::now() - fetched_at).to_std().unwrap_or_default();
        Entry::Unavailable {
            until: Instant::now() + self.retry_after.saturating_sub(age),
        }
    }
}

//! The `crawl` job (queue `crawl`): works a scraping job's persistent frontier until it is
//! empty, politely, with robots.txt, caps, reuse of recent fetches, extraction and language
//! identification. Each URL's outcome is written with its page and links in one transaction
//! (together with whatever else finished meanwhile), so a killed worker's job resumes on
//! another without refetching finished pages or losing any.
//!
//! One crawl uses every worker of the `crawl` queue: the job's own run (the owner) reports
//! progress and ends the job, while every other crawl worker that has room lends a helper
//! run ([`RunCrawl::assist`]). Runs lease frontier URLs (see `worklist`), so they never
//! fetch the same URL, and a dead run's URLs return to the others when its lease lapses.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use jobs::{JobContext, JobError, JobHandler};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{CrawlJob, Queue, SearchStatus, Store};

use crate::config::{CrawlConfig, Rendering};
use crate::fetch::{FetchConfig, Fetcher};
use crate::gate::{FailoverGate, HostGate, RedisGate, StoreGate};
use crate::politeness::{HostFloor, Politeness};
use crate::render::Renderer;
use crate::robots::RobotsCache;
use crate::run::{Budget, CrawlRun};
use crate::ssrf::AddressPolicy;
use crate::worklist::Role;

pub const KIND: &str = "crawl";
/// Chromium tabs rendering at once in one job.
const RENDER_TABS: usize = 4;
/// How often a worker with room looks for running crawls to help.
const ASSIST_POLL: Duration = Duration::from_secs(1);
/// How long a host gate's Redis call may take before the gates move to the database. Longer
/// than the request path's deadline: a worker busy extracting answers later, and switching
/// gates (which splits them from processes still on Redis) costs more than waiting.
const GATE_CALL_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrawlJobPayload {
    pub crawl_id: store::CrawlId,
}

/// What the operator decides for every job: where the crawler may connect and who it is.
#[derive(Debug, Clone)]
pub struct CrawlerSettings {
    pub policy: Arc<AddressPolicy>,
    pub user_agent: String,
    /// The product token matched against robots.txt `User-agent` lines.
    pub robots_agent: String,
    pub languages: Vec<String>,
    /// The Chromium binary for JavaScript rendering (Debian: `/usr/bin/chromium`).
    pub chromium: std::path::PathBuf,
    /// The politeness no job can undercut.
    pub host_floor: HostFloor,
    /// Where host gates live when Redis is configured (the database otherwise).
    pub shared_redis: Option<RedisTarget>,
    /// How long a run's claim on frontier URLs lasts without renewal: how soon a dead
    /// worker's URLs go to the others.
    pub frontier_lease: Duration,
    /// Running crawls one worker process helps at once besides its own jobs (0: none).
    pub assist_crawls: usize,
}

impl Default for CrawlerSettings {
    fn default() -> Self {
        Self {
            policy: Arc::new(AddressPolicy::default()),
            user_agent: crate::fetch::user_agent("https://github.com/issue-observatory/issue-observatory"),
            robots_agent: "IssueObservatory".into(),
            languages: vec!["da".into(), "en".into()],
            chromium: "/usr/bin/chromium".into(),
            host_floor: HostFloor::DEFAULT,
            shared_redis: None,
            frontier_lease: Duration::from_secs(30),
            assist_crawls: 4,
        }
    }
}

/// A Redis server and key prefix (the URL may hold a password: never printed).
#[derive(Clone)]
pub struct RedisTarget {
    pub url: String,
    pub key_prefix: String,
}

impl std::fmt::Debug for RedisTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTarget")
            .field("url", &store::redact_url(&self.url))
            .field("key_prefix", &self.key_prefix)
            .finish()
    }
}

/// The crawl job kind, and the helper runs it lends to other workers' crawls.
#[derive(Clone)]
pub struct RunCrawl {
    settings: CrawlerSettings,
    shared: Arc<ProcessShared>,
}

/// What every run in this process shares.
#[derive(Default)]
struct ProcessShared {
    /// Crawls some run in this process works on (an owner or a helper): helping them
    /// again would only add a second claimer in the same process.
    active: Mutex<HashSet<store::CrawlId>>,
    /// The process's Redis connection for host gates, once made.
    redis: tokio::sync::Mutex<Option<redislink::RedisLink>>,
}

/// Marks a crawl as worked in this process while it lives.
struct ActiveCrawl {
    shared: Arc<ProcessShared>,
    id: store::CrawlId,
}

impl Drop for ActiveCrawl {
    fn drop(&mut self) {
        self.shared
            .active
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

impl RunCrawl {
    pub fn new(settings: CrawlerSettings) -> Self {
        Self {
            settings,
            shared: Arc::default(),
        }
    }

    fn enter(&self, id: store::CrawlId) -> Option<ActiveCrawl> {
        let fresh = self
            .shared
            .active
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id);
        fresh.then(|| ActiveCrawl {
            shared: self.shared.clone(),
            id,
        })
    }

    /// The installation's host gates: Redis when configured and reachable, else the database.
    async fn gate(&self, store: &Arc<dyn Store>) -> Arc<dyn HostGate> {
        let database = StoreGate(store.clone());
        let Some(target) = &self.settings.shared_redis else {
            return Arc::new(database);
        };
        let mut link = self.shared.redis.lock().await;
        if link.is_none() {
            match redislink::RedisLink::connect_with_deadline(&target.url, GATE_CALL_TIMEOUT).await {
                Ok(connected) => *link = Some(connected),
                Err(e) => {
                    tracing::warn!(error = %e, "host gates in the database: Redis did not answer (asked again at the next run)");
                    return Arc::new(database);
                }
            }
        }
        match link.as_ref() {
            Some(link) => Arc::new(FailoverGate::new(
                RedisGate::new(link.clone(), &target.key_prefix),
                database,
            )),
            None => Arc::new(database),
        }
    }
}

#[async_trait]
impl JobHandler for RunCrawl {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn queue(&self) -> Queue {
        Queue::Crawl
    }

    fn validate(&self, payload: &Value) -> Result<(), String> {
        serde_json::from_value::<CrawlJobPayload>(payload.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Lends this worker to running crawls other workers own, up to
    /// `assist_crawls` at once, each until its frontier is exhausted.
    async fn assist(&self, store: Arc<dyn Store>, shutdown: tokio_util::sync::CancellationToken) {
        if self.settings.assist_crawls == 0 {
            return;
        }
        let room = Arc::new(tokio::sync::Semaphore::new(self.settings.assist_crawls));
        let mut helpers = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(ASSIST_POLL) => {}
            }
            while helpers.try_join_next().is_some() {}
            let wanted = match store.crawls_wanting_workers().await {
                Ok(wanted) => wanted,
                Err(e) => {
                    tracing::debug!(error = %e, "could not look for crawls to help");
                    continue;
                }
            };
            for id in wanted {
                let Ok(slot) = room.clone().try_acquire_owned() else {
                    break;
                };
                let Some(active) = self.enter(id) else {
                    continue;
                };
                let (this, store, stop) = (self.clone(), store.clone(), shutdown.clone());
                helpers.spawn(async move {
                    this.help(store, id, stop).await;
                    drop((active, slot));
                });
            }
        }
        // Helpers see the shutdown, store what they finished and give the rest back.
        while helpers.join_next().await.is_some() {}
    }

    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let payload: CrawlJobPayload =
            serde_json::from_value(payload).map_err(|e| JobError::Failed(format!("bad payload: {e}")))?;
        let outcome = self.execute(ctx, &payload).await;
        if let Err(JobError::Failed(_)) = &outcome {
            // The job row says why; the scraping job must not look as if it were still going.
            ctx.store()
                .set_crawl_status(payload.crawl_id, SearchStatus::Failed)
                .await?;
        }
        outcome
    }
}

impl RunCrawl {
    async fn execute(&self, ctx: &JobContext, payload: &CrawlJobPayload) -> Result<Value, JobError> {
        let store = ctx.store().clone();
        let Some(crawl) = store.crawl_for_worker(payload.crawl_id).await? else {
            return Err(JobError::Failed("the scraping job was deleted".into()));
        };
        let config: CrawlConfig = serde_json::from_value(crawl.config.clone())
            .map_err(|e| JobError::Failed(format!("stored configuration is unreadable: {e}")))?;
        // Marked before the crawl shows as running, so this process's assistant does not
        // start a helper beside its own owner run.
        let _active = self.enter(crawl.id);
        store.set_crawl_status(crawl.id, SearchStatus::Running).await?;
        // A takeover: URLs the dead worker held return once its lease lapses (see worklist).
        let run = Arc::new(self.open_run(&store, crawl.clone(), config).await?);
        let worked = run.work(Role::Owner(ctx)).await;
        let waits = run.politeness.waits();
        let gates = run.politeness.gate_backend();
        let (delay, per_host) = run.host_rules;
        run.close().await;
        let processed = match worked {
            Ok(processed) => processed,
            Err(e) => {
                if matches!(e, JobError::Cancelled) {
                    store.set_crawl_status(crawl.id, SearchStatus::Cancelled).await?;
                }
                return Err(e);
            }
        };
        store.set_crawl_status(crawl.id, SearchStatus::Done).await?;
        let counts = store.frontier_counts(crawl.project_id, crawl.id).await?;
        // The last word on progress is the frontier itself: every URL decided, by any run.
        let final_counters = crate::service::counters(&counts);
        match ctx
            .checkpoint(final_counters.decided(), Some(final_counters.total()), "done")
            .await
        {
            Ok(()) | Err(JobError::Cancelled) => {}
            Err(e) => return Err(e),
        }
        Ok(json!({
            "crawl_id": crawl.id,
            // URLs this run decided; helpers on other workers decided the rest.
            "processed": processed,
            "frontier": counts,
            // What the hosts got, after the operator's floor, and what this run waited.
            "politeness": {
                "delay_secs": delay.as_secs_f64(),
                "per_host_concurrency": per_host,
                "gates": gates,
                "requests": waits.requests,
                "wait_secs": waits.wait_secs,
            },
        }))
    }

    /// A helper run on a crawl another worker owns, until the crawl ends, its frontier
    /// empties or this process shuts down.
    async fn help(
        &self,
        store: Arc<dyn Store>,
        id: store::CrawlId,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        let outcome = async {
            let Some(crawl) = store.crawl_for_worker(id).await? else {
                return Ok(0);
            };
            let config: CrawlConfig = serde_json::from_value(crawl.config.clone())
                .map_err(|e| JobError::Failed(format!("stored configuration is unreadable: {e}")))?;
            let run = Arc::new(self.open_run(&store, crawl, config).await?);
            let worked = run.work(Role::Helper(&shutdown)).await;
            run.close().await;
            worked
        }
        .await;
        match outcome {
            Ok(processed) => {
                tracing::info!(crawl = %id, processed, "helped a crawl");
                metrics::counter!("observatory_crawl_assists_total").increment(1);
            }
            // The owner's run reports the crawl's failures; a helper only steps back.
            Err(e) => tracing::warn!(crawl = %id, error = %e, "stopped helping a crawl"),
        }
    }

    /// Everything one run of a crawl needs, owner or helper.
    async fn open_run(
        &self,
        store: &Arc<dyn Store>,
        crawl: CrawlJob,
        config: CrawlConfig,
    ) -> Result<CrawlRun, JobError> {
        let languages = extract::LanguageId::new(&self.settings.languages)
            .map_err(|e| JobError::Failed(e.to_string()))?;
        let mut fetch_config = FetchConfig::new(self.settings.user_agent.clone());
        fetch_config.policy = self.settings.policy.clone();
        fetch_config.timeout = Duration::from_secs(config.timeout_secs);
        fetch_config.retries = config.retries;
        fetch_config.max_body_bytes = usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX);
        let fetcher = Arc::new(Fetcher::new(fetch_config).map_err(|e| JobError::Failed(e.to_string()))?);
        let renderer = match config.render {
            Rendering::Off => None,
            Rendering::Always | Rendering::Auto => Some(
                Renderer::launch(
                    &self.settings.chromium,
                    fetcher.clone(),
                    (config.global_concurrency as usize).min(RENDER_TABS),
                    Duration::from_secs(config.timeout_secs),
                )
                .await
                .map(Arc::new)
                .map_err(|e| JobError::Failed(e.to_string()))?,
            ),
        };
        let (delay, per_host) = self
            .settings
            .host_floor
            .apply(config.delay(), config.per_site_concurrency);
        // A gate slot outlasts the longest request: every attempt timing out, plus backoff.
        let request_lease = Duration::from_secs(config.timeout_secs)
            .saturating_mul(config.retries.saturating_add(1))
            + Duration::from_secs(30);
        let load: HashMap<String, i64> = store.site_load(crawl.id).await?.into_iter().collect();
        // Links already on the frontier (seeds, earlier attempts) never count twice.
        let seen: HashSet<String> = store.frontier_urls(crawl.id).await?.into_iter().collect();
        let gate = self.gate(store).await;
        let corpus = if config.depth > 1 {
            let corpus = curation::Corpus::load(store.as_ref(), crawl.project_id, config.corpus).await?;
            Some(Arc::new(corpus))
        } else {
            None
        };
        Ok(CrawlRun {
            corpus,
            store: store.clone(),
            fetcher,
            robots: RobotsCache::shared(
                self.settings.robots_agent.clone(),
                Duration::from_secs(300),
                store.clone(),
            ),
            politeness: Politeness::new(
                gate,
                config.global_concurrency as usize,
                per_host,
                delay,
                request_lease,
            ),
            host_rules: (delay, per_host),
            languages: Arc::new(languages),
            renderer,
            budget: Mutex::new(Budget {
                total: load.values().sum(),
                per_site: load,
                seen,
            }),
            holder: format!(
                "{}:{}:{}",
                jobs::hostname(),
                std::process::id(),
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            ),
            lease: self.settings.frontier_lease,
            crawl,
            config,
        })
    }
}

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
use search::urlnorm::{self, WebUrl};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::{
    CrawlJob, FrontierItem, FrontierResult, FrontierState, NewBody, NewFrontierUrl, NewPage, Queue,
    SearchStatus, Store, UserId,
};

use crate::config::{CrawlConfig, Rendering};
use crate::fetch::{FetchConfig, Fetcher};
use crate::gate::{FailoverGate, HostGate, RedisGate, StoreGate, politeness_key};
use crate::politeness::{HostFloor, Politeness};
use crate::render::Renderer;
use crate::robots::{RobotsCache, RobotsRule};
use crate::scope::{LinkVerdict, judge_link, site_key};
use crate::ssrf::AddressPolicy;
use crate::worklist::Role;

pub const KIND: &str = "crawl";
/// Chromium tabs rendering at once in one job.
const RENDER_TABS: usize = 4;
/// How often a worker with room looks for running crawls to help.
const ASSIST_POLL: Duration = Duration::from_secs(1);

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
            match redislink::RedisLink::connect(&target.url).await {
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
        let counts = store.frontier_counts(crawl.owner_id, crawl.id).await?;
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
        Ok(CrawlRun {
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

/// URLs counted against the caps: per site and for the whole job.
pub(crate) struct Budget {
    pub(crate) per_site: HashMap<String, i64>,
    pub(crate) total: i64,
    /// URLs this run has already decided about (duplicates do not count twice).
    pub(crate) seen: HashSet<String>,
}

/// What one HTML document yields.
struct Analysis {
    extracted: extract::Extracted,
    language: Option<extract::lang::Language>,
    body: NewBody,
    words: i32,
    /// The document's bytes, for rendering.
    raw: Vec<u8>,
}

/// One run of a crawl (the owner's or a helper's), shared by the tasks fetching its URLs.
pub(crate) struct CrawlRun {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) crawl: CrawlJob,
    pub(crate) config: CrawlConfig,
    fetcher: Arc<Fetcher>,
    robots: RobotsCache,
    pub(crate) politeness: Politeness,
    /// The delay and requests at once per host after the operator's floor.
    pub(crate) host_rules: (Duration, u32),
    languages: Arc<extract::LanguageId>,
    /// Present when the job renders JavaScript.
    renderer: Option<Arc<Renderer>>,
    pub(crate) budget: Mutex<Budget>,
    /// Names this run's frontier leases (host, process and a run id).
    pub(crate) holder: String,
    /// How long a claim lasts without renewal.
    pub(crate) lease: Duration,
}

/// Why a fetched document yielded no page text.
#[derive(Debug, thiserror::Error)]
enum AnalyseError {
    #[error(transparent)]
    Refused(#[from] extract::Refused),
    #[error("the extraction task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The page row of a URL whose fetch was tried now, before anything came back.
fn fetched_page(item: &FrontierItem, url: &WebUrl) -> NewPage {
    NewPage {
        url: item.url.clone(),
        host: url.host.clone(),
        domain: url.domain.clone(),
        depth: item.depth,
        parent_url: item.parent_url.clone(),
        headers: json!({}),
        fetched_at: Some(chrono::Utc::now()),
        ..NewPage::default()
    }
}

fn skipped(reason: impl Into<String>) -> FrontierResult {
    FrontierResult {
        state: FrontierState::Skipped,
        reason: Some(reason.into()),
        page: None,
        body: None,
        links: Vec::new(),
    }
}

impl CrawlRun {
    fn owner(&self) -> UserId {
        self.crawl.owner_id
    }

    /// Closes the browser once no task of the run holds it any more.
    pub(crate) async fn close(self: Arc<Self>) {
        let renderer = Arc::try_unwrap(self).ok().and_then(|run| run.renderer);
        if let Some(renderer) = renderer.and_then(|r| Arc::try_unwrap(r).ok()) {
            renderer.close().await;
        }
    }

    /// URLs on the frontier that count against the job budget.
    pub(crate) fn total(&self) -> i64 {
        self.budget.lock().unwrap_or_else(|e| e.into_inner()).total
    }

    /// Decides one URL. Touches no database connection (see [`CrawlRun::reusable`]).
    pub(crate) async fn process(
        &self,
        item: FrontierItem,
        previous: Option<store::Page>,
    ) -> (FrontierItem, FrontierResult) {
        let result = self.process_inner(&item, previous).await;
        (item, result)
    }

    async fn process_inner(&self, item: &FrontierItem, previous: Option<store::Page>) -> FrontierResult {
        let Ok(url) = urlnorm::normalize(&item.url) else {
            return skipped("invalid_url");
        };
        let Ok(target) = url::Url::parse(&url.url) else {
            return skipped("invalid_url");
        };
        let host = politeness_key(&target);
        if self.config.robots {
            let decision = self
                .robots
                .check_politely(&self.fetcher, &target, &self.politeness)
                .await;
            if let Some(delay) = decision.crawl_delay {
                self.politeness.set_crawl_delay(&host, delay);
            }
            if decision.rule == RobotsRule::RefusedAddress {
                // The robots.txt fetch was refused because the host is not public: that is
                // the URL's own outcome, not a robots.txt that happened to be unavailable.
                let page = NewPage {
                    error_reason: decision.refusal,
                    ..fetched_page(item, &url)
                };
                return FrontierResult {
                    state: FrontierState::Failed,
                    reason: Some("refused_address".into()),
                    page: Some(page),
                    body: None,
                    links: Vec::new(),
                };
            }
            if !decision.allowed {
                return skipped(match decision.rule {
                    RobotsRule::Unavailable => "robots_unavailable",
                    _ => "robots",
                });
            }
        }
        // A job that always renders does not reuse a page that was never rendered.
        if let Some(previous) = previous.filter(|p| self.config.render != Rendering::Always || p.rendered) {
            return self.reused(item, previous);
        }

        let permit = self.politeness.acquire(&host).await;
        let fetched = self.fetcher.fetch(&target).await;
        drop(permit);
        let mut page = fetched_page(item, &url);
        let fetched = match fetched {
            Ok(f) => f,
            Err(e) => {
                page.error_reason = Some(e.to_string());
                return FrontierResult {
                    state: FrontierState::Failed,
                    reason: Some(e.reason().to_owned()),
                    page: Some(page),
                    body: None,
                    links: Vec::new(),
                };
            }
        };
        page.final_url = Some(fetched.final_url.to_string());
        page.redirects = fetched.redirects.clone();
        page.status_code = Some(i32::from(fetched.status));
        page.content_type = fetched.content_type.clone();
        page.headers = Value::Object(
            fetched
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        );
        if fetched.status >= 400 {
            page.error_reason = Some(format!("HTTP {}", fetched.status));
            return FrontierResult {
                state: FrontierState::Failed,
                reason: Some(format!("http_{}", fetched.status)),
                page: Some(page),
                body: None,
                links: Vec::new(),
            };
        }
        let Some(bytes) = fetched.body else {
            return skipped(format!(
                "type:{}",
                fetched.content_type.as_deref().unwrap_or("unknown")
            ));
        };
        if extract::looks_binary(&bytes) {
            return skipped("type:binary");
        }

        let final_url = fetched.final_url.clone();
        let content_type = fetched.content_type.clone();
        let mut analysis = match self.analyse(bytes, content_type.clone(), final_url.clone()).await {
            Ok(a) => a,
            Err(e) => {
                page.error_reason = Some(format!("extraction failed: {e}"));
                return FrontierResult {
                    state: FrontierState::Failed,
                    reason: Some("extraction".into()),
                    page: Some(page),
                    body: None,
                    links: Vec::new(),
                };
            }
        };
        if self.wants_rendering(analysis.words)
            && let Some(renderer) = &self.renderer
        {
            let permit = self.politeness.acquire(&host).await;
            let rendered = renderer
                .render(&final_url, &analysis.raw, content_type.as_deref())
                .await;
            drop(permit);
            match rendered {
                Ok(r) => {
                    let html = r.html.into_bytes();
                    let ct = Some("text/html; charset=utf-8".to_owned());
                    match self.analyse(html, ct, final_url.clone()).await {
                        Ok(a) => {
                            analysis = a;
                            page.rendered = true;
                        }
                        Err(e) => page.render_error = Some(format!("extraction failed: {e}")),
                    }
                }
                Err(e) => {
                    metrics::counter!("observatory_render_failures_total", "reason" => e.reason())
                        .increment(1);
                    page.render_error = Some(e.to_string());
                }
            }
        }
        let Analysis {
            extracted,
            language,
            body,
            words,
            ..
        } = analysis;
        page.content_hash = Some(body.hash.clone());
        page.title = extracted.title.clone();
        page.words = words;
        page.text = Some(extracted.text.clone());
        page.language = language.as_ref().map(|l| l.code.to_owned());
        page.language_confidence = language.as_ref().map(|l| l.confidence);
        page.description = extracted.description.clone();
        page.published = extracted.published.clone();
        page.outlinks = extracted.links.clone();
        page.extraction_method = Some(format!("{:?}", extracted.method).to_lowercase());
        let links = self.discover(item, &extracted.links);
        FrontierResult {
            state: FrontierState::Done,
            reason: None,
            page: Some(page),
            body: Some(body),
            links,
        }
    }

    fn wants_rendering(&self, static_words: i32) -> bool {
        match self.config.render {
            Rendering::Off => false,
            Rendering::Always => true,
            Rendering::Auto => i64::from(static_words) < i64::from(self.config.render_min_words),
        }
    }

    /// Decoding, extraction, language identification, hashing and compression are CPU
    /// work: they run on the blocking pool so the fetches of other pages keep moving.
    async fn analyse(
        &self,
        raw: Vec<u8>,
        content_type: Option<String>,
        url: url::Url,
    ) -> Result<Analysis, AnalyseError> {
        let languages = self.languages.clone();
        tokio::task::spawn_blocking(move || {
            let decoded = extract::decode_html(&raw, content_type.as_deref());
            let extracted = extract::extract(&decoded.text, Some(&url), extract::Strategy::Best)?;
            let language = languages.identify(&extracted.text, extracted.html_lang.as_deref());
            let words = i32::try_from(extracted.text.split_whitespace().count()).unwrap_or(i32::MAX);
            let body = NewBody {
                hash: hex::encode(Sha256::digest(&raw)),
                size: i64::try_from(raw.len()).unwrap_or(i64::MAX),
                zstd: zstd::encode_all(raw.as_slice(), 3).unwrap_or_default(),
            };
            Ok(Analysis {
                extracted,
                language,
                body,
                words,
                raw,
            })
        })
        .await?
    }

    /// Earlier successful fetches of this user that the batch may reuse. Looked up here,
    /// before the fetches run side by side: a fetch future suspended while holding a pool
    /// connection would starve the loop that writes results (a deadlock on small pools).
    pub(crate) async fn reusable(
        &self,
        items: &[FrontierItem],
    ) -> Result<HashMap<store::FrontierId, store::Page>, store::StoreError> {
        let mut found = HashMap::new();
        if self.config.recollect {
            return Ok(found);
        }
        let since = chrono::Utc::now() - chrono::Duration::days(i64::from(self.config.reuse_within_days));
        for item in items {
            if let Some(page) = self.store.reusable_page(self.owner(), &item.url, since).await? {
                found.insert(item.id, page);
            }
        }
        Ok(found)
    }

    fn reused(&self, item: &FrontierItem, previous: store::Page) -> FrontierResult {
        let outlinks: Vec<String> = previous
            .outlinks
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let links = self.discover(item, &outlinks);
        let page = NewPage {
            url: item.url.clone(),
            final_url: previous.final_url,
            host: previous.host,
            domain: previous.domain,
            depth: item.depth,
            parent_url: item.parent_url.clone(),
            redirects: previous
                .redirects
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
            status_code: previous.status_code,
            content_type: previous.content_type,
            headers: previous.headers,
            content_hash: previous.content_hash,
            title: previous.title,
            text: previous.text,
            words: previous.words,
            language: previous.language,
            language_confidence: previous.language_confidence,
            description: previous.description,
            published: previous.published,
            outlinks,
            extraction_method: previous.extraction_method,
            error_reason: None,
            fetched_at: Some(previous.fetched_at),
            rendered: previous.rendered,
            render_error: previous.render_error,
        };
        FrontierResult {
            state: FrontierState::Done,
            reason: Some("reused".into()),
            page: Some(page),
            body: None,
            links,
        }
    }

    /// The links of a fetched page that go on the frontier, with those refused by caps or
    /// the exclude list recorded as skipped.
    fn discover(&self, item: &FrontierItem, links: &[String]) -> Vec<NewFrontierUrl> {
        let follow = self.config.depth >= 3 || i32::from(self.config.depth) > item.depth + 1;
        if !follow {
            return Vec::new();
        }
        let site_cap = i64::from(self.config.site_cap());
        let job_cap = i64::from(self.config.max_pages);
        let mut budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for link in links {
            let Ok(web) = urlnorm::normalize(link) else {
                continue;
            };
            if !budget.seen.insert(web.normalized.clone()) {
                continue;
            }
            let site = site_key(&web, self.config.scope);
            let entry = |reason: Option<&str>, web: &WebUrl| NewFrontierUrl {
                url: web.normalized.clone(),
                site: site.clone(),
                depth: item.depth + 1,
                parent_url: Some(item.url.clone()),
                skipped: reason.map(str::to_owned),
            };
            match judge_link(&self.config, &item.site, &web) {
                LinkVerdict::OffSite => {}
                LinkVerdict::Excluded => out.push(entry(Some("excluded"), &web)),
                LinkVerdict::Follow => {
                    let on_site = budget.per_site.get(&site).copied().unwrap_or(0);
                    if on_site >= site_cap || budget.total >= job_cap {
                        out.push(entry(Some("cap"), &web));
                    } else {
                        *budget.per_site.entry(site.clone()).or_insert(0) += 1;
                        budget.total += 1;
                        out.push(entry(None, &web));
                    }
                }
            }
        }
        out
    }
}

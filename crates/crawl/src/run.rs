//! One run of a crawl (the owner's or a helper's on another worker) and what it does with
//! each URL it leased: robots.txt, reuse of a recent fetch, the polite fetch, extraction
//! and language identification off the async threads, optional rendering, and the links
//! that go on the frontier within the job's caps.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use search::urlnorm::{self, WebUrl};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::{
    CrawlJob, FrontierItem, FrontierResult, FrontierState, NewBody, NewFrontierUrl, NewPage, ProjectId, Store,
};

use crate::config::{CrawlConfig, Rendering};
use crate::fetch::Fetcher;
use crate::gate::politeness_key;
use crate::politeness::Politeness;
use crate::render::Renderer;
use crate::robots::{RobotsCache, RobotsRule};
use crate::scope::{LinkVerdict, judge_link, site_key};

/// Pages analysed at once in this process, over every run: one per core. More would only
/// queue threads for the same cores, and starve the async threads (fetches, host gate
/// calls, the result writer) whose slowness then looks like an outage.
static CPU_WORK: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

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
    pub(crate) fetcher: Arc<Fetcher>,
    pub(crate) robots: RobotsCache,
    pub(crate) politeness: Politeness,
    /// The delay and requests at once per host after the operator's floor.
    pub(crate) host_rules: (Duration, u32),
    pub(crate) languages: Arc<extract::LanguageId>,
    /// Present when the job renders JavaScript.
    pub(crate) renderer: Option<Arc<Renderer>>,
    pub(crate) budget: Mutex<Budget>,
    /// Names this run's frontier leases (host, process and a run id).
    pub(crate) holder: String,
    /// How long a claim lasts without renewal.
    pub(crate) lease: Duration,
    /// The project's curated corpus, for the links a job follows (`None` at depth 1, which
    /// follows none); seeds were checked when the job was made.
    pub(crate) corpus: Option<Arc<curation::Corpus>>,
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
    /// Pages are reused, and stored, within the crawl's project.
    fn project(&self) -> ProjectId {
        self.crawl.project_id
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
        page.anchors = extracted.anchors.clone();
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
    /// work: they run on the blocking pool so the fetches of other pages keep moving, one
    /// per core at a time (see [`CPU_WORK`]).
    async fn analyse(
        &self,
        raw: Vec<u8>,
        content_type: Option<String>,
        url: url::Url,
    ) -> Result<Analysis, AnalyseError> {
        let languages = self.languages.clone();
        let _core = CPU_WORK.acquire().await.ok();
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
            if let Some(page) = self.store.reusable_page(self.project(), &item.url, since).await? {
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
            anchors: previous.anchors,
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

    /// The links of a fetched page that go on the frontier, with those refused by caps, the
    /// exclude list or the curated corpus recorded as skipped.
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
                    // Only what was curated OUT: a link the job may follow into an undecided
                    // website (its `include_domains`) was asked for.
                    let refused = self
                        .corpus
                        .as_ref()
                        .and_then(|c| c.refusal(&web))
                        .filter(|reason| *reason == curation::corpus::CURATED_OUT);
                    if let Some(reason) = refused {
                        out.push(entry(Some(reason), &web));
                    } else if on_site >= site_cap || budget.total >= job_cap {
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

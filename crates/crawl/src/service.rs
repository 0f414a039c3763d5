//! Scraping-job operations shared by the HTTP API and the CLI: create from search sessions
//! and/or a URL list, cancel, resume, read counters.

use std::collections::{BTreeMap, HashSet};

use contract::{FieldIssue, ServiceError};
use jobs::Registry;
use projects::Need;
use projects::activity::Act;
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{
    CrawlId, CrawlJob, FrontierCount, FrontierState, NewCrawl, NewFrontierUrl, PageRequest, Priority,
    ProjectId, ProjectResource, SearchStatus, Store, StoreError, UserId,
};

use crate::config::CrawlConfig;
use crate::job::{CrawlJobPayload, KIND};
use crate::scope::{is_excluded, site_key};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrawlRequest {
    /// The project the job goes into: by default its search sessions' project, else the
    /// user's default project.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<store::ProjectId>,
    pub name: String,
    /// Search sessions whose unique URL lists are the seeds.
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    pub session_ids: Vec<store::SearchSessionId>,
    /// More seed URLs.
    #[serde(default)]
    pub urls: Vec<String>,
    /// Depth, caps, politeness… (see `CrawlConfig`); omitted fields take their defaults.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub config: Option<serde_json::Value>,
}

/// Validates the request, gathers the seeds and queues the job.
pub async fn create_crawl(
    store: &dyn Store,
    registry: &Registry,
    owner: UserId,
    request: &CrawlRequest,
) -> Result<CrawlJob, ServiceError> {
    let mut issues = Vec::new();
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        issues.push(FieldIssue::new("name", "must be 1–200 characters"));
    }
    let config: CrawlConfig = match &request.config {
        None => CrawlConfig::default(),
        Some(v) => match serde_json::from_value(v.clone()) {
            Ok(c) => c,
            Err(e) => {
                issues.push(FieldIssue::new("config", e.to_string()));
                CrawlConfig::default()
            }
        },
    };
    for i in config.validate() {
        issues.push(FieldIssue::new(format!("config.{}", i.field), i.message));
    }

    let mut sessions = Vec::with_capacity(request.session_ids.len());
    for id in &request.session_ids {
        sessions.push(store.search_session(owner, *id).await?);
    }
    let sessions_project = sessions.iter().flatten().map(|s| s.project_id).next();
    let access = projects::access::target(store, owner, request.project_id.or(sessions_project)).await?;

    let mut candidates: Vec<String> = Vec::new();
    for (i, (id, session)) in request.session_ids.iter().zip(&sessions).enumerate() {
        let field = format!("session_ids[{i}]");
        let Some(session) = session else {
            issues.push(FieldIssue::new(field, "no such search session"));
            continue;
        };
        if session.project_id != access.project {
            issues.push(FieldIssue::new(field, "is in another project"));
            continue;
        }
        let mut after = None;
        loop {
            let page = store
                .session_urls(owner, *id, PageRequest { after, limit: 1000 })
                .await?;
            candidates.extend(page.iter().map(|u| u.normalized_url.clone()));
            match page.last() {
                Some(last) if page.len() == 1000 => after = Some(last.first_ordinal),
                _ => break,
            }
        }
    }
    let corpus = curation::Corpus::load(store, access.project, config.corpus).await?;
    let mut seeds = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |u: search::urlnorm::WebUrl, seeds: &mut Vec<NewFrontierUrl>| {
        if seen.insert(u.normalized.clone()) {
            let skipped = if is_excluded(&config, &u) {
                Some("excluded".to_owned())
            } else {
                corpus.seed_refusal(&u).map(str::to_owned)
            };
            seeds.push(NewFrontierUrl {
                site: site_key(&u, config.scope),
                skipped,
                url: u.normalized,
                depth: 0,
                parent_url: None,
            });
        }
    };
    for u in candidates {
        if let Ok(web) = search::urlnorm::normalize(&u) {
            add(web, &mut seeds);
        }
    }
    for (i, u) in request.urls.iter().enumerate() {
        match search::urlnorm::normalize(u) {
            Ok(web) => add(web, &mut seeds),
            Err(e) => issues.push(FieldIssue::new(format!("urls[{i}]"), e.to_string())),
        }
    }
    if seeds.is_empty() && issues.is_empty() {
        issues.push(FieldIssue::new(
            "urls",
            "give at least one URL or a search session with results",
        ));
    }
    if seeds.len() > config.max_pages as usize {
        issues.push(FieldIssue::new(
            "config.max_pages",
            format!(
                "{} seed URLs exceed the job budget of {}",
                seeds.len(),
                config.max_pages
            ),
        ));
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }

    let crawl = store
        .create_crawl(NewCrawl {
            owner_id: owner,
            project_id: Some(access.project),
            name: name.to_owned(),
            config: serde_json::to_value(&config).map_err(|e| ServiceError::Submit(e.to_string()))?,
            sources: json!({"sessions": request.session_ids, "urls": request.urls.len()}),
            sessions: request.session_ids.clone(),
            seeds,
        })
        .await?;
    match queue(store, registry, owner, access.project, crawl.id).await {
        Ok(job_id) => {
            let act = Act::new("created", "crawl", crawl.id).with_detail(json!({"name": crawl.name}));
            projects::activity::record(store, access.project, owner, act).await;
            Ok(CrawlJob {
                job_id: Some(job_id),
                ..crawl
            })
        }
        Err(e) => {
            let _ = store.delete_crawl(owner, crawl.id).await;
            Err(e)
        }
    }
}

async fn queue(
    store: &dyn Store,
    registry: &Registry,
    owner: UserId,
    project: ProjectId,
    crawl: CrawlId,
) -> Result<store::JobId, ServiceError> {
    let payload = serde_json::to_value(CrawlJobPayload { crawl_id: crawl })
        .map_err(|e| ServiceError::Submit(e.to_string()))?;
    let job = registry
        .submit_in(store, owner, Some(project), KIND, payload, Priority::Normal)
        .await?;
    store.set_crawl_job(crawl, job.id).await?;
    Ok(job.id)
}

/// Asks the job to stop at its next checkpoint; unfinished URLs stay for a resume.
pub async fn cancel_crawl(store: &dyn Store, owner: UserId, id: CrawlId) -> Result<CrawlJob, ServiceError> {
    let access = projects::access::require(store, owner, ProjectResource::Crawl(id), Need::Edit).await?;
    let crawl = current_crawl(store, owner, id).await?;
    let Some(job_id) = crawl.job_id.filter(|_| !crawl.status.is_terminal()) else {
        return Err(ServiceError::Conflict(format!(
            "the scraping job has already finished ({})",
            crawl.status.as_str()
        )));
    };
    match store.request_cancel(owner, job_id).await {
        Ok(_) | Err(StoreError::Conflict(_)) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    projects::activity::record(store, access.project, owner, Act::new("cancelled", "crawl", id)).await;
    current_crawl(store, owner, id).await
}

/// Queues a cancelled or failed job again; it continues where it stopped.
pub async fn resume_crawl(
    store: &dyn Store,
    registry: &Registry,
    owner: UserId,
    id: CrawlId,
) -> Result<CrawlJob, ServiceError> {
    let access = projects::access::require(store, owner, ProjectResource::Crawl(id), Need::Edit).await?;
    let crawl = current_crawl(store, owner, id).await?;
    if !matches!(crawl.status, SearchStatus::Cancelled | SearchStatus::Failed) {
        return Err(ServiceError::Conflict(format!(
            "only a cancelled or failed scraping job can be resumed (this one is {})",
            crawl.status.as_str()
        )));
    }
    store.set_crawl_status(id, SearchStatus::Queued).await?;
    queue(store, registry, owner, access.project, id).await?;
    projects::activity::record(store, access.project, owner, Act::new("resumed", "crawl", id)).await;
    store.crawl(owner, id).await?.ok_or(ServiceError::NotFound)
}

/// The job with its status brought in line with its background job (a job cancelled
/// while queued never ran the code that updates the crawl).
pub async fn current_crawl(store: &dyn Store, owner: UserId, id: CrawlId) -> Result<CrawlJob, ServiceError> {
    let crawl = store.crawl(owner, id).await?.ok_or(ServiceError::NotFound)?;
    settle(store, owner, crawl).await
}

/// A job as [`current_crawl`] reads it, with its counters: one read unless it needs
/// settling (what a crawl's page polls, so it is kept to one query).
pub async fn crawl_with_counters(
    store: &dyn Store,
    owner: UserId,
    id: CrawlId,
) -> Result<(CrawlJob, CrawlCounters), ServiceError> {
    let (crawl, counts) = store
        .crawl_with_counts(owner, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = crawl.status;
    let crawl = settle(store, owner, crawl).await?;
    let counts = if crawl.status == status {
        counts
    } else {
        // Settling put what was in flight back in the queue.
        store.frontier_counts(crawl.project_id, id).await?
    };
    Ok((crawl, counters(&counts)))
}

/// A job whose queue task ended (cancelled, failed) without the job saying so is settled
/// to match.
async fn settle(store: &dyn Store, owner: UserId, crawl: CrawlJob) -> Result<CrawlJob, ServiceError> {
    let id = crawl.id;
    if crawl.status.is_terminal() {
        return Ok(crawl);
    }
    let job = match crawl.job_id {
        Some(job_id) => store.job(owner, job_id).await?,
        None => None,
    };
    let settled = match job.map(|j| j.status) {
        Some(store::JobStatus::Cancelled) => SearchStatus::Cancelled,
        Some(store::JobStatus::Failed) => SearchStatus::Failed,
        _ => return Ok(crawl),
    };
    store.requeue_in_flight(id).await?;
    store.set_crawl_status(id, settled).await?;
    store.crawl(owner, id).await?.ok_or(ServiceError::NotFound)
}

/// Progress counters: queued, fetching, fetched, failed, and skipped by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CrawlCounters {
    pub queued: i64,
    pub fetching: i64,
    pub fetched: i64,
    pub failed: i64,
    pub skipped: i64,
    /// Skips by reason: robots, robots_unavailable, excluded, cap, type:…, invalid_url.
    pub skipped_by_reason: BTreeMap<String, i64>,
    /// Failures by reason: timeout, connection, refused_address, too_large, http_NNN, …
    pub failed_by_reason: BTreeMap<String, i64>,
    /// Pages taken from an earlier fetch of this user instead of fetched again.
    pub reused: i64,
}

impl CrawlCounters {
    /// URLs decided: fetched, failed or skipped (neither queued nor in flight).
    pub fn decided(&self) -> i64 {
        self.fetched + self.failed + self.skipped
    }

    /// Every URL on the frontier.
    pub fn total(&self) -> i64 {
        self.decided() + self.queued + self.fetching
    }
}

pub fn counters(counts: &[FrontierCount]) -> CrawlCounters {
    let mut c = CrawlCounters::default();
    for row in counts {
        let reason = row.reason.clone().unwrap_or_else(|| "unknown".into());
        match row.state {
            FrontierState::Queued => c.queued += row.count,
            FrontierState::Fetching => c.fetching += row.count,
            FrontierState::Done => {
                c.fetched += row.count;
                if row.reason.as_deref() == Some("reused") {
                    c.reused += row.count;
                }
            }
            FrontierState::Failed => {
                c.failed += row.count;
                *c.failed_by_reason.entry(reason).or_default() += row.count;
            }
            FrontierState::Skipped => {
                c.skipped += row.count;
                *c.skipped_by_reason.entry(reason).or_default() += row.count;
            }
        }
    }
    c
}

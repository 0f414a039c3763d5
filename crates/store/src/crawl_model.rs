//! Scraping jobs, their frontier and their pages, as the platform sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{CrawlId, FrontierId, JobId, PageId, ProjectId, SearchStatus, UserId};

/// A scraping job moves through the same states as a search session.
pub type CrawlStatus = SearchStatus;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlJob {
    pub id: CrawlId,
    pub owner_id: UserId,
    pub project_id: ProjectId,
    pub name: String,
    pub config: Value,
    /// Where the seeds came from: `{"sessions": [ids], "urls": count}`.
    pub sources: Value,
    pub status: CrawlStatus,
    pub job_id: Option<JobId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A URL to put on a job's frontier (ignored when the job already has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFrontierUrl {
    /// Normalized.
    pub url: String,
    /// The scope key (registrable domain or host) for caps and politeness.
    pub site: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    /// Set for URLs recorded as skipped at discovery (excluded, cap, robots…).
    pub skipped: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewCrawl {
    pub owner_id: UserId,
    /// None: the owner's default project.
    pub project_id: Option<ProjectId>,
    pub name: String,
    pub config: Value,
    pub sources: Value,
    /// The search sessions the seeds came from.
    pub sessions: Vec<crate::SearchSessionId>,
    pub seeds: Vec<NewFrontierUrl>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FrontierState {
    Queued,
    Fetching,
    Done,
    Failed,
    Skipped,
}

impl FrontierState {
    pub const ALL: [FrontierState; 5] = [
        FrontierState::Queued,
        FrontierState::Fetching,
        FrontierState::Done,
        FrontierState::Failed,
        FrontierState::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FrontierState::Queued => "queued",
            FrontierState::Fetching => "fetching",
            FrontierState::Done => "done",
            FrontierState::Failed => "failed",
            FrontierState::Skipped => "skipped",
        }
    }
}

impl std::str::FromStr for FrontierState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FrontierState::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("unknown frontier state `{s}`"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierItem {
    pub id: FrontierId,
    pub crawl_id: CrawlId,
    pub url: String,
    pub site: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    pub attempts: i32,
    /// Who holds the URL's lease (see [`FrontierClaim`]); only the holder can finish it.
    pub holder: String,
}

/// A claim on a crawl's queued URLs by one worker run. The URLs stay the holder's until
/// it finishes them or `lease_until` passes without a renewal; then any worker may claim
/// them again (they were in flight at a crash).
#[derive(Debug, Clone)]
pub struct FrontierClaim<'a> {
    pub holder: &'a str,
    pub limit: u32,
    /// At most this many URLs of one site per claim, so one claim interleaves sites.
    pub per_site: u32,
    /// Sites the claimer already holds enough URLs of.
    pub skip_sites: &'a [String],
    pub lease_until: DateTime<Utc>,
}

impl<'a> FrontierClaim<'a> {
    /// A claim of `limit` URLs, shallowest first, for a holder that works alone.
    pub fn alone(holder: &'a str, limit: u32) -> Self {
        Self {
            holder,
            limit,
            per_site: limit,
            skip_sites: &[],
            lease_until: Utc::now() + chrono::Duration::hours(1),
        }
    }
}

/// What is left of a crawl's frontier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrontierActivity {
    /// URLs any worker may claim: queued, or held under a lease that lapsed.
    pub claimable: i64,
    /// URLs some worker holds under a live lease.
    pub leased: i64,
}

impl FrontierActivity {
    /// Nothing to claim and nothing in flight: the crawl is finished.
    pub fn is_exhausted(&self) -> bool {
        self.claimable == 0 && self.leased == 0
    }
}

/// One request's ask of a host's gate.
#[derive(Debug, Clone, Copy)]
pub struct GateRequest<'a> {
    /// The politeness key: the URL's host name, lower case, without port.
    pub host: &'a str,
    /// Names this request's slot, for the release.
    pub token: &'a str,
    /// The gap this request leaves before the next request to the host may start.
    pub delay_ms: i64,
    /// Requests to the host at once this requester accepts (counting its own).
    pub max_in_flight: i64,
    /// When the slot frees itself if it is never released (the worker died).
    pub lease_ms: i64,
}

/// A host gate's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateAnswer {
    /// The request holds a slot and may start after `wait_ms`.
    Granted { wait_ms: i64 },
    /// The host has as many requests in flight as the requester accepts: ask again later.
    Busy { retry_ms: i64 },
}

/// A robots.txt as fetched, shared by every job and process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRobots {
    /// The HTTP status; 0 when the server could not be reached.
    pub status: i32,
    /// The file, when the status was 2xx.
    pub body: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

/// A raw body, content-addressed.
#[derive(Debug, Clone)]
pub struct NewBody {
    /// SHA-256 of the uncompressed bytes, hex.
    pub hash: String,
    pub size: i64,
    pub zstd: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct NewPage {
    pub url: String,
    pub final_url: Option<String>,
    pub host: String,
    pub domain: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    pub redirects: Vec<String>,
    pub status_code: Option<i32>,
    pub content_type: Option<String>,
    pub headers: Value,
    pub content_hash: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub words: i32,
    pub language: Option<String>,
    pub language_confidence: Option<f64>,
    pub description: Option<String>,
    pub published: Option<String>,
    pub outlinks: Vec<String>,
    /// Each outlink's anchor text, parallel to `outlinks` (empty for pages stored before).
    pub anchors: Vec<String>,
    pub extraction_method: Option<String>,
    pub error_reason: Option<String>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// The text comes from the DOM after JavaScript ran.
    pub rendered: bool,
    /// Why rendering failed (the static text was kept).
    pub render_error: Option<String>,
}

/// How one frontier URL ended, written in one transaction with its page, body and the
/// links it adds.
#[derive(Debug, Clone)]
pub struct FrontierResult {
    pub state: FrontierState,
    pub reason: Option<String>,
    pub page: Option<NewPage>,
    pub body: Option<NewBody>,
    pub links: Vec<NewFrontierUrl>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub id: PageId,
    pub crawl_id: CrawlId,
    pub url: String,
    pub final_url: Option<String>,
    pub host: String,
    pub domain: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    pub redirects: Value,
    pub status_code: Option<i32>,
    pub content_type: Option<String>,
    pub headers: Value,
    pub content_hash: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub words: i32,
    pub language: Option<String>,
    pub language_confidence: Option<f64>,
    pub description: Option<String>,
    pub published: Option<String>,
    pub outlinks: Value,
    pub extraction_method: Option<String>,
    pub error_reason: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub rendered: bool,
    pub render_error: Option<String>,
    /// Each outlink's anchor text, parallel to `outlinks` (kept out of the page's view:
    /// it is evidence, read through the network evidence API).
    #[serde(default, skip_serializing)]
    pub anchors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PageFilter {
    /// `ok` (extracted), `failed`.
    pub failed: Option<bool>,
    pub domain: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierCount {
    pub state: FrontierState,
    pub reason: Option<String>,
    pub count: i64,
}

/// A full-text search over one owner's pages.
#[derive(Debug, Clone)]
pub struct PageSearch {
    pub query: crate::TextQuery,
    pub crawl: Option<CrawlId>,
    /// Pages of scraping jobs seeded from this search session.
    pub session: Option<crate::SearchSessionId>,
    pub domain: Option<String>,
    pub language: Option<String>,
}

/// Where the previous page of ranked hits ended: relevance first, then page id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitCursor {
    pub score: f64,
    pub id: PageId,
}

/// One ranked match: the page's identity and a highlighted snippet (HTML-escaped text
/// with matches in `<mark>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageHit {
    pub id: PageId,
    pub crawl_id: CrawlId,
    pub url: String,
    pub final_url: Option<String>,
    pub domain: String,
    pub title: Option<String>,
    pub language: Option<String>,
    pub words: i32,
    pub fetched_at: DateTime<Utc>,
    /// Higher is more relevant; comparable within one query and backend only.
    pub score: f64,
    pub snippet: String,
}

/// How many of a job's pages with text are in one language, and their words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct LanguageCount {
    pub language: Option<String>,
    pub pages: i64,
    pub words: i64,
}

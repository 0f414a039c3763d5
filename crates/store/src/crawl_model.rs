//! Scraping jobs, their frontier and their pages, as the platform sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{CrawlId, FrontierId, JobId, PageId, SearchStatus, UserId};

/// A scraping job moves through the same states as a search session.
pub type CrawlStatus = SearchStatus;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlJob {
    pub id: CrawlId,
    pub owner_id: UserId,
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

//! Search sessions, their queries and ranked results, as the platform sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{JobId, ProjectId, SearchQueryId, SearchResultId, SearchSessionId, UserId};

/// Where a session or one of its queries stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchStatus {
    Queued,
    Running,
    /// Finished; some queries may have failed (see the counts).
    Done,
    /// Every query failed.
    Failed,
    Cancelled,
}

impl SearchStatus {
    pub const ALL: [SearchStatus; 5] = [
        SearchStatus::Queued,
        SearchStatus::Running,
        SearchStatus::Done,
        SearchStatus::Failed,
        SearchStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchStatus::Queued => "queued",
            SearchStatus::Running => "running",
            SearchStatus::Done => "done",
            SearchStatus::Failed => "failed",
            SearchStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            SearchStatus::Done | SearchStatus::Failed | SearchStatus::Cancelled
        )
    }
}

impl std::str::FromStr for SearchStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SearchStatus::ALL
            .into_iter()
            .find(|q| q.as_str() == s)
            .ok_or_else(|| format!("unknown search status `{s}`"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSession {
    pub id: SearchSessionId,
    pub owner_id: UserId,
    pub project_id: ProjectId,
    pub name: String,
    pub engine: String,
    /// The session-wide parameters as submitted (after defaults were applied).
    pub params: Value,
    pub status: SearchStatus,
    pub snapshot_of: Option<SearchSessionId>,
    pub job_id: Option<JobId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub id: SearchQueryId,
    pub session_id: SearchSessionId,
    /// 0-based order within the session.
    pub position: i32,
    pub text: String,
    /// The effective parameters this query runs with (session defaults + overrides).
    pub params: Value,
    pub status: SearchStatus,
    pub error: Option<String>,
    /// Why fewer results than asked for were stored.
    pub shortfall: Option<String>,
    pub result_count: i32,
    pub requests: i32,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewSearchQuery {
    pub text: String,
    pub params: Value,
}

/// A session to create. A manual URL list arrives already answered: its one query is
/// done and carries `manual_results`.
#[derive(Debug, Clone)]
pub struct NewSearchSession {
    pub owner_id: UserId,
    /// None: the owner's default project.
    pub project_id: Option<ProjectId>,
    pub name: String,
    pub engine: String,
    pub params: Value,
    pub snapshot_of: Option<SearchSessionId>,
    pub queries: Vec<NewSearchQuery>,
    pub manual_results: Option<Vec<NewSearchResult>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewSearchResult {
    pub rank: i32,
    /// Index into the outcome's raw pages (0-based engine page).
    pub page: i32,
    pub url: String,
    pub normalized_url: String,
    pub host: String,
    pub domain: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
    pub published: Option<String>,
    pub excluded: bool,
    pub exclusion_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewRawPage {
    pub page: i32,
    pub request: Value,
    pub status: i32,
    pub body_gzip: Vec<u8>,
    pub fetched_at: DateTime<Utc>,
}

/// Everything one query run produced, written in one transaction.
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    pub status: SearchStatus,
    pub error: Option<String>,
    pub shortfall: Option<String>,
    pub requests: i32,
    pub raw_pages: Vec<NewRawPage>,
    pub results: Vec<NewSearchResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub id: SearchResultId,
    /// Position in the session's result list (query order, then rank): its keyset key.
    pub ordinal: i64,
    pub session_id: SearchSessionId,
    pub query_id: SearchQueryId,
    pub query_text: String,
    pub rank: i32,
    pub page: i32,
    pub url: String,
    pub normalized_url: String,
    pub host: String,
    pub domain: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
    pub published: Option<String>,
    pub excluded: bool,
    pub exclusion_reason: Option<String>,
    pub raw_page_id: Option<i64>,
    pub fetched_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    pub query_id: Option<SearchQueryId>,
    pub domain: Option<String>,
    pub excluded: Option<bool>,
}

/// A URL of a session's unique list, with how the queries reached it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUrl {
    /// The list position of the URL's first result: the list's keyset key.
    pub first_ordinal: i64,
    pub normalized_url: String,
    pub domain: String,
    pub queries: i64,
    pub results: i64,
    pub best_rank: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDomain {
    pub first_ordinal: i64,
    pub domain: String,
    pub urls: i64,
    pub queries: i64,
    pub results: i64,
    pub best_rank: i32,
}

/// Query and result counts of one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionCounts {
    pub queries: i64,
    pub queries_queued: i64,
    pub queries_running: i64,
    pub queries_done: i64,
    pub queries_failed: i64,
    pub queries_cancelled: i64,
    pub results: i64,
    pub excluded: i64,
    pub unique_urls: i64,
    pub unique_domains: i64,
}

/// One result reduced to what comparisons need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedUrl {
    pub query_text: String,
    pub rank: i32,
    pub normalized_url: String,
    pub domain: String,
}

#[derive(Debug, Clone)]
pub struct RawPageBody {
    pub id: i64,
    pub query_id: SearchQueryId,
    pub page: i32,
    pub request: Value,
    pub status: i32,
    pub body_gzip: Vec<u8>,
    pub fetched_at: DateTime<Utc>,
}

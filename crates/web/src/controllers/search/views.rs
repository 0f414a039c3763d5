use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::{
    SearchQuery, SearchResult, SearchSession, SearchStatus, SessionCounts, SessionDomain, SessionUrl,
};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchSessionView {
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    pub name: String,
    /// `serper`, `serpapi`, `google_cse`, `brave`, `searxng` or `manual`.
    pub engine: String,
    /// Session-wide parameters after defaults (max_results, language, country, dates, filters).
    #[schema(value_type = Object)]
    pub params: Value,
    pub status: SearchStatus,
    /// The session this one is a snapshot (re-run) of.
    pub snapshot_of: Option<i64>,
    /// The background job running the queries; follow it at `/api/jobs/{job_id}`.
    pub job_id: Option<i64>,
    pub counts: SessionCounts,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl SearchSessionView {
    pub fn new(s: SearchSession, counts: SessionCounts) -> Self {
        Self {
            id: s.id.get(),
            project_id: s.project_id.get(),
            name: s.name,
            engine: s.engine,
            params: s.params,
            status: s.status,
            snapshot_of: s.snapshot_of.map(store::SearchSessionId::get),
            job_id: s.job_id.map(store::JobId::get),
            counts,
            created_at: s.created_at,
            started_at: s.started_at,
            finished_at: s.finished_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchQueryView {
    pub id: i64,
    pub position: i32,
    pub text: String,
    /// What this query runs with: session parameters plus per-query overrides.
    #[schema(value_type = Object)]
    pub params: Value,
    pub status: SearchStatus,
    pub error: Option<String>,
    /// Why fewer results than asked for were stored.
    pub shortfall: Option<String>,
    pub result_count: i32,
    /// Requests sent to the engine, retries included.
    pub requests: i32,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<SearchQuery> for SearchQueryView {
    fn from(q: SearchQuery) -> Self {
        Self {
            id: q.id.get(),
            position: q.position,
            text: q.text,
            params: q.params,
            status: q.status,
            error: q.error,
            shortfall: q.shortfall,
            result_count: q.result_count,
            requests: q.requests,
            started_at: q.started_at,
            finished_at: q.finished_at,
        }
    }
}

/// A session with its queries.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchSessionDetail {
    #[serde(flatten)]
    pub session: SearchSessionView,
    pub queries: Vec<SearchQueryView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResultView {
    pub id: i64,
    pub query_id: i64,
    pub query: String,
    /// 1-based and absolute across the engine's pages.
    pub rank: i32,
    /// 0-based engine page the result came from.
    pub page: i32,
    pub url: String,
    pub normalized_url: String,
    pub host: String,
    /// Registrable domain (Public Suffix List).
    pub domain: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
    /// The date the engine showed, verbatim.
    pub published: Option<String>,
    pub excluded: bool,
    pub exclusion_reason: Option<String>,
    /// The stored engine response this result came from (`/raw/{id}`).
    pub raw_page_id: Option<i64>,
    pub fetched_at: DateTime<Utc>,
}

impl From<SearchResult> for SearchResultView {
    fn from(r: SearchResult) -> Self {
        Self {
            id: r.id.get(),
            query_id: r.query_id.get(),
            query: r.query_text,
            rank: r.rank,
            page: r.page,
            url: r.url,
            normalized_url: r.normalized_url,
            host: r.host,
            domain: r.domain,
            title: r.title,
            snippet: r.snippet,
            published: r.published,
            excluded: r.excluded,
            exclusion_reason: r.exclusion_reason,
            raw_page_id: r.raw_page_id,
            fetched_at: r.fetched_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionUrlView {
    pub url: String,
    pub domain: String,
    /// Queries that returned this URL.
    pub queries: i64,
    pub results: i64,
    pub best_rank: i32,
}

impl From<SessionUrl> for SessionUrlView {
    fn from(u: SessionUrl) -> Self {
        Self {
            url: u.normalized_url,
            domain: u.domain,
            queries: u.queries,
            results: u.results,
            best_rank: u.best_rank,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDomainView {
    pub domain: String,
    pub urls: i64,
    pub queries: i64,
    pub results: i64,
    pub best_rank: i32,
}

impl From<SessionDomain> for SessionDomainView {
    fn from(d: SessionDomain) -> Self {
        Self {
            domain: d.domain,
            urls: d.urls,
            queries: d.queries,
            results: d.results,
            best_rank: d.best_rank,
        }
    }
}

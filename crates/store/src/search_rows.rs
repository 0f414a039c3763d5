//! Search rows as decoded from either backend.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::error::StoreError;
use crate::search_model::*;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SearchSessionRow {
    pub id: crate::SearchSessionId,
    pub owner_id: crate::UserId,
    pub project_id: crate::ProjectId,
    pub name: String,
    pub engine: String,
    pub params: Json<Value>,
    pub status: String,
    pub snapshot_of: Option<crate::SearchSessionId>,
    pub job_id: Option<crate::JobId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<SearchSessionRow> for SearchSession {
    type Error = StoreError;
    fn try_from(r: SearchSessionRow) -> Result<Self, StoreError> {
        Ok(SearchSession {
            id: r.id,
            owner_id: r.owner_id,
            project_id: r.project_id,
            name: r.name,
            engine: r.engine,
            params: r.params.0,
            status: r.status.parse().map_err(StoreError::Corrupt)?,
            snapshot_of: r.snapshot_of,
            job_id: r.job_id,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SearchQueryRow {
    pub id: crate::SearchQueryId,
    pub session_id: crate::SearchSessionId,
    pub position: i32,
    pub text: String,
    pub params: Json<Value>,
    pub status: String,
    pub error: Option<String>,
    pub shortfall: Option<String>,
    pub result_count: i32,
    pub requests: i32,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl TryFrom<SearchQueryRow> for SearchQuery {
    type Error = StoreError;
    fn try_from(r: SearchQueryRow) -> Result<Self, StoreError> {
        Ok(SearchQuery {
            id: r.id,
            session_id: r.session_id,
            position: r.position,
            text: r.text,
            params: r.params.0,
            status: r.status.parse().map_err(StoreError::Corrupt)?,
            error: r.error,
            shortfall: r.shortfall,
            result_count: r.result_count,
            requests: r.requests,
            started_at: r.started_at,
            finished_at: r.finished_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SearchResultRow {
    pub id: crate::SearchResultId,
    pub ordinal: i64,
    pub session_id: crate::SearchSessionId,
    pub query_id: crate::SearchQueryId,
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

impl From<SearchResultRow> for SearchResult {
    fn from(r: SearchResultRow) -> Self {
        SearchResult {
            id: r.id,
            ordinal: r.ordinal,
            session_id: r.session_id,
            query_id: r.query_id,
            query_text: r.query_text,
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

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionUrlRow {
    pub first_ordinal: i64,
    pub normalized_url: String,
    pub domain: String,
    pub queries: i64,
    pub results: i64,
    pub best_rank: i32,
}

impl From<SessionUrlRow> for SessionUrl {
    fn from(r: SessionUrlRow) -> Self {
        SessionUrl {
            first_ordinal: r.first_ordinal,
            normalized_url: r.normalized_url,
            domain: r.domain,
            queries: r.queries,
            results: r.results,
            best_rank: r.best_rank,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionDomainRow {
    pub first_ordinal: i64,
    pub domain: String,
    pub urls: i64,
    pub queries: i64,
    pub results: i64,
    pub best_rank: i32,
}

impl From<SessionDomainRow> for SessionDomain {
    fn from(r: SessionDomainRow) -> Self {
        SessionDomain {
            first_ordinal: r.first_ordinal,
            domain: r.domain,
            urls: r.urls,
            queries: r.queries,
            results: r.results,
            best_rank: r.best_rank,
        }
    }
}

/// A session's counters as the triggers keep them (`search_session_counts`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionCountsRow {
    pub session_id: crate::SearchSessionId,
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

impl From<SessionCountsRow> for SessionCounts {
    fn from(r: SessionCountsRow) -> Self {
        SessionCounts {
            queries: r.queries,
            queries_queued: r.queries_queued,
            queries_running: r.queries_running,
            queries_done: r.queries_done,
            queries_failed: r.queries_failed,
            queries_cancelled: r.queries_cancelled,
            results: r.results,
            excluded: r.excluded,
            unique_urls: r.unique_urls,
            unique_domains: r.unique_domains,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RankedUrlRow {
    pub query_text: String,
    pub rank: i32,
    pub normalized_url: String,
    pub domain: String,
}

impl From<RankedUrlRow> for RankedUrl {
    fn from(r: RankedUrlRow) -> Self {
        RankedUrl {
            query_text: r.query_text,
            rank: r.rank,
            normalized_url: r.normalized_url,
            domain: r.domain,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RawPageRow {
    pub id: i64,
    pub query_id: crate::SearchQueryId,
    pub page: i32,
    pub request: Json<Value>,
    pub status: i32,
    pub body_gzip: Vec<u8>,
    pub fetched_at: DateTime<Utc>,
}

impl From<RawPageRow> for RawPageBody {
    fn from(r: RawPageRow) -> Self {
        RawPageBody {
            id: r.id,
            query_id: r.query_id,
            page: r.page,
            request: r.request.0,
            status: r.status,
            body_gzip: r.body_gzip,
            fetched_at: r.fetched_at,
        }
    }
}

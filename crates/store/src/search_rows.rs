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

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct QueryStatusCountRow {
    pub status: String,
    pub count: i64,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ResultCountsRow {
    pub results: i64,
    pub excluded: i64,
    pub unique_urls: i64,
    pub unique_domains: i64,
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

pub(crate) fn counts(
    statuses: Vec<QueryStatusCountRow>,
    results: ResultCountsRow,
) -> Result<SessionCounts, StoreError> {
    let mut c = SessionCounts {
        results: results.results,
        excluded: results.excluded,
        unique_urls: results.unique_urls,
        unique_domains: results.unique_domains,
        ..SessionCounts::default()
    };
    for row in statuses {
        let status: SearchStatus = row.status.parse().map_err(StoreError::Corrupt)?;
        c.queries += row.count;
        match status {
            SearchStatus::Queued => c.queries_queued += row.count,
            SearchStatus::Running => c.queries_running += row.count,
            SearchStatus::Done => c.queries_done += row.count,
            SearchStatus::Failed => c.queries_failed += row.count,
            SearchStatus::Cancelled => c.queries_cancelled += row.count,
        }
    }
    Ok(c)
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionStatusCountRow {
    pub session_id: crate::SearchSessionId,
    pub status: String,
    pub count: i64,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionResultCountsRow {
    pub session_id: crate::SearchSessionId,
    pub results: i64,
    pub excluded: i64,
    pub unique_urls: i64,
    pub unique_domains: i64,
}

pub(crate) fn counts_many(
    statuses: Vec<SessionStatusCountRow>,
    results: Vec<SessionResultCountsRow>,
    out: &mut std::collections::HashMap<crate::SearchSessionId, SessionCounts>,
) -> Result<(), StoreError> {
    let mut by_session: std::collections::HashMap<crate::SearchSessionId, Vec<QueryStatusCountRow>> =
        std::collections::HashMap::new();
    for row in statuses {
        by_session
            .entry(row.session_id)
            .or_default()
            .push(QueryStatusCountRow {
                status: row.status,
                count: row.count,
            });
    }
    let mut result_rows: std::collections::HashMap<crate::SearchSessionId, ResultCountsRow> = results
        .into_iter()
        .map(|r| {
            (
                r.session_id,
                ResultCountsRow {
                    results: r.results,
                    excluded: r.excluded,
                    unique_urls: r.unique_urls,
                    unique_domains: r.unique_domains,
                },
            )
        })
        .collect();
    for (session, rows) in by_session {
        let results = result_rows.remove(&session).unwrap_or(ResultCountsRow {
            results: 0,
            excluded: 0,
            unique_urls: 0,
            unique_domains: 0,
        });
        out.insert(session, counts(rows, results)?);
    }
    Ok(())
}

//! Analysis rows as decoded from either backend.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::analysis_model::*;
use crate::error::StoreError;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AnalysisRunRow {
    pub id: crate::AnalysisId,
    pub owner_id: crate::UserId,
    pub project_id: crate::ProjectId,
    pub crawl_id: Option<crate::CrawlId>,
    pub session_id: Option<crate::SearchSessionId>,
    pub options: Json<Value>,
    pub status: String,
    pub job_id: Option<crate::JobId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<AnalysisRunRow> for AnalysisRun {
    type Error = StoreError;
    fn try_from(r: AnalysisRunRow) -> Result<Self, StoreError> {
        Ok(AnalysisRun {
            id: r.id,
            owner_id: r.owner_id,
            project_id: r.project_id,
            scope: match (r.crawl_id, r.session_id) {
                (Some(c), None) => AnalysisScope::Crawl(c),
                (None, Some(s)) => AnalysisScope::Session(s),
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "analysis {} has no single scope",
                        r.id
                    )));
                }
            },
            options: r.options.0,
            status: r.status.parse().map_err(StoreError::Corrupt)?,
            job_id: r.job_id,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PageTextRow {
    pub id: crate::PageId,
    pub crawl_id: crate::CrawlId,
    pub url: String,
    pub domain: String,
    pub language: Option<String>,
    pub text: String,
}

impl From<PageTextRow> for PageText {
    fn from(r: PageTextRow) -> Self {
        PageText {
            id: r.id,
            crawl_id: r.crawl_id,
            url: r.url,
            domain: r.domain,
            language: r.language,
            text: r.text,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PageAnalysisRow {
    pub page_id: crate::PageId,
    pub crawl_id: crate::CrawlId,
    pub domain: String,
    pub language: Option<String>,
    pub tokens: i32,
    pub skipped: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NounRow {
    pub lemma: String,
    pub count: i32,
    pub spans: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EntityRow {
    pub normalized: String,
    pub label: String,
    pub surface: String,
    pub count: i32,
    pub spans: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct KeywordRow {
    pub phrase: String,
    pub score: f64,
    pub count: i32,
    pub spans: Option<String>,
}

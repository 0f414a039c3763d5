//! Crawl rows as decoded from either backend.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::crawl_model::*;
use crate::error::StoreError;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CrawlJobRow {
    pub id: crate::CrawlId,
    pub owner_id: crate::UserId,
    pub project_id: crate::ProjectId,
    pub name: String,
    pub config: Json<Value>,
    pub sources: Json<Value>,
    pub status: String,
    pub job_id: Option<crate::JobId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<CrawlJobRow> for CrawlJob {
    type Error = StoreError;
    fn try_from(r: CrawlJobRow) -> Result<Self, StoreError> {
        Ok(CrawlJob {
            id: r.id,
            owner_id: r.owner_id,
            project_id: r.project_id,
            name: r.name,
            config: r.config.0,
            sources: r.sources.0,
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
pub(crate) struct FrontierRow {
    pub id: crate::FrontierId,
    pub crawl_id: crate::CrawlId,
    pub url: String,
    pub site: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    pub attempts: i32,
    pub lease_owner: Option<String>,
}

impl From<FrontierRow> for FrontierItem {
    fn from(r: FrontierRow) -> Self {
        FrontierItem {
            id: r.id,
            crawl_id: r.crawl_id,
            url: r.url,
            site: r.site,
            depth: r.depth,
            parent_url: r.parent_url,
            attempts: r.attempts,
            holder: r.lease_owner.unwrap_or_default(),
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PageRow {
    pub id: crate::PageId,
    pub crawl_id: crate::CrawlId,
    pub url: String,
    pub final_url: Option<String>,
    pub host: String,
    pub domain: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    pub redirects: Json<Value>,
    pub status_code: Option<i32>,
    pub content_type: Option<String>,
    pub headers: Json<Value>,
    pub content_hash: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub words: i32,
    pub language: Option<String>,
    pub language_confidence: Option<f64>,
    pub description: Option<String>,
    pub published: Option<String>,
    pub outlinks: Json<Value>,
    pub extraction_method: Option<String>,
    pub error_reason: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub rendered: bool,
    pub render_error: Option<String>,
    pub anchors: Option<Json<Value>>,
}

/// Stored anchor texts, kept parallel to the outlinks: an entry that is not a string reads
/// as no text rather than shifting the rest.
pub(crate) fn anchor_texts(anchors: Value) -> Vec<String> {
    match anchors {
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => s,
                _ => String::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl From<PageRow> for Page {
    fn from(r: PageRow) -> Self {
        Page {
            id: r.id,
            crawl_id: r.crawl_id,
            url: r.url,
            final_url: r.final_url,
            host: r.host,
            domain: r.domain,
            depth: r.depth,
            parent_url: r.parent_url,
            redirects: r.redirects.0,
            status_code: r.status_code,
            content_type: r.content_type,
            headers: r.headers.0,
            content_hash: r.content_hash,
            title: r.title,
            text: r.text,
            words: r.words,
            language: r.language,
            language_confidence: r.language_confidence,
            description: r.description,
            published: r.published,
            outlinks: r.outlinks.0,
            extraction_method: r.extraction_method,
            error_reason: r.error_reason,
            fetched_at: r.fetched_at,
            rendered: r.rendered,
            render_error: r.render_error,
            anchors: r.anchors.map(|a| anchor_texts(a.0)).unwrap_or_default(),
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct JobFrontierCountRow {
    pub crawl_id: crate::CrawlId,
    pub state: String,
    pub reason: Option<String>,
    pub count: i64,
}

/// A job joined with one of its counters (none when its frontier is empty).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CrawlCountRow {
    #[sqlx(flatten)]
    pub crawl: CrawlJobRow,
    pub state: Option<String>,
    pub reason: Option<String>,
    pub count: Option<i64>,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FrontierCountRow {
    pub state: String,
    pub reason: Option<String>,
    pub count: i64,
}

impl TryFrom<FrontierCountRow> for FrontierCount {
    type Error = StoreError;
    fn try_from(r: FrontierCountRow) -> Result<Self, StoreError> {
        Ok(FrontierCount {
            state: r.state.parse().map_err(StoreError::Corrupt)?,
            reason: r.reason,
            count: r.count,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PageHitRow {
    pub id: crate::PageId,
    pub crawl_id: crate::CrawlId,
    pub url: String,
    pub final_url: Option<String>,
    pub domain: String,
    pub title: Option<String>,
    pub language: Option<String>,
    pub words: i32,
    pub fetched_at: DateTime<Utc>,
    pub score: f64,
    pub snippet: Option<String>,
}

impl From<PageHitRow> for crate::PageHit {
    fn from(r: PageHitRow) -> Self {
        crate::PageHit {
            id: r.id,
            crawl_id: r.crawl_id,
            url: r.url,
            final_url: r.final_url,
            domain: r.domain,
            title: r.title,
            language: r.language,
            words: r.words,
            fetched_at: r.fetched_at,
            score: r.score,
            snippet: crate::text_query::highlight_html(r.snippet.as_deref().unwrap_or_default()),
        }
    }
}

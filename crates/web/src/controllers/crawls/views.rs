use chrono::{DateTime, Utc};
use crawl::service::CrawlCounters;
use serde::Serialize;
use serde_json::Value;
use store::{CrawlJob, Page, SearchStatus};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct CrawlView {
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    pub name: String,
    /// The effective configuration (defaults filled in).
    #[schema(value_type = Object)]
    pub config: Value,
    #[schema(value_type = Object)]
    pub sources: Value,
    pub status: SearchStatus,
    /// The background job; follow it at `/api/jobs/{job_id}`.
    pub job_id: Option<i64>,
    pub counters: CrawlCounters,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl CrawlView {
    pub fn new(c: CrawlJob, counters: CrawlCounters) -> Self {
        Self {
            id: c.id.get(),
            project_id: c.project_id.get(),
            name: c.name,
            config: c.config,
            sources: c.sources,
            status: c.status,
            job_id: c.job_id.map(store::JobId::get),
            counters,
            created_at: c.created_at,
            started_at: c.started_at,
            finished_at: c.finished_at,
        }
    }
}

/// A page without its text (lists).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageSummary {
    pub id: i64,
    pub crawl_id: i64,
    pub url: String,
    pub final_url: Option<String>,
    pub domain: String,
    pub depth: i32,
    pub status_code: Option<i32>,
    pub title: Option<String>,
    pub language: Option<String>,
    pub words: i32,
    /// Why the page failed, if it did.
    pub error_reason: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

impl From<Page> for PageSummary {
    fn from(p: Page) -> Self {
        Self {
            id: p.id.get(),
            crawl_id: p.crawl_id.get(),
            url: p.url,
            final_url: p.final_url,
            domain: p.domain,
            depth: p.depth,
            status_code: p.status_code,
            title: p.title,
            language: p.language,
            words: p.words,
            error_reason: p.error_reason,
            fetched_at: p.fetched_at,
        }
    }
}

/// A page with its extracted text and metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageView {
    pub id: i64,
    pub crawl_id: i64,
    pub url: String,
    pub final_url: Option<String>,
    #[schema(value_type = Vec<String>)]
    pub redirects: Value,
    pub host: String,
    pub domain: String,
    pub depth: i32,
    pub parent_url: Option<String>,
    pub status_code: Option<i32>,
    pub content_type: Option<String>,
    #[schema(value_type = Object)]
    pub headers: Value,
    /// SHA-256 of the raw body; download it at `/api/pages/{id}/html`.
    pub content_hash: Option<String>,
    pub title: Option<String>,
    /// The main text, paragraphs separated by blank lines. Never a search snippet.
    pub text: Option<String>,
    pub words: i32,
    pub language: Option<String>,
    pub language_confidence: Option<f64>,
    pub description: Option<String>,
    pub published: Option<String>,
    #[schema(value_type = Vec<String>)]
    pub outlinks: Value,
    pub extraction_method: Option<String>,
    pub error_reason: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// The text comes from the DOM after JavaScript ran (the stored HTML is that DOM).
    pub rendered: bool,
    /// Why rendering failed; the static text was kept.
    pub render_error: Option<String>,
}

impl From<Page> for PageView {
    fn from(p: Page) -> Self {
        Self {
            id: p.id.get(),
            crawl_id: p.crawl_id.get(),
            url: p.url,
            final_url: p.final_url,
            redirects: p.redirects,
            host: p.host,
            domain: p.domain,
            depth: p.depth,
            parent_url: p.parent_url,
            status_code: p.status_code,
            content_type: p.content_type,
            headers: p.headers,
            content_hash: p.content_hash,
            title: p.title,
            text: p.text,
            words: p.words,
            language: p.language,
            language_confidence: p.language_confidence,
            description: p.description,
            published: p.published,
            outlinks: p.outlinks,
            extraction_method: p.extraction_method,
            error_reason: p.error_reason,
            fetched_at: p.fetched_at,
            rendered: p.rendered,
            render_error: p.render_error,
        }
    }
}

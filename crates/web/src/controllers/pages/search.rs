use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::{PageHit, PageSearch, TextQuery};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, RankedPaging};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageSearchParams {
    /// Words that must all appear; `"exact phrase"`, `prefix*` and `-excluded` also work.
    /// Case-insensitive, no stemming.
    pub q: Option<String>,
    /// Only pages of this scraping job.
    pub job: Option<i64>,
    /// Only pages of scraping jobs started from this search session.
    pub session: Option<i64>,
    /// Only pages of this registrable domain.
    pub domain: Option<String>,
    /// Only pages in this language (ISO 639-1).
    pub language: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One ranked match.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageHitView {
    pub id: i64,
    pub crawl_id: i64,
    pub url: String,
    pub final_url: Option<String>,
    pub domain: String,
    pub title: Option<String>,
    pub language: Option<String>,
    pub words: i32,
    pub fetched_at: DateTime<Utc>,
    /// Relevance, higher first; comparable only within one query.
    pub score: f64,
    /// A passage of the main text, HTML-escaped, with matched words in `<mark>`.
    pub snippet: String,
}

impl From<PageHit> for PageHitView {
    fn from(h: PageHit) -> Self {
        Self {
            id: h.id.get(),
            crawl_id: h.crawl_id.get(),
            url: h.url,
            final_url: h.final_url,
            domain: h.domain,
            title: h.title,
            language: h.language,
            words: h.words,
            fetched_at: h.fetched_at,
            score: h.score,
            snippet: h.snippet,
        }
    }
}

/// Full-text search over all of the user's stored pages, most relevant first.
#[utoipa::path(get, path = "/api/pages", tag = "crawls", security(("bearer" = [])),
    params(PageSearchParams),
    responses((status = 200, body = Page<PageHitView>), (status = 422, body = ErrorEnvelope)))]
pub async fn search_pages(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<PageSearchParams>,
) -> AppResult<ApiJson<Page<PageHitView>>> {
    let paging = RankedPaging::validate(params.limit, params.cursor.as_deref())?;
    let q = params
        .q
        .as_deref()
        .ok_or_else(|| AppError::field("q", "is required"))?;
    let query = TextQuery::parse(q).map_err(|e| AppError::field("q", e.to_string()))?;
    let search = PageSearch {
        query,
        crawl: params.job.map(store::CrawlId::new),
        session: params.session.map(store::SearchSessionId::new),
        domain: params.domain.map(|d| d.trim().to_ascii_lowercase()),
        language: params.language.map(|l| l.trim().to_ascii_lowercase()),
    };
    let hits = state
        .store
        .search_pages(user.user.id, &search, paging.after, paging.fetch_limit())
        .await?;
    Ok(ApiJson(paging.page(hits, PageHitView::from)))
}

use axum::extract::State;
use serde::Deserialize;
use store::PageFilter;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::controllers::crawls::PageSummary;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageListParams {
    /// Only failed (`true`) or only fetched (`false`) pages.
    pub failed: Option<bool>,
    /// Only pages of this registrable domain.
    pub domain: Option<String>,
    /// Only pages in this language (ISO 639-1).
    pub language: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A scraping job's pages in the order they were stored.
#[utoipa::path(get, path = "/api/crawls/{id}/pages", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path), PageListParams),
    responses((status = 200, body = Page<PageSummary>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_pages(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
    ApiQuery(params): ApiQuery<PageListParams>,
) -> AppResult<ApiJson<Page<PageSummary>>> {
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .validate()?;
    state
        .store
        .crawl(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let filter = PageFilter {
        failed: params.failed,
        domain: params.domain.map(|d| d.trim().to_ascii_lowercase()),
        language: params.language.map(|l| l.trim().to_ascii_lowercase()),
    };
    let rows = state
        .store
        .list_pages(user.user.id, id, &filter, paging.request())
        .await?;
    Ok(ApiJson(paging.page(rows, |p| p.id.get(), PageSummary::from)))
}

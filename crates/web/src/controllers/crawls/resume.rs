use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AuthUser;
use crate::controllers::crawls::{CrawlView, crawl_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Continue a cancelled or failed scraping job where it stopped; finished pages are kept.
#[utoipa::path(post, path = "/api/crawls/{id}/resume", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 202, body = CrawlView), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn resume_crawl(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
) -> AppResult<(StatusCode, ApiJson<CrawlView>)> {
    let crawl = crawl::service::resume_crawl(state.store.as_ref(), &state.registry, user.user.id, id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(crawl_view(&state, crawl).await?)))
}

use axum::extract::State;
use axum::http::StatusCode;
use crawl::service::CrawlRequest;

use crate::auth::AuthUser;
use crate::controllers::crawls::{CrawlView, crawl_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Start a scraping job over the unique URLs of search sessions and/or a URL list
/// (queue `crawl`). `config` takes depth (1–3), caps, scope, include/exclude domains,
/// recollect, robots and politeness settings; omitted values take their defaults.
#[utoipa::path(post, path = "/api/crawls", tag = "crawls", security(("bearer" = [])),
    request_body = CrawlRequest,
    responses((status = 202, body = CrawlView), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_crawl(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<CrawlRequest>,
) -> AppResult<(StatusCode, ApiJson<CrawlView>)> {
    let crawl =
        crawl::service::create_crawl(state.store.as_ref(), &state.registry, user.user.id, &body).await?;
    crate::cached::invalidate_project(&state, &[cache::resource::CRAWLS], crawl.project_id).await;
    Ok((StatusCode::ACCEPTED, ApiJson(crawl_view(&state, crawl).await?)))
}

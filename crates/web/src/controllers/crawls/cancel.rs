use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::crawls::{CrawlView, crawl_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Stop a scraping job between fetches; what is left can be resumed.
#[utoipa::path(post, path = "/api/crawls/{id}/cancel", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = CrawlView), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn cancel_crawl(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
) -> AppResult<ApiJson<CrawlView>> {
    let crawl = crawl::service::cancel_crawl(state.store.as_ref(), user.user.id, id).await?;
    Ok(ApiJson(crawl_view(&state, crawl).await?))
}

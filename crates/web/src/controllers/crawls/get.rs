use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::crawls::CrawlView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// A scraping job with live counters (queued, fetching, fetched, failed, skipped by reason).
#[utoipa::path(get, path = "/api/crawls/{id}", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = CrawlView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_crawl(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
) -> AppResult<ApiJson<CrawlView>> {
    let (crawl, counters) =
        crawl::service::crawl_with_counters(state.store.as_ref(), user.user.id, id).await?;
    Ok(ApiJson(CrawlView::new(crawl, counters)))
}

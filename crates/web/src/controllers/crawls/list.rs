use std::collections::HashMap;

use axum::extract::State;
use store::FrontierCount;

use crate::auth::AuthUser;
use crate::controllers::crawls::CrawlView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, ProjectPageParams};
use crate::state::AppState;

/// The scraping jobs of your projects, newest first.
#[utoipa::path(get, path = "/api/crawls", tag = "crawls", security(("bearer" = [])),
    params(ProjectPageParams),
    responses((status = 200, body = Page<CrawlView>), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_crawls(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<ProjectPageParams>,
) -> AppResult<ApiJson<Page<CrawlView>>> {
    let paging = params.paging().validate()?;
    projects::access::filter(state.store.as_ref(), user.user.id, params.project()).await?;
    let rows = state
        .store
        .list_crawls(user.user.id, params.project(), paging.request())
        .await?;
    let page = paging.page(rows, |c| c.id.get(), |c| c);
    // One query for the counters of the whole page (its ids are contiguous for this owner).
    let ids = page.items.iter().map(|c| c.id);
    let mut counts: HashMap<store::CrawlId, Vec<FrontierCount>> = HashMap::new();
    if let (Some(lowest), Some(highest)) = (ids.clone().min(), ids.max()) {
        for (crawl, count) in state
            .store
            .frontier_counts_between(user.user.id, lowest, highest)
            .await?
        {
            counts.entry(crawl).or_default().push(count);
        }
    }
    let items = page
        .items
        .into_iter()
        .map(|c| {
            let counters = crawl::service::counters(counts.get(&c.id).map_or(&[][..], Vec::as_slice));
            CrawlView::new(c, counters)
        })
        .collect();
    Ok(ApiJson(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

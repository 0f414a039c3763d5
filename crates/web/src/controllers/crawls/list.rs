use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::crawls::{CrawlView, crawl_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Your scraping jobs, newest first.
#[utoipa::path(get, path = "/api/crawls", tag = "crawls", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<CrawlView>), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_crawls(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<CrawlView>>> {
    let paging = params.validate()?;
    let rows = state.store.list_crawls(user.user.id, paging.request()).await?;
    let page = paging.page(rows, |c| c.id, |c| c);
    let mut items = Vec::with_capacity(page.items.len());
    for c in page.items {
        items.push(crawl_view(&state, c).await?);
    }
    Ok(ApiJson(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

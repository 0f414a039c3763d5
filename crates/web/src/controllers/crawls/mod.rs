//! Scraping jobs: create from search sessions or URLs, follow, cancel, resume, list and export pages.

pub mod cancel;
pub mod create;
pub mod export;
pub mod get;
pub mod list;
pub mod pages;
pub mod resume;
mod views;

pub use views::*;

use store::CrawlJob;

use crate::error::AppResult;
use crate::state::AppState;

pub(crate) async fn crawl_view(state: &AppState, crawl: CrawlJob) -> AppResult<CrawlView> {
    let counts = state.store.frontier_counts(crawl.project_id, crawl.id).await?;
    Ok(CrawlView::new(crawl, crawl::service::counters(&counts)))
}

//! Search sessions: create (JSON or CSV upload), follow, read results, re-run, compare.

pub mod engines;
pub mod sessions;
mod views;

pub use views::*;

use store::SearchSession;

use crate::error::AppResult;
use crate::state::AppState;

/// A session with its live counts, as every session endpoint answers.
pub(crate) async fn session_view(state: &AppState, session: SearchSession) -> AppResult<SearchSessionView> {
    let counts = state
        .store
        .search_session_counts(session.project_id, session.id)
        .await?;
    Ok(SearchSessionView::new(session, counts))
}

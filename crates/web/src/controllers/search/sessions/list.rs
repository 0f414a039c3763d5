use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::controllers::search::{SearchSessionView, session_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionListParams {
    /// Only this session and its snapshots.
    pub snapshot_of: Option<i64>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Your search sessions, newest first.
#[utoipa::path(get, path = "/api/search/sessions", tag = "search", security(("bearer" = [])),
    params(SessionListParams),
    responses((status = 200, body = Page<SearchSessionView>), (status = 401, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<SessionListParams>,
) -> AppResult<ApiJson<Page<SearchSessionView>>> {
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .validate()?;
    let rows = state
        .store
        .list_search_sessions(user.user.id, params.snapshot_of, paging.request())
        .await?;
    let page = paging.page(rows, |s| s.id, |s| s);
    let mut items = Vec::with_capacity(page.items.len());
    for s in page.items {
        items.push(session_view(&state, s).await?);
    }
    Ok(ApiJson(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

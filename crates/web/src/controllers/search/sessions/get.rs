use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::search::{SearchSessionDetail, session_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// A session with per-query status and counts.
#[utoipa::path(get, path = "/api/search/sessions/{id}", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SearchSessionDetail), (status = 404, body = ErrorEnvelope)))]
pub async fn get_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<ApiJson<SearchSessionDetail>> {
    let session = search::service::current_session(state.store.as_ref(), user.user.id, id).await?;
    let queries = state.store.search_queries(user.user.id, id).await?;
    Ok(ApiJson(SearchSessionDetail {
        session: session_view(&state, session).await?,
        queries: queries.into_iter().map(Into::into).collect(),
    }))
}

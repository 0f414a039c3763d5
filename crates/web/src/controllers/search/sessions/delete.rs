use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;

/// Delete a session with its queries, results and raw engine pages. A running session is
/// cancelled first.
#[utoipa::path(delete, path = "/api/search/sessions/{id}", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
) -> AppResult<StatusCode> {
    search::service::delete_session(state.store.as_ref(), user.user.id, id).await?;
    crate::cached::invalidate(&state, cache::resource::SEARCH, user.user.id).await;
    crate::cached::invalidate(&state, cache::resource::ANALYSES, user.user.id).await;
    crate::cached::invalidate(&state, cache::resource::NETWORKS, user.user.id).await;
    Ok(StatusCode::NO_CONTENT)
}

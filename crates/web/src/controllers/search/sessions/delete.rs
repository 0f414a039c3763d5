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
    let project = search::service::delete_session(state.store.as_ref(), user.user.id, id).await?;
    let views = [
        cache::resource::SEARCH,
        cache::resource::ANALYSES,
        cache::resource::NETWORKS,
    ];
    crate::cached::invalidate_project(&state, &views, project).await;
    Ok(StatusCode::NO_CONTENT)
}

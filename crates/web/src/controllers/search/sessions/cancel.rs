use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::search::{SearchSessionView, session_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Stop a queued or running session; queries not yet run end `cancelled`.
#[utoipa::path(post, path = "/api/search/sessions/{id}/cancel", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SearchSessionView), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn cancel_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
) -> AppResult<ApiJson<SearchSessionView>> {
    let session = search::service::cancel_session(state.store.as_ref(), user.user.id, id).await?;
    crate::cached::invalidate_project(&state, &[cache::resource::SEARCH], session.project_id).await;
    Ok(ApiJson(session_view(&state, session).await?))
}

use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AuthUser;
use crate::controllers::search::{SearchSessionView, session_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Run a session again as a new snapshot: same queries and parameters, fresh results,
/// linked to the original through `snapshot_of`.
#[utoipa::path(post, path = "/api/search/sessions/{id}/rerun", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 202, body = SearchSessionView), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn rerun_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
) -> AppResult<(StatusCode, ApiJson<SearchSessionView>)> {
    let session = search::service::rerun_session(
        state.store.as_ref(),
        &state.registry,
        &state.engines,
        user.user.id,
        id,
    )
    .await?;
    crate::cached::invalidate_project(&state, &[cache::resource::SEARCH], session.project_id).await;
    Ok((
        StatusCode::ACCEPTED,
        ApiJson(session_view(&state, session).await?),
    ))
}

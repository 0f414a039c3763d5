use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;

/// Delete a project with everything in it (owners only; a user's default project stays).
#[utoipa::path(delete, path = "/api/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn delete_project(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
) -> AppResult<StatusCode> {
    let members = projects::service::delete_project(state.store.as_ref(), user.user.id, id).await?;
    for member in members {
        crate::cached::invalidate_member(&state, member).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

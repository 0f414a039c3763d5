use axum::extract::State;
use projects::service::ProjectUpdate;

use crate::auth::AuthUser;
use crate::controllers::projects::ProjectView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Rename a project, change its description or the statuses new websites start with
/// (owners only).
#[utoipa::path(patch, path = "/api/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ProjectUpdate,
    responses((status = 200, body = ProjectView), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn update_project(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiJson(body): ApiJson<ProjectUpdate>,
) -> AppResult<ApiJson<ProjectView>> {
    let project = projects::service::update_project(state.store.as_ref(), user.user.id, id, &body).await?;
    Ok(ApiJson(project.into()))
}

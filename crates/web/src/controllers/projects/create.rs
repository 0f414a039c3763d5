use axum::extract::State;
use axum::http::StatusCode;
use projects::service::ProjectRequest;

use crate::auth::AuthUser;
use crate::controllers::projects::ProjectView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Create a project; you become its owner.
#[utoipa::path(post, path = "/api/projects", tag = "projects", security(("bearer" = [])),
    request_body = ProjectRequest,
    responses((status = 201, body = ProjectView), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_project(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<ProjectRequest>,
) -> AppResult<(StatusCode, ApiJson<ProjectView>)> {
    let project = projects::service::create_project(state.store.as_ref(), user.user.id, &body).await?;
    Ok((StatusCode::CREATED, ApiJson(project.into())))
}

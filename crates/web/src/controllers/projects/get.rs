use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::projects::ProjectView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// A project you are a member of.
#[utoipa::path(get, path = "/api/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_project(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
) -> AppResult<ApiJson<ProjectView>> {
    let project = projects::service::get_project(state.store.as_ref(), user.user.id, id).await?;
    Ok(ApiJson(project.into()))
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::projects::ProjectView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// The projects you are a member of, newest first, with your role in each.
#[utoipa::path(get, path = "/api/projects", tag = "projects", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<ProjectView>), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_projects(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<ProjectView>>> {
    let paging = params.validate()?;
    let rows = projects::service::list_projects(state.store.as_ref(), user.user.id, paging.request()).await?;
    Ok(ApiJson(paging.page(
        rows,
        |p| p.project.id.get(),
        ProjectView::from,
    )))
}

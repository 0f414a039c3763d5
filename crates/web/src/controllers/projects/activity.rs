use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::projects::ActivityView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Who created, ran, curated or deleted what in the project, and when; newest first.
#[utoipa::path(get, path = "/api/projects/{id}/activity", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<ActivityView>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_activity(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<ActivityView>>> {
    let paging = params.validate()?;
    let rows = projects::service::activity(state.store.as_ref(), user.user.id, id, paging.request()).await?;
    Ok(ApiJson(paging.page(rows, |a| a.id.get(), ActivityView::from)))
}

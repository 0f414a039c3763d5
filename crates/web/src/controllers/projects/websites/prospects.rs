use axum::extract::State;
use curation::service::WebsiteView;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Prospection: the undecided actors, most linked from IN websites first, each with a
/// snippet and the IN websites that link to it.
#[utoipa::path(get, path = "/api/projects/{id}/websites/prospects", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<WebsiteView>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_prospects(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<WebsiteView>>> {
    let paging = params.validate()?;
    let rows = curation::service::prospects(state.store.as_ref(), user.user.id, id, paging.request()).await?;
    Ok(ApiJson(paging.page(rows, |w| w.id.get(), |w| w)))
}

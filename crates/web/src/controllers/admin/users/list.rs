use axum::extract::State;

use crate::auth::AdminUser;
use crate::controllers::UserView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// List users, newest first (administrators only).
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorEnvelope)))]
pub async fn list_users(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<UserView>>> {
    let paging = params.validate()?;
    let rows = state.store.list_users(paging.request()).await?;
    Ok(ApiJson(paging.page(rows, |u| u.id.get(), UserView::from)))
}

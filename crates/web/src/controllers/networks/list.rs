use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::networks::NetworkView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Your networks, newest first.
#[utoipa::path(get, path = "/api/networks", tag = "networks", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<NetworkView>), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_networks(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<NetworkView>>> {
    let paging = params.validate()?;
    let rows = networks::service::list_networks(state.store.as_ref(), user.user.id, paging.request()).await?;
    Ok(ApiJson(paging.page(rows, |n| n.id, NetworkView::from)))
}

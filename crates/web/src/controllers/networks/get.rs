use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::networks::NetworkView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// A network: its status, parameters, statistics, backbone report and download links.
#[utoipa::path(get, path = "/api/networks/{id}", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = NetworkView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_network(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<ApiJson<NetworkView>> {
    let network = networks::service::get_network(state.store.as_ref(), user.user.id, id).await?;
    Ok(ApiJson(network.into()))
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::networks::NetworkView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;
use cache::{Class, resource};

/// A network: its status, parameters, statistics, backbone report and download links.
#[utoipa::path(get, path = "/api/networks/{id}", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = NetworkView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_network(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::NetworkId>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let key = view_key(
        resource::NETWORKS,
        owner,
        Class::NetworkMetadata,
        Some(id.get()),
        "meta",
    );
    cached_json(&state, &key, || async {
        let network = networks::service::get_network(state.store.as_ref(), owner, id).await?;
        Ok(NetworkView::from(network))
    })
    .await
}

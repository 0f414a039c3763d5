use axum::extract::State;
use axum::http::StatusCode;
use networks::spec::NetworkRequest;

use crate::auth::AuthUser;
use crate::controllers::networks::NetworkView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Build a network (queue `network`) from your search sessions and/or scraping jobs:
/// query–website, website–noun, website–entity, website–keyword or hyperlink, optionally
/// projected onto one side, backboned (disparity, noise-corrected, threshold, top-k),
/// with Louvain communities and a ForceAtlas2 layout. Parameters are refused by name when
/// unknown or out of range; another user's session or job is a 404.
#[utoipa::path(post, path = "/api/networks", tag = "networks", security(("bearer" = [])),
    request_body = NetworkRequest,
    responses((status = 202, body = NetworkView), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_network(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<NetworkRequest>,
) -> AppResult<(StatusCode, ApiJson<NetworkView>)> {
    let network =
        networks::service::create_network(state.store.as_ref(), &state.registry, user.user.id, body).await?;
    crate::cached::invalidate_project(&state, &[cache::resource::NETWORKS], network.project_id).await;
    Ok((StatusCode::ACCEPTED, ApiJson(network.into())))
}

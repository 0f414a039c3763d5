use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;

/// Delete a network and its stored graph.
#[utoipa::path(delete, path = "/api/networks/{id}", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_network(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::NetworkId>,
) -> AppResult<StatusCode> {
    let project = networks::service::delete_network(state.store.as_ref(), user.user.id, id).await?;
    crate::cached::invalidate_project(&state, &[cache::resource::NETWORKS], project).await;
    Ok(StatusCode::NO_CONTENT)
}

use axum::extract::State;
use networks::compare::NetworkComparison;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// Entries per list, 1–5000 (default 200); the summary counts them all.
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<usize>,
}

/// Network `id` (before) compared with network `other` (after), both of one type: nodes
/// and edges added and removed, edges whose weight changed, communities matched by the
/// Jaccard overlap of their members with their churn, the nodes that rose and fell most in
/// weighted degree, and a summary with the Jaccard of the node and edge sets.
#[utoipa::path(get, path = "/api/networks/{id}/compare/{other}", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path), ("other" = i64, Path), CompareParams),
    responses((status = 200, body = NetworkComparison), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn compare_networks(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((a, b)): ApiPath<(store::NetworkId, store::NetworkId)>,
    ApiQuery(params): ApiQuery<CompareParams>,
) -> AppResult<ApiJson<NetworkComparison>> {
    let comparison =
        networks::compare::compare_networks(state.store.as_ref(), user.user.id, a, b, params.limit).await?;
    Ok(ApiJson(comparison))
}

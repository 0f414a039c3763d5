use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use networks::compare::{ComparisonFormat, NetworkComparison};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CompareDownloadParams {
    /// `gexf` (default): both networks' nodes and edges with `change` (added, removed,
    /// kept) and edges' `weight_a` and `weight_b`; `dynamic-gexf`: one spell per network
    /// (1, 2) for Gephi's timeline, with dynamic edge weights; `json`: the union as
    /// graphology JSON (the viewer's comparison mode).
    pub format: Option<String>,
}

/// The comparison as one GEXF 1.3 file, static (with a `change` attribute) or dynamic.
#[utoipa::path(get, path = "/api/networks/{id}/compare/{other}/download", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path), ("other" = i64, Path), CompareDownloadParams),
    responses(
        (status = 200, description = "The comparison as GEXF", content_type = "application/gexf+xml"),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn download_comparison(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((a, b)): ApiPath<(store::NetworkId, store::NetworkId)>,
    ApiQuery(params): ApiQuery<CompareDownloadParams>,
) -> AppResult<Response> {
    let format: ComparisonFormat = params
        .format
        .as_deref()
        .unwrap_or("gexf")
        .parse()
        .map_err(|e: String| AppError::field("format", e))?;
    let file = networks::compare::export_comparison(state.store.as_ref(), user.user.id, a, b, format).await?;
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

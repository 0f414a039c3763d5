use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use graph::export::ColorBy;
use networks::export::Format;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DownloadParams {
    /// `gexf` (default), `graphml`, `csv` (a zip with nodes.csv and edges.csv) or `json`
    /// (graphology).
    pub format: Option<String>,
    /// Node colours by `type` (default) or `community`.
    pub color: Option<String>,
}

/// Download a built network: GEXF 1.3 (valid against the official grammar, with typed
/// attributes, colours, sizes and positions), GraphML, CSV tables, or graphology JSON.
#[utoipa::path(get, path = "/api/networks/{id}/download", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path), DownloadParams),
    responses(
        (status = 200, description = "The network file", content_type = "application/gexf+xml"),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn download_network(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::NetworkId>,
    ApiQuery(params): ApiQuery<DownloadParams>,
) -> AppResult<Response> {
    let format: Format = params
        .format
        .as_deref()
        .unwrap_or("gexf")
        .parse()
        .map_err(|e: String| AppError::field("format", e))?;
    let color_by = match params.color.as_deref() {
        None | Some("type") => ColorBy::Kind,
        Some("community") => ColorBy::Community,
        Some(other) => {
            return Err(AppError::field(
                "color",
                format!("unknown colouring `{other}`: use type or community"),
            ));
        }
    };
    let file =
        networks::service::export_network(state.store.as_ref(), user.user.id, id, format, color_by).await?;
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

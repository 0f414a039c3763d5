use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;

/// The page's raw body exactly as fetched, as a download (never rendered on our origin).
#[utoipa::path(get, path = "/api/pages/{id}/html", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "The raw bytes", content_type = "application/octet-stream"),
        (status = 404, body = ErrorEnvelope)))]
pub async fn get_page_html(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::PageId>,
) -> AppResult<Response> {
    let compressed = state
        .store
        .page_body(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = zstd::decode_all(compressed.as_slice()).map_err(AppError::internal)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"page-{id}.html\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

//! A crawled page: its extracted text beside the page itself, rendered sandboxed.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

/// The fetched page may carry anything: no scripts, no same-origin, nothing loaded from
/// elsewhere, framed only by our own page view.
const RAW_PAGE_POLICY: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; \
    img-src data:; frame-ancestors 'self'";

pub async fn show(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let page = ui.get(&format!("/api/pages/{id}")).await?;
    let title = page["title"].as_str().unwrap_or("Page").to_owned();
    let paragraphs: Vec<&str> = page["text"]
        .as_str()
        .unwrap_or_default()
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    Ok(ui.render(
        "page.html",
        "crawls",
        &title,
        json!({"page": page, "paragraphs": paragraphs}),
    ))
}

pub async fn raw(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let body = ui.api_bytes(&format!("/api/pages/{id}/html")).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(RAW_PAGE_POLICY),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response())
}

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use crawl::ExportFormat;
use futures::StreamExt;
use serde::Deserialize;
use store::PageFilter;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `jsonl` (default) or `csv`.
    pub format: Option<String>,
    /// Only failed (`true`) or only fetched (`false`) pages.
    pub failed: Option<bool>,
    /// Only pages of this registrable domain.
    pub domain: Option<String>,
    /// Only pages in this language (ISO 639-1).
    pub language: Option<String>,
}

/// Every page of a scraping job with its text and metadata, streamed as JSON Lines or CSV.
#[utoipa::path(get, path = "/api/crawls/{id}/export", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path), ExportParams),
    responses(
        (status = 200, description = "JSON Lines (`application/x-ndjson`) or CSV with a header row \
            (`text/csv`), one page per record", content_type = "application/x-ndjson"),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn export_pages(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> AppResult<Response> {
    let format: ExportFormat = params
        .format
        .as_deref()
        .unwrap_or("jsonl")
        .parse()
        .map_err(|e: String| AppError::field("format", e))?;
    state
        .store
        .crawl(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let filter = PageFilter {
        failed: params.failed,
        domain: params.domain.map(|d| d.trim().to_ascii_lowercase()),
        language: params.language.map(|l| l.trim().to_ascii_lowercase()),
    };
    let chunks =
        crawl::export::stream(state.store.clone(), user.user.id, id, filter, format).map(move |chunk| {
            chunk.map(|c| c.bytes).map_err(|e| {
                // The status line is gone; cutting the body short is the only signal left.
                tracing::error!(crawl = %id, error = %e, "page export failed mid-stream");
                std::io::Error::other("export interrupted")
            })
        });
    let mut response = Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"crawl-{id}-pages.{}\"",
        format.extension()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

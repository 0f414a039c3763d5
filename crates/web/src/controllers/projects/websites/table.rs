use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use curation::service::ImportReport;

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The actor table as CSV: `website,kind,origin,status,name,merged_into`, then one column
/// per category; one row per website, by unit.
#[utoipa::path(get, path = "/api/projects/{id}/websites/table", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "CSV with a header row", content_type = "text/csv"),
        (status = 404, body = ErrorEnvelope)))]
pub async fn export_table(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
) -> AppResult<Response> {
    let csv = curation::service::export_table(state.store.as_ref(), user.user.id, id).await?;
    let mut response = csv.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"project-{id}-websites.csv\""))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    Ok(response)
}

/// Apply an actor table (CSV, the export's columns; `kind` and `origin` are ignored). Each
/// row sets its website's status, name, merge and categories, empty cells clearing them;
/// a row may add a host or URL prefix within a website the project has seen. Problems are
/// named by line, and a table with any problem changes nothing (editors and owners).
#[utoipa::path(put, path = "/api/projects/{id}/websites/table", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn import_table(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    body: axum::body::Bytes,
) -> AppResult<ApiJson<ImportReport>> {
    let text = std::str::from_utf8(&body).map_err(|_| AppError::field("file", "is not UTF-8 text"))?;
    let report = curation::service::import_table(state.store.as_ref(), user.user.id, id, text).await?;
    Ok(ApiJson(report))
}

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use search::SessionRequest;
use search::request::QueryInput;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::controllers::search::{SearchSessionView, session_view};
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The multipart form: the same fields as the JSON body, with lists comma- or
/// newline-separated, plus a CSV `file` of queries (or, for `manual`, of URLs).
#[derive(Debug, ToSchema)]
pub struct SessionUpload {
    pub name: String,
    pub engine: String,
    /// CSV with a `query` column and optional `max_results`, `language`, `country`,
    /// `date_from`, `date_to`; for `manual`, one URL per line.
    #[schema(value_type = String, format = Binary)]
    pub file: Option<Vec<u8>>,
    pub max_results: Option<u32>,
    pub language: Option<String>,
    pub country: Option<String>,
    pub location: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub allowed_tlds: Option<String>,
    pub excluded_domains: Option<String>,
    pub queries: Option<String>,
    pub urls: Option<String>,
}

/// Start a search session. Each query runs as background work on queue `search`; follow it
/// here or at `/api/jobs/{job_id}`. A `manual` session stores its URL list at once.
/// A CSV with any bad row is refused whole, with line-numbered errors, and nothing is created.
#[utoipa::path(post, path = "/api/search/sessions", tag = "search", security(("bearer" = [])),
    request_body(content(
        (SessionRequest = "application/json"),
        (SessionUpload = "multipart/form-data"),
    )),
    responses((status = 202, body = SearchSessionView), (status = 401, body = ErrorEnvelope),
        (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_session(
    State(state): State<AppState>,
    user: AuthUser,
    request: Request,
) -> AppResult<(StatusCode, ApiJson<SearchSessionView>)> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let (body, csv) = if is_multipart {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| AppError::BadRequest(format!("unreadable form: {}", e.body_text())))?;
        from_form(form).await?
    } else {
        let ApiJson(body) = ApiJson::<SessionRequest>::from_request(request, &state).await?;
        (body, None)
    };
    let session = search::service::create_session(
        state.store.as_ref(),
        &state.registry,
        &state.engines,
        user.user.id,
        &body,
        csv,
    )
    .await?;
    crate::cached::invalidate_project(&state, &[cache::resource::SEARCH], session.project_id).await;
    Ok((
        StatusCode::ACCEPTED,
        ApiJson(session_view(&state, session).await?),
    ))
}

const LIST_FIELDS: [&str; 4] = ["allowed_tlds", "excluded_domains", "queries", "urls"];
const TEXT_FIELDS: [&str; 7] = [
    "name",
    "engine",
    "language",
    "country",
    "location",
    "date_from",
    "date_to",
];

/// Reads the form into the JSON request shape, so both paths validate identically.
async fn from_form(mut form: Multipart) -> AppResult<(SessionRequest, Option<Vec<QueryInput>>)> {
    let mut fields = Map::new();
    let mut file = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("unreadable form: {}", e.body_text())))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("unreadable file: {}", e.body_text())))?;
            file = Some(bytes);
            continue;
        }
        let text = field.text().await.map_err(|e| {
            AppError::BadRequest(format!("unreadable form field `{name}`: {}", e.body_text()))
        })?;
        let value = if LIST_FIELDS.contains(&name.as_str()) {
            let sep: &[char] = if name == "queries" || name == "urls" {
                &['\n']
            } else {
                &[',', '\n']
            };
            Value::Array(
                text.split(sep)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            )
        } else if name == "max_results" {
            match text.trim().parse::<u32>() {
                Ok(n) => Value::from(n),
                Err(_) => return Err(AppError::field("max_results", "must be a whole number")),
            }
        } else if TEXT_FIELDS.contains(&name.as_str()) {
            if text.trim().is_empty() {
                continue;
            }
            Value::String(text.trim().to_owned())
        } else {
            return Err(AppError::field(&name, "unknown form field"));
        };
        fields.insert(name, value);
    }
    let mut request: SessionRequest =
        serde_json::from_value(Value::Object(fields)).map_err(|e| AppError::InvalidInput {
            field: None,
            message: format!("invalid form: {e}"),
        })?;
    let Some(bytes) = file else {
        return Ok((request, None));
    };
    if request.engine == search::EngineKind::Manual {
        let text =
            std::str::from_utf8(&bytes).map_err(|_| AppError::field("file", "is not valid UTF-8 text"))?;
        request.urls.extend(
            text.lines()
                .map(|l| l.trim().trim_matches('"'))
                .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("url"))
                .map(str::to_owned),
        );
        return Ok((request, None));
    }
    let queries = search::csv_input::parse_queries(&bytes).map_err(AppError::from_issues)?;
    Ok((request, Some(queries)))
}

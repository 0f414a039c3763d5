use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RawPageView {
    pub id: i64,
    pub query_id: i64,
    /// 0-based engine page.
    pub page: i32,
    /// Method, URL and body as sent; API keys appear as `***`.
    #[schema(value_type = Object)]
    pub request: Value,
    pub status: i32,
    pub fetched_at: DateTime<Utc>,
    /// The engine's response exactly as received (JSON, or a string if it was not JSON).
    #[schema(value_type = Object)]
    pub body: Value,
}

/// One stored engine response with the request that produced it, for reproducibility.
#[utoipa::path(get, path = "/api/search/sessions/{id}/raw/{raw_id}", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path), ("raw_id" = i64, Path)),
    responses((status = 200, body = RawPageView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_raw_page(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, raw_id)): ApiPath<(store::SearchSessionId, i64)>,
) -> AppResult<ApiJson<RawPageView>> {
    let page = state
        .store
        .search_raw_page(user.user.id, id, raw_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = search::job::gunzip(&page.body_gzip).map_err(AppError::internal)?;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Ok(ApiJson(RawPageView {
        id: page.id,
        query_id: page.query_id.get(),
        page: page.page,
        request: page.request,
        status: page.status,
        fetched_at: page.fetched_at,
        body,
    }))
}

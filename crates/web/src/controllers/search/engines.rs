use axum::extract::State;
use search::EngineInfo;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The search engines, whether this deployment has them configured, and their limits.
#[utoipa::path(get, path = "/api/search/engines", tag = "search", security(("bearer" = [])),
    responses((status = 200, body = Vec<EngineInfo>), (status = 401, body = ErrorEnvelope)))]
pub async fn list_engines(
    State(state): State<AppState>,
    _user: AuthUser,
) -> AppResult<ApiJson<Vec<EngineInfo>>> {
    Ok(ApiJson(state.engines.describe()))
}

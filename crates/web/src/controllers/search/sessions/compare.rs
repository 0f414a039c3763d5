use axum::extract::State;
use search::Comparison;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Compare two of your sessions (e.g. a session and its snapshot): Jaccard overlap of their
/// URL and domain sets, and rank-biased overlap (RBO, p = 0.9, extrapolated) per shared query.
/// Excluded results are left out.
#[utoipa::path(get, path = "/api/search/sessions/{id}/compare/{other}", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path), ("other" = i64, Path)),
    responses((status = 200, body = Comparison), (status = 404, body = ErrorEnvelope)))]
pub async fn compare_sessions(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, other)): ApiPath<(store::SearchSessionId, store::SearchSessionId)>,
) -> AppResult<ApiJson<Comparison>> {
    Ok(ApiJson(
        search::service::compare_sessions(state.store.as_ref(), user.user.id, id, other).await?,
    ))
}

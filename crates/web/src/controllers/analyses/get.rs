use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::analyses::AnalysisView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// An analysis run and how many pages it has analysed and skipped.
#[utoipa::path(get, path = "/api/analyses/{id}", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AnalysisView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_analysis(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<ApiJson<AnalysisView>> {
    let run = analysis::service::current_analysis(state.store.as_ref(), user.user.id, id).await?;
    Ok(ApiJson(run.into()))
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::JobView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// One of your jobs, with its progress.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = JobView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_job(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::JobId>,
) -> AppResult<ApiJson<JobView>> {
    let job = state
        .store
        .job(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ApiJson(job.into()))
}

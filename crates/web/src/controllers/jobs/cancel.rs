use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AuthUser;
use crate::controllers::JobView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Cancel a job: a queued job ends `cancelled` at once; a running one stops at its next
/// checkpoint.
#[utoipa::path(post, path = "/api/jobs/{id}/cancel", tag = "jobs", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 202, body = JobView), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "Already finished", body = ErrorEnvelope)))]
pub async fn cancel_job(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::JobId>,
) -> AppResult<(StatusCode, ApiJson<JobView>)> {
    let job = projects::jobs::cancel_job(state.store.as_ref(), user.user.id, id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(job.into())))
}

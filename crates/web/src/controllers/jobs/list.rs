use axum::extract::State;
use serde::Deserialize;
use store::{JobFilter, JobStatus, Queue};
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::controllers::JobView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobListParams {
    /// Only jobs in this state.
    pub status: Option<JobStatus>,
    /// Only jobs on this queue.
    pub queue: Option<Queue>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Your jobs, newest first.
#[utoipa::path(get, path = "/api/jobs", tag = "jobs", security(("bearer" = [])),
    params(JobListParams),
    responses((status = 200, body = Page<JobView>), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_jobs(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<JobListParams>,
) -> AppResult<ApiJson<Page<JobView>>> {
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .validate()?;
    let filter = JobFilter {
        status: params.status,
        queue: params.queue,
    };
    let rows = state
        .store
        .list_jobs(user.user.id, &filter, paging.request())
        .await?;
    Ok(ApiJson(paging.page(rows, |j| j.id.get(), JobView::from)))
}

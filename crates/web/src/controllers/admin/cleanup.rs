use axum::extract::State;
use axum::http::StatusCode;
use jobs::SubmitError;
use serde::Deserialize;
use store::Priority;
use utoipa::ToSchema;

use crate::auth::AdminUser;
use crate::controllers::JobView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CleanupRequest {
    /// Keep finished jobs for this many days (default 90).
    pub keep_days: Option<u32>,
}

/// Start a retention cleanup job (administrators only).
#[utoipa::path(post, path = "/api/admin/cleanup", tag = "admin", security(("bearer" = [])),
    request_body = CleanupRequest,
    responses((status = 202, body = JobView), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn start_cleanup(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(body): ApiJson<CleanupRequest>,
) -> AppResult<(StatusCode, ApiJson<JobView>)> {
    let mut payload = serde_json::Map::new();
    if let Some(days) = body.keep_days {
        payload.insert("keep_days".into(), days.into());
    }
    let job = state
        .registry
        .submit(
            state.store.as_ref(),
            admin.user.id,
            "retention_cleanup",
            payload.into(),
            Priority::Bulk,
        )
        .await
        .map_err(|e| match e {
            SubmitError::InvalidPayload(m) => AppError::field("keep_days", m),
            SubmitError::UnknownKind(k) => AppError::internal(anyhow::anyhow!("job kind {k} not registered")),
            SubmitError::Store(e) => e.into(),
        })?;
    Ok((StatusCode::ACCEPTED, ApiJson(job.into())))
}

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AdminUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// At least 10 characters.
    pub new_password: String,
}

/// Reset a user's password (administrators only); signs that user out everywhere.
#[utoipa::path(put, path = "/api/admin/users/{id}/password", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ResetPasswordRequest,
    responses((status = 204), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn reset_password(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<store::UserId>,
    ApiJson(body): ApiJson<ResetPasswordRequest>,
) -> AppResult<StatusCode> {
    accounts::users::reset_password(state.store.as_ref(), admin.actor(), id, body.new_password).await?;
    crate::cached::invalidate(&state, cache::resource::USERS, id).await;
    Ok(StatusCode::NO_CONTENT)
}

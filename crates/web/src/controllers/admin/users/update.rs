use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AdminUser;
use crate::controllers::UserView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// Disabling signs the user out everywhere.
    pub disabled: bool,
}

/// Disable or re-enable a user (administrators only).
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = UpdateUserRequest,
    responses((status = 200, body = UserView), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn update_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<store::UserId>,
    ApiJson(body): ApiJson<UpdateUserRequest>,
) -> AppResult<ApiJson<UserView>> {
    let user = accounts::users::set_disabled(state.store.as_ref(), admin.actor(), id, body.disabled).await?;
    crate::cached::invalidate(&state, cache::resource::USERS, id).await;
    Ok(ApiJson(user.into()))
}

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AdminUser;
use crate::controllers::UserView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3–64 characters: letters, digits, `.`, `_`, `-`; case-insensitive.
    pub username: String,
    /// At least 10 characters.
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

/// Create a user (administrators only).
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses((status = 201, body = UserView), (status = 409, description = "Username taken", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn create_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> AppResult<(StatusCode, ApiJson<UserView>)> {
    let user = accounts::users::create_user(
        state.store.as_ref(),
        admin.actor(),
        &body.username,
        body.password,
        body.is_admin,
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(user.into())))
}

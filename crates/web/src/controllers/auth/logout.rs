use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::auth::{self, AuthUser};
use crate::error::{AppResult, ErrorEnvelope};
use crate::state::AppState;

/// Log out: revokes this token's session at once and clears the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorEnvelope)))]
pub async fn logout(State(state): State<AppState>, user: AuthUser) -> AppResult<impl IntoResponse> {
    auth::logout(&state, &user).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::CLEAR_SESSION_COOKIE)],
    ))
}

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::auth::{self, AuthUser, SESSION_COOKIE};
use crate::error::{AppResult, ErrorEnvelope};
use crate::state::AppState;

/// Log out: revokes this token's session at once and clears the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorEnvelope)))]
pub async fn logout(State(state): State<AppState>, user: AuthUser) -> AppResult<impl IntoResponse> {
    auth::logout(&state, &user).await?;
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]))
}

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use store::User;

use crate::error::AppError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "observatory_token";

/// The signed-in user, from `Authorization: Bearer …` or the session cookie.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
    pub session_id: String,
}

/// A signed-in administrator; anyone else gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl AuthUser {
    /// The caller, as the services see them.
    pub fn actor(&self) -> accounts::Actor {
        accounts::Actor::signed_in(self.user.id, self.user.is_admin)
    }
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// The token in the session cookie.
pub(crate) fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// Cookies ride along on cross-site requests; bearer headers do not. So a state-changing
/// request authenticated by cookie must come from our own origin.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, o)| o == host),
        // Non-browser clients send neither header.
        (None, _) => true,
        _ => false,
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(token) = bearer(&parts.headers) {
            return crate::auth::authenticate(state, token).await;
        }
        let token = cookie(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && !same_origin(&parts.headers) {
            return Err(AppError::Forbidden("cross-site request refused".into()));
        }
        crate::auth::authenticate(state, token).await
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if !user.user.is_admin {
            return Err(AppError::Forbidden("administrators only".into()));
        }
        Ok(AdminUser(user))
    }
}

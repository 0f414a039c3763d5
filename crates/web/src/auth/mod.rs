//! Authentication: login with throttling, bearer/cookie tokens backed by revocable
//! sessions, and the extractors handlers use.

pub(crate) mod extractor;
pub mod throttle;
pub mod token;

use accounts::password;
use chrono::{DateTime, Utc};
use store::{AuthSession, NewAuthSession, User};

pub use extractor::{AdminUser, AuthUser, SESSION_COOKIE};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub struct LoginAttempt {
    pub username: String,
    pub password: String,
    pub ip: String,
    pub user_agent: Option<String>,
}

pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

pub async fn login(state: &AppState, attempt: LoginAttempt) -> AppResult<IssuedToken> {
    let cfg = &state.config;
    // An unusable username can only fail; treat it like any wrong credentials.
    let username = accounts::normalize_username(&attempt.username).unwrap_or_default();
    let ip_key = format!("ip:{}", attempt.ip);
    let user_key = format!("user:{username}");
    if cfg.rate_limits.enabled
        && let Some(decision) = crate::ratelimit::spend(
            &state.limiter,
            "login",
            &format!("{}:{username}", attempt.ip),
            cfg.rate_limits.login,
        )
        .await
        && !decision.allowed
    {
        return Err(AppError::RateLimited {
            retry_after_secs: decision.retry_after_secs().unwrap_or(1),
        });
    }
    for (key, limit) in [
        (&ip_key, cfg.login_max_failures_per_ip),
        (&user_key, cfg.login_max_failures_per_user),
    ] {
        if let Some(retry_after_secs) = state
            .throttle
            .blocked(key, limit)
            .await
            .map_err(AppError::Internal)?
        {
            return Err(AppError::RateLimited { retry_after_secs });
        }
    }

    let creds = if username.is_empty() {
        None
    } else {
        state.store.credentials(&username).await?
    };
    let (stored_hash, user) = match creds {
        Some(c) if !c.user.disabled => (Some(c.password_hash), Some(c.user)),
        _ => (None, None),
    };
    let ok = password::verify(attempt.password, stored_hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        for key in [&ip_key, &user_key] {
            state
                .throttle
                .record_failure(key)
                .await
                .map_err(AppError::Internal)?;
        }
        tracing::info!(ip = %attempt.ip, "failed login");
        return Err(AppError::InvalidCredentials);
    };
    state
        .throttle
        .reset(&user_key)
        .await
        .map_err(AppError::Internal)?;
    start_session(state, user, attempt.ip, attempt.user_agent).await
}

/// Opens a login session for `user`, whose credentials the caller has already established,
/// and issues its token.
pub async fn start_session(
    state: &AppState,
    user: User,
    ip: String,
    user_agent: Option<String>,
) -> AppResult<IssuedToken> {
    let ttl = chrono::Duration::from_std(state.config.token_ttl).map_err(AppError::internal)?;
    let expires_at = Utc::now() + ttl;
    let session_id = token::new_session_id();
    state
        .store
        .create_session(NewAuthSession {
            id: session_id.clone(),
            user_id: user.id,
            expires_at,
            user_agent: user_agent.map(|ua| ua.chars().take(256).collect()),
            ip: Some(ip),
        })
        .await?;
    let token = state
        .tokens
        .issue(user.id, &session_id, expires_at)
        .map_err(AppError::Internal)?;
    tracing::info!(user_id = %user.id, "login");
    Ok(IssuedToken {
        token,
        expires_at,
        user,
    })
}

/// Resolves a presented token to its live session and enabled user. The lookup is cached
/// under the user's namespace, which logout, password changes and account changes
/// invalidate; expiry is checked on every request.
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<AuthUser> {
    let claims = state.tokens.verify(token).ok_or(AppError::Unauthenticated)?;
    let owner: store::UserId = claims.sub.parse().map_err(|_| AppError::Unauthenticated)?;
    let key = crate::cached::view_key(
        cache::resource::USERS,
        owner,
        cache::Class::LoginSessions,
        None,
        format!("session.{}", claims.sid),
    );
    let now = Utc::now();
    let found = state
        .cache
        .get_or_load(&key, || async {
            let live = state.store.live_session(&claims.sid, now).await?;
            serde_json::to_vec(&live)
                .map(cache::Bytes::from)
                .map_err(AppError::internal)
        })
        .await?;
    let live: Option<(AuthSession, User)> = serde_json::from_slice(&found).map_err(AppError::internal)?;
    let (session, user) = live.ok_or(AppError::Unauthenticated)?;
    if user.disabled || user.id != owner || session.expires_at <= now || session.revoked_at.is_some() {
        return Err(AppError::Unauthenticated);
    }
    Ok(AuthUser {
        user,
        session_id: session.id,
    })
}

/// The `Set-Cookie` value that carries `issued` to a browser.
pub fn session_cookie(state: &AppState, issued: &IssuedToken) -> AppResult<axum::http::HeaderValue> {
    let max_age = (issued.expires_at - Utc::now()).num_seconds().max(0);
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        issued.token
    );
    axum::http::HeaderValue::from_str(&cookie).map_err(AppError::internal)
}

/// The `Set-Cookie` value that removes the session cookie.
pub const CLEAR_SESSION_COOKIE: &str = "observatory_token=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";

pub async fn logout(state: &AppState, auth: &AuthUser) -> AppResult<()> {
    state.store.revoke_session(&auth.session_id, Utc::now()).await?;
    crate::cached::invalidate(state, cache::resource::USERS, auth.user.id).await;
    Ok(())
}

/// Changes the caller's password and signs out their other sessions.
pub async fn change_password(
    state: &AppState,
    auth: &AuthUser,
    current: String,
    new: String,
) -> AppResult<()> {
    accounts::users::change_own_password(
        state.store.as_ref(),
        &auth.user,
        Some(&auth.session_id),
        current,
        new,
    )
    .await?;
    crate::cached::invalidate(state, cache::resource::USERS, auth.user.id).await;
    Ok(())
}

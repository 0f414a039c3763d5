use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::extractor::{cookie, same_origin};
use crate::auth::{self, LoginAttempt};
use crate::error::AppError;
use crate::state::AppState;
use crate::ui::page::{Ui, error_page, local_path, render_page};

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn signed_in(state: &AppState, issued: &auth::IssuedToken, next: &str) -> Response {
    match auth::session_cookie(state, issued) {
        Ok(cookie) => (AppendHeaders([(header::SET_COOKIE, cookie)]), Redirect::to(next)).into_response(),
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Could not sign you in."),
    }
}

fn login_page(status: StatusCode, next: &str, username: &str, error: Option<&str>) -> Response {
    let mut response = render_page(
        "login.html",
        "login",
        "Log in",
        None,
        &json!({"theme": "system"}),
        json!({"next": next, "username": username, "error": error}),
    );
    *response.status_mut() = status;
    response
}

pub async fn form(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = local_path(query.next.as_deref());
    if let Some(token) = cookie(&headers)
        && auth::authenticate(&state, token).await.is_ok()
    {
        return Redirect::to(next).into_response();
    }
    if let Some(name) = state.config.auto_login.as_deref()
        && peer.ip().is_loopback()
        && let Ok(Some(found)) = state.store.credentials(name).await
        && !found.user.disabled
    {
        match auth::start_session(&state, found.user, peer.ip().to_string(), user_agent(&headers)).await {
            Ok(issued) => return signed_in(&state, &issued, next),
            Err(e) => tracing::warn!(error = %e, "demo sign-in failed"),
        }
    }
    login_page(StatusCode::OK, next, "", None)
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !same_origin(&headers) {
        return error_page(StatusCode::FORBIDDEN, "Cross-site request refused.");
    }
    let next = local_path(form.next.as_deref()).to_owned();
    let username = form.username.clone();
    let attempt = LoginAttempt {
        username: form.username,
        password: form.password,
        ip: peer.ip().to_string(),
        user_agent: user_agent(&headers),
    };
    match auth::login(&state, attempt).await {
        Ok(issued) => signed_in(&state, &issued, &next),
        Err(AppError::InvalidCredentials) => login_page(
            StatusCode::UNAUTHORIZED,
            &next,
            &username,
            Some("Wrong username or password."),
        ),
        Err(AppError::RateLimited { retry_after_secs }) => login_page(
            StatusCode::TOO_MANY_REQUESTS,
            &next,
            &username,
            Some(&format!(
                "Too many attempts. Try again in {retry_after_secs} seconds."
            )),
        ),
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            login_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &next,
                &username,
                Some("The server could not sign you in; the cause is in its log."),
            )
        }
    }
}

pub async fn logout(State(state): State<AppState>, ui: Ui) -> Response {
    if let Err(e) = auth::logout(&state, &ui.user).await {
        tracing::error!(error = %e, "logout failed");
    }
    (
        AppendHeaders([(header::SET_COOKIE, auth::CLEAR_SESSION_COOKIE)]),
        Redirect::to("/login"),
    )
        .into_response()
}

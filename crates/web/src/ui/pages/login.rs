use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::extractor::{cookie, same_origin};
use crate::auth::{self, LoginAttempt};
use crate::client_addr::ClientAddr;
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

/// Set by logging out of a demo, for the rest of the browser session: the demo then shows
/// the login form instead of signing the browser straight back in.
const DEMO_SIGNED_OUT: &str = "observatory_demo_signed_out";

fn signed_in(state: &AppState, issued: &auth::IssuedToken, next: &str) -> Response {
    match auth::session_cookie(state, issued) {
        Ok(cookie) => {
            let mut response =
                (AppendHeaders([(header::SET_COOKIE, cookie)]), Redirect::to(next)).into_response();
            if state.config.auto_login.is_some() {
                append_cookie(
                    &mut response,
                    &format!("{DEMO_SIGNED_OUT}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
                );
            }
            response
        }
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Could not sign you in."),
    }
}

fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = header::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Headers a proxy adds: a request carrying any of them did not come straight from a
/// browser on this machine, whatever its peer address says.
const FORWARDING_HEADERS: [&str; 5] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];

/// Whether the demo may sign this request in as its user: it came from this machine
/// (loopback peer), to this machine by a loopback name (`Host`, so a DNS-rebound page of
/// another site cannot ride it), directly (no forwarding headers), and the browser has not
/// logged out of the demo.
fn demo_may_sign_in(peer: &SocketAddr, headers: &HeaderMap) -> bool {
    peer.ip().is_loopback()
        && headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_loopback_host)
        && !FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h))
        && !has_cookie(headers, DEMO_SIGNED_OUT)
}

/// `localhost`, `127.0.0.1`, `[::1]` and the like, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, tail)) if tail.is_empty() || tail.starts_with(':') => inside,
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host,
        },
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn has_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(k, v)| k == name && !v.is_empty())
        })
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
        && demo_may_sign_in(&peer, &headers)
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
    ClientAddr(client): ClientAddr,
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
        ip: client.to_string(),
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
    let mut response = (
        AppendHeaders([(header::SET_COOKIE, auth::CLEAR_SESSION_COOKIE)]),
        Redirect::to("/login"),
    )
        .into_response();
    if state.config.auto_login.is_some() {
        append_cookie(
            &mut response,
            &format!("{DEMO_SIGNED_OUT}=1; Path=/; HttpOnly; SameSite=Lax"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_count() {
        for host in [
            "localhost",
            "localhost:8000",
            "LOCALHOST:1",
            "127.0.0.1",
            "127.0.0.1:8000",
            "127.9.9.9",
            "[::1]",
            "[::1]:8000",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "10.0.0.1:8000",
            "0.0.0.0:8000",
            "[::1]x",
            "[fe80::1]:80",
            "127.0.0.1:80:80",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}

//! What every page shares: the signed-in user (or a redirect to the login page), the user's
//! preferences, API reads, and rendering into the layout.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};

use crate::auth::extractor::{cookie, same_origin};
use crate::auth::{self, AuthUser};
use crate::state::AppState;
use crate::ui::api::{ApiFailure, InProcessApi};
use crate::ui::{assets, templates};

/// A signed-in user on a page; anyone else is sent to the login page and brought back.
pub struct Ui {
    pub user: AuthUser,
    pub api: InProcessApi,
    token: String,
    prefs: Value,
    /// The user's projects, for the switcher (pages only, not polled fragments).
    projects: Value,
    /// This page's path and query, for forms that come back to it.
    here: String,
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let api = parts
            .extensions
            .get::<InProcessApi>()
            .cloned()
            .ok_or_else(|| error_page(StatusCode::INTERNAL_SERVER_ERROR, "The UI is not set up."))?;
        let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let to_login = || Redirect::to(&format!("/login?next={}", encode_component(next))).into_response();
        let Some(token) = cookie(&parts.headers).map(str::to_owned) else {
            return Err(to_login());
        };
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD);
        if unsafe_method && !same_origin(&parts.headers) {
            return Err(error_page(StatusCode::FORBIDDEN, "Cross-site request refused."));
        }
        let user = auth::authenticate(state, &token).await.map_err(|_| to_login())?;
        // htmx fetches fragments (polled progress) that have no layout to theme: they skip
        // the preferences read on every poll.
        let fragment = parts.headers.contains_key("hx-request");
        let (prefs, projects) = if fragment {
            (default_prefs(), Value::Array(Vec::new()))
        } else {
            let prefs = api
                .get(&token, "/api/auth/preferences")
                .await
                .unwrap_or_else(|_| default_prefs());
            let projects = api
                .get(&token, "/api/projects?limit=200")
                .await
                .map(|page| page["items"].clone())
                .unwrap_or_else(|_| Value::Array(Vec::new()));
            (prefs, projects)
        };
        Ok(Self {
            user,
            api,
            token,
            prefs,
            projects,
            here: next.to_owned(),
        })
    }
}

fn default_prefs() -> Value {
    json!({"theme": "system", "page_size": 25})
}

impl Ui {
    /// Reads an API route as this user.
    pub async fn get(&self, path_and_query: &str) -> Result<Value, ApiFailure> {
        self.api.get(&self.token, path_and_query).await
    }

    /// Posts `body` to an API route as this user.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ApiFailure> {
        self.api.post(&self.token, path, body).await
    }

    /// Reads an API route as this user, as bytes.
    pub async fn api_bytes(&self, path_and_query: &str) -> Result<axum::body::Bytes, ApiFailure> {
        self.api.get_bytes(&self.token, path_and_query).await
    }

    /// The user's page size, for lists.
    pub fn page_size(&self) -> u64 {
        self.prefs["page_size"].as_u64().unwrap_or(25).clamp(1, 200)
    }

    pub fn prefs(&self) -> &Value {
        &self.prefs
    }

    /// The project the interface works in, when one is chosen and still one of the user's.
    pub fn project(&self) -> Option<i64> {
        let chosen = self.prefs["project"].as_i64()?;
        self.projects
            .as_array()?
            .iter()
            .any(|p| p["id"].as_i64() == Some(chosen))
            .then_some(chosen)
    }

    /// `&project_id=…` for an API list, or nothing.
    pub fn project_param(&self) -> String {
        self.project()
            .map(|p| format!("&project_id={p}"))
            .unwrap_or_default()
    }

    /// Sends `body` to an API route with `method` as this user.
    pub async fn send(
        &self,
        method: axum::http::Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ApiFailure> {
        self.api.send_json(method, &self.token, path, body).await
    }

    /// `template` inside the layout; `section` marks the current navigation entry.
    pub fn render(&self, template: &str, section: &str, title: &str, data: Value) -> Response {
        let user = json!({
            "username": self.user.user.username,
            "is_admin": self.user.user.is_admin,
            "projects": self.projects,
            "project": self.project(),
            "here": self.here,
        });
        render_page(template, section, title, Some(user), &self.prefs, data)
    }
}

pub fn render_page(
    template: &str,
    section: &str,
    title: &str,
    user: Option<Value>,
    prefs: &Value,
    data: Value,
) -> Response {
    let mut ctx = match data {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    ctx.insert("user".into(), user.unwrap_or(Value::Null));
    ctx.insert("prefs".into(), prefs.clone());
    ctx.insert("section".into(), section.into());
    ctx.insert("title".into(), title.into());
    ctx.insert("asset_version".into(), assets::version().into());
    match templates::render(template, &Value::Object(ctx)) {
        Ok(html) => {
            let mut response = Html(html).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => {
            tracing::error!(template, error = %format!("{e:#}"), "template failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "This page could not be drawn. The error is in the server log.",
            )
        }
    }
}

/// An error page (outside the layout's navigation, which needs a user).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let data = json!({"status": status.as_u16(), "reason": status.canonical_reason(), "message": message});
    let title = status.canonical_reason().unwrap_or("Error");
    let mut response = render_page("error.html", "", title, None, &json!({"theme": "system"}), data);
    *response.status_mut() = status;
    response
}

/// What a browser gets while the database is down: the same 503 and `Retry-After` as the
/// API's envelope, as a page a person can read.
pub fn unavailable_page(retry_after_secs: u64) -> Response {
    let mut response = error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!(
            "The database is not answering. Nothing you saved is lost; try again in {retry_after_secs} seconds."
        ),
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string()) {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "There is nothing here, or it is in a project you are not a member of.",
    )
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        match self.status {
            StatusCode::NOT_FOUND => not_found_page(),
            StatusCode::UNAUTHORIZED => Redirect::to("/login").into_response(),
            status => error_page(status, &self.message),
        }
    }
}

/// Percent-encodes all but unreserved characters, for a value inside a query string.
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `next` target we will redirect to: a path on this site only, or `/`.
///
/// Browsers drop tabs and newlines from URLs and read `\` as `/`, so `/<TAB>/evil.example`
/// is `//evil.example` to them: anything with a control character, whitespace or a
/// backslash is refused outright, and what is left must be a path-absolute reference
/// (`/x`, never `//x` or `scheme:`) that resolves to this origin.
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if is_local_path(p) => p,
        _ => "/",
    }
}

fn is_local_path(p: &str) -> bool {
    if !p.starts_with('/') || p.starts_with("//") {
        return false;
    }
    if p.chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return false;
    }
    // A header value must also be visible ASCII; a percent-encoded form is what we send.
    if !p.is_ascii() {
        return false;
    }
    const ORIGIN: &str = "http://origin.invalid";
    let Ok(base) = url::Url::parse(ORIGIN) else {
        return false;
    };
    base.join(p)
        .is_ok_and(|u| u.origin() == base.origin() && u.as_str().strip_prefix(ORIGIN) == Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path(Some("/sessions/3?x=1")), "/sessions/3?x=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}",
            "/ /evil.example",
            "/%09/../\\evil",
            "javascript:alert(1)",
            "/\u{3000}/evil.example",
            "/\u{ff0f}evil.example",
            "",
            "evil.example",
        ] {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(
            local_path(Some("/%09/evil.example")),
            "/%09/evil.example",
            "an encoded tab is a path byte"
        );
        assert_eq!(local_path(Some("/networks/3/view#n=4")), "/networks/3/view#n=4");
    }

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(encode_component("æ"), "%C3%A6");
    }
}

//! The web UI: server-rendered pages over the JSON API, htmx for live fragments, and the
//! network viewer. Pages read through the API in process (`api`); forms post to the API from
//! the browser, so both paths validate identically.

mod api;
mod assets;
mod page;
mod pages;
mod templates;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};

pub use api::InProcessApi;
pub(crate) use page::unavailable_page;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    use pages::*;
    Router::new()
        .route("/", get(dashboard::show))
        .route("/jobs/running", get(dashboard::running_jobs))
        .route("/jobs/{id}/progress", get(dashboard::job_progress))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/act", post(actions::act))
        .route("/projects", get(projects::list).post(projects::create))
        .route("/projects/switch", post(projects::switch))
        .route("/projects/{id}", get(projects::show))
        .route("/projects/{id}/members", post(projects::add_member))
        .route("/projects/{id}/websites", get(websites::list))
        .route("/projects/{id}/prospects", get(websites::prospects))
        .route(
            "/projects/{id}/websites/{website}",
            get(websites::edit).post(websites::save),
        )
        .route(
            "/projects/{id}/websites/{website}/status",
            post(websites::set_status),
        )
        .route("/sessions", get(sessions::list))
        .route("/sessions/new", get(sessions::new))
        .route("/sessions/{id}", get(sessions::show))
        .route("/sessions/{id}/compare", get(sessions::compare))
        .route("/crawls", get(crawls::list))
        .route("/crawls/{id}", get(crawls::show))
        .route("/crawls/{id}/progress", get(crawls::progress))
        .route("/crawls/{id}/analysis", get(analysis::crawl))
        .route("/sessions/{id}/analysis", get(analysis::session))
        .route("/pages/{id}", get(web_pages::show))
        .route("/pages/{id}/raw", get(web_pages::raw))
        .route("/networks", get(networks::list))
        .route("/networks/{id}", get(networks::show))
        .route("/networks/{id}/view", get(networks::viewer))
        .route("/networks/{id}/compare", get(networks::compare))
        .route("/admin/users", get(admin::users))
        .route("/account", get(account::show))
        .route("/about", get(about::show))
        .route("/assets/{name}", get(assets::serve))
}

/// Unknown routes: the error envelope, except a browser asking for a page outside the API,
/// which gets a page.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let wants_page = !uri.path().starts_with("/api/")
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        page::not_found_page()
    } else {
        crate::error::envelope_for_status(StatusCode::NOT_FOUND)
    }
}

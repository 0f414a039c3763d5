use axum::extract::{Path, Query};
use axum::http::HeaderValue;
use axum::response::Response;
use serde_json::json;

use super::Cursor;
use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

pub async fn list(ui: Ui, Query(cursor): Query<Cursor>) -> Result<Response, ApiFailure> {
    let crawls = ui
        .get(&format!(
            "/api/crawls?limit={}{}{}",
            ui.page_size(),
            cursor.param(),
            ui.project_param()
        ))
        .await?;
    Ok(ui.render("crawls.html", "crawls", "Scraping jobs", json!({"page": crawls})))
}

pub async fn show(ui: Ui, Path(id): Path<i64>, Query(cursor): Query<Cursor>) -> Result<Response, ApiFailure> {
    let crawl = ui.get(&format!("/api/crawls/{id}")).await?;
    let pages = ui
        .get(&format!(
            "/api/crawls/{id}/pages?limit={}{}",
            ui.page_size(),
            cursor.param()
        ))
        .await?;
    let name = crawl["name"].as_str().unwrap_or("Scraping job").to_owned();
    Ok(ui.render(
        "crawl.html",
        "crawls",
        &name,
        json!({"crawl": crawl, "pages": pages, "cursor": cursor.cursor}),
    ))
}

/// Live counters while the job runs; the page reloads itself when it has ended.
pub async fn progress(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let crawl = ui.get(&format!("/api/crawls/{id}")).await?;
    let finished = !matches!(crawl["status"].as_str(), Some("queued" | "running"));
    let mut response = ui.render(
        "crawl_progress.html",
        "crawls",
        "Progress",
        json!({"crawl": crawl}),
    );
    if finished {
        response
            .headers_mut()
            .insert("hx-refresh", HeaderValue::from_static("true"));
    }
    Ok(response)
}

use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::Cursor;
use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

pub async fn list(ui: Ui, Query(cursor): Query<Cursor>) -> Result<Response, ApiFailure> {
    let sessions = ui
        .get(&format!(
            "/api/search/sessions?limit={}{}{}",
            ui.page_size(),
            cursor.param(),
            ui.project_param()
        ))
        .await?;
    Ok(ui.render(
        "sessions.html",
        "sessions",
        "Search sessions",
        json!({"page": sessions}),
    ))
}

pub async fn new(ui: Ui) -> Result<Response, ApiFailure> {
    let engines = ui.get("/api/search/engines").await?;
    Ok(ui.render(
        "session_new.html",
        "new-session",
        "New search session",
        json!({"engines": engines, "project": ui.project()}),
    ))
}

pub async fn show(ui: Ui, Path(id): Path<i64>, Query(cursor): Query<Cursor>) -> Result<Response, ApiFailure> {
    let detail = ui.get(&format!("/api/search/sessions/{id}")).await?;
    let results = ui
        .get(&format!(
            "/api/search/sessions/{id}/results?limit={}{}",
            ui.page_size(),
            cursor.param()
        ))
        .await?;
    let domains = ui
        .get(&format!("/api/search/sessions/{id}/domains?limit=25"))
        .await?;
    let others = ui.get("/api/search/sessions?limit=100").await?;
    // The detail is the session with its queries beside its fields.
    let name = detail["name"].as_str().unwrap_or("Search session").to_owned();
    Ok(ui.render(
        "session.html",
        "sessions",
        &name,
        json!({
            "session": detail,
            "results": results,
            "domains": domains["items"],
            "others": others["items"],
            "cursor": cursor.cursor,
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct CompareWith {
    with: i64,
}

pub async fn compare(
    ui: Ui,
    Path(id): Path<i64>,
    Query(other): Query<CompareWith>,
) -> Result<Response, ApiFailure> {
    let a = ui.get(&format!("/api/search/sessions/{id}")).await?;
    let b = ui.get(&format!("/api/search/sessions/{}", other.with)).await?;
    let comparison = ui
        .get(&format!("/api/search/sessions/{id}/compare/{}", other.with))
        .await?;
    Ok(ui.render(
        "compare.html",
        "sessions",
        "Compare sessions",
        json!({"a": a, "b": b, "comparison": comparison}),
    ))
}

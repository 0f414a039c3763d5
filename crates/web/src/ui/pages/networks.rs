use axum::extract::{Path, Query};
use axum::response::Response;
use serde_json::json;

use super::Cursor;
use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

/// Every network, and the form that builds a new one over the user's sessions and jobs.
pub async fn list(ui: Ui, Query(cursor): Query<Cursor>) -> Result<Response, ApiFailure> {
    let networks = ui
        .get(&format!(
            "/api/networks?limit={}{}{}",
            ui.page_size(),
            cursor.param(),
            ui.project_param()
        ))
        .await?;
    let sessions = ui
        .get(&format!("/api/search/sessions?limit=200{}", ui.project_param()))
        .await?;
    let crawls = ui
        .get(&format!("/api/crawls?limit=200{}", ui.project_param()))
        .await?;
    Ok(ui.render(
        "networks.html",
        "networks",
        "Networks",
        json!({
            "page": networks,
            "sessions": sessions["items"],
            "crawls": crawls["items"],
            "formats": [["gexf", "GEXF (Gephi)"], ["graphml", "GraphML"], ["csv", "CSV tables (zip)"], ["json", "graphology JSON"]],
        }),
    ))
}

pub async fn show(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let network = ui.get(&format!("/api/networks/{id}")).await?;
    let name = network["name"].as_str().unwrap_or("Network").to_owned();
    Ok(ui.render(
        "network.html",
        "networks",
        &name,
        json!({
            "network": network,
            "formats": [["gexf", "GEXF (Gephi)"], ["graphml", "GraphML"], ["csv", "CSV tables (zip)"], ["json", "graphology JSON"]],
        }),
    ))
}

#[derive(Debug, serde::Deserialize)]
pub struct CompareWith {
    /// The network to compare with (after).
    with: String,
}

/// The form on a network's page: compare it with another network, in the viewer.
pub async fn compare(
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<CompareWith>,
) -> Result<Response, ApiFailure> {
    let other: i64 = q
        .with
        .trim()
        .parse()
        .map_err(|_| ApiFailure::bad_request("give the id of the network to compare with"))?;
    let a = ui.get(&format!("/api/networks/{id}")).await?;
    let b = ui.get(&format!("/api/networks/{other}")).await?;
    // Checks the pair (one type, both built) before the viewer loads it.
    let summary = ui
        .get(&format!("/api/networks/{id}/compare/{other}?limit=1"))
        .await?;
    let title = format!(
        "{} → {}",
        a["name"].as_str().unwrap_or("Network"),
        b["name"].as_str().unwrap_or("Network")
    );
    Ok(ui.render(
        "viewer.html",
        "networks",
        &title,
        json!({
            "network": {"id": id, "name": title},
            "comparison": {"a": id, "b": other, "summary": summary["summary"]},
            "coloring": "type",
        }),
    ))
}

pub async fn viewer(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let network = ui.get(&format!("/api/networks/{id}")).await?;
    let name = network["name"].as_str().unwrap_or("Network").to_owned();
    let coloring = ui.prefs()["network_coloring"]
        .as_str()
        .unwrap_or("type")
        .to_owned();
    Ok(ui.render(
        "viewer.html",
        "networks",
        &name,
        json!({"network": network, "coloring": coloring}),
    ))
}

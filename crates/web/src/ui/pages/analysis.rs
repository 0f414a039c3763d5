use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

#[derive(Debug, Deserialize)]
pub struct AnalysisQuery {
    kind: Option<String>,
    run: Option<i64>,
}

const KINDS: [&str; 3] = ["nouns", "entities", "keywords"];

/// Top terms of a scraping job's analysed pages, by kind.
pub async fn show(
    ui: Ui,
    Path(id): Path<i64>,
    Query(query): Query<AnalysisQuery>,
) -> Result<Response, ApiFailure> {
    let kind = query
        .kind
        .as_deref()
        .filter(|k| KINDS.contains(k))
        .unwrap_or("nouns");
    let crawl = ui.get(&format!("/api/crawls/{id}")).await?;
    let run = match query.run {
        Some(run) => Some(ui.get(&format!("/api/analyses/{run}")).await?),
        None => None,
    };
    let terms = ui
        .get(&format!("/api/crawls/{id}/terms?kind={kind}&limit=50"))
        .await?;
    Ok(ui.render(
        "analysis.html",
        "crawls",
        "Analysis",
        json!({"crawl": crawl, "run": run, "terms": terms, "kind": kind, "kinds": KINDS}),
    ))
}

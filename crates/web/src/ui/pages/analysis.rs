use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

#[derive(Debug, Deserialize)]
pub struct AnalysisQuery {
    kind: Option<String>,
    run: Option<i64>,
}

const KINDS: [&str; 3] = ["nouns", "entities", "keywords"];

/// What an analysis covers: a scraping job's pages, or a search session's titles and snippets.
struct Scope {
    page: String,
    api: String,
    back: String,
}

/// Top terms of a scraping job's analysed pages, by kind.
pub async fn crawl(
    ui: Ui,
    Path(id): Path<i64>,
    Query(query): Query<AnalysisQuery>,
) -> Result<Response, ApiFailure> {
    let crawl = ui.get(&format!("/api/crawls/{id}")).await?;
    let scope = Scope {
        page: format!("/crawls/{id}/analysis"),
        api: format!("/api/crawls/{id}"),
        back: format!("/crawls/{id}"),
    };
    show(ui, crawl, scope, query).await
}

/// Top terms of a search session's results (titles and snippets), by kind.
pub async fn session(
    ui: Ui,
    Path(id): Path<i64>,
    Query(query): Query<AnalysisQuery>,
) -> Result<Response, ApiFailure> {
    let session = ui.get(&format!("/api/search/sessions/{id}")).await?;
    let scope = Scope {
        page: format!("/sessions/{id}/analysis"),
        api: format!("/api/search/sessions/{id}"),
        back: format!("/sessions/{id}"),
    };
    show(ui, session, scope, query).await
}

async fn show(ui: Ui, subject: Value, scope: Scope, query: AnalysisQuery) -> Result<Response, ApiFailure> {
    let kind = query
        .kind
        .as_deref()
        .filter(|k| KINDS.contains(k))
        .unwrap_or("nouns");
    let run = match query.run {
        Some(run) => Some(ui.get(&format!("/api/analyses/{run}")).await?),
        None => None,
    };
    let terms = ui
        .get(&format!("{}/terms?kind={kind}&limit=50", scope.api))
        .await?;
    Ok(ui.render(
        "analysis.html",
        if scope.back.starts_with("/crawls") {
            "crawls"
        } else {
            "sessions"
        },
        "Analysis",
        json!({
            "subject": subject,
            "page_path": scope.page,
            "run_api": format!("{}/analyses", scope.api),
            "back": scope.back,
            "run": run,
            "terms": terms,
            "kind": kind,
            "kinds": KINDS,
        }),
    ))
}

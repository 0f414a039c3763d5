use axum::extract::Path;
use axum::http::HeaderValue;
use axum::response::Response;
use serde_json::json;

use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

pub async fn show(ui: Ui) -> Result<Response, ApiFailure> {
    let project = ui.project_param();
    let sessions = ui.get(&format!("/api/search/sessions?limit=8{project}")).await?;
    let crawls = ui.get(&format!("/api/crawls?limit=8{project}")).await?;
    let networks = ui.get(&format!("/api/networks?limit=8{project}")).await?;
    Ok(ui.render(
        "dashboard.html",
        "dashboard",
        "Dashboard",
        json!({
            "sessions": sessions["items"],
            "crawls": crawls["items"],
            "networks": networks["items"],
        }),
    ))
}

/// The user's running and queued jobs, polled by the dashboard.
pub async fn running_jobs(ui: Ui) -> Result<Response, ApiFailure> {
    let running = ui.get("/api/jobs?status=running&limit=20").await?;
    let queued = ui.get("/api/jobs?status=queued&limit=20").await?;
    let jobs: Vec<&serde_json::Value> = [&running["items"], &queued["items"]]
        .into_iter()
        .filter_map(|items| items.as_array())
        .flatten()
        .collect();
    Ok(ui.render("jobs_fragment.html", "dashboard", "Jobs", json!({"jobs": jobs})))
}

/// One job's progress, polled by the page that started it; once the job has ended the page
/// reloads itself (`HX-Refresh`) to show the outcome.
pub async fn job_progress(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let job = ui.get(&format!("/api/jobs/{id}")).await?;
    let finished = matches!(job["status"].as_str(), Some("succeeded" | "failed" | "cancelled"));
    let mut response = ui.render("job_progress.html", "", "Progress", json!({"job": job}));
    if finished {
        response
            .headers_mut()
            .insert("hx-refresh", HeaderValue::from_static("true"));
    }
    Ok(response)
}

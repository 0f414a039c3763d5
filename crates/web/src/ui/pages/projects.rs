//! Projects in the browser: the switcher every page carries, the list with a form for a new
//! project, and a project's members (added by name with a role) and audit trail. Every form
//! works as a plain post; what it does goes through the API as this user.

use axum::Form;
use axum::extract::Path;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::ui::api::ApiFailure;
use crate::ui::page::{Ui, local_path};

pub async fn list(ui: Ui) -> Result<Response, ApiFailure> {
    let projects = ui.get("/api/projects?limit=200").await?;
    Ok(ui.render(
        "projects.html",
        "projects",
        "Projects",
        json!({"projects": projects["items"]}),
    ))
}

#[derive(Debug, Deserialize)]
pub struct NewProject {
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn create(ui: Ui, Form(form): Form<NewProject>) -> Result<Response, ApiFailure> {
    let made = ui
        .post(
            "/api/projects",
            &json!({"name": form.name, "description": form.description}),
        )
        .await?;
    let id = made["id"].as_i64().unwrap_or_default();
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Switch {
    /// Empty for every project.
    #[serde(default)]
    project: String,
    /// The page to go back to (a local path only).
    next: Option<String>,
}

/// Remembers the project the interface works in (a preference), and goes back.
pub async fn switch(ui: Ui, Form(form): Form<Switch>) -> Result<Response, ApiFailure> {
    let mut prefs = ui.prefs().clone();
    prefs["project"] = match form.project.trim() {
        "" => serde_json::Value::Null,
        id => json!(
            id.parse::<i64>()
                .map_err(|_| ApiFailure::bad_request("choose a project from the list"))?
        ),
    };
    ui.send(Method::PUT, "/api/auth/preferences", &prefs).await?;
    Ok(Redirect::to(local_path(form.next.as_deref())).into_response())
}

pub async fn show(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let project = ui.get(&format!("/api/projects/{id}")).await?;
    let members = ui.get(&format!("/api/projects/{id}/members")).await?;
    let activity = ui.get(&format!("/api/projects/{id}/activity?limit=50")).await?;
    let name = project["name"].as_str().unwrap_or("Project").to_owned();
    Ok(ui.render(
        "project.html",
        "projects",
        &name,
        json!({"project": project, "members": members, "activity": activity["items"], "roles": ["viewer", "editor", "owner"]}),
    ))
}

#[derive(Debug, Deserialize)]
pub struct NewMember {
    username: String,
    role: String,
}

pub async fn add_member(
    ui: Ui,
    Path(id): Path<i64>,
    Form(form): Form<NewMember>,
) -> Result<Response, ApiFailure> {
    ui.post(
        &format!("/api/projects/{id}/members"),
        &json!({"username": form.username, "role": form.role}),
    )
    .await?;
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}

//! A project's websites in the browser: the catalogue with filters and a status per row,
//! and prospection (undecided actors, most linked from IN websites first) worked from the
//! keyboard. Every status change is a plain form post; with JavaScript, prospection patches
//! the API in place and moves on (`prospect.js`).

use axum::Form;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::ui::api::ApiFailure;
use crate::ui::page::{Ui, encode_component, local_path};

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    cursor: String,
}

pub async fn list(ui: Ui, Path(id): Path<i64>, Query(f): Query<Filters>) -> Result<Response, ApiFailure> {
    let project = ui.get(&format!("/api/projects/{id}")).await?;
    let mut query = format!("limit={}", ui.page_size());
    for (key, value) in [
        ("status", &f.status),
        ("q", &f.q),
        ("sort", &f.sort),
        ("cursor", &f.cursor),
    ] {
        if !value.trim().is_empty() {
            query.push_str(&format!("&{key}={}", encode_component(value.trim())));
        }
    }
    let websites = ui.get(&format!("/api/projects/{id}/websites?{query}")).await?;
    let here = format!(
        "/projects/{id}/websites?status={}&q={}&sort={}",
        encode_component(&f.status),
        encode_component(&f.q),
        encode_component(&f.sort)
    );
    let name = project["name"].as_str().unwrap_or("Project").to_owned();
    Ok(ui.render(
        "websites.html",
        "projects",
        &format!("Websites of {name}"),
        json!({
            "project": project,
            "websites": websites["items"],
            "next_cursor": websites["next_cursor"],
            "filters": {"status": f.status, "q": f.q, "sort": f.sort},
            "here": here,
            "statuses": ["in", "out", "undecided"],
            "sorts": [["results", "Most results"], ["inlinks", "Most inlinks from IN"], ["pages", "Most pages"], ["unit", "Name"], ["first_seen", "First seen"], ["last_seen", "Last seen"]],
        }),
    ))
}

pub async fn prospects(ui: Ui, Path(id): Path<i64>) -> Result<Response, ApiFailure> {
    let project = ui.get(&format!("/api/projects/{id}")).await?;
    let mut prospects = ui
        .get(&format!("/api/projects/{id}/websites/prospects?limit=100"))
        .await?;
    if let Some(items) = prospects["items"].as_array_mut() {
        for w in items {
            let text = w["snippet"]
                .as_str()
                .or(w["example_url"].as_str())
                .unwrap_or_default();
            let mut excerpt: String = text.chars().take(160).collect();
            if text.chars().count() > 160 {
                excerpt.push('…');
            }
            w["excerpt"] = json!(excerpt);
        }
    }
    let name = project["name"].as_str().unwrap_or("Project").to_owned();
    Ok(ui.render(
        "prospects.html",
        "projects",
        &format!("Prospection in {name}"),
        json!({"project": project, "prospects": prospects["items"]}),
    ))
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: String,
    /// The page to go back to (a local path only).
    next: Option<String>,
}

/// Sets one website's status (`default` clears it) and goes back.
pub async fn set_status(
    ui: Ui,
    Path((id, website)): Path<(i64, i64)>,
    Form(form): Form<StatusForm>,
) -> Result<Response, ApiFailure> {
    let status = match form.status.as_str() {
        "default" => serde_json::Value::Null,
        s => json!(s),
    };
    ui.send(
        Method::PATCH,
        &format!("/api/projects/{id}/websites/{website}"),
        &json!({"status": status}),
    )
    .await?;
    Ok(Redirect::to(local_path(form.next.as_deref())).into_response())
}

pub async fn edit(ui: Ui, Path((id, website)): Path<(i64, i64)>) -> Result<Response, ApiFailure> {
    let project = ui.get(&format!("/api/projects/{id}")).await?;
    let w = ui.get(&format!("/api/projects/{id}/websites/{website}")).await?;
    let categories: Vec<String> = w["categories"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let merged_into = match w["merged_into"].as_i64() {
        Some(target) => ui.get(&format!("/api/projects/{id}/websites/{target}")).await?["unit"].clone(),
        None => serde_json::Value::Null,
    };
    let unit = w["unit"].as_str().unwrap_or("Website").to_owned();
    Ok(ui.render(
        "website.html",
        "projects",
        &unit,
        json!({"project": project, "website": w, "categories": categories.join("\n"), "merged_into": merged_into,
               "statuses": ["in", "out", "undecided"]}),
    ))
}

#[derive(Debug, Deserialize)]
pub struct EditForm {
    status: String,
    #[serde(default)]
    name: String,
    /// One `key=value` per line.
    #[serde(default)]
    categories: String,
    /// The unit (or id) of the website to merge into; empty for its own actor.
    #[serde(default)]
    merged_into: String,
}

/// `key=value` lines as a categories change: the lines set, other present keys go.
fn categories_change(lines: &str, present: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    let mut change = serde_json::Map::new();
    if let Some(present) = present.as_object() {
        for key in present.keys() {
            change.insert(key.clone(), serde_json::Value::Null);
        }
    }
    for (n, line) in lines.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or_else(|| {
            ApiFailure::bad_request(&format!(
                "categories, line {}: write key=value, as in sector=government",
                n + 1
            ))
        })?;
        change.insert(key.trim().to_owned(), json!(value.trim()));
    }
    Ok(serde_json::Value::Object(change))
}

/// Saves the edit form: status, name, categories and merge in one change.
pub async fn save(
    ui: Ui,
    Path((id, website)): Path<(i64, i64)>,
    Form(form): Form<EditForm>,
) -> Result<Response, ApiFailure> {
    let current = ui.get(&format!("/api/projects/{id}/websites/{website}")).await?;
    let merged_into = match form.merged_into.trim() {
        "" => serde_json::Value::Null,
        target => {
            let found = ui
                .get(&format!(
                    "/api/projects/{id}/websites?q={}&limit=500",
                    encode_component(target)
                ))
                .await?;
            let unit = target.trim_end_matches('/').to_ascii_lowercase();
            let hit = found["items"].as_array().and_then(|items| {
                items
                    .iter()
                    .find(|w| w["unit"] == unit.as_str() || unit.parse::<i64>().is_ok_and(|id| w["id"] == id))
            });
            match hit {
                Some(w) => w["id"].clone(),
                None => {
                    return Err(ApiFailure::bad_request(&format!(
                        "merged_into: `{target}` is not a website of this project"
                    )));
                }
            }
        }
    };
    let status = match form.status.as_str() {
        "default" => serde_json::Value::Null,
        s => json!(s),
    };
    let name = match form.name.trim() {
        "" => serde_json::Value::Null,
        n => json!(n),
    };
    let body = json!({
        "status": status,
        "name": name,
        "categories": categories_change(&form.categories, &current["categories"])?,
        "merged_into": merged_into,
    });
    ui.send(
        Method::PATCH,
        &format!("/api/projects/{id}/websites/{website}"),
        &body,
    )
    .await?;
    Ok(Redirect::to(&format!("/projects/{id}/websites/{website}")).into_response())
}

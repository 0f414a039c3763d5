use axum::extract::Query;
use axum::response::Response;
use serde_json::json;

use super::Cursor;
use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

/// Administrators only: the API answers 403 to anyone else, and so does this page.
pub async fn users(ui: Ui, Query(cursor): Query<Cursor>) -> Result<Response, ApiFailure> {
    let users = ui
        .get(&format!(
            "/api/admin/users?limit={}{}",
            ui.page_size(),
            cursor.param()
        ))
        .await?;
    Ok(ui.render("admin_users.html", "admin", "Users", json!({"page": users})))
}

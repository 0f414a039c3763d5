use axum::response::Response;
use serde_json::json;

use crate::ui::api::ApiFailure;
use crate::ui::page::Ui;

pub async fn show(ui: Ui) -> Result<Response, ApiFailure> {
    let me = ui.get("/api/auth/me").await?;
    let engines = ui.get("/api/search/engines").await?;
    Ok(ui.render(
        "account.html",
        "account",
        "Account",
        json!({"me": me, "engines": engines}),
    ))
}

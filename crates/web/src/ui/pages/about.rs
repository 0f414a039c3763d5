use axum::response::Response;
use serde_json::{Value, json};

use crate::ui::api::ApiFailure;
use crate::ui::assets::PACKAGES_JSON;
use crate::ui::page::Ui;

pub async fn show(ui: Ui) -> Result<Response, ApiFailure> {
    let packages: Value = serde_json::from_str(PACKAGES_JSON).unwrap_or(Value::Null);
    Ok(ui.render(
        "about.html",
        "about",
        "About",
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "packages": packages,
        }),
    ))
}

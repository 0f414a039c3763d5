use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn openapi_spec_matches_snapshot() {
    let app = spawn_app().await;
    let spec: Value = app.get("/api/openapi.json", None).await.json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", spec);
}

#[test]
fn served_spec_is_the_generated_spec() {
    let generated = serde_json::to_value(web::openapi()).unwrap();
    assert!(generated["paths"]["/api/jobs/{id}/cancel"]["post"].is_object());
    assert!(generated["components"]["securitySchemes"]["bearer"].is_object());
}

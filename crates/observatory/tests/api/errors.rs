use observatory::startup::ServeMode;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn malformed_bodies_get_the_envelope_and_change_nothing() {
    let app = spawn_app_with(
        |s| s.http.body_limit_bytes = 4096,
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    let (_, admin) = app.user_with_token("root", true).await;
    let post_raw = |body: String, content_type: &'static str| {
        app.request(Method::POST, "/api/admin/users", Some(&admin))
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };

    let res = post_raw("{not json".into(), "application/json").await.unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "bad_request").await;

    let res = post_raw(r#"{"username": 42, "password": "x"}"#.into(), "application/json")
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("username"),
        "{body}"
    );

    let res = post_raw(
        json!({"username": "eve_1", "password": PASSWORD, "role": "god"}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("role"),
        "{body}"
    );

    let res = post_raw(json!({"username": "eve_2"}).to_string(), "application/json")
        .await
        .unwrap();
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;

    let res = post_raw(
        json!({"username": "eve_3", "password": PASSWORD}).to_string(),
        "text/plain",
    )
    .await
    .unwrap();
    assert_error(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    let huge = json!({"username": "eve_4", "password": "x".repeat(10_000)}).to_string();
    let res = post_raw(huge, "application/json").await.unwrap();
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let page: Value = app
        .get("/api/admin/users", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "no user was created");
}

#[tokio::test]
async fn unknown_routes_and_methods_get_the_envelope() {
    let app = spawn_app().await;
    assert_error(
        app.get("/api/nothing-here", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.get("/nothing-here", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let res = app
        .request(Method::DELETE, "/api/auth/me", None)
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn bad_pagination_parameters_name_the_field() {
    let app = spawn_app().await;
    let (_, token) = app.user_with_token("alice", false).await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=bogus", "cursor"),
        ("cursor=azE6LTE", "cursor"),
    ] {
        let res = app.get(&format!("/api/jobs?{query}"), Some(&token)).await;
        let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&body), [field], "{query}");
    }
    for query in ["limit=abc", "status=sleeping", "queue=mail"] {
        let res = app.get(&format!("/api/jobs?{query}"), Some(&token)).await;
        assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    }
}

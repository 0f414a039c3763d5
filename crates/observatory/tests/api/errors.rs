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

/// NUL and other control characters in user text are refused by field (PostgreSQL
/// refused NUL in text: a session name `a\u0000b` was a 500), lone surrogates are not JSON,
/// and nothing is stored.
#[tokio::test]
async fn control_characters_in_user_text_are_refused_by_field() {
    let app = spawn_app_without_workers().await;
    let (_, token) = app.user_with_token("alice", false).await;
    let post = |body: String| {
        app.request(Method::POST, "/api/search/sessions", Some(&token))
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
    };
    for (body, field) in [
        (
            r#"{"name":"a\u0000b","engine":"manual","urls":["https://ens.dk/"]}"#,
            "name",
        ),
        (
            r#"{"name":"ok","engine":"manual","urls":["https://ens.dk/\u0000"]}"#,
            "urls[0]",
        ),
        (
            r#"{"name":"ok","engine":"manual","urls":["https://ens.dk/"],"queries":["vind","sol\u0007"]}"#,
            "queries[1]",
        ),
        (
            "{\"name\":\"del\u{7f}\",\"engine\":\"manual\",\"urls\":[\"https://ens.dk/\"]}",
            "name",
        ),
        (
            "{\"name\":\"c1\u{9b}\",\"engine\":\"manual\",\"urls\":[\"https://ens.dk/\"]}",
            "name",
        ),
    ] {
        let res = post(body.to_owned()).await.unwrap();
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&err), vec![field.to_owned()], "{body}: {err}");
        assert!(err.to_string().contains("control characters"), "{err}");
    }
    let res = post(r#"{"name":"\ud800","engine":"manual","urls":["https://ens.dk/"]}"#.into())
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "bad_request").await;
    let res = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "x\u{0}y", "urls": ["https://ens.dk/"]}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), vec!["name".to_owned()]);
    for query in ["q=vind%00", "domain=%00ens.dk", "language=d%01a"] {
        let res = app.get(&format!("/api/pages?{query}"), Some(&token)).await;
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&err).len(), 1, "{query}: {err}");
    }
    let res = app.post_login("ali\u{0}ce", PASSWORD).await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    // Tabs and newlines are text; a name with them is stored (and nothing else was).
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "vind\tsol", "engine": "manual", "urls": ["https://ens.dk/"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let list: Value = app
        .get("/api/search/sessions", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["vind\tsol"]);
    let crawls: Value = app.get("/api/crawls", Some(&token)).await.json().await.unwrap();
    assert!(crawls["items"].as_array().unwrap().is_empty());
}

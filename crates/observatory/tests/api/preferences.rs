//! Interface preferences: per user, validated, and never served stale from the cache.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_error, error_fields, spawn_app};

async fn preferences(app: &crate::helpers::TestApp, token: &str) -> Value {
    let res = app.get("/api/auth/preferences", Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn preferences_start_at_defaults_save_whole_and_belong_to_their_user() {
    let app = spawn_app().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;

    let defaults = json!({
        "theme": "system", "page_size": 25, "default_engine": null,
        "default_language": null, "network_coloring": "type", "project": null
    });
    assert_eq!(preferences(&app, &alice).await, defaults);

    let mine = json!({
        "theme": "dark", "page_size": 50, "default_engine": "searxng",
        "default_language": "da", "network_coloring": "community", "project": null
    });
    let res = app
        .send_json(Method::PUT, "/api/auth/preferences", Some(&alice), &mine)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), mine);
    assert_eq!(
        preferences(&app, &alice).await,
        mine,
        "the cached default is gone"
    );
    assert_eq!(preferences(&app, &bob).await, defaults, "bob's are his own");

    // A PUT replaces the whole object: what is left out returns to its default.
    let res = app
        .send_json(
            Method::PUT,
            "/api/auth/preferences",
            Some(&alice),
            &json!({"theme": "light"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let read = preferences(&app, &alice).await;
    assert_eq!(read["theme"], "light");
    assert_eq!(read["page_size"], 25);
    assert_eq!(read["default_engine"], Value::Null);

    assert_error(
        app.get("/api/auth/preferences", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn bad_preferences_are_refused_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let before = preferences(&app, &alice).await;

    let res = app
        .send_json(
            Method::PUT,
            "/api/auth/preferences",
            Some(&alice),
            &json!({"page_size": 0, "default_language": "Danish"}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), ["page_size", "default_language"]);

    for bad in [
        json!({"theme": "neon"}),
        json!({"default_engine": "altavista"}),
        json!({"colour": "blue"}),
        json!({"page_size": -3}),
    ] {
        let res = app
            .send_json(Method::PUT, "/api/auth/preferences", Some(&alice), &bad)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(preferences(&app, &alice).await, before);
}

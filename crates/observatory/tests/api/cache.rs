//! The response cache seen from outside: a write is visible to the next read, cached views
//! never cross users, sign-outs and disabled accounts take effect at once, and instances
//! sharing Redis hear each other's invalidations.

use observatory::startup::ServeMode;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app_with};
use crate::search::{app_with_serper, json, mock_serper, wait_for_session};

fn session_request() -> Value {
    json!({"name": "cached", "engine": "serper", "queries": ["topic 1", "topic 2"], "max_results": 10})
}

async fn session_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let page = json(app.get("/api/search/sessions", Some(token)).await).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn every_write_is_visible_to_the_next_read() {
    let (serper, _) = mock_serper(std::time::Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;

    assert!(session_ids(&app, &token).await.is_empty());
    assert!(session_ids(&app, &token).await.is_empty(), "a cached empty list");
    let created = json(
        app.post_json("/api/search/sessions", Some(&token), &session_request())
            .await,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(session_ids(&app, &token).await, vec![id]);

    // The job's progress and results reach cached views as they are written.
    let done = wait_for_session(&app, id, &token).await;
    assert_eq!(done["status"], "done", "{done}");
    let results = json(
        app.get(&format!("/api/search/sessions/{id}/results"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(results["items"].as_array().unwrap().len(), 20);

    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/search/sessions/{id}"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(session_ids(&app, &token).await.is_empty());
    assert_error(
        app.get(&format!("/api/search/sessions/{id}"), Some(&token)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn cached_views_never_answer_another_user() {
    let (serper, _) = mock_serper(std::time::Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let created = json(
        app.post_json("/api/search/sessions", Some(&alice), &session_request())
            .await,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    wait_for_session(&app, id, &alice).await;
    // Alice's views are now cached, under the same paths and parameters Bob will use.
    for path in [
        "/api/search/sessions",
        &format!("/api/search/sessions/{id}/results"),
    ] {
        assert_eq!(app.get(path, Some(&alice)).await.status(), StatusCode::OK);
    }
    assert!(session_ids(&app, &bob).await.is_empty());
    for path in [
        format!("/api/search/sessions/{id}"),
        format!("/api/search/sessions/{id}/results"),
        format!("/api/search/sessions/{id}/domains"),
    ] {
        assert_error(
            app.get(&path, Some(&bob)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn sign_out_and_disabling_take_effect_at_once() {
    let app = crate::helpers::spawn_app().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let (bob_user, bob) = app.user_with_token("bob", false).await;
    let (_, carol) = app.user_with_token("carol", false).await;
    for _ in 0..2 {
        assert_eq!(
            app.get("/api/auth/me", Some(&carol)).await.status(),
            StatusCode::OK
        );
        assert_eq!(app.get("/api/auth/me", Some(&bob)).await.status(), StatusCode::OK);
    }
    let out = app
        .request(Method::POST, "/api/auth/logout", Some(&carol))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.get("/api/auth/me", Some(&carol)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    let disabled = app
        .send_json(
            Method::PATCH,
            &format!("/api/admin/users/{}", bob_user.id),
            Some(&admin),
            &json!({"disabled": true}),
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_error(
        app.get("/api/auth/me", Some(&bob)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn instances_sharing_redis_see_each_others_invalidations() {
    if redislink::test_url().is_none() {
        return; // Runs in CI's PostgreSQL + Redis pass.
    }
    let (serper, _) = mock_serper(std::time::Duration::ZERO).await;
    let writer = app_with_serper(&serper).await;
    let (_, token) = writer.user_with_token("dana", false).await;
    let (db_url, secret) = (writer.db.url.clone(), writer.secret.clone());
    let prefix = writer.redis_prefix.clone().expect("redis prefix");
    // A second API instance without workers, as behind a load balancer.
    let reader = spawn_app_with(
        move |s| {
            s.database_url = db_url;
            s.secret_key = secrecy::SecretString::from(secret);
            s.redis_key_prefix = prefix;
        },
        ServeMode::default(),
    )
    .await;

    assert!(
        session_ids(&reader, &token).await.is_empty(),
        "cached on the reader"
    );
    let created = json(
        writer
            .post_json("/api/search/sessions", Some(&token), &session_request())
            .await,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    // The invalidation travels over pub/sub; the bound only keeps a broken build from hanging.
    let mut seen = false;
    for _ in 0..200 {
        if session_ids(&reader, &token).await == vec![id] {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(seen, "the reader kept serving its stale list");
    // The session's search runs on the writer's workers; let it finish before signing out.
    let job = created["job_id"].as_i64().expect("the session's job");
    writer.wait_for_job(job, &token).await;

    let out = writer
        .request(Method::POST, "/api/auth/logout", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let mut refused = false;
    for _ in 0..200 {
        if reader.get("/api/auth/me", Some(&token)).await.status() == StatusCode::UNAUTHORIZED {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(refused, "the reader still accepted a signed-out token");
}

//! PostgreSQL stopped under a running server (an instance of the test's own, never the
//! shared one): readiness answers 503 within a second, requests get 503 with Retry-After
//! at once instead of after the pool's 10 s acquire timeout, and all recovers by itself.

use std::time::{Duration, Instant};

use observatory::startup::ServeMode;
use reqwest::StatusCode;
use testkit::own_server::OwnPostgres;

use crate::helpers::{PASSWORD, TestApp, spawn_app_with};

async fn timed_get(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, Duration, reqwest::Response) {
    let started = Instant::now();
    let res = app.get(path, token).await;
    (res.status(), started.elapsed(), res)
}

#[tokio::test]
async fn a_postgres_outage_is_answered_503_fast_and_recovers_by_itself() {
    let pg = tokio::task::spawn_blocking(OwnPostgres::start)
        .await
        .unwrap()
        .expect("a PostgreSQL server of the test's own (Debian's postgresql package)");
    let url = pg.url();
    let app = spawn_app_with(
        move |s| {
            s.database_url = url;
            s.database.acquire_timeout_secs = 10;
        },
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    accounts::users::create_user(
        app.store.as_ref(),
        accounts::Actor::Operator,
        "alice",
        PASSWORD.into(),
        false,
    )
    .await
    .unwrap();
    let token = app.login("alice").await;
    let (status, _, _) = timed_get(&app, "/api/search/sessions", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(timed_get(&app, "/health/ready", None).await.0, StatusCode::OK);

    let pg = tokio::task::spawn_blocking(move || {
        pg.stop().unwrap();
        pg
    })
    .await
    .unwrap();

    // Every readiness answer comes within a second, and the outage shows within a few.
    let mut unready = false;
    for _ in 0..20 {
        let (status, took, _) = timed_get(&app, "/health/ready", None).await;
        assert!(took < Duration::from_secs(1), "readiness took {took:?}");
        if status == StatusCode::SERVICE_UNAVAILABLE {
            unready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(unready, "readiness reports the outage");
    let (status, took, res) = timed_get(&app, "/health/ready", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(took < Duration::from_secs(1), "readiness took {took:?}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["checks"][0]["name"], "database");
    assert_eq!(body["checks"][0]["ok"], false);

    for path in ["/api/search/sessions", "/api/crawls", "/api/auth/me"] {
        let (status, took, res) = timed_get(&app, path, Some(&token)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
        assert!(res.headers().get("retry-after").is_some(), "{path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unavailable", "{path}: {body}");
        assert!(body["error"]["details"]["retry_after_secs"].as_u64().is_some());
    }
    // A browser gets a page, not JSON, with the same status and Retry-After.
    for path in ["/", "/sessions", "/login"] {
        let (status, took, res) = timed_get(&app, path, None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
        assert!(res.headers().get("retry-after").is_some(), "{path}");
        let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        let html = res.text().await.unwrap();
        assert!(html.contains("The database is not answering"), "{path}: {html}");
    }
    assert_eq!(
        timed_get(&app, "/health", None).await.0,
        StatusCode::OK,
        "liveness holds"
    );
    assert_eq!(
        timed_get(&app, "/metrics", None).await.0,
        StatusCode::OK,
        "metrics still answer"
    );

    let pg = tokio::task::spawn_blocking(move || {
        pg.resume().unwrap();
        pg
    })
    .await
    .unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if timed_get(&app, "/health/ready", None).await.0 == StatusCode::OK {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ready, "readiness recovers by itself");
    let (status, _, _) = timed_get(&app, "/api/search/sessions", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "requests are served again");
    drop(app);
    tokio::task::spawn_blocking(move || drop(pg)).await.unwrap();
}

//! Request quotas over HTTP: headers on every answer, a 429 envelope with `Retry-After`
//! when spent, per user and per class, and shared between instances through Redis.

use observatory::startup::ServeMode;
use ratelimit::Quota;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_error, generous_limits, spawn_app_with};

fn header(res: &reqwest::Response, name: &str) -> u64 {
    res.headers()[name].to_str().unwrap().parse().unwrap()
}

async fn app_with_limits(configure: impl FnOnce(&mut web::ratelimit::RateLimits)) -> TestApp {
    spawn_app_with(
        |s| {
            let mut limits = generous_limits();
            configure(&mut limits);
            s.rate_limits = limits;
        },
        ServeMode::default(),
    )
    .await
}

#[tokio::test]
async fn general_quota_is_per_user_with_headers_and_a_429_envelope() {
    let app = app_with_limits(|l| l.general = Quota::per_minute(3)).await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;

    for remaining in [2, 1, 0] {
        let res = app.get("/api/auth/me", Some(&alice)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "ratelimit-limit"), 3);
        assert_eq!(header(&res, "ratelimit-remaining"), remaining);
        assert!((1..=60).contains(&header(&res, "ratelimit-reset")));
    }
    let refused = app.get("/api/auth/me", Some(&alice)).await;
    let retry_after = header(&refused, "retry-after");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_eq!(header(&refused, "ratelimit-remaining"), 0);
    let body = assert_error(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(body["error"]["details"]["retry_after_secs"], retry_after);

    // Bob has his own quota; probes are never limited.
    assert_eq!(app.get("/api/auth/me", Some(&bob)).await.status(), StatusCode::OK);
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn anonymous_requests_are_counted_per_address() {
    let app = app_with_limits(|l| l.general = Quota::per_minute(2)).await;
    for _ in 0..2 {
        assert_error(
            app.get("/api/auth/me", None).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    assert_error(
        app.get("/api/auth/me", None).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    // A forged token does not buy a fresh quota.
    let forged = app.get("/api/auth/me", Some("not-a-token")).await;
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn expensive_classes_have_their_own_tighter_quota() {
    let app = app_with_limits(|l| l.network = Quota::per_hour(1)).await;
    let (_, token) = app.user_with_token("carol", false).await;
    // The first request spends the quota even though its body is refused.
    let first = app.post_json("/api/networks", Some(&token), &json!({})).await;
    assert_eq!(first.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(header(&first, "ratelimit-limit"), 1);
    let second = app.post_json("/api/networks", Some(&token), &json!({})).await;
    let retry_after = header(&second, "retry-after");
    assert!(retry_after > 3000 && retry_after <= 3600, "{retry_after}");
    assert_error(second, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other routes still answer from the general quota.
    let list = app.get("/api/networks", Some(&token)).await;
    assert_eq!(list.status(), StatusCode::OK);
    assert!(header(&list, "ratelimit-limit") > 1);
}

#[tokio::test]
async fn login_attempts_are_limited_per_address_and_username() {
    let app = app_with_limits(|l| l.login = Quota::per_minute(2)).await;
    app.add_user("dave", false).await;
    app.add_user("erin", false).await;
    assert_eq!(
        app.post_login("dave", "wrong password!").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login("dave", crate::helpers::PASSWORD).await.status(),
        StatusCode::OK
    );
    // Even the right password waits once the quota is spent.
    let refused = app.post_login("dave", crate::helpers::PASSWORD).await;
    assert_error(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(
        app.post_login("erin", crate::helpers::PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn limits_can_be_switched_off() {
    let app = app_with_limits(|l| {
        l.enabled = false;
        l.general = Quota::per_minute(1);
    })
    .await;
    for _ in 0..3 {
        let res = app.get("/api/auth/me", None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers().get("ratelimit-limit").is_none());
    }
}

#[tokio::test]
async fn instances_sharing_redis_share_quotas() {
    if redislink::test_url().is_none() {
        return; // Runs in CI's PostgreSQL + Redis pass.
    }
    let first = app_with_limits(|l| l.general = Quota::per_minute(4)).await;
    let (_, token) = first.user_with_token("frank", false).await;
    let (db_url, secret) = (first.db.url.clone(), first.secret.clone());
    let prefix = first.redis_prefix.clone().expect("redis prefix");
    let second = spawn_app_with(
        move |s| {
            let mut limits = generous_limits();
            limits.general = Quota::per_minute(4);
            s.rate_limits = limits;
            s.database_url = db_url;
            s.secret_key = secrecy::SecretString::from(secret);
            s.redis_key_prefix = prefix;
        },
        ServeMode::default(),
    )
    .await;
    for app in [&first, &second, &first, &second] {
        assert_eq!(
            app.get("/api/auth/me", Some(&token)).await.status(),
            StatusCode::OK
        );
    }
    for app in [&first, &second] {
        let res = app.get("/api/auth/me", Some(&token)).await;
        assert_error(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
}

use observatory::startup::ServeMode;
use reqwest::header::{COOKIE, ORIGIN, RETRY_AFTER, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn login_gives_a_bearer_token_and_an_httponly_cookie() {
    let app = spawn_app().await;
    app.add_user("alice", false).await;

    let res = app.post_login("Alice", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("observatory_token="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["user"]["username"], "alice");
    assert!(body["user"].get("password_hash").is_none());
    let token = body["token"].as_str().unwrap();

    let me: Value = app.get("/api/auth/me", Some(token)).await.json().await.unwrap();
    assert_eq!(me["username"], "alice");

    let cookie_pair = cookie.split(';').next().unwrap();
    let res = app
        .request(Method::GET, "/api/auth/me", None)
        .header(COOKIE, cookie_pair)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_revokes_the_token_at_once() {
    let app = spawn_app().await;
    let (_, token) = app.user_with_token("alice", false).await;
    let other_session = app.login("alice").await;

    let res = app
        .request(Method::POST, "/api/auth/logout", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));

    assert_error(
        app.get("/api/auth/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let res = app
        .request(Method::POST, "/api/auth/logout", Some(&token))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // Only that session ended.
    assert_eq!(
        app.get("/api/auth/me", Some(&other_session)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let app = spawn_app().await;
    app.add_user("alice", false).await;
    let wrong = assert_error(
        app.post_login("alice", "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown = assert_error(
        app.post_login("mallory", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_error(
        app.post_login("", "").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn repeated_failures_for_a_username_are_throttled() {
    let app = spawn_app_with(
        |s| s.auth.max_failures_per_user = 3,
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    app.add_user("alice", false).await;
    app.add_user("bob", false).await;
    for _ in 0..3 {
        assert_eq!(
            app.post_login("alice", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password waits until the window passes.
    let res = app.post_login("alice", PASSWORD).await;
    let retry_after: u64 = res.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    let body = assert_error(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(body["error"]["details"]["retry_after_secs"].as_u64().unwrap() >= 1);
    // Other users are unaffected.
    assert_eq!(app.post_login("bob", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_throttled() {
    let app = spawn_app_with(
        |s| s.auth.max_failures_per_ip = 4,
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    app.add_user("alice", false).await;
    for i in 0..4 {
        assert_eq!(
            app.post_login(&format!("guess{i}"), "wrong password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_error(
        app.post_login("alice", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
}

#[tokio::test]
async fn forged_expired_and_malformed_tokens_are_refused() {
    let app = spawn_app().await;
    let (user, token) = app.user_with_token("alice", false).await;

    let claims = |exp: i64| json!({"sub": user.id.to_string(), "sid": "whatever", "iat": 0, "exp": exp});
    let sign = |secret: &str, exp: i64| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims(exp),
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let future = chrono::Utc::now().timestamp() + 3600;
    let forged = sign("some other secret that is long enough", future);
    let expired = sign(&app.secret, chrono::Utc::now().timestamp() - 10);
    let unknown_session = sign(&app.secret, future);
    let tampered = format!("{}x", &token[..token.len() - 1]);
    for bad in [
        forged.as_str(),
        expired.as_str(),
        unknown_session.as_str(),
        tampered.as_str(),
        "garbage",
        "",
    ] {
        assert_error(
            app.get("/api/auth/me", Some(bad)).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    let res = app
        .request(Method::GET, "/api/auth/me", None)
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_error(
        app.get("/api/auth/me", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn disabled_users_cannot_log_in_and_lose_their_sessions() {
    let app = spawn_app().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let (alice, token) = app.user_with_token("alice", false).await;

    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/admin/users/{}", alice.id),
            Some(&admin),
            &json!({"disabled": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_error(
        app.get("/api/auth/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_error(
        app.post_login("alice", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/admin/users/{}", alice.id),
            Some(&admin),
            &json!({"disabled": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.post_login("alice", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (_, token) = app.user_with_token("alice", false).await;
    let other = app.login("alice").await;

    let res = app
        .send_json(
            Method::PUT,
            "/api/auth/password",
            Some(&token),
            &json!({"current_password": "nope nope nope", "new_password": "a brand new password"}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), ["current_password"]);

    let res = app
        .send_json(
            Method::PUT,
            "/api/auth/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), ["new_password"]);

    let res = app
        .send_json(
            Method::PUT,
            "/api/auth/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "a brand new password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/auth/me", Some(&other)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login("alice", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login("alice", "a brand new password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn cookie_sessions_refuse_cross_site_writes() {
    let app = spawn_app().await;
    app.add_user("alice", false).await;
    let res = app.post_login("alice", PASSWORD).await;
    let cookie = res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    let res = app
        .request(Method::POST, "/api/auth/logout", None)
        .header(COOKIE, &cookie)
        .header(ORIGIN, "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .request(Method::POST, "/api/auth/logout", None)
        .header(COOKIE, &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_server_refuses_the_development_secret_outside_demo_mode() {
    let db = store::testing::TestDb::new().await;
    let settings = observatory::settings::Settings {
        database_url: db.url.clone(),
        bind: "127.0.0.1:0".into(),
        ..Default::default()
    };
    let refused = observatory::startup::Application::build(
        &settings,
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    let message = refused.err().expect("must refuse").to_string();
    assert!(message.contains("development secret"), "{message}");
    let demo = observatory::startup::Application::build(
        &settings,
        ServeMode {
            workers: false,
            demo: true,
        },
    )
    .await;
    assert!(demo.is_ok());
}

/// Behind a trusted reverse proxy the client is the address it forwarded for: one client's
/// failures lock that client out, not everyone behind the proxy. From an untrusted peer the
/// header is ignored (anyone can send it).
#[tokio::test]
async fn behind_a_trusted_proxy_throttling_follows_the_forwarded_client() {
    for trusted in [true, false] {
        let app = spawn_app_with(
            move |s| {
                s.auth.max_failures_per_ip = 3;
                s.auth.max_failures_per_user = 100;
                if trusted {
                    s.http.trusted_proxies = vec!["127.0.0.0/8".into(), "10.0.0.0/8".into()];
                }
            },
            ServeMode {
                workers: false,
                demo: false,
            },
        )
        .await;
        app.add_user("alice", false).await;
        let login_from = |client: &'static str, password: &'static str| {
            app.request(Method::POST, "/api/auth/login", None)
                .header("x-forwarded-for", format!("{client}, 10.0.0.7"))
                .json(&json!({"username": "alice", "password": password}))
                .send()
        };
        for _ in 0..3 {
            let res = login_from("203.0.113.9", "wrong password").await.unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        let attacker = login_from("203.0.113.9", PASSWORD).await.unwrap();
        assert_eq!(
            attacker.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "trusted {trusted}"
        );
        let other = login_from("198.51.100.7", PASSWORD).await.unwrap();
        if trusted {
            assert_eq!(other.status(), StatusCode::OK, "another client behind the proxy");
        } else {
            assert_eq!(
                other.status(),
                StatusCode::TOO_MANY_REQUESTS,
                "an untrusted peer's header is not believed: it is all one client"
            );
        }
    }
}

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn only_administrators_reach_the_admin_api() {
    let app = spawn_app().await;
    let (_, token) = app.user_with_token("alice", false).await;
    assert_error(
        app.get("/api/admin/users", Some(&token)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let res = app
        .post_json(
            "/api/admin/users",
            Some(&token),
            &json!({"username": "x123", "password": PASSWORD}),
        )
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(
        app.get("/api/admin/users", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn administrators_create_and_page_through_users() {
    let app = spawn_app().await;
    let (_, admin) = app.user_with_token("root", true).await;
    for i in 0..4 {
        let res = app
            .post_json(
                "/api/admin/users",
                Some(&admin),
                &json!({"username": format!("User{i}"), "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: Value = res.json().await.unwrap();
        assert_eq!(created["username"], format!("user{i}"));
        assert_eq!(created["is_admin"], false);
    }
    // The new user can log in.
    app.login("user2").await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/admin/users?limit=2&cursor={c}"),
            None => "/api/admin/users?limit=2".to_owned(),
        };
        let page: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|u| u["username"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["user3", "user2", "user1", "user0", "root"]);
}

#[tokio::test]
async fn user_creation_validates_every_field() {
    let app = spawn_app().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let cases = [
        (json!({"username": "ok_name", "password": "short"}), "password"),
        (
            json!({"username": "no spaces allowed", "password": PASSWORD}),
            "username",
        ),
        (json!({"username": "ab", "password": PASSWORD}), "username"),
    ];
    for (body, field) in cases {
        let res = app.post_json("/api/admin/users", Some(&admin), &body).await;
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&err), [field], "{body}");
    }
    let res = app
        .post_json(
            "/api/admin/users",
            Some(&admin),
            &json!({"username": "ROOT", "password": PASSWORD}),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let page: Value = app
        .get("/api/admin/users", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "nothing was written");
}

#[tokio::test]
async fn deleting_users_and_protecting_the_last_admin() {
    let app = spawn_app().await;
    let (root, admin) = app.user_with_token("root", true).await;
    let (alice, alice_token) = app.user_with_token("alice", false).await;

    let res = app
        .request(
            Method::DELETE,
            &format!("/api/admin/users/{}", root.id),
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/admin/users/{}", root.id),
            Some(&admin),
            &json!({"disabled": true}),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;

    let res = app
        .request(
            Method::DELETE,
            &format!("/api/admin/users/{}", alice.id),
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/auth/me", Some(&alice_token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .request(
            Method::DELETE,
            &format!("/api/admin/users/{}", alice.id),
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .send_json(
            Method::PATCH,
            "/api/admin/users/999999",
            Some(&admin),
            &json!({"disabled": true}),
        )
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = app
        .request(Method::DELETE, "/api/admin/users/not-a-number", Some(&admin))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
}

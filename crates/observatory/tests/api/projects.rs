//! Projects shared by a team: members and roles, bad input, the last owner, the audit
//! trail, and the views members share.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

async fn body(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

fn manual_session(project: i64, name: &str) -> Value {
    json!({"project_id": project, "name": name, "engine": "manual", "urls": ["https://a.dk/x", "https://b.dk/y"]})
}

#[tokio::test]
async fn two_users_share_a_project_with_roles() {
    let app = spawn_app().await;
    let (alice_user, alice) = app.user_with_token("alice", false).await;
    let (bob_user, bob) = app.user_with_token("bob", false).await;

    // Everyone starts with a default project of their own, which cannot be deleted.
    let mine = body(app.get("/api/projects", Some(&alice)).await).await;
    let default = &mine["items"][0];
    assert_eq!(
        (default["role"].clone(), default["is_default"].clone()),
        (json!("owner"), json!(true))
    );
    let default_id = default["id"].as_i64().unwrap();
    let res = app
        .request(
            Method::DELETE,
            &format!("/api/projects/{default_id}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;

    let res = app
        .post_json("/api/projects", Some(&alice), &json!({"name": "  "}))
        .await;
    assert_eq!(
        error_fields(&assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await),
        ["name"]
    );
    let res = app
        .post_json("/api/projects", Some(&alice), &json!({"name": "Energy"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let p = body(res).await["id"].as_i64().unwrap();
    let members = format!("/api/projects/{p}/members");

    // Bob is not a member: the project does not exist for him.
    for path in [
        format!("/api/projects/{p}"),
        members.clone(),
        format!("/api/projects/{p}/activity"),
    ] {
        assert_error(
            app.get(&path, Some(&bob)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let res = app
        .post_json("/api/search/sessions", Some(&bob), &manual_session(p, "intruder"))
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    // Bad members are refused by field, and nothing is added.
    for (member, field) in [
        (json!({"username": "bob", "role": "boss"}), "role"),
        (json!({"username": "nobody", "role": "editor"}), "username"),
        (json!({"username": "", "role": "editor"}), "username"),
    ] {
        let res = app.post_json(&members, Some(&alice), &member).await;
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&err), [field], "{member}: {err}");
    }
    assert_eq!(
        body(app.get(&members, Some(&alice)).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Bob joins as an editor: he creates in the project and Alice sees it (her cached
    // list included).
    let listed = format!("/api/search/sessions?project_id={p}");
    assert_eq!(
        body(app.get(&listed, Some(&alice)).await).await["items"],
        json!([])
    );
    let res = app
        .post_json(
            &members,
            Some(&alice),
            &json!({"username": "bob", "role": "editor"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(
            &members,
            Some(&alice),
            &json!({"username": "bob", "role": "viewer"}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["username"], "a duplicate member: {err}");
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&bob),
            &manual_session(p, "bob's list"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let session = body(res).await;
    assert_eq!(session["project_id"], p);
    let seen = body(app.get(&listed, Some(&alice)).await).await;
    assert_eq!(seen["items"][0]["id"], session["id"], "{seen}");
    let s = session["id"].as_i64().unwrap();

    // A viewer reads and downloads, and is refused writes.
    let bob_member = format!("/api/projects/{p}/members/{}", bob_user.id);
    let res = app
        .send_json(
            Method::PATCH,
            &bob_member,
            Some(&alice),
            &json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(body(res).await["role"], "viewer");
    assert_eq!(
        app.get(&format!("/api/search/sessions/{s}"), Some(&bob))
            .await
            .status(),
        StatusCode::OK
    );
    let res = app
        .post_json("/api/search/sessions", Some(&bob), &manual_session(p, "again"))
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .request(Method::DELETE, &format!("/api/search/sessions/{s}"), Some(&bob))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/projects/{p}"),
            Some(&bob),
            &json!({"name": "mine"}),
        )
        .await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    // The last owner can neither leave nor stop being an owner.
    let alice_member = format!("/api/projects/{p}/members/{}", alice_user.id);
    let res = app
        .request(Method::DELETE, &alice_member, Some(&alice))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .send_json(
            Method::PATCH,
            &alice_member,
            Some(&alice),
            &json!({"role": "editor"}),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .send_json(
            Method::PATCH,
            &bob_member,
            Some(&alice),
            &json!({"role": "admin"}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["role"]);

    // Renaming and the statuses websites start with are the owner's.
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/projects/{p}"),
            Some(&alice),
            &json!({"name": "Energy transition", "link_status": "out"}),
        )
        .await;
    let renamed = body(res).await;
    assert_eq!(
        (renamed["name"].clone(), renamed["link_status"].clone()),
        (json!("Energy transition"), json!("out"))
    );
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/projects/{p}"),
            Some(&alice),
            &json!({"search_status": "maybe"}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["search_status"]);

    // Bob leaves; the project is gone for him again.
    let res = app
        .request(Method::DELETE, &bob_member, Some(&bob))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.get(&format!("/api/search/sessions/{s}"), Some(&bob)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // The trail says who did what, newest first.
    let trail = body(
        app.get(&format!("/api/projects/{p}/activity"), Some(&alice))
            .await,
    )
    .await;
    let entries: Vec<(String, String, String)> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["actor_name"].as_str().unwrap().to_owned(),
                a["action"].as_str().unwrap().to_owned(),
                a["subject_kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("bob", "left", "member"),
        ("alice", "updated", "project"),
        ("alice", "changed role", "member"),
        ("bob", "created", "search_session"),
        ("alice", "added", "member"),
        ("alice", "created", "project"),
    ];
    assert_eq!(
        entries,
        expected.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())),
        "{trail}"
    );

    // Deleting the project deletes what it holds.
    let res = app
        .request(Method::DELETE, &format!("/api/projects/{p}"), Some(&alice))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.get(&format!("/api/search/sessions/{s}"), Some(&alice)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.get(&format!("/api/projects/{p}"), Some(&alice)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn resources_of_one_project_cannot_be_mixed_into_another() {
    let app = spawn_app().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let p = body(
        app.post_json("/api/projects", Some(&alice), &json!({"name": "one"}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let q = body(
        app.post_json("/api/projects", Some(&alice), &json!({"name": "two"}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let s = body(
        app.post_json("/api/search/sessions", Some(&alice), &manual_session(p, "in one"))
            .await,
    )
    .await;
    let s = s["id"].as_i64().unwrap();

    // A crawl in project two cannot take its seeds from a session of project one.
    let res = app
        .post_json(
            "/api/crawls",
            Some(&alice),
            &json!({"project_id": q, "name": "mixed", "session_ids": [s]}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["session_ids[0]"], "{err}");
    // Nor a network its scope.
    let res = app
        .post_json(
            "/api/networks",
            Some(&alice),
            &json!({"project_id": q, "type": "query-website", "scope": {"sessions": [s], "crawls": []}}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["scope.sessions[0]"], "{err}");
    // Without a project named, they go where their sources are.
    let network = body(
        app.post_json(
            "/api/networks",
            Some(&alice),
            &json!({"type": "query-website", "scope": {"sessions": [s], "crawls": []}}),
        )
        .await,
    )
    .await;
    assert_eq!(network["project_id"], p, "{network}");
    let listed = body(
        app.get(&format!("/api/networks?project_id={q}"), Some(&alice))
            .await,
    )
    .await;
    assert_eq!(listed["items"], json!([]));
    app.wait_for_job(network["job_id"].as_i64().unwrap(), &alice)
        .await;
}

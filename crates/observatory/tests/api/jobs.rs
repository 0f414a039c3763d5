use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn a_cleanup_job_runs_to_completion_with_progress() {
    let app = spawn_app().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let res = app
        .post_json("/api/admin/cleanup", Some(&admin), &json!({"keep_days": 30}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let job: Value = res.json().await.unwrap();
    assert_eq!(job["kind"], "retention_cleanup");
    assert_eq!(job["queue"], "analysis");
    assert_eq!(job["priority"], "bulk");
    assert_eq!(job["payload"], json!({"keep_days": 30}));

    let done = app.wait_for_job(job["id"].as_i64().unwrap(), &admin).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["progress"]["done"], 4);
    assert_eq!(done["progress"]["total"], 4);
    assert_eq!(done["attempts"], 1);
    assert!(done["result"]["sessions"].is_u64());
    assert!(done["started_at"].is_string() && done["finished_at"].is_string());

    let list: Value = app
        .get("/api/jobs?status=succeeded&queue=analysis", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], job["id"]);
    assert!(list["next_cursor"].is_null());
}

#[tokio::test]
async fn queued_jobs_cancel_at_once_and_finished_jobs_cannot_be_cancelled() {
    let app = spawn_app_without_workers().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let job: Value = app
        .post_json("/api/admin/cleanup", Some(&admin), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(job["status"], "queued");
    let path = format!("/api/jobs/{}/cancel", job["id"]);

    let res = app
        .request(Method::POST, &path, Some(&admin))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_requested"], true);

    let res = app
        .request(Method::POST, &path, Some(&admin))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
}

#[tokio::test]
async fn users_never_see_each_others_jobs() {
    let app = spawn_app_without_workers().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let job: Value = app
        .post_json("/api/admin/cleanup", Some(&admin), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id = job["id"].as_i64().unwrap();

    assert_error(
        app.get(&format!("/api/jobs/{id}"), Some(&alice)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let res = app
        .request(Method::POST, &format!("/api/jobs/{id}/cancel"), Some(&alice))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app.get("/api/jobs", Some(&alice)).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
    // And the owner's job is untouched.
    let mine: Value = app
        .get(&format!("/api/jobs/{id}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "queued");
    assert_error(
        app.get("/api/jobs/123456", Some(&admin)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.cancel_jobs(&admin, &[id]).await;
}

#[tokio::test]
async fn job_lists_page_by_cursor() {
    let app = spawn_app_without_workers().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let job: Value = app
            .post_json("/api/admin/cleanup", Some(&admin), &json!({}))
            .await
            .json()
            .await
            .unwrap();
        ids.push(job["id"].as_i64().unwrap());
    }
    ids.reverse();
    let first: Value = app
        .get("/api/jobs?limit=3", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(&format!("/api/jobs?limit=3&cursor={cursor}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let got: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|j| j["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, ids);
    assert!(second["next_cursor"].is_null());
    app.cancel_jobs(&admin, &ids).await;
}

#[tokio::test]
async fn invalid_job_parameters_are_rejected_before_anything_is_queued() {
    let app = spawn_app_without_workers().await;
    let (_, admin) = app.user_with_token("root", true).await;
    let res = app
        .post_json("/api/admin/cleanup", Some(&admin), &json!({"keep_days": 0}))
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), ["keep_days"]);
    let list: Value = app.get("/api/jobs", Some(&admin)).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

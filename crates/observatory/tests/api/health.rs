use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn liveness_and_readiness() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);

    // Workers report a heartbeat right after start.
    let mut ready = None;
    for _ in 0..100 {
        let res = app.get("/health/ready", None).await;
        if res.status() == StatusCode::OK {
            ready = Some(res.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let ready = ready.expect("ready");
    let names: Vec<&str> = ready["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    if app.redis_prefix.is_some() {
        assert_eq!(names, ["database", "migrations", "workers", "redis"]);
        assert_eq!(ready["status"], "ready", "Redis answers: not degraded");
    } else {
        assert_eq!(names, ["database", "migrations", "workers"]);
    }
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app_without_workers().await;
    app.store.close().await;
    let res = app.get("/health/ready", None).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"][0]["name"], "database");
    assert_eq!(body["checks"][0]["ok"], false);
}

#[tokio::test]
async fn metrics_use_route_templates_and_report_jobs_and_pool() {
    let app = spawn_app_without_workers().await;
    let (_, token) = app.user_with_token("alice", false).await;
    app.get("/api/jobs/424242", Some(&token)).await;
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(text.contains(r#"route="/api/jobs/{id}""#), "{text}");
    assert!(!text.contains("424242"), "raw paths must not become labels");
    assert!(
        text.contains("observatory_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        text.contains(r#"observatory_jobs{queue="crawl",status="queued"}"#),
        "{text}"
    );
    assert!(text.contains("observatory_db_pool_connections"), "{text}");
}

#[tokio::test]
async fn responses_carry_security_headers_request_ids_and_compression() {
    let app = spawn_app_without_workers().await;
    let res = app.get("/health", None).await;
    let h = res.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert!(
        !h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self' 'unsafe-inline'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(!h["x-request-id"].is_empty());
    assert!(
        h.get(CONTENT_ENCODING).is_none(),
        "small bodies stay uncompressed"
    );

    let res = app
        .request(reqwest::Method::GET, "/api/openapi.json", None)
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[CONTENT_ENCODING], "gzip");
    let res = app
        .request(reqwest::Method::GET, "/api/openapi.json", None)
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[CONTENT_ENCODING], "br");

    let res = app
        .request(reqwest::Method::GET, "/health", None)
        .header("x-request-id", "trace-me")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me");
}

#[tokio::test]
async fn interactive_docs_are_served_without_external_resources() {
    let app = spawn_app_without_workers().await;
    let res = app.get("/api/docs/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui-bundle.js"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN references"
    );
    assert!(!html.contains("<script>"), "no inline script");
    let js = app.get("/api/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(js.status(), StatusCode::OK);
    let init = app
        .get("/api/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
}

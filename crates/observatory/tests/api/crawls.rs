//! Scraping jobs over HTTP against the fixture web: from a search session's URLs to pages
//! with text, counters, raw HTML, and isolation between users.

use std::time::Duration;

use observatory::startup::ServeMode;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{FixtureConfig, FixtureWeb};

use crate::helpers::{TestApp, assert_error, error_fields, spawn_app_with};

pub(crate) async fn app_with_fixture_web() -> (TestApp, FixtureWeb) {
    let web = FixtureWeb::start(FixtureConfig::default()).await.unwrap();
    let hosts = web.hosts();
    let ip = web.addr().ip();
    let app = spawn_app_with(
        move |s| {
            for host in &hosts {
                s.crawl.host_overrides.insert(host.clone(), ip);
            }
            s.crawl.private_hosts = hosts.clone();
        },
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await;
    (app, web)
}

pub(crate) async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

pub(crate) async fn wait_for_crawl(app: &TestApp, id: i64, token: &str) -> Value {
    for _ in 0..1200 {
        let c = json(app.get(&format!("/api/crawls/{id}"), Some(token)).await).await;
        if matches!(c["status"].as_str(), Some("done" | "failed" | "cancelled")) {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("crawl {id} did not finish");
}

#[tokio::test]
async fn a_session_s_urls_become_pages_with_text() {
    let (app, web) = app_with_fixture_web().await;
    let (_, token) = app.user_with_token("alice", false).await;
    let session = json(
        app.post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "seeds", "engine": "manual", "urls": [
                web.url("site4.test", "/"), web.url("robots-disallow.test", "/private/a"), web.url("latin1.test", "/")
            ]}),
        )
        .await,
    )
    .await;
    let res = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "energi", "session_ids": [session["id"]],
                "config": {"depth": 2, "delay_secs": 0, "max_pages_per_site": 5, "timeout_secs": 2}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let created = json(res).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["config"]["robots"], true, "defaults are filled in");
    let crawl = wait_for_crawl(&app, id, &token).await;
    assert_eq!(crawl["status"], "done", "{crawl}");
    let c = &crawl["counters"];
    assert_eq!(c["skipped_by_reason"]["robots"], 1, "{crawl}");
    assert_eq!(c["fetched"], 5, "{crawl}");
    assert_eq!(c["skipped_by_reason"]["cap"], 1, "{crawl}");

    let pages = json(
        app.get(&format!("/api/crawls/{id}/pages?limit=100"), Some(&token))
            .await,
    )
    .await;
    let items = pages["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let latin1 = items.iter().find(|p| p["domain"] == "latin1.test").unwrap();
    assert_eq!(latin1["language"], "da");
    let page = json(
        app.get(&format!("/api/pages/{}", latin1["id"]), Some(&token))
            .await,
    )
    .await;
    assert!(
        page["text"].as_str().unwrap().contains("vindmøller på land"),
        "{page}"
    );
    let html = app
        .get(&format!("/api/pages/{}/html", latin1["id"]), Some(&token))
        .await;
    assert_eq!(html.status(), StatusCode::OK);
    assert_eq!(html.headers()["content-type"], "application/octet-stream");
    assert!(
        html.bytes().await.unwrap().windows(5).any(|w| w == b"Gr\xf8n "),
        "raw windows-1252 bytes"
    );
    let danish = json(
        app.get(
            &format!("/api/crawls/{id}/pages?language=da&failed=false"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(danish["items"].as_array().unwrap().len(), 5);

    let res = app
        .request(
            reqwest::Method::POST,
            &format!("/api/crawls/{id}/cancel"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .request(
            reqwest::Method::POST,
            &format!("/api/crawls/{id}/resume"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;

    // Another user sees none of it.
    let (_, mallory) = app.user_with_token("mallory", false).await;
    for path in [
        format!("/api/crawls/{id}"),
        format!("/api/crawls/{id}/pages"),
        format!("/api/pages/{}", latin1["id"]),
        format!("/api/pages/{}/html", latin1["id"]),
    ] {
        assert_error(
            app.get(&path, Some(&mallory)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    for action in ["cancel", "resume"] {
        let res = app
            .request(
                reqwest::Method::POST,
                &format!("/api/crawls/{id}/{action}"),
                Some(&mallory),
            )
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    let res = app
        .post_json(
            "/api/crawls",
            Some(&mallory),
            &json!({"name": "steal", "session_ids": [session["id"]]}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["session_ids[0]"]);
    let list = json(app.get("/api/crawls", Some(&mallory)).await).await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_scraping_jobs_are_refused_by_field() {
    let (app, _web) = app_with_fixture_web().await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "", "urls": ["ftp://x.dk/"], "config": {"depth": 4, "global_concurrency": 0}}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&body),
        vec!["name", "config.depth", "config.global_concurrency", "urls[0]"]
    );
    let res = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "x", "urls": [], "config": {"colour": 1}}),
        )
        .await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["config"]);
}

#[tokio::test]
async fn the_crawler_refuses_private_addresses_unless_allowed() {
    let app = spawn_app_with(
        |_| {},
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("alice", false).await;
    // With robots.txt read first, its fetch is what gets refused; the URL must still be
    // recorded as refused, not as "robots.txt unavailable".
    for robots in [false, true] {
        let res = app
            .post_json(
                "/api/crawls",
                Some(&token),
                &json!({"name": "ssrf", "urls": [app.url("/health"), "http://169.254.169.254/latest/meta-data/"],
                    "config": {"delay_secs": 0, "retries": 0, "robots": robots}}),
            )
            .await;
        let id = json(res).await["id"].as_i64().unwrap();
        let crawl = wait_for_crawl(&app, id, &token).await;
        let counters = &crawl["counters"];
        assert_eq!(
            counters["failed_by_reason"]["refused_address"], 2,
            "robots {robots}: {crawl}"
        );
        assert!(
            counters["skipped_by_reason"].get("robots_unavailable").is_none(),
            "robots {robots}: {crawl}"
        );
        assert_eq!(counters["fetched"], 0);
        let pages = json(
            app.get(&format!("/api/crawls/{id}/pages?failed=true"), Some(&token))
                .await,
        )
        .await;
        for page in pages["items"].as_array().unwrap() {
            assert!(
                page["error_reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("refused: ")),
                "robots {robots}: {page}"
            );
        }
    }
}

/// Pages built to exhaust the extractor (they overflowed its stack and aborted the whole
/// process, again on every retry) fail their own URLs; the job finishes and the server
/// keeps answering.
#[tokio::test]
async fn hostile_pages_fail_their_urls_and_the_job_finishes() {
    let (app, web) = app_with_fixture_web().await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "hostile", "urls": [
                web.url("hostile.test", "/deep"),
                web.url("hostile.test", "/unclosed"),
                web.url("hostile.test", "/"),
            ], "config": {"depth": 1, "delay_secs": 0, "retries": 0, "timeout_secs": 5}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = json(res).await["id"].as_i64().unwrap();
    let crawl = wait_for_crawl(&app, id, &token).await;
    assert_eq!(crawl["status"], "done", "{crawl}");
    assert_eq!(crawl["counters"]["failed_by_reason"]["extraction"], 2, "{crawl}");
    assert_eq!(crawl["counters"]["fetched"], 1, "{crawl}");
    let failed = json(
        app.get(&format!("/api/crawls/{id}/pages?failed=true"), Some(&token))
            .await,
    )
    .await;
    let failed = failed["items"].as_array().unwrap();
    assert_eq!(failed.len(), 2);
    for page in failed {
        let reason = page["error_reason"].as_str().unwrap_or_default();
        assert!(reason.contains("levels deep"), "{page}");
    }
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn no_job_undercuts_the_operator_s_politeness_floor() {
    let web = FixtureWeb::start(FixtureConfig::default()).await.unwrap();
    let (hosts, ip) = (web.hosts(), web.addr().ip());
    let floor = Duration::from_millis(400);
    let app = spawn_app_with(
        move |s| {
            for host in &hosts {
                s.crawl.host_overrides.insert(host.clone(), ip);
            }
            s.crawl.private_hosts = hosts.clone();
            s.crawl.min_delay_secs = floor.as_secs_f64();
            s.crawl.max_per_host_concurrency = 1;
        },
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("impatient", false).await;
    // The job asks for no delay and eight requests at once.
    let res = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "impatient", "urls": [web.url("site0.test", "/")],
                "config": {"depth": 2, "max_pages_per_site": 6, "delay_secs": 0,
                           "per_site_concurrency": 8, "retries": 0}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = json(res).await["id"].as_i64().unwrap();
    let crawl = wait_for_crawl(&app, id, &token).await;
    assert_eq!(crawl["status"], "done", "{crawl}");
    let job = app.wait_for_job(crawl["job_id"].as_i64().unwrap(), &token).await;
    assert_eq!(job["result"]["politeness"]["delay_secs"], 0.4, "{job}");
    assert_eq!(job["result"]["politeness"]["per_host_concurrency"], 1, "{job}");

    // Page requests (robots.txt is fetched once, before them) arrive at least the floor apart.
    let starts: Vec<_> = web
        .arrivals()
        .into_iter()
        .filter(|a| a.host == "site0.test" && a.path != "/robots.txt")
        .map(|a| a.at)
        .collect();
    assert!(starts.len() >= 4, "only {} page requests", starts.len());
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        // 5% for the fixture web's own clock reading.
        assert!(
            gap >= floor.mul_f64(0.95),
            "two requests {gap:?} apart, under the {floor:?} floor"
        );
    }
}

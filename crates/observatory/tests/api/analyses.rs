//! Analysis runs over HTTP: a scraping job's pages become stored terms, a page's terms and
//! the job's top terms by TF-IDF can be read, and other users see nothing.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::crawls::{app_with_fixture_web, json, wait_for_crawl};
use crate::helpers::{assert_error, error_fields};

#[tokio::test]
async fn a_scraping_job_s_pages_become_terms_ranked_by_tfidf() {
    let (app, web) = app_with_fixture_web().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let urls: Vec<String> = [
        "site0.test",
        "site1.test",
        "site2.test",
        "latin1.test",
        "empty.test",
    ]
    .iter()
    .map(|h| web.url(h, "/"))
    .collect();
    let created = json(
        app.post_json(
            "/api/crawls",
            Some(&alice),
            &json!({"name": "energi", "urls": urls, "config": {"depth": 1, "delay_secs": 0, "timeout_secs": 2}}),
        )
        .await,
    )
    .await;
    let crawl = created["id"].as_i64().unwrap();
    assert_eq!(wait_for_crawl(&app, crawl, &alice).await["status"], "done");

    let res = app
        .post_json(
            &format!("/api/crawls/{crawl}/analyses"),
            Some(&alice),
            &json!({"options": {"min_length": 0}}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), vec!["options.min_length".to_owned()]);
    let res = app
        .post_json(&format!("/api/crawls/{crawl}/analyses"), Some(&bob), &json!({}))
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    let res = app
        .post_json(&format!("/api/crawls/{crawl}/analyses"), Some(&alice), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let run = json(res).await;
    let id = run["id"].as_i64().unwrap();
    let mut state = Value::Null;
    for _ in 0..600 {
        state = json(app.get(&format!("/api/analyses/{id}"), Some(&alice)).await).await;
        if state["status"] == "done" || state["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state["status"], "done", "{state}");
    assert_eq!(state["analysed"], 4, "{state}");
    assert_eq!(state["skipped"], 1, "the empty page: {state}");
    assert_error(
        app.get(&format!("/api/analyses/{id}"), Some(&bob)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let pages = json(
        app.get(&format!("/api/crawls/{crawl}/pages?limit=100"), Some(&alice))
            .await,
    )
    .await;
    let latin1 = pages["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["domain"] == "latin1.test")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let terms = json(app.get(&format!("/api/pages/{latin1}/terms"), Some(&alice)).await).await;
    let nouns = terms["nouns"].as_array().unwrap();
    assert!(nouns.iter().any(|n| n["lemma"] == "vindmølle"), "{terms}");
    assert!(
        terms["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["normalized"] == "energistyrelsen"),
        "{terms}"
    );
    assert_error(
        app.get(&format!("/api/pages/{latin1}/terms"), Some(&bob)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let top = json(
        app.get(&format!("/api/crawls/{crawl}/terms?limit=5"), Some(&alice))
            .await,
    )
    .await;
    assert_eq!(top["websites"], 4, "{top}");
    let list = top["terms"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert!(
        list.windows(2)
            .all(|w| w[0]["tfidf"].as_f64() >= w[1]["tfidf"].as_f64()),
        "{top}"
    );
    assert!(
        list.iter()
            .all(|t| t["df"].as_u64().unwrap() >= 1 && t["idf"].as_f64().unwrap() >= 1.0)
    );
    let entities = json(
        app.get(&format!("/api/crawls/{crawl}/terms?kind=entities"), Some(&alice))
            .await,
    )
    .await;
    let list = entities["terms"].as_array().unwrap();
    assert!(
        list.iter()
            .any(|t| t["term"] == "energistyrelsen" && t["label"].is_string()),
        "{entities}"
    );
    let keywords = json(
        app.get(&format!("/api/crawls/{crawl}/terms?kind=keywords"), Some(&alice))
            .await,
    )
    .await;
    assert!(!keywords["terms"].as_array().unwrap().is_empty(), "{keywords}");
    let res = app
        .get(&format!("/api/crawls/{crawl}/terms?kind=verbs"), Some(&alice))
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), vec!["kind".to_owned()]);
    let res = app
        .get(&format!("/api/crawls/{crawl}/terms?limit=0"), Some(&alice))
        .await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(
        app.get(&format!("/api/crawls/{crawl}/terms"), Some(&bob)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_search_session_s_pages_are_analysed_together() {
    let (app, web) = app_with_fixture_web().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let session = json(
        app.post_json(
            "/api/search/sessions",
            Some(&alice),
            &json!({"name": "seeds", "engine": "manual", "urls": [web.url("site3.test", "/"), web.url("site4.test", "/")]}),
        )
        .await,
    )
    .await;
    let sid = session["id"].as_i64().unwrap();
    for _ in 0..2 {
        // Two scraping jobs from the same session: both are in its scope.
        let created = json(
            app.post_json(
                "/api/crawls",
                Some(&alice),
                &json!({"name": "s", "session_ids": [sid], "config": {"depth": 1, "delay_secs": 0, "recollect": true}}),
            )
            .await,
        )
        .await;
        let crawl = created["id"].as_i64().unwrap();
        assert_eq!(wait_for_crawl(&app, crawl, &alice).await["status"], "done");
    }
    let res = app
        .post_json(
            &format!("/api/search/sessions/{sid}/analyses"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let run = json(
        app.post_json(
            &format!("/api/search/sessions/{sid}/analyses"),
            Some(&alice),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(run["scope"], json!({"session": sid}));
    let id = run["id"].as_i64().unwrap();
    let mut state = Value::Null;
    for _ in 0..600 {
        state = json(app.get(&format!("/api/analyses/{id}"), Some(&alice)).await).await;
        if state["status"] == "done" || state["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state["status"], "done", "{state}");
    assert_eq!(state["analysed"], 4, "two pages in each of two jobs: {state}");
    let top = json(
        app.get(&format!("/api/search/sessions/{sid}/terms?limit=3"), Some(&alice))
            .await,
    )
    .await;
    assert_eq!(top["websites"], 2, "{top}");
    assert_eq!(top["terms"].as_array().unwrap().len(), 3);
    assert_error(
        app.get(&format!("/api/search/sessions/{sid}/terms"), Some(&bob))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

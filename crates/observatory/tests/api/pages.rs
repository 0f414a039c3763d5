//! Full-text search across a user's pages, and exporting a job's pages, over HTTP.

use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::FixtureWeb;

use crate::crawls::{app_with_fixture_web, json, wait_for_crawl};
use crate::helpers::{TestApp, assert_error, error_fields};

/// A finished scraping job over `urls`, started from a manual session; returns (session, crawl).
async fn crawled(app: &TestApp, web: &FixtureWeb, token: &str, urls: &[(&str, &str)]) -> (i64, i64) {
    let urls: Vec<String> = urls.iter().map(|(host, path)| web.url(host, path)).collect();
    let session = json(
        app.post_json(
            "/api/search/sessions",
            Some(token),
            &json!({"name": "seeds", "engine": "manual", "urls": urls}),
        )
        .await,
    )
    .await;
    let created = json(
        app.post_json(
            "/api/crawls",
            Some(token),
            &json!({"name": "energi", "session_ids": [session["id"]],
                "config": {"depth": 1, "delay_secs": 0, "timeout_secs": 2}}),
        )
        .await,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let crawl = wait_for_crawl(app, id, token).await;
    assert_eq!(crawl["status"], "done", "{crawl}");
    (session["id"].as_i64().unwrap(), id)
}

async fn hits(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/pages?{query}"), Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    json(res).await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn pages_are_found_by_full_text_ranked_and_highlighted() {
    let (app, web) = app_with_fixture_web().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let (session, crawl) = crawled(
        &app,
        &web,
        &alice,
        &[("latin1.test", "/"), ("site0.test", "/"), ("site1.test", "/")],
    )
    .await;
    let (_, other) = crawled(&app, &web, &alice, &[("site2.test", "/")]).await;
    crawled(&app, &web, &bob, &[("latin1.test", "/")]).await;

    let found = hits(&app, &alice, "q=Energistyrelsen").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["domain"], "latin1.test");
    assert_eq!(found[0]["crawl_id"], crawl);
    let snippet = found[0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>Energistyrelsen</mark>"), "{snippet}");
    let found = hits(&app, &alice, "q=%22vindm%C3%B8ller%20p%C3%A5%20land%22").await;
    assert_eq!(found.len(), 1, "a phrase with Danish letters: {found:?}");

    // Filters: job, session, domain, language.
    let everywhere = hits(&app, &alice, "q=vindm%C3%B8ller&limit=500").await;
    let in_other = hits(&app, &alice, &format!("q=vindm%C3%B8ller&job={other}")).await;
    assert!(!in_other.is_empty() && in_other.iter().all(|h| h["crawl_id"] == other));
    let in_session = hits(&app, &alice, &format!("q=vindm%C3%B8ller&session={session}")).await;
    assert!(in_session.iter().all(|h| h["crawl_id"] == crawl));
    assert_eq!(in_session.len() + in_other.len(), everywhere.len());
    let by_domain = hits(&app, &alice, "q=vindm%C3%B8ller&domain=SITE0.test&language=da").await;
    assert!(!by_domain.is_empty() && by_domain.iter().all(|h| h["domain"] == "site0.test"));
    assert!(
        hits(&app, &alice, "q=vindm%C3%B8ller&language=en")
            .await
            .is_empty()
    );

    // Ranked pages walk through every hit once.
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = app
            .get(
                &format!("/api/pages?q=vindm%C3%B8ller&limit=1{cursor}"),
                Some(&alice),
            )
            .await;
        let page = json(res).await;
        walked.extend(page["items"].as_array().unwrap().iter().map(|h| h["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let ids: Vec<Value> = everywhere.iter().map(|h| h["id"].clone()).collect();
    assert_eq!(walked, ids);

    // Bob sees only his own copy.
    let bobs = hits(&app, &bob, "q=Energistyrelsen").await;
    assert_eq!(bobs.len(), 1);
    assert_ne!(bobs[0]["crawl_id"], crawl);
    assert!(
        hits(&app, &bob, &format!("q=Energistyrelsen&job={crawl}"))
            .await
            .is_empty()
    );

    // Bad queries are refused by field.
    for (query, field) in [
        ("", "q"),
        ("q=", "q"),
        ("q=-kul", "q"),
        ("q=vind&cursor=abc", "cursor"),
        ("q=vind&limit=0", "limit"),
    ] {
        let res = app.get(&format!("/api/pages?{query}"), Some(&alice)).await;
        let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&body), vec![field.to_owned()], "{query}");
    }
}

#[tokio::test]
async fn a_job_s_pages_export_as_jsonl_and_csv() {
    let (app, web) = app_with_fixture_web().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let (_, crawl) = crawled(
        &app,
        &web,
        &alice,
        &[("latin1.test", "/"), ("site0.test", "/"), ("failing.test", "/")],
    )
    .await;

    let res = app
        .get(&format!("/api/crawls/{crawl}/export"), Some(&alice))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"crawl-{crawl}-pages.jsonl\"").as_str()
    );
    let body = res.text().await.unwrap();
    let records: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 3, "{body}");
    let latin1 = records.iter().find(|r| r["domain"] == "latin1.test").unwrap();
    assert!(latin1["text"].as_str().unwrap().contains("vindmøller på land"));
    assert_eq!(latin1["language"], "da");
    let failed = records.iter().find(|r| r["domain"] == "failing.test").unwrap();
    assert!(
        failed["error_reason"].is_string() && failed["text"].is_null(),
        "{failed}"
    );

    let res = app
        .get(
            &format!("/api/crawls/{crawl}/export?format=csv&failed=false"),
            Some(&alice),
        )
        .await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let body = res.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        crawl::export::COLUMNS.to_vec()
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "failed pages filtered out");
    let text_col = headers.iter().position(|h| h == "text").unwrap();
    assert!(rows.iter().any(|r| r[text_col].contains("vindmøller på land")));

    let res = app
        .get(&format!("/api/crawls/{crawl}/export?format=xlsx"), Some(&alice))
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), vec!["format".to_owned()]);
    let res = app.get(&format!("/api/crawls/{crawl}/export"), Some(&bob)).await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
}

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

/// About `len` bytes of words in a pseudo-random order (compressing it takes real work,
/// and the compressed stream ends with a long flush).
fn varied_text(seed: u64, len: usize) -> String {
    const WORDS: [&str; 12] = [
        "vindmøller",
        "solceller",
        "naboerne",
        "kommunen",
        "støj",
        "grøn",
        "omstilling",
        "brint",
        "Bornholm",
        "energiø",
        "landskab",
        "kabler",
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut text = String::with_capacity(len + 16);
    while text.len() < len {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(WORDS[(state >> 33) as usize % WORDS.len()]);
        text.push_str(&format!("{} ", (state >> 20) % 1000));
    }
    text
}

/// A finished job of `n` pages, written through the store as the crawl job writes them.
async fn stored_crawl(app: &TestApp, owner: store::UserId, n: usize) -> i64 {
    use store::{FrontierResult, FrontierState, NewCrawl, NewFrontierUrl, NewPage};
    let crawl = app
        .store
        .create_crawl(NewCrawl {
            owner_id: owner,
            project_id: None,
            name: "many".into(),
            config: json!({}),
            sources: json!({}),
            sessions: vec![],
            seeds: (0..n)
                .map(|p| NewFrontierUrl {
                    url: format!("https://www.site{}.dk/artikel/{p}", p % 7),
                    site: format!("site{}.dk", p % 7),
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                })
                .collect(),
        })
        .await
        .unwrap();
    loop {
        let items = app.store.claim_frontier(crawl.id, 64).await.unwrap();
        if items.is_empty() {
            break;
        }
        let results: Vec<FrontierResult> = items
            .iter()
            .map(|item| FrontierResult {
                state: FrontierState::Done,
                reason: None,
                page: Some(NewPage {
                    url: item.url.clone(),
                    final_url: Some(item.url.clone()),
                    host: format!("www.{}", item.site),
                    domain: item.site.clone(),
                    status_code: Some(200),
                    headers: json!({}),
                    title: Some(format!("Artikel {}", item.id)),
                    text: Some(varied_text(item.id.get() as u64, 4 * 1024)),
                    words: 150,
                    language: Some("da".into()),
                    ..NewPage::default()
                }),
                body: None,
                links: vec![],
            })
            .collect();
        let batch: Vec<_> = items.iter().zip(results.iter()).collect();
        app.store
            .finish_frontier_batch(app.store.default_project(owner).await.unwrap(), &batch)
            .await
            .unwrap();
    }
    app.store
        .set_crawl_status(crawl.id, store::CrawlStatus::Done)
        .await
        .unwrap();
    crawl.id.get()
}

/// Streamed exports arrive whole under gzip and brotli (the stream was polled after its
/// end and panicked: 202 of 335 lines arrived, with a transfer error).
#[tokio::test]
async fn exports_are_complete_under_gzip_and_brotli() {
    use std::io::Read;
    let app = crate::helpers::spawn_app_without_workers().await;
    let (alice, token) = app.user_with_token("alice", false).await;
    let crawl = stored_crawl(&app, alice.id, 335).await;
    for format in ["jsonl", "csv"] {
        let path = format!("/api/crawls/{crawl}/export?format={format}");
        let plain = app
            .request(reqwest::Method::GET, &path, Some(&token))
            .header("accept-encoding", "identity")
            .send()
            .await
            .unwrap();
        assert_eq!(plain.status(), StatusCode::OK);
        let plain = plain.bytes().await.unwrap().to_vec();
        let records = if format == "jsonl" { 335 } else { 336 };
        assert_eq!(plain.iter().filter(|b| **b == b'\n').count(), records, "{format}");
        for encoding in ["gzip", "br"] {
            let res = app
                .request(reqwest::Method::GET, &path, Some(&token))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.headers()["content-encoding"], encoding);
            let compressed = res.bytes().await.expect("the whole body arrives").to_vec();
            let mut body = Vec::new();
            match encoding {
                "gzip" => flate2::read::GzDecoder::new(compressed.as_slice())
                    .read_to_end(&mut body)
                    .unwrap(),
                _ => brotli::Decompressor::new(compressed.as_slice(), 4096)
                    .read_to_end(&mut body)
                    .unwrap(),
            };
            assert_eq!(body, plain, "{format} under {encoding}");
        }
    }
}

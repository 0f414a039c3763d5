//! A session's life: many queries, snapshot and comparison, failures, cancel, isolation.

use super::*;

#[tokio::test]
async fn twenty_queries_of_a_hundred_results_then_a_snapshot_and_a_comparison() {
    let (serper, generation) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;

    let queries: Vec<String> = (0..20).map(|i| format!("topic {i}")).collect();
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({
                "name": "Energy transition",
                "engine": "serper",
                "queries": queries,
                "max_results": 100,
                "language": "da",
                "country": "dk",
                "allowed_tlds": [".dk"],
                "excluded_domains": ["site3.dk"],
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let created = json(res).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "queued");
    assert_eq!(created["counts"]["queries"], 20);
    let job_id = created["job_id"].as_i64().unwrap();

    // Progress is visible while it runs, and at the end.
    let session = wait_for_session(&app, id, &token).await;
    assert_eq!(session["status"], "done", "{session}");
    let counts = &session["counts"];
    assert_eq!(counts["queries_done"], 20);
    assert_eq!(counts["queries_failed"], 0);
    assert_eq!(counts["results"], 2000);
    let job = app.wait_for_job(job_id, &token).await;
    assert_eq!(job["status"], "succeeded");
    assert_eq!(job["progress"]["done"], 20);
    assert_eq!(job["progress"]["total"], 20);
    let queries = session["queries"].as_array().unwrap();
    assert_eq!(queries.len(), 20);
    assert!(
        queries
            .iter()
            .all(|q| q["status"] == "done" && q["result_count"] == 100 && q["requests"] == 10)
    );
    assert_eq!(queries[3]["params"]["language"], "da");
    assert_eq!(session["params"]["allowed_tlds"], json!([".dk"]));

    // Every query↔rank link is kept; URLs are normalized; exclusions are stored with reasons.
    let results = all_pages(&app, &format!("/api/search/sessions/{id}/results"), &token).await;
    assert_eq!(results.len(), 2000);
    let first = &results[0];
    assert_eq!(first["query"], "topic 0");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["normalized_url"], "https://www.site1.dk/p1");
    assert_eq!(first["domain"], "site1.dk");
    assert!(first["url"].as_str().unwrap().contains("utm_source"));
    let excluded: Vec<&Value> = results.iter().filter(|r| r["excluded"] == true).collect();
    assert!(
        excluded
            .iter()
            .any(|r| r["exclusion_reason"] == "domain site3.dk is excluded")
    );
    assert!(
        excluded
            .iter()
            .any(|r| r["exclusion_reason"] == "top-level domain not in .dk")
    );
    assert_eq!(counts["excluded"].as_u64().unwrap() as usize, excluded.len());
    let p7: Vec<(String, i64)> = results
        .iter()
        .filter(|r| r["normalized_url"] == "https://www.site7.dk/p7")
        .map(|r| {
            (
                r["query"].as_str().unwrap().to_owned(),
                r["rank"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(p7.len() > 1, "the same URL under several queries: {p7:?}");
    assert!(p7.contains(&("topic 0".to_owned(), 7)) && p7.contains(&("topic 1".to_owned(), 2)));

    let filtered = json(
        app.get(
            &format!("/api/search/sessions/{id}/results?domain=site7.dk&excluded=false&limit=5"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 5);
    assert!(filtered["next_cursor"].is_string());
    let query_id = queries[2]["id"].as_i64().unwrap();
    let by_query = all_pages(
        &app,
        &format!("/api/search/sessions/{id}/results?query_id={query_id}"),
        &token,
    )
    .await;
    assert_eq!(by_query.len(), 100);
    assert!(
        by_query
            .windows(2)
            .all(|w| w[0]["rank"].as_i64() < w[1]["rank"].as_i64())
    );

    // The unique lists collapse the overlap and leave out excluded results.
    let urls = all_pages(&app, &format!("/api/search/sessions/{id}/urls"), &token).await;
    assert_eq!(urls.len() as u64, counts["unique_urls"].as_u64().unwrap());
    assert!(urls.len() < 120);
    assert!(
        urls.iter()
            .all(|u| !u["domain"].as_str().unwrap().ends_with(".com") && u["domain"] != "site3.dk")
    );
    assert!(urls.iter().any(|u| u["queries"].as_i64().unwrap() > 1));
    let domains = all_pages(&app, &format!("/api/search/sessions/{id}/domains"), &token).await;
    assert_eq!(domains.len() as u64, counts["unique_domains"].as_u64().unwrap());
    let site7 = domains.iter().find(|d| d["domain"] == "site7.dk").unwrap();
    assert!(site7["urls"].as_i64().unwrap() >= 2);

    // Provenance: the raw engine page, without the key.
    let raw_id = first["raw_page_id"].as_i64().unwrap();
    let raw = json(
        app.get(&format!("/api/search/sessions/{id}/raw/{raw_id}"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(raw["body"]["organic"].as_array().unwrap().len(), 10);
    assert_eq!(raw["request"]["body"]["q"], "topic 0");
    assert_eq!(raw["request"]["body"]["gl"], "dk");
    assert!(!raw.to_string().contains(KEY));

    // The web moves on; a snapshot re-runs the same queries and is linked to the original.
    generation.store(1, Ordering::SeqCst);
    let res = app
        .request(
            reqwest::Method::POST,
            &format!("/api/search/sessions/{id}/rerun"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let snapshot = json(res).await;
    let snap_id = snapshot["id"].as_i64().unwrap();
    assert_eq!(snapshot["snapshot_of"], id);
    assert_eq!(snapshot["name"], "Energy transition");
    let snap = wait_for_session(&app, snap_id, &token).await;
    assert_eq!(snap["counts"]["results"], 2000);
    let family = json(
        app.get(&format!("/api/search/sessions?snapshot_of={id}"), Some(&token))
            .await,
    )
    .await;
    let ids: Vec<i64> = family["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![snap_id, id]);

    let cmp = json(
        app.get(
            &format!("/api/search/sessions/{id}/compare/{snap_id}"),
            Some(&token),
        )
        .await,
    )
    .await;
    let url_j = cmp["urls"]["jaccard"].as_f64().unwrap();
    assert!(url_j > 0.5 && url_j < 1.0, "{cmp}");
    assert_eq!(cmp["domains"]["jaccard"].as_f64().unwrap(), 1.0, "{cmp}");
    let per_query = cmp["queries"].as_array().unwrap();
    assert_eq!(per_query.len(), 20);
    for q in per_query {
        let rbo = q["rbo"].as_f64().unwrap();
        assert!(rbo > 0.0 && rbo < 1.0, "{q}");
    }
    assert_eq!(cmp["rbo_p"], 0.9);
    let same = json(
        app.get(&format!("/api/search/sessions/{id}/compare/{id}"), Some(&token))
            .await,
    )
    .await;
    assert!(
        same["queries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["rbo"].as_f64().unwrap() > 0.999_999)
    );
}

#[tokio::test]
async fn a_failed_query_does_not_fail_the_session_and_says_why() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "n", "engine": "serper", "queries": ["topic 1", "broken"], "max_results": 15}),
        )
        .await;
    let id = json(res).await["id"].as_i64().unwrap();
    let s = wait_for_session(&app, id, &token).await;
    assert_eq!(s["status"], "done");
    assert_eq!(s["counts"]["queries_failed"], 1);
    assert_eq!(s["counts"]["results"], 15);
    let broken = &s["queries"][1];
    assert_eq!(broken["status"], "failed");
    assert_eq!(
        broken["error"],
        "serper rejected the credentials (HTTP 401): Unauthorized."
    );
    assert!(!s.to_string().contains(KEY));

    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "n", "engine": "serper", "queries": ["broken"], "max_results": 10}),
        )
        .await;
    let id = json(res).await["id"].as_i64().unwrap();
    let s = wait_for_session(&app, id, &token).await;
    assert_eq!(s["status"], "failed", "every query failed");
}

#[tokio::test]
async fn a_running_session_can_be_cancelled() {
    let (serper, _) = mock_serper(Duration::from_millis(150)).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;
    let queries: Vec<String> = (0..10).map(|i| format!("topic {i}")).collect();
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "slow", "engine": "serper", "queries": queries, "max_results": 50}),
        )
        .await;
    let id = json(res).await["id"].as_i64().unwrap();
    // Wait until it is running, then cancel.
    for _ in 0..200 {
        let s = json(app.get(&format!("/api/search/sessions/{id}"), Some(&token)).await).await;
        if s["status"] == "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let res = app
        .request(
            reqwest::Method::POST,
            &format!("/api/search/sessions/{id}/cancel"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let s = wait_for_session(&app, id, &token).await;
    assert_eq!(s["status"], "cancelled");
    assert!(s["counts"]["queries_cancelled"].as_i64().unwrap() >= 1);
    assert!(s["counts"]["queries_done"].as_i64().unwrap() < 10);
    let res = app
        .request(
            reqwest::Method::POST,
            &format!("/api/search/sessions/{id}/cancel"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "conflict").await;
}

#[tokio::test]
async fn other_users_get_404_on_every_search_route() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, mallory) = app.user_with_token("mallory", false).await;
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&alice),
            &json!({"name": "private", "engine": "serper", "queries": ["topic 1"], "max_results": 10}),
        )
        .await;
    let id = json(res).await["id"].as_i64().unwrap();
    let s = wait_for_session(&app, id, &alice).await;
    let raw_id = json(
        app.get(
            &format!("/api/search/sessions/{id}/results?limit=1"),
            Some(&alice),
        )
        .await,
    )
    .await["items"][0]["raw_page_id"]
        .as_i64()
        .unwrap();
    let query_id = s["queries"][0]["id"].as_i64().unwrap();
    let own = json(
        app.post_json(
            "/api/search/sessions",
            Some(&mallory),
            &json!({"name": "mine", "engine": "manual", "urls": ["https://a.dk/"]}),
        )
        .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();

    for path in [
        format!("/api/search/sessions/{id}"),
        format!("/api/search/sessions/{id}/results"),
        format!("/api/search/sessions/{id}/results?query_id={query_id}"),
        format!("/api/search/sessions/{id}/urls"),
        format!("/api/search/sessions/{id}/domains"),
        format!("/api/search/sessions/{id}/raw/{raw_id}"),
        format!("/api/search/sessions/{own}/raw/{raw_id}"),
        format!("/api/search/sessions/{id}/compare/{own}"),
        format!("/api/search/sessions/{own}/compare/{id}"),
    ] {
        assert_error(
            app.get(&path, Some(&mallory)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    for (method, path) in [
        (reqwest::Method::POST, format!("/api/search/sessions/{id}/rerun")),
        (reqwest::Method::POST, format!("/api/search/sessions/{id}/cancel")),
        (reqwest::Method::DELETE, format!("/api/search/sessions/{id}")),
    ] {
        let res = app.request(method, &path, Some(&mallory)).send().await.unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    let list = json(app.get("/api/search/sessions", Some(&mallory)).await).await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![own]);
    assert_error(
        app.get("/api/search/sessions", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    // Alice can still delete hers, and it is gone with its results.
    let res = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/search/sessions/{id}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.get(&format!("/api/search/sessions/{id}/results"), Some(&alice))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// Engine text with NUL in it is stored without the NULs, on the first attempt (on
/// PostgreSQL the whole query failed, five times, each spending quota).
#[tokio::test]
async fn engine_text_with_nul_characters_is_stored_without_them() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "nul", "engine": "serper", "queries": ["nul 1"], "max_results": 10}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = json(res).await["id"].as_i64().unwrap();
    let session = wait_for_session(&app, id, &token).await;
    assert_eq!(session["status"], "done", "{session}");
    assert_eq!(session["queries"][0]["requests"], 1, "{session}");
    let results = all_pages(&app, &format!("/api/search/sessions/{id}/results"), &token).await;
    assert_eq!(results.len(), 10);
    for r in &results {
        assert!(!r.to_string().contains("\\u0000"), "{r}");
        assert!(r["title"].as_str().unwrap().starts_with("Result "), "{r}");
        assert_eq!(r["snippet"], "About topic 1");
    }
    let received = serper.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 1, "one request to the engine, no retries");
}

/// Credentials in an engine's `base_url` never reach a user: the stored provenance of each
/// request shows the URL with its userinfo masked.
#[tokio::test]
async fn credentials_in_an_engine_url_are_masked_in_provenance() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper_at(serper.uri().replacen("http://", "http://lab:hunter2@", 1)).await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "masked", "engine": "serper", "queries": ["topic 1"], "max_results": 10}),
        )
        .await;
    let id = json(res).await["id"].as_i64().unwrap();
    let session = wait_for_session(&app, id, &token).await;
    assert_eq!(session["status"], "done", "{session}");
    let results = all_pages(&app, &format!("/api/search/sessions/{id}/results"), &token).await;
    let raw_id = results[0]["raw_page_id"].as_i64().unwrap();
    let raw = json(
        app.get(&format!("/api/search/sessions/{id}/raw/{raw_id}"), Some(&token))
            .await,
    )
    .await;
    let shown = raw.to_string();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        raw["request"]["url"].as_str().unwrap().contains("lab:***@"),
        "{shown}"
    );
    assert!(!session.to_string().contains("hunter2"));
}

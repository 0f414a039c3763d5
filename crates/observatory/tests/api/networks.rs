//! Networks over HTTP, as a researcher builds them: a query–website network from search
//! sessions; website–noun, website–entity and hyperlink networks from an analysed scraping
//! job, backboned and projected; every download format; errors and isolation.

use std::io::Read;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::FixtureWeb;

use crate::helpers::{TestApp, assert_error, assert_valid_gexf, error_fields};
use crate::search::{app_with_serper, mock_serper, wait_for_session};

pub(crate) async fn json(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// Creates a network and waits for it to finish building.
pub(crate) async fn build(app: &TestApp, token: &str, request: Value) -> Value {
    let res = app.post_json("/api/networks", Some(token), &request).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let created = json(res).await;
    let id = created["id"].as_i64().unwrap();
    for _ in 0..600 {
        let n = json(app.get(&format!("/api/networks/{id}"), Some(token)).await).await;
        if matches!(n["status"].as_str(), Some("done" | "failed" | "cancelled")) {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("network {id} did not finish");
}

pub(crate) async fn download(app: &TestApp, token: &str, id: i64, format: &str) -> (String, Vec<u8>) {
    let res = app
        .get(
            &format!("/api/networks/{id}/download?format={format}"),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{format}");
    let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
    (kind, res.bytes().await.unwrap().to_vec())
}

fn validate_gexf(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("network.gexf");
    std::fs::write(&path, bytes).unwrap();
    assert_valid_gexf(&path);
}

/// Every format of a built network carries its node and edge counts.
async fn check_downloads(app: &TestApp, token: &str, network: &Value) {
    let id = network["id"].as_i64().unwrap();
    let nodes = network["node_count"].as_u64().unwrap() as usize;
    let edges = network["edge_count"].as_u64().unwrap() as usize;
    assert_eq!(network["files"].as_array().unwrap().len(), 4);

    let (kind, gexf) = download(app, token, id, "gexf").await;
    assert_eq!(kind, "application/gexf+xml");
    validate_gexf(&gexf);
    let text = String::from_utf8(gexf).unwrap();
    assert_eq!(text.matches("<node id=").count(), nodes);
    assert_eq!(text.matches("<edge id=").count(), edges);
    assert!(text.contains("title=\"Node type\"") && text.contains("<viz:position"));

    let (_, graphml) = download(app, token, id, "graphml").await;
    let text = String::from_utf8(graphml).unwrap();
    assert_eq!(text.matches("<node id=").count(), nodes);
    assert_eq!(text.matches("<edge id=").count(), edges);

    let (kind, zipped) = download(app, token, id, "csv").await;
    assert_eq!(kind, "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    for (name, rows) in [("nodes.csv", nodes), ("edges.csv", edges)] {
        let mut text = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(
            csv::Reader::from_reader(text.as_bytes()).records().count(),
            rows,
            "{name}"
        );
    }

    let (_, graphology) = download(app, token, id, "json").await;
    let g: Value = serde_json::from_slice(&graphology).unwrap();
    assert_eq!(g["nodes"].as_array().unwrap().len(), nodes);
    assert_eq!(g["edges"].as_array().unwrap().len(), edges);
}

#[tokio::test]
async fn a_query_website_network_from_search_sessions() {
    let (server, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&server).await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let mut sessions = Vec::new();
    for queries in [vec!["topic 1", "topic 2", "topic 3"], vec!["topic 3", "topic 4"]] {
        let s = json(
            app.post_json(
                "/api/search/sessions",
                Some(&alice),
                &json!({"name": "s", "engine": "serper", "queries": queries, "max_results": 20}),
            )
            .await,
        )
        .await;
        let id = s["id"].as_i64().unwrap();
        assert_eq!(wait_for_session(&app, id, &alice).await["status"], "done");
        sessions.push(id);
    }

    // Parameters are refused by name; another user's session is not found.
    let res = app
        .post_json(
            "/api/networks",
            Some(&alice),
            &json!({"type": "query-website", "scope": {"sessions": sessions},
                    "params": {"weight": "loudest"}}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("params.weight: unknown variant `loudest`"),
        "{err}"
    );
    let res = app
        .post_json(
            "/api/networks",
            Some(&alice),
            &json!({"type": "query-website", "scope": {"crawls": [1]},
                    "params": {"backbone": {"method": "disparity", "alpha": 0}}}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&err),
        ["scope.sessions", "scope.crawls", "params.backbone.alpha"]
    );
    let res = app
        .post_json(
            "/api/networks",
            Some(&bob),
            &json!({"type": "query-website", "scope": {"sessions": sessions}}),
        )
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    let network = build(
        &app,
        &alice,
        json!({"name": "topics", "type": "query-website", "scope": {"sessions": sessions},
               "params": {"weight": "linear"}}),
    )
    .await;
    assert_eq!(network["status"], "done", "{network}");
    let stats = &network["report"]["statistics"];
    // "topic 3" in both sessions is one query node: four queries.
    assert_eq!(stats["nodes_by_kind"]["query"], 4, "{network}");
    assert!(stats["nodes_by_kind"]["website"].as_u64().unwrap() <= 40);
    assert!(stats["bipartite_density"].as_f64().unwrap() > 0.0);
    assert!(stats["communities"].as_u64().unwrap() >= 1);
    assert_eq!(network["report"]["inputs"]["rows"], 100);
    check_downloads(&app, &alice, &network).await;

    let id = network["id"].as_i64().unwrap();
    let (_, body) = download(&app, &alice, id, "json").await;
    let g: Value = serde_json::from_slice(&body).unwrap();
    let topic3 = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == "query:topic 3")
        .unwrap();
    assert_eq!(
        topic3["attributes"]["sessions"],
        format!("{},{}", sessions[0], sessions[1])
    );
    let edge = &g["edges"].as_array().unwrap()[0];
    let rank = edge["attributes"]["best_rank"].as_f64().unwrap();
    // Linear weighting over 20 results: (20 + 1 − r) / 20.
    assert_eq!(
        edge["attributes"]["weight"].as_f64().unwrap(),
        (21.0 - rank) / 20.0
    );

    // Isolation: bob sees none of it.
    for path in [
        format!("/api/networks/{id}"),
        format!("/api/networks/{id}/download?format=gexf"),
    ] {
        assert_error(
            app.get(&path, Some(&bob)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let list = json(app.get("/api/networks", Some(&bob)).await).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let res = app
        .send_json(
            Method::DELETE,
            &format!("/api/networks/{id}"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    let res = app
        .get(&format!("/api/networks/{id}/download?format=pdf"), Some(&alice))
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["format"]);

    // A website–noun network over sessions nobody crawled fails with a reason, and
    // cannot be downloaded.
    let failed = build(
        &app,
        &alice,
        json!({"type": "website-noun", "scope": {"sessions": [sessions[0]]}}),
    )
    .await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("run an analysis first"),
        "{failed}"
    );
    let res = app
        .get(&format!("/api/networks/{}/download", failed["id"]), Some(&alice))
        .await;
    assert_error(res, StatusCode::CONFLICT, "conflict").await;

    let list = json(app.get("/api/networks?limit=1", Some(&alice)).await).await;
    assert_eq!(list["items"][0]["id"], failed["id"]);
    let cursor = list["next_cursor"].as_str().unwrap();
    let rest = json(
        app.get(&format!("/api/networks?limit=1&cursor={cursor}"), Some(&alice))
            .await,
    )
    .await;
    assert_eq!(rest["items"][0]["id"], id);

    let res = app
        .send_json(
            Method::DELETE,
            &format!("/api/networks/{id}"),
            Some(&alice),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.get(&format!("/api/networks/{id}"), Some(&alice)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn term_and_hyperlink_networks_from_an_analysed_scraping_job() {
    let (app, web) = crate::crawls::app_with_fixture_web().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let crawl = analysed_fixture_crawl(
        &app,
        &web,
        &alice,
        &[
            "site0.test",
            "site1.test",
            "site2.test",
            "site3.test",
            "latin1.test",
        ],
    )
    .await;

    let nouns = build(
        &app,
        &alice,
        json!({"type": "website-noun", "scope": {"crawls": [crawl]},
               "params": {"top": 15, "languages": ["da"],
                          "backbone": {"method": "disparity", "alpha": 0.5}}}),
    )
    .await;
    assert_eq!(nouns["status"], "done", "{nouns}");
    let report = &nouns["report"];
    assert_eq!(report["statistics"]["nodes_by_kind"]["website"], 5, "{report}");
    assert!(
        report["statistics"]["nodes_by_kind"]["noun"].as_u64().unwrap() > 5,
        "{report}"
    );
    let backbone = &report["backbone"];
    assert_eq!(backbone["method"], "disparity");
    assert!(backbone["edges_after"].as_u64() <= backbone["edges_before"].as_u64());
    assert!(backbone["edge_retention"].as_f64().unwrap() <= 1.0);
    assert_eq!(nouns["edge_count"], backbone["edges_after"]);
    check_downloads(&app, &alice, &nouns).await;

    let projected = build(
        &app,
        &alice,
        json!({"type": "website-noun", "scope": {"crawls": [crawl]},
               "params": {"projection": {"onto": "websites", "measure": "cosine"}}}),
    )
    .await;
    assert_eq!(projected["status"], "done", "{projected}");
    assert_eq!(projected["report"]["statistics"]["nodes_by_kind"]["website"], 5);
    assert!(
        projected["report"]["statistics"]["nodes_by_kind"]
            .get("noun")
            .is_none()
    );

    let entities = build(
        &app,
        &alice,
        json!({"type": "website-entity", "scope": {"crawls": [crawl]}, "params": {"min_df": 1}}),
    )
    .await;
    assert_eq!(entities["status"], "done", "{entities}");
    let (_, body) = download(&app, &alice, entities["id"].as_i64().unwrap(), "json").await;
    let g: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["attributes"]["kind"] == "entity" && n["attributes"]["entity_type"].is_string()),
        "{g}"
    );

    let links = build(
        &app,
        &alice,
        json!({"type": "hyperlink", "scope": {"crawls": [crawl]}}),
    )
    .await;
    assert_eq!(links["status"], "done", "{links}");
    assert_eq!(links["report"]["statistics"]["directed"], true);
    let (_, body) = download(&app, &alice, links["id"].as_i64().unwrap(), "json").await;
    let g: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(g["options"]["type"], "directed");
    // Each fixture site links to the next one: site0 → site1 → site2 → site3.
    let edges: Vec<(String, String)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_owned(),
                e["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (a, b) in [
        ("site0.test", "site1.test"),
        ("site1.test", "site2.test"),
        ("site2.test", "site3.test"),
    ] {
        assert!(
            edges.contains(&(format!("site:{a}"), format!("site:{b}"))),
            "{edges:?}"
        );
    }
    check_downloads(&app, &alice, &links).await;
}

/// A scraping job over the fixture web's first pages of `hosts` (depth 2, three pages a
/// site), crawled and analysed: its id.
pub(crate) async fn analysed_fixture_crawl(
    app: &TestApp,
    web: &FixtureWeb,
    token: &str,
    hosts: &[&str],
) -> i64 {
    let urls: Vec<String> = hosts.iter().map(|h| web.url(h, "/p/0")).collect();
    let created = json(
        app.post_json(
            "/api/crawls",
            Some(token),
            &json!({"name": "energi", "urls": urls, "config": {"depth": 2, "max_pages_per_site": 3, "delay_secs": 0, "timeout_secs": 2}}),
        )
        .await,
    )
    .await;
    let crawl = created["id"].as_i64().unwrap();
    assert_eq!(
        crate::crawls::wait_for_crawl(app, crawl, token).await["status"],
        "done"
    );
    let run = json(
        app.post_json(&format!("/api/crawls/{crawl}/analyses"), Some(token), &json!({}))
            .await,
    )
    .await;
    let job = app.wait_for_job(run["job_id"].as_i64().unwrap(), token).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    crawl
}

//! The evidence behind a network's edges and nodes over HTTP: for every network type, the
//! rows the edge was built from, with marked snippets for terms; paging, bad input and
//! isolation.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, error_fields};
use crate::networks::{analysed_fixture_crawl, build, download, json as ok_json};

/// The network's edges as the graphology download gives them, heaviest first.
async fn edges(app: &TestApp, token: &str, id: i64) -> Vec<(String, String, f64)> {
    let (_, body) = download(app, token, id, "json").await;
    let g: Value = serde_json::from_slice(&body).unwrap();
    let mut edges: Vec<(String, String, f64)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_owned(),
                e["target"].as_str().unwrap().to_owned(),
                e["attributes"]["weight"].as_f64().unwrap(),
            )
        })
        .collect();
    edges.sort_by(|a, b| b.2.total_cmp(&a.2));
    edges
}

async fn evidence(app: &TestApp, token: &str, id: i64, query: &str) -> Value {
    ok_json(
        app.get(&format!("/api/networks/{id}/evidence?{query}"), Some(token))
            .await,
    )
    .await
}

fn q(source: &str, target: &str) -> String {
    format!("source={}&target={}", urlencoding(source), urlencoding(target))
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The text each match marks, by character offsets.
fn marked(snippet: &Value) -> Vec<String> {
    let chars: Vec<char> = snippet["text"].as_str().unwrap().chars().collect();
    snippet["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (a, b) = (m[0].as_u64().unwrap() as usize, m[1].as_u64().unwrap() as usize);
            chars[a..b].iter().collect()
        })
        .collect()
}

/// A term edge's evidence: pages with snippets whose every match holds the term (a lemma
/// may be inflected: the marked word starts like the term), and the weight recomputes.
fn check_term_evidence(ev: &Value, term: &str) {
    assert_eq!(ev["items"][0]["type"], "page", "{ev}");
    let mut exact = 0;
    for page in ev["items"].as_array().unwrap() {
        let snippets = page["snippets"].as_array().unwrap();
        assert!(!snippets.is_empty() && snippets.len() <= 3, "{page}");
        for s in snippets {
            assert!(s["text"].as_str().unwrap().chars().count() <= 210, "{s}");
            for m in marked(s) {
                let m = m.to_lowercase();
                let stem: String = term.chars().take(3).collect();
                assert!(
                    m.contains(&stem.to_lowercase()),
                    "`{m}` does not mark `{term}`: {s}"
                );
                exact += usize::from(m.contains(&term.to_lowercase()));
            }
        }
    }
    assert!(exact > 0, "no match holds `{term}` itself: {ev}");
    let t = &ev["term"];
    let by_hand =
        t["count"].as_f64().unwrap() / t["occurrences"].as_f64().unwrap() * t["idf"].as_f64().unwrap();
    assert!((by_hand - t["tfidf"].as_f64().unwrap()).abs() < 1e-9, "{t}");
    assert_eq!(t["tfidf"], ev["weight"]);
}

#[tokio::test]
async fn every_edge_type_shows_the_rows_it_was_built_from() {
    let (app, web) = crate::crawls::app_with_fixture_web().await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let (_, bob) = app.user_with_token("bob", false).await;
    let crawl = analysed_fixture_crawl(
        &app,
        &web,
        &alice,
        &["site0.test", "site1.test", "site2.test", "site3.test"],
    )
    .await;
    let scope = json!({"crawls": [crawl]});

    for (kind, prefix) in [
        ("website-noun", "noun:"),
        ("website-entity", "entity:"),
        ("website-keyword", "keyword:"),
    ] {
        let n = build(
            &app,
            &alice,
            json!({"type": kind, "scope": scope, "params": {"min_df": 1}}),
        )
        .await;
        assert_eq!(n["status"], "done", "{n}");
        let id = n["id"].as_i64().unwrap();
        let (site, term, _) = edges(&app, &alice, id)
            .await
            .into_iter()
            .map(|(s, t, w)| {
                if s.starts_with("site:") {
                    (s, t, w)
                } else {
                    (t, s, w)
                }
            })
            .next()
            .unwrap();
        assert!(term.starts_with(prefix), "{term}");
        // Either way round.
        let ev = evidence(&app, &alice, id, &q(&term, &site)).await;
        let label = ev["target"]["label"].as_str().unwrap().to_owned();
        let label = if ev["source"]["kind"] == "website" {
            label
        } else {
            ev["source"]["label"].as_str().unwrap().to_owned()
        };
        check_term_evidence(&ev, &label);
        assert_eq!(
            ev["total"].as_u64().unwrap() as usize,
            ev["items"].as_array().unwrap().len()
        );

        // Node evidence: the website's edges, heaviest first, shares adding up.
        let node = evidence(&app, &alice, id, &format!("node={}", urlencoding(&site))).await;
        let items = node["items"].as_array().unwrap();
        assert_eq!(items[0]["type"], "edge");
        let share: f64 = items.iter().map(|e| e["share"].as_f64().unwrap()).sum();
        assert!(
            (share - 1.0).abs() < 1e-6 || node["next_cursor"].is_string(),
            "{node}"
        );
        assert!(
            items
                .windows(2)
                .all(|w| w[0]["weight"].as_f64() >= w[1]["weight"].as_f64())
        );
        assert_eq!(items[0]["evidence_of"], "count");

        if kind == "website-noun" {
            // Pages one at a time: the cursor walks them all, and a forged one is refused.
            let first = evidence(&app, &alice, id, &format!("{}&limit=1", q(&site, &term))).await;
            let total = first["total"].as_u64().unwrap();
            let mut seen = 1;
            let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
            while let Some(c) = cursor {
                let next = evidence(
                    &app,
                    &alice,
                    id,
                    &format!("{}&limit=1&cursor={c}", q(&site, &term)),
                )
                .await;
                seen += next["items"].as_array().unwrap().len() as u64;
                cursor = next["next_cursor"].as_str().map(str::to_owned);
            }
            assert_eq!(seen, total);

            let path = format!("/api/networks/{id}/evidence?{}&cursor=bogus", q(&site, &term));
            let err = assert_error(
                app.get(&path, Some(&alice)).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&err), ["cursor"]);
            let path = format!("/api/networks/{id}/evidence?source={}", urlencoding(&site));
            let err = assert_error(
                app.get(&path, Some(&alice)).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&err), ["target"]);
            let path = format!("/api/networks/{id}/evidence?node=noun%3Anowhere");
            let err = assert_error(
                app.get(&path, Some(&alice)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert!(
                err["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("`noun:nowhere`"),
                "{err}"
            );
            let path = format!("/api/networks/{id}/evidence?{}", q(&site, &site));
            assert_error(
                app.get(&path, Some(&alice)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            // Another user learns nothing, not even that the network exists.
            let path = format!("/api/networks/{id}/evidence?{}", q(&site, &term));
            let err = assert_error(
                app.get(&path, Some(&bob)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert_eq!(err["error"]["message"], "not found");
        }
    }

    // A hyperlink: the linking pages, their target URLs and anchors.
    let links = build(&app, &alice, json!({"type": "hyperlink", "scope": scope})).await;
    assert_eq!(links["status"], "done", "{links}");
    let id = links["id"].as_i64().unwrap();
    let ev = evidence(&app, &alice, id, &q("site:site0.test", "site:site1.test")).await;
    let page = &ev["items"][0];
    assert_eq!(page["type"], "linking_page", "{ev}");
    assert!(page["url"].as_str().unwrap().contains("site0.test"), "{page}");
    let link = &page["links"][0];
    assert!(link["url"].as_str().unwrap().contains("site1.test"), "{link}");
    assert!(!link["anchor"].as_str().unwrap().is_empty(), "{link}");
    assert_eq!(
        ev["total"].as_f64(),
        ev["attributes"]["pages"].as_f64(),
        "one item per linking page"
    );
    // Directed: the reverse is another edge, which does not exist.
    let path = format!(
        "/api/networks/{id}/evidence?{}",
        q("site:site1.test", "site:site0.test")
    );
    assert_error(
        app.get(&path, Some(&alice)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // A projection: what two websites share, with the weight of each one's tie.
    let projected = build(
        &app,
        &alice,
        json!({"type": "website-noun", "scope": scope,
               "params": {"min_df": 1, "projection": {"onto": "websites", "measure": "shared"}}}),
    )
    .await;
    let id = projected["id"].as_i64().unwrap();
    let (a, b, weight) = edges(&app, &alice, id).await.remove(0);
    let ev = evidence(&app, &alice, id, &q(&a, &b)).await;
    assert_eq!(ev["items"][0]["type"], "shared", "{ev}");
    assert_eq!(
        ev["total"].as_f64(),
        Some(weight),
        "shared-neighbour weight = items: {ev}"
    );
    assert!(
        ev["items"][0]["node"]["id"]
            .as_str()
            .unwrap()
            .starts_with("noun:")
    );
}

#[tokio::test]
async fn a_query_website_edge_lists_its_search_results() {
    let (server, _) = crate::search::mock_serper(Duration::ZERO).await;
    let app = crate::search::app_with_serper(&server).await;
    let (_, alice) = app.user_with_token("alice", false).await;
    let s = ok_json(
        app.post_json(
            "/api/search/sessions",
            Some(&alice),
            &json!({"name": "s", "engine": "serper", "queries": ["topic 1", "topic 2"], "max_results": 20}),
        )
        .await,
    )
    .await;
    let session = s["id"].as_i64().unwrap();
    assert_eq!(
        crate::search::wait_for_session(&app, session, &alice).await["status"],
        "done"
    );
    let n = build(
        &app,
        &alice,
        json!({"type": "query-website", "scope": {"sessions": [session]}}),
    )
    .await;
    let id = n["id"].as_i64().unwrap();
    let (a, b, _) = edges(&app, &alice, id).await.remove(0);
    let ev = evidence(&app, &alice, id, &q(&a, &b)).await;
    let hits = ev["attributes"]["hits"].as_u64().unwrap() as usize;
    let items = ev["items"].as_array().unwrap();
    assert_eq!(items.len(), hits, "{ev}");
    let site = if a.starts_with("site:") { &a } else { &b };
    for r in items {
        assert_eq!(r["type"], "search_result");
        assert_eq!(r["session_id"], session);
        assert!(r["query"].as_str().unwrap().starts_with("topic"));
        assert!(r["rank"].as_i64().unwrap() >= ev["attributes"]["best_rank"].as_i64().unwrap());
        assert!(
            r["url"]
                .as_str()
                .unwrap()
                .contains(site.trim_start_matches("site:")),
            "{r}"
        );
        assert!(r["title"].is_string(), "{r}");
    }
}

//! Search sessions over HTTP against a mock Serper: progress, overlap, exclusions, CSV,
//! failures, cancel, snapshots and comparison, and isolation between users.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use observatory::startup::ServeMode;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::helpers::{TestApp, assert_error, error_fields, spawn_app_with};

const KEY: &str = "serper-test-key-93ad";

/// A Serper stand-in: query "topic N" returns 10 results per page drawn from 120 URL slots
/// on 40 websites, so queries overlap. `generation` shifts the rankings to imitate the web
/// changing between a session and its snapshot. Query "broken" answers 401.
struct FakeSerper {
    generation: Arc<AtomicUsize>,
    delay: Duration,
}

impl Respond for FakeSerper {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let q = body["q"].as_str().unwrap();
        if q == "broken" {
            return ResponseTemplate::new(401)
                .set_body_json(json!({"message": "Unauthorized.", "statusCode": 401}));
        }
        let n: usize = q.rsplit(' ').next().and_then(|x| x.parse().ok()).unwrap_or(0);
        let page = body["page"].as_u64().unwrap() as usize;
        let generation = self.generation.load(Ordering::SeqCst);
        let shift = 3 * generation;
        let organic: Vec<Value> = (1..=10)
            .map(|i| {
                let rank = (page - 1) * 10 + i;
                let slot = (n * 5 + rank + shift) % (120 + 10 * generation);
                let site = slot % 40;
                let tld = if site % 10 == 9 { "com" } else { "dk" };
                json!({
                    "position": rank,
                    "title": format!("Result {slot}"),
                    "link": format!("https://www.site{site}.{tld}/p{slot}?utm_source=serp#frag"),
                    "snippet": format!("About topic {n}"),
                })
            })
            .collect();
        ResponseTemplate::new(200)
            .set_delay(self.delay)
            .set_body_json(json!({"searchParameters": {"q": q}, "organic": organic}))
    }
}

async fn mock_serper(delay: Duration) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let generation = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(header("X-API-KEY", KEY))
        .respond_with(FakeSerper {
            generation: generation.clone(),
            delay,
        })
        .mount(&server)
        .await;
    (server, generation)
}

async fn app_with_serper(server: &MockServer) -> TestApp {
    let uri = server.uri();
    spawn_app_with(
        move |s| {
            s.search.serper.base_url = Some(uri);
            s.search.serper.api_key = Some(KEY.into());
            s.search.serper.requests_per_second = 0.0;
        },
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await
}

async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

async fn wait_for_session(app: &TestApp, id: i64, token: &str) -> Value {
    // The bound only keeps a broken build from hanging the suite.
    for _ in 0..400 {
        let s = json(app.get(&format!("/api/search/sessions/{id}"), Some(token)).await).await;
        if matches!(s["status"].as_str(), Some("done" | "failed" | "cancelled")) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s = json(app.get(&format!("/api/search/sessions/{id}"), Some(token)).await).await;
    let job = json(app.get(&format!("/api/jobs/{}", s["job_id"]), Some(token)).await).await;
    panic!(
        "session {id} did not finish: {job} {}",
        s.to_string().chars().take(600).collect::<String>()
    );
}

async fn all_pages(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
            None => format!("{path}{sep}limit=500"),
        };
        let page = json(app.get(&url, Some(token)).await).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

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
async fn bad_sessions_are_refused_with_field_errors() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;
    let post = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move { app.post_json("/api/search/sessions", Some(&token), &body).await }
    };

    let body = assert_error(
        post(json!({"name": "", "engine": "serper", "queries": ["a", " "], "max_results": 500})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields = error_fields(&body);
    for f in ["name", "max_results", "queries[1]"] {
        assert!(fields.contains(&f.to_owned()), "{f}: {body}");
    }

    let body = assert_error(
        post(json!({"name": "n", "engine": "brave", "queries": ["a"], "max_results": 10})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["engine"]);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("OBSERVATORY_SEARCH__BRAVE__API_KEY")
    );

    let body = assert_error(
        post(json!({"name": "n", "engine": "google", "queries": ["a"], "max_results": 10})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown variant")
    );

    assert_error(
        post(json!({"name": "n", "engine": "serper", "queries": ["a"], "max_results": 10, "colour": "red"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    )
    .await;
    let body = assert_error(
        post(
            json!({"name": "n", "engine": "serper", "queries": ["a"], "max_results": 10,
            "date_from": "2030-01-01", "date_to": "2024-01-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["date_from", "date_from"]);

    let list = json(app.get("/api/search/sessions", Some(&token)).await).await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn an_engine_that_cannot_honour_a_parameter_is_refused() {
    let searxng = MockServer::start().await;
    let uri = searxng.uri();
    let app = spawn_app_with(
        move |s| s.search.searxng.base_url = Some(uri),
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("alice", false).await;
    let body = assert_error(
        app.post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "n", "engine": "searxng", "queries": ["a"], "max_results": 10, "date_from": "2024-01-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["date_from"]);
    assert!(body["error"]["message"].as_str().unwrap().contains("time_range"));

    let engines = json(app.get("/api/search/engines", Some(&token)).await).await;
    let by_name = |n: &str| {
        engines
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["engine"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("searxng")["configured"], true);
    assert_eq!(by_name("serper")["configured"], false);
    assert!(
        by_name("google_cse")["note"]
            .as_str()
            .unwrap()
            .contains("1 January 2027")
    );
    assert_eq!(by_name("brave")["configured"], false);
}

fn csv_form(csv: &str) -> Form {
    Form::new()
        .text("name", "From CSV")
        .text("engine", "serper")
        .text("max_results", "10")
        .part(
            "file",
            Part::bytes(csv.as_bytes().to_vec())
                .file_name("queries.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
}

#[tokio::test]
async fn csv_uploads_carry_per_query_settings_and_bad_files_create_nothing() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;

    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(csv_form("query,max_results,language\ntopic 1,,\ntopic 2,25,en\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::ACCEPTED,
        "{}",
        res.text().await.unwrap()
    );
    let id = json(res).await["id"].as_i64().unwrap();
    let s = wait_for_session(&app, id, &token).await;
    assert_eq!(s["queries"][0]["result_count"], 10);
    assert_eq!(s["queries"][1]["result_count"], 25);
    assert_eq!(s["queries"][1]["params"]["language"], "en");

    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(csv_form(
            "query,max_results,date_from\nok,10,\n,5,\nx,many,\ny,3,31/12/2024\nz,999,\n",
        ))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let messages: Vec<&str> = body["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec![
            "line 3: query is empty",
            "line 4: max_results `many` is not a whole number",
            "line 5: date_from `31/12/2024` is not a date (YYYY-MM-DD)",
        ]
    );
    // Rows that parse but fail validation are reported by line too.
    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(csv_form("query,max_results\nok,10\nz,999\n"))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["file line 3: max_results"]);

    let list = json(app.get("/api/search/sessions", Some(&token)).await).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only the good file made a session"
    );
}

#[tokio::test]
async fn manual_url_lists_are_sessions_without_an_engine() {
    let app = spawn_app_with(
        |_| {},
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "Sites no engine found", "engine": "manual",
                "urls": ["https://www.Energinet.dk/om-os#x", "https://energinet.dk/nyheder", "https://bbc.co.uk/news"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let s = json(res).await;
    assert_eq!(s["status"], "done");
    assert_eq!(s["job_id"], Value::Null);
    let id = s["id"].as_i64().unwrap();
    let domains = all_pages(&app, &format!("/api/search/sessions/{id}/domains"), &token).await;
    let names: Vec<&str> = domains.iter().map(|d| d["domain"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["energinet.dk", "bbc.co.uk"]);
    let urls = all_pages(&app, &format!("/api/search/sessions/{id}/urls"), &token).await;
    assert_eq!(urls[0]["url"], "https://www.energinet.dk/om-os");

    let form = Form::new()
        .text("name", "uploaded")
        .text("engine", "manual")
        .part(
            "file",
            Part::bytes(b"url\nhttps://a.dk/\nnot a url\n".to_vec()).file_name("urls.txt"),
        );
    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["urls[1]"]);
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

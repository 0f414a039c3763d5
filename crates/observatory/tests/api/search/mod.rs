//! Search sessions over HTTP against a mock Serper: progress, overlap, exclusions, CSV,
//! failures, cancel, snapshots and comparison, and isolation between users.

mod lifecycle;
mod requests;

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

pub(crate) const KEY: &str = "serper-test-key-93ad";

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
                // Query "nul N": engine text with NUL characters in it.
                let nul = if q.starts_with("nul") { "\u{0}" } else { "" };
                json!({
                    "position": rank,
                    "title": format!("Result{nul} {slot}"),
                    "link": format!("https://www.site{site}.{tld}/p{slot}?utm_source=serp#frag"),
                    "snippet": format!("About{nul} topic {n}"),
                    "date": format!("{nul}2026"),
                })
            })
            .collect();
        ResponseTemplate::new(200)
            .set_delay(self.delay)
            .set_body_json(json!({"searchParameters": {"q": q}, "organic": organic}))
    }
}

pub(crate) async fn mock_serper(delay: Duration) -> (MockServer, Arc<AtomicUsize>) {
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

pub(crate) async fn app_with_serper(server: &MockServer) -> TestApp {
    app_with_serper_at(server.uri()).await
}

/// As [`app_with_serper`], with Serper's `base_url` as given (say, with credentials in it).
pub(crate) async fn app_with_serper_at(uri: String) -> TestApp {
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

pub(crate) async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

pub(crate) async fn wait_for_session(app: &TestApp, id: i64, token: &str) -> Value {
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

pub(crate) async fn all_pages(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
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

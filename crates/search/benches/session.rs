//! A whole search session through the job system, as a user runs it: 20 queries × 100
//! results (10 pages each) against a local mock Serper with no latency, stored with raw
//! pages. SQLite by default; PostgreSQL when `OBSERVATORY_TEST_DATABASE_URL` is set.
//! What remains is our own overhead: transport, parsing, normalization, storage, progress.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jobs::{Registry, WorkerOptions};
use search::config::{EngineSettings, Engines, SearchSettings};
use search::{EngineKind, SessionRequest};
use serde_json::{Value, json};
use store::testing::TestDb;
use store::{NewUser, Queue, SearchStatus};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn serper_page(request: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let q = body["q"].as_str().unwrap_or_default();
    let n: usize = q.rsplit(' ').next().and_then(|x| x.parse().ok()).unwrap_or(0);
    let page = body["page"].as_u64().unwrap_or(1) as usize;
    let organic: Vec<Value> = (1..=10)
        .map(|i| {
            let slot = (n * 5 + (page - 1) * 10 + i) % 400;
            json!({"position": i, "title": format!("Result {slot}"),
                "link": format!("https://www.site{}.dk/artikel/{slot}?utm_source=x", slot % 80),
                "snippet": "Danmarks energiomstilling: vindmøller, solceller og fjernvarme."})
        })
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({"organic": organic}))
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (db, server, owner) = rt.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        Mock::given(method("POST"))
            .respond_with(serper_page)
            .mount(&server)
            .await;
        let db = TestDb::new().await;
        let owner = db
            .store
            .create_user(NewUser {
                username: "bench".into(),
                password_hash: "x".into(),
                is_admin: false,
            })
            .await
            .unwrap();
        (db, server, owner)
    });
    let settings = SearchSettings {
        serper: EngineSettings {
            base_url: Some(server.uri()),
            api_key: Some("bench-key".into()),
            requests_per_second: 0.0,
        },
        ..SearchSettings::default()
    };
    let engines = Arc::new(Engines::from_settings(&settings).unwrap());
    let registry = Registry::standard().with(search::RunSearchSession::new(engines.clone()));
    let store = db.store.clone();
    let workers = rt.block_on(async {
        jobs::start_workers(
            store.clone(),
            registry.clone(),
            WorkerOptions {
                queues: vec![Queue::Search],
                concurrency: 1,
                poll_interval: Duration::from_millis(20),
                ..WorkerOptions::default()
            },
        )
    });
    let request = SessionRequest {
        project_id: None,
        name: "bench".into(),
        engine: EngineKind::Serper,
        queries: (0..20).map(|i| format!("topic {i}")).collect(),
        urls: Vec::new(),
        max_results: Some(100),
        language: Some("da".into()),
        country: Some("dk".into()),
        location: None,
        date_from: None,
        date_to: None,
        allowed_tlds: Vec::new(),
        excluded_domains: vec!["site3.dk".into()],
    };
    let backend = format!("{:?}", store.backend()).to_lowercase();
    let mut group = c.benchmark_group(format!("search_session/{backend}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("20_queries_x_100_results", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let store = store.clone();
            let registry = registry.clone();
            let engines = engines.clone();
            let request = request.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let session = search::service::create_session(
                        store.as_ref(),
                        &registry,
                        &engines,
                        owner.id,
                        &request,
                        None,
                    )
                    .await
                    .unwrap();
                    loop {
                        let s = store.search_session(owner.id, session.id).await.unwrap().unwrap();
                        if s.status.is_terminal() {
                            assert_eq!(s.status, SearchStatus::Done);
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    total += start.elapsed();
                }
                total
            }
        })
    });
    group.finish();
    rt.block_on(workers.shutdown());
    drop(server);
    drop(db);
}

criterion_group!(session_benches, benches);
criterion_main!(session_benches);

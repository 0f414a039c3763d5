//! Storage hot paths: enqueuing a job (job row + queue task in one transaction), the
//! per-request session lookup, and one page of a user's job list. SQLite by default;
//! PostgreSQL when `OBSERVATORY_TEST_DATABASE_URL` is set.

use std::sync::Arc;

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use store::testing::TestDb;
use store::*;

fn new_job(owner: UserId) -> NewJob {
    NewJob {
        owner_id: owner,
        project_id: None,
        kind: "retention_cleanup".into(),
        queue: Queue::Analysis,
        priority: Priority::Normal,
        payload: json!({"keep_days": 30}),
    }
}

/// One query's worth of results as an engine run produces them: 100 results on 10 pages,
/// each page's raw response kept (about 2 KiB gzip each).
fn query_outcome(shift: usize) -> QueryOutcome {
    QueryOutcome {
        status: SearchStatus::Done,
        error: None,
        shortfall: None,
        requests: 10,
        raw_pages: (0..10)
            .map(|p| NewRawPage {
                page: p,
                request: json!({"method": "POST", "url": "https://google.serper.dev/search"}),
                status: 200,
                body_gzip: vec![7u8; 2048],
                fetched_at: Utc::now(),
            })
            .collect(),
        results: (0..100)
            .map(|i| {
                let slot = (i + shift * 5) % 300;
                NewSearchResult {
                    rank: i as i32 + 1,
                    page: i as i32 / 10,
                    url: format!("https://www.site{}.dk/page/{slot}", slot % 60),
                    normalized_url: format!("https://www.site{}.dk/page/{slot}", slot % 60),
                    host: format!("www.site{}.dk", slot % 60),
                    domain: format!("site{}.dk", slot % 60),
                    title: Some(format!("A title for result {i}")),
                    snippet: Some("Danmarks energiomstilling handler om vindmøller og solceller.".into()),
                    published: None,
                    excluded: false,
                    exclusion_reason: None,
                }
            })
            .collect(),
    }
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (db, owner) = rt.block_on(async {
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
        db.store
            .create_session(NewAuthSession {
                id: "session".into(),
                user_id: owner.id,
                expires_at: Utc::now() + Duration::days(1),
                user_agent: None,
                ip: None,
            })
            .await
            .unwrap();
        for _ in 0..10_000 {
            db.store.enqueue_job(new_job(owner.id)).await.unwrap();
        }
        (db, owner)
    });
    let store: Arc<dyn Store> = db.store.clone();
    let backend = format!("{:?}", store.backend()).to_lowercase();

    let mut group = c.benchmark_group(format!("store/{backend}"));
    group.bench_function("enqueue_job", |b| {
        b.to_async(&rt)
            .iter(|| async { store.enqueue_job(new_job(owner.id)).await.unwrap() })
    });
    group.bench_function("live_session", |b| {
        b.to_async(&rt)
            .iter(|| async { store.live_session("session", Utc::now()).await.unwrap().unwrap() })
    });
    group.bench_function("list_jobs_page_50_of_10k", |b| {
        b.to_async(&rt).iter(|| async {
            store
                .list_jobs(
                    owner.id,
                    &JobFilter::default(),
                    PageRequest {
                        after: Some(5_000),
                        limit: 51,
                    },
                )
                .await
                .unwrap()
        })
    });
    let (session, query_ids) = rt.block_on(async {
        let queries = (0..20)
            .map(|i| NewSearchQuery {
                text: format!("query {i}"),
                params: json!({}),
            })
            .collect();
        let session = store
            .create_search_session(NewSearchSession {
                owner_id: owner.id,
                project_id: None,
                name: "bench".into(),
                engine: "serper".into(),
                params: json!({}),
                snapshot_of: None,
                queries,
                manual_results: None,
            })
            .await
            .unwrap();
        let ids: Vec<store::SearchQueryId> = store
            .search_queries(owner.id, session.id)
            .await
            .unwrap()
            .iter()
            .map(|q| q.id)
            .collect();
        for (i, id) in ids.iter().enumerate() {
            store.finish_search_query(*id, &query_outcome(i)).await.unwrap();
        }
        (session, ids)
    });
    group.bench_function("session_unique_urls_of_2000_results", |b| {
        b.to_async(&rt).iter(|| async {
            store
                .session_urls(
                    owner.id,
                    session.id,
                    PageRequest {
                        after: None,
                        limit: 501,
                    },
                )
                .await
                .unwrap()
        })
    });
    group.bench_function("search_session_counts_2000_results", |b| {
        b.to_async(&rt).iter(|| async {
            store
                .search_session_counts(session.project_id, session.id)
                .await
                .unwrap()
        })
    });
    // Last: its delete/insert churn leaves dead rows that would slow the reads above.
    let outcome = query_outcome(0);
    group.bench_function("finish_search_query_100_results", |b| {
        b.to_async(&rt)
            .iter(|| async { store.finish_search_query(query_ids[0], &outcome).await.unwrap() })
    });
    group.finish();
    drop(store);
    drop(db);
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);

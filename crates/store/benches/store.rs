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
        kind: "retention_cleanup".into(),
        queue: Queue::Analysis,
        priority: Priority::Normal,
        payload: json!({"keep_days": 30}),
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
    group.finish();
    drop(store);
    drop(db);
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);

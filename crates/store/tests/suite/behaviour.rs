//! One behavioural suite for every backend: SQLite always, PostgreSQL when
//! `OBSERVATORY_TEST_DATABASE_URL` is set.

use chrono::{Duration, Utc};
use serde_json::json;
use store::testing::TestDb;
use store::*;

use crate::helpers::user;

fn new_job(owner: UserId, priority: Priority) -> NewJob {
    NewJob {
        owner_id: owner,
        project_id: None,
        kind: "retention_cleanup".into(),
        queue: Queue::Analysis,
        priority,
        payload: json!({"keep_days": 30}),
    }
}

fn page(limit: u32) -> PageRequest {
    PageRequest { after: None, limit }
}

#[tokio::test]
async fn migrations_are_complete_and_idempotent() {
    let db = TestDb::new().await;
    assert!(db.store.pending_migrations().await.unwrap().is_empty());
    db.store.migrate().await.unwrap();
    db.store.ping().await.unwrap();
}

#[tokio::test]
async fn users_are_unique_listed_newest_first_and_disableable() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let a = user(s, "alice").await;
    let b = user(s, "bob").await;
    let c = user(s, "carol").await;

    let dup = s
        .create_user(NewUser {
            username: "alice".into(),
            password_hash: "x".into(),
            is_admin: true,
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    let first = s.list_users(page(2)).await.unwrap();
    assert_eq!(first.iter().map(|u| u.id).collect::<Vec<_>>(), vec![c.id, b.id]);
    let rest = s
        .list_users(PageRequest {
            after: Some(b.id.get()),
            limit: 2,
        })
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|u| u.id).collect::<Vec<_>>(), vec![a.id]);

    let disabled = s.set_user_disabled(b.id, true).await.unwrap();
    assert!(disabled.disabled);
    assert!(matches!(
        s.set_user_disabled(store::UserId::new(9999), true).await,
        Err(StoreError::NotFound)
    ));

    let creds = s.credentials("alice").await.unwrap().unwrap();
    assert_eq!(creds.password_hash, "hash");
    s.set_password_hash(a.id, "new").await.unwrap();
    assert_eq!(
        s.credentials("alice").await.unwrap().unwrap().password_hash,
        "new"
    );
    assert!(s.credentials("nobody").await.unwrap().is_none());

    s.delete_user(c.id).await.unwrap();
    assert!(s.user(c.id).await.unwrap().is_none());
    assert!(matches!(s.delete_user(c.id).await, Err(StoreError::NotFound)));
    assert_eq!(s.count_active_admins().await.unwrap(), 0);
}

#[tokio::test]
async fn preferences_are_per_user_replaced_whole_and_go_with_the_user() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;
    assert_eq!(s.user_preferences(alice.id).await.unwrap(), json!({}));

    s.set_user_preferences(alice.id, &json!({"theme": "dark", "page_size": 50}))
        .await
        .unwrap();
    s.set_user_preferences(alice.id, &json!({"theme": "light"}))
        .await
        .unwrap();
    assert_eq!(
        s.user_preferences(alice.id).await.unwrap(),
        json!({"theme": "light"})
    );
    assert_eq!(s.user_preferences(bob.id).await.unwrap(), json!({}));

    assert!(matches!(
        s.set_user_preferences(
            store::UserId::new(alice.id.get() + bob.id.get() + 100),
            &json!({})
        )
        .await,
        Err(StoreError::NotFound)
    ));
    s.delete_user(alice.id).await.unwrap();
    assert_eq!(s.user_preferences(alice.id).await.unwrap(), json!({}));
}

#[tokio::test]
async fn sessions_live_until_revoked_or_expired() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let u = user(s, "alice").await;
    let now = Utc::now();
    for id in ["s1", "s2", "s3"] {
        s.create_session(NewAuthSession {
            id: id.into(),
            user_id: u.id,
            expires_at: now + Duration::hours(1),
            user_agent: None,
            ip: Some("127.0.0.1".into()),
        })
        .await
        .unwrap();
    }
    let (session, owner) = s.live_session("s1", now).await.unwrap().unwrap();
    assert_eq!((session.user_id, owner.id), (u.id, u.id));
    assert!(
        s.live_session("s1", now + Duration::hours(2))
            .await
            .unwrap()
            .is_none()
    );

    s.revoke_session("s1", now).await.unwrap();
    assert!(s.live_session("s1", now).await.unwrap().is_none());

    assert_eq!(s.revoke_user_sessions(u.id, Some("s2"), now).await.unwrap(), 1);
    assert!(s.live_session("s2", now).await.unwrap().is_some());
    assert!(s.live_session("s3", now).await.unwrap().is_none());

    // Revoked sessions are swept; live ones stay.
    assert_eq!(s.purge_sessions(now, 100).await.unwrap(), 2);
    assert!(s.live_session("s2", now).await.unwrap().is_some());
}

#[tokio::test]
async fn jobs_are_owner_scoped_and_paginated() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let a = user(s, "alice").await;
    let b = user(s, "bob").await;
    let j1 = s.enqueue_job(new_job(a.id, Priority::Normal)).await.unwrap();
    let j2 = s.enqueue_job(new_job(a.id, Priority::Interactive)).await.unwrap();
    let other = s.enqueue_job(new_job(b.id, Priority::Normal)).await.unwrap();

    assert_eq!(j1.status, JobStatus::Queued);
    assert_eq!(j2.priority, Priority::Interactive);
    assert_eq!(j1.payload, json!({"keep_days": 30}));
    assert!(
        s.job(a.id, other.id).await.unwrap().is_none(),
        "another user's job is invisible"
    );
    assert!(s.job(b.id, other.id).await.unwrap().is_some());

    let all = s.list_jobs(a.id, &JobFilter::default(), page(50)).await.unwrap();
    assert_eq!(all.iter().map(|j| j.id).collect::<Vec<_>>(), vec![j2.id, j1.id]);
    let older = s
        .list_jobs(
            a.id,
            &JobFilter::default(),
            PageRequest {
                after: Some(j2.id.get()),
                limit: 50,
            },
        )
        .await
        .unwrap();
    assert_eq!(older.iter().map(|j| j.id).collect::<Vec<_>>(), vec![j1.id]);
    let filtered = s
        .list_jobs(
            a.id,
            &JobFilter {
                status: Some(JobStatus::Running),
                queue: None,
            },
            page(50),
        )
        .await
        .unwrap();
    assert!(filtered.is_empty());

    let counts = s.job_counts().await.unwrap();
    assert_eq!(
        counts,
        vec![JobCount {
            queue: Queue::Analysis,
            status: JobStatus::Queued,
            count: 3
        }]
    );
}

#[tokio::test]
async fn job_lifecycle_with_cancellation() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let a = user(s, "alice").await;
    let b = user(s, "bob").await;

    // Cancelling a queued job ends it at once; a worker then cannot claim it.
    let queued = s.enqueue_job(new_job(a.id, Priority::Normal)).await.unwrap();
    let cancelled = s.request_cancel(a.id, queued.id).await.unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert!(cancelled.finished_at.is_some());
    assert!(
        s.claim_job(queued.id, "w1", live_since())
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        s.request_cancel(a.id, queued.id).await,
        Err(StoreError::Conflict(_))
    ));

    // A running job gets a cancel request that the worker sees at its next checkpoint.
    let job = s.enqueue_job(new_job(a.id, Priority::Normal)).await.unwrap();
    let running = s.claim_job(job.id, "w1", live_since()).await.unwrap().unwrap();
    assert_eq!((running.status, running.attempts), (JobStatus::Running, 1));
    assert_eq!(running.worker.as_deref(), Some("w1"));
    let progress = JobProgress {
        done: 1,
        total: Some(4),
        message: Some("step".into()),
    };
    assert!(!s.record_progress(job.id, &progress).await.unwrap());

    assert!(matches!(
        s.request_cancel(b.id, job.id).await,
        Err(StoreError::NotFound)
    ));
    let requested = s.request_cancel(a.id, job.id).await.unwrap();
    assert_eq!(requested.status, JobStatus::Running);
    assert!(requested.cancel_requested);
    assert!(s.record_progress(job.id, &progress).await.unwrap());
    s.finish_job(job.id, JobOutcome::Cancelled).await.unwrap();
    let ended = s.job(a.id, job.id).await.unwrap().unwrap();
    assert_eq!(ended.status, JobStatus::Cancelled);
    assert_eq!(ended.progress, progress);

    // A re-claimed running job (its worker died) counts another attempt.
    let job = s.enqueue_job(new_job(a.id, Priority::Bulk)).await.unwrap();
    s.claim_job(job.id, "dead", live_since()).await.unwrap().unwrap();
    let again = s.claim_job(job.id, "alive", live_since()).await.unwrap().unwrap();
    assert_eq!((again.attempts, again.worker.as_deref()), (2, Some("alive")));
    // The queue engine handing out a task twice while its holder lives: the second
    // worker leaves it to the holder; once the holder is silent it takes it over.
    let beat = |id: &str| store::WorkerBeat {
        id: id.into(),
        queues: "crawl".into(),
        hostname: "h".into(),
        pid: 1,
    };
    s.worker_heartbeat(&beat("proc-a"), Utc::now()).await.unwrap();
    s.claim_job(job.id, "proc-a:crawl", live_since())
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.claim_job(job.id, "proc-b:crawl", live_since())
            .await
            .unwrap()
            .is_none(),
        "a job running on a live worker is not run twice"
    );
    let silent_since = Utc::now() + chrono::Duration::seconds(1);
    let taken = s
        .claim_job(job.id, "proc-b:crawl", silent_since)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (taken.attempts, taken.worker.as_deref()),
        (4, Some("proc-b:crawl"))
    );
    s.finish_job(job.id, JobOutcome::Succeeded(json!({"purged": 3})))
        .await
        .unwrap();
    let done = s.job(a.id, job.id).await.unwrap().unwrap();
    assert_eq!(done.status, JobStatus::Succeeded);
    assert_eq!(done.result, Some(json!({"purged": 3})));
    assert!(
        s.claim_job(job.id, "late", live_since()).await.unwrap().is_none(),
        "finished jobs are not re-run"
    );

    let failed = s.enqueue_job(new_job(a.id, Priority::Bulk)).await.unwrap();
    s.claim_job(failed.id, "w", live_since()).await.unwrap();
    s.finish_job(failed.id, JobOutcome::Failed("boom".into()))
        .await
        .unwrap();
    let failed = s.job(a.id, failed.id).await.unwrap().unwrap();
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (JobStatus::Failed, Some("boom"))
    );

    // Finished jobs older than the cutoff are purged; deleting a user removes their jobs.
    assert_eq!(
        s.purge_finished_jobs(Utc::now() + Duration::seconds(1), 3)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        s.purge_finished_jobs(Utc::now() + Duration::seconds(1), 3)
            .await
            .unwrap(),
        1
    );
    s.enqueue_job(new_job(b.id, Priority::Bulk)).await.unwrap();
    s.delete_user(b.id).await.unwrap();
    assert!(s.job_counts().await.unwrap().is_empty());
}

#[tokio::test]
async fn worker_heartbeats() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    assert!(s.latest_worker_heartbeat().await.unwrap().is_none());
    let beat = WorkerBeat {
        id: "w1".into(),
        queues: "crawl".into(),
        hostname: "h".into(),
        pid: 1,
    };
    let t0 = Utc::now() - Duration::minutes(10);
    s.worker_heartbeat(&beat, t0).await.unwrap();
    let t1 = Utc::now();
    s.worker_heartbeat(&beat, t1).await.unwrap();
    let latest = s.latest_worker_heartbeat().await.unwrap().unwrap();
    assert!((latest - t1).num_milliseconds().abs() < 2, "{latest} vs {t1}");
    assert_eq!(s.purge_stale_workers(t1 - Duration::minutes(1)).await.unwrap(), 0);
    assert_eq!(s.purge_stale_workers(t1 + Duration::minutes(1)).await.unwrap(), 1);
}

/// CI sets `OBSERVATORY_TEST_EXPECT_BACKEND` so that a misconfigured run cannot silently
/// test SQLite twice.
#[tokio::test]
async fn backend_under_test_is_the_expected_one() {
    let db = TestDb::new().await;
    let postgres_configured = std::env::var("OBSERVATORY_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    let expected = match std::env::var("OBSERVATORY_TEST_EXPECT_BACKEND").as_deref() {
        Ok("postgres") => BackendKind::Postgres,
        Ok("sqlite") => BackendKind::Sqlite,
        Ok(other) => panic!("unknown OBSERVATORY_TEST_EXPECT_BACKEND {other}"),
        Err(_) if postgres_configured => BackendKind::Postgres,
        Err(_) => BackendKind::Sqlite,
    };
    assert_eq!(db.backend(), expected);
}

/// Heartbeats newer than this count as a live worker (a minute: nothing in these tests is
/// that slow).
fn live_since() -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::minutes(1)
}

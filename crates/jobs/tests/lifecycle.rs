//! Job lifecycle on the real queue engine, on SQLite and (when configured) PostgreSQL:
//! a real job kind end to end, priorities, cancellation at a checkpoint, and recovery of
//! a job whose worker was killed mid-run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use jobs::{JobContext, JobError, JobHandler, Registry, WorkerOptions, start_workers};
use serde_json::{Value, json};
use store::testing::TestDb;
use store::*;
use tokio::sync::{Notify, mpsc};

fn fast_options(queues: Vec<Queue>, concurrency: usize) -> WorkerOptions {
    WorkerOptions {
        queues,
        concurrency,
        poll_interval: Duration::from_millis(50),
        heartbeat_interval: Duration::from_secs(1),
        missed_heartbeats: 2,
        ..Default::default()
    }
}

async fn owner(store: &dyn Store) -> User {
    store
        .create_user(NewUser {
            username: "alice".into(),
            password_hash: "h".into(),
            is_admin: true,
        })
        .await
        .unwrap()
}

/// Waits for a job to reach a terminal state; the bound only keeps a broken build from hanging.
async fn finished(store: &dyn Store, owner: UserId, id: JobId) -> Job {
    for _ in 0..600 {
        let job = store.job(owner, id).await.unwrap().unwrap();
        if job.status.is_terminal() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

struct Recorder(Arc<Mutex<Vec<JobId>>>);

#[async_trait]
impl JobHandler for Recorder {
    fn kind(&self) -> &'static str {
        "test_record"
    }
    fn queue(&self) -> Queue {
        Queue::Crawl
    }
    fn validate(&self, _: &Value) -> Result<(), String> {
        Ok(())
    }
    async fn run(&self, ctx: &JobContext, _: Value) -> Result<Value, JobError> {
        self.0.lock().unwrap().push(ctx.job().id);
        Ok(json!({}))
    }
}

/// Reports that it started, then (on its first attempt, when asked) hangs as a crashed
/// worker would, or waits for the test's go-ahead and passes a checkpoint.
struct Gate {
    started: mpsc::UnboundedSender<(JobId, i32)>,
    release: Arc<Notify>,
}

#[async_trait]
impl JobHandler for Gate {
    fn kind(&self) -> &'static str {
        "test_gate"
    }
    fn queue(&self) -> Queue {
        Queue::Analysis
    }
    fn validate(&self, _: &Value) -> Result<(), String> {
        Ok(())
    }
    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let job = ctx.job();
        let _ = self.started.send((job.id, job.attempts));
        if payload["hang_first_attempt"] == json!(true) && job.attempts == 1 {
            std::future::pending::<()>().await;
        }
        if payload["wait"] == json!(true) {
            self.release.notified().await;
        }
        ctx.checkpoint(1, Some(1), "gate passed").await?;
        Ok(json!({"attempt": job.attempts}))
    }
}

fn gate() -> (Gate, mpsc::UnboundedReceiver<(JobId, i32)>, Arc<Notify>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let release = Arc::new(Notify::new());
    (
        Gate {
            started: tx,
            release: release.clone(),
        },
        rx,
        release,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_cleanup_runs_end_to_end() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let admin = owner(store.as_ref()).await;
    for (i, hours) in [-2i64, -1, 5].into_iter().enumerate() {
        store
            .create_session(NewAuthSession {
                id: format!("s{i}"),
                user_id: admin.id,
                expires_at: Utc::now() + chrono::Duration::hours(hours),
                user_agent: None,
                ip: None,
            })
            .await
            .unwrap();
    }
    let registry = Registry::standard();
    let job = registry
        .submit(
            store.as_ref(),
            admin.id,
            "retention_cleanup",
            json!({"batch": 1}),
            Priority::Bulk,
        )
        .await
        .unwrap();
    let workers = start_workers(store.clone(), registry, fast_options(vec![Queue::Analysis], 1));
    let job = finished(store.as_ref(), admin.id, job.id).await;
    workers.shutdown().await;

    assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
    assert_eq!(job.result.as_ref().unwrap()["sessions"], json!(2));
    assert_eq!(job.progress.done, 4);
    assert_eq!(job.progress.total, Some(4));
    assert!(store.live_session("s2", Utc::now()).await.unwrap().is_some());
    assert!(store.live_session("s0", Utc::now()).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_jobs_overtake_bulk_jobs() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let u = owner(store.as_ref()).await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let registry = Registry::new().with(Recorder(order.clone()));
    let mut bulk = Vec::new();
    for _ in 0..3 {
        bulk.push(
            registry
                .submit(store.as_ref(), u.id, "test_record", json!({}), Priority::Bulk)
                .await
                .unwrap()
                .id,
        );
    }
    let urgent = registry
        .submit(
            store.as_ref(),
            u.id,
            "test_record",
            json!({}),
            Priority::Interactive,
        )
        .await
        .unwrap()
        .id;

    let workers = start_workers(store.clone(), registry, fast_options(vec![Queue::Crawl], 1));
    for id in bulk.iter().chain([&urgent]) {
        finished(store.as_ref(), u.id, *id).await;
    }
    workers.shutdown().await;
    let order = order.lock().unwrap().clone();
    assert_eq!(order.first(), Some(&urgent), "run order {order:?}");
    // Within one priority apalis orders by run time at one-second resolution, then by
    // random ULID: equal-priority jobs submitted in the same second have no fixed order.
    let mut rest = order[1..].to_vec();
    rest.sort_unstable();
    assert_eq!(rest, bulk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_job_stops_at_its_next_checkpoint_when_cancelled() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let u = owner(store.as_ref()).await;
    let (gate, mut started, release) = gate();
    let registry = Registry::new().with(gate);
    let job = registry
        .submit(
            store.as_ref(),
            u.id,
            "test_gate",
            json!({"wait": true}),
            Priority::Normal,
        )
        .await
        .unwrap();
    let workers = start_workers(store.clone(), registry, fast_options(vec![Queue::Analysis], 1));
    assert_eq!(started.recv().await.unwrap().0, job.id);

    let requested = store.request_cancel(u.id, job.id).await.unwrap();
    assert_eq!(
        (requested.status, requested.cancel_requested),
        (JobStatus::Running, true)
    );
    release.notify_one();
    let job = finished(store.as_ref(), u.id, job.id).await;
    workers.shutdown().await;
    assert_eq!(job.status, JobStatus::Cancelled);
    assert!(job.finished_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_of_a_killed_worker_is_picked_up_by_another() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let u = owner(store.as_ref()).await;
    let (gate_a, mut started_a, _) = gate();
    let registry_a = Registry::new().with(gate_a);
    let job = registry_a
        .submit(
            store.as_ref(),
            u.id,
            "test_gate",
            json!({"hang_first_attempt": true}),
            Priority::Normal,
        )
        .await
        .unwrap();
    let worker_a = start_workers(store.clone(), registry_a, fast_options(vec![Queue::Analysis], 1));
    assert_eq!(started_a.recv().await.unwrap(), (job.id, 1));
    let dead = worker_a.id().to_owned();
    worker_a.abort();

    let (gate_b, mut started_b, _) = gate();
    let worker_b = start_workers(
        store.clone(),
        Registry::new().with(gate_b),
        fast_options(vec![Queue::Analysis], 1),
    );
    assert_eq!(started_b.recv().await.unwrap(), (job.id, 2));
    let job = finished(store.as_ref(), u.id, job.id).await;
    let alive = worker_b.id().to_owned();
    worker_b.shutdown().await;

    assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
    assert_eq!(job.attempts, 2);
    assert_eq!(job.result, Some(json!({"attempt": 2})));
    let ran_on = job.worker.unwrap();
    assert!(
        ran_on.starts_with(&alive) && !ran_on.starts_with(&dead),
        "{ran_on}"
    );
}

/// The queue engine's registered worker names.
async fn registered_workers(store: &dyn Store) -> Vec<String> {
    match store.pool() {
        DbPool::Sqlite(pool) => {
            sqlx::query_scalar("SELECT id FROM Workers")
                .fetch_all(&pool)
                .await
        }
        DbPool::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM apalis.workers")
                .fetch_all(&pool)
                .await
        }
    }
    .unwrap()
}

/// Waits until a worker whose name satisfies `wanted` has registered with the queue engine.
async fn until_registered(store: &dyn Store, wanted: impl Fn(&str) -> bool) {
    for _ in 0..400 {
        if registered_workers(store).await.iter().any(|n| wanted(n)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the worker never registered");
}

/// Forgets every registered worker, as a database restored from backup or a cleanup gone
/// wrong would: each worker's next heartbeat fails and the queue engine stops it.
async fn forget_workers(store: &dyn Store) {
    match store.pool() {
        DbPool::Sqlite(pool) => {
            sqlx::query("DELETE FROM Workers").execute(&pool).await.unwrap();
        }
        DbPool::Postgres(pool) => {
            sqlx::query("DELETE FROM apalis.workers")
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_stopped_by_an_error_is_restarted_and_serves_its_queue() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let u = owner(store.as_ref()).await;
    let ran = Arc::new(Mutex::new(Vec::new()));
    let registry = Registry::new().with(Recorder(ran.clone()));
    let workers = start_workers(
        store.clone(),
        registry.clone(),
        fast_options(vec![Queue::Crawl], 1),
    );

    until_registered(store.as_ref(), |_| true).await;
    forget_workers(store.as_ref()).await;
    let mut waited = 0;
    loop {
        let names = registered_workers(store.as_ref()).await;
        if names.iter().any(|n| n.ends_with(":crawl:r1")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
        assert!(waited < 600, "no restarted worker registered; workers: {names:?}");
    }

    let id = registry
        .submit(
            store.as_ref(),
            u.id,
            "test_record",
            json!({}),
            Priority::Interactive,
        )
        .await
        .unwrap()
        .id;
    let job = finished(store.as_ref(), u.id, id).await;
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(ran.lock().unwrap().as_slice(), [id]);
    workers.shutdown().await;
}

/// Makes the queue engine believe it last heard from worker `name` an hour ago.
async fn make_silent(store: &dyn Store, name: &str) {
    match store.pool() {
        DbPool::Sqlite(pool) => {
            sqlx::query("UPDATE Workers SET last_seen = strftime('%s', 'now') - 3600 WHERE id = $1")
                .bind(name)
                .execute(&pool)
                .await
                .unwrap();
        }
        DbPool::Postgres(pool) => {
            sqlx::query("UPDATE apalis.workers SET last_seen = now() - interval '1 hour' WHERE id = $1")
                .bind(name)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_worker_the_queue_engine_stops_hearing_from_is_replaced() {
    let db = TestDb::new().await;
    let store = db.store.clone();
    let u = owner(store.as_ref()).await;
    let ran = Arc::new(Mutex::new(Vec::new()));
    let registry = Registry::new().with(Recorder(ran.clone()));
    let options = WorkerOptions {
        heartbeat_interval: Duration::from_secs(5),
        ..fast_options(vec![Queue::Crawl], 1)
    };
    let workers = start_workers(store.clone(), registry.clone(), options);
    let name = format!("{}:crawl", workers.id());

    until_registered(store.as_ref(), |n| n == name).await;
    // Its own heartbeat keeps refreshing the record, so keep it silent until the
    // replacement registers.
    let replacement = format!("{name}:r1");
    let mut waited = 0;
    while !registered_workers(store.as_ref()).await.contains(&replacement) {
        make_silent(store.as_ref(), &name).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
        assert!(waited < 300, "the silent worker was not replaced");
    }

    let id = registry
        .submit(
            store.as_ref(),
            u.id,
            "test_record",
            json!({}),
            Priority::Interactive,
        )
        .await
        .unwrap()
        .id;
    let job = finished(store.as_ref(), u.id, id).await;
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(ran.lock().unwrap().as_slice(), [id]);
    workers.shutdown().await;
}

//! A real `observatory worker` process is killed with SIGKILL in the middle of a scraping
//! job. A second worker process picks the job up after the first one's heartbeats stop and
//! finishes it: no page that was finished is fetched again, and none is lost.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crawl::service::CrawlRequest;
use serde_json::json;
use store::{FrontierState, JobStatus, NewUser, PageFilter, PageRequest, Store};
use testkit::{FixtureConfig, FixtureWeb};

fn worker(dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_observatory"))
        .args(["worker", "--queues", "crawl"])
        .current_dir(dir)
        .env("OBSERVATORY_LOG__FILTER", "warn")
        .env_remove("OBSERVATORY_DATABASE_URL")
        .env_remove("OBSERVATORY_REDIS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start observatory worker")
}

async fn done_pages(store: &dyn Store, owner: store::UserId, crawl: store::CrawlId) -> Vec<store::Page> {
    store
        .list_pages(
            owner,
            crawl,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 10_000,
            },
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_crawl_is_replaced_without_refetching_or_losing_pages() {
    let web = FixtureWeb::start(FixtureConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // SQLite by default, a fresh PostgreSQL database when the suite runs on PostgreSQL.
    let db = store::testing::TestDb::new().await;
    let database_url = db.url.clone();
    let ip = web.addr().ip();
    let hosts: Vec<String> = web.hosts().iter().map(|h| format!("\"{h}\"")).collect();
    let mut config = format!(
        "database_url = \"{database_url}\"\n\
         [workers]\nheartbeat_secs = 1\nmissed_heartbeats = 2\npoll_interval_ms = 100\n\
         [crawl]\nmin_delay_secs = 0\nfrontier_lease_secs = 3\nprivate_hosts = [{}]\n[crawl.host_overrides]\n",
        hosts.join(", ")
    );
    for host in web.hosts() {
        config.push_str(&format!("\"{host}\" = \"{ip}\"\n"));
    }
    std::fs::write(dir.path().join("observatory.toml"), config).unwrap();

    let settings = observatory::settings::Settings::load(Some(&dir.path().join("observatory.toml"))).unwrap();
    let store = observatory::startup::open_store(&settings).await.unwrap();
    let owner = store
        .create_user(NewUser {
            username: "alice".into(),
            password_hash: "x".into(),
            is_admin: false,
        })
        .await
        .unwrap();
    let (registry, _) = observatory::startup::job_registry(&settings).unwrap();
    // Two sites walked to depth 3, 0.3 s apart per site: long enough to be killed midway.
    let crawl = crawl::service::create_crawl(
        store.as_ref(),
        &registry,
        owner.id,
        &CrawlRequest {
            project_id: None,
            name: "crash".into(),
            session_ids: vec![],
            urls: vec![web.url("site0.test", "/"), web.url("site1.test", "/")],
            config: Some(json!({"depth": 3, "max_pages_per_site": 31, "delay_secs": 0.3,
                "timeout_secs": 5, "retries": 0})),
        },
    )
    .await
    .unwrap();
    let job_id = crawl.job_id.unwrap();

    let mut first = worker(dir.path());
    for _ in 0..600 {
        if done_pages(store.as_ref(), owner.id, crawl.id).await.len() >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.kill().unwrap(); // SIGKILL: no shutdown, no goodbye
    first.wait().unwrap();
    let hits_at_kill = web.hits();
    let finished_before_kill = done_pages(store.as_ref(), owner.id, crawl.id).await;
    assert!(
        (8..40).contains(&finished_before_kill.len()),
        "killed midway: {} pages",
        finished_before_kill.len()
    );

    let mut second = worker(dir.path());
    let mut status = JobStatus::Queued;
    for _ in 0..1200 {
        status = store.job(owner.id, job_id).await.unwrap().unwrap().status;
        if status.is_terminal() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(status, JobStatus::Succeeded);

    let counts = store.frontier_counts(crawl.project_id, crawl.id).await.unwrap();
    // Progress counts every decided URL, those decided before the takeover included.
    let decided: i64 = counts.iter().map(|c| c.count).sum();
    let job = store.job(owner.id, job_id).await.unwrap().unwrap();
    assert_eq!(
        (job.progress.done, job.progress.total),
        (decided, Some(decided)),
        "exact progress after a takeover"
    );
    let open: i64 = counts
        .iter()
        .filter(|c| matches!(c.state, FrontierState::Queued | FrontierState::Fetching))
        .map(|c| c.count)
        .sum();
    assert_eq!(open, 0, "{counts:?}");
    let stored: i64 = counts
        .iter()
        .filter(|c| matches!(c.state, FrontierState::Done | FrontierState::Failed))
        .map(|c| c.count)
        .sum();
    let pages = done_pages(store.as_ref(), owner.id, crawl.id).await;
    assert_eq!(
        pages.len() as i64,
        stored,
        "every finished URL has its page: none lost"
    );
    assert!(
        pages.len() > finished_before_kill.len() + 20,
        "the second worker did the rest"
    );
    let unique: HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(unique.len(), pages.len(), "no page stored twice");

    let hits = web.hits();
    for page in &finished_before_kill {
        assert_eq!(
            hits.get(&page.url),
            hits_at_kill.get(&page.url),
            "{} was finished before the kill and must not be fetched again",
            page.url
        );
    }
    store.close().await;
    drop(db);
}

//! The multi-process test bed: the real binary as two API processes and three crawl
//! workers on one database (the suite's backend: PostgreSQL in CI's second pass, one
//! SQLite file otherwise) and one Redis of the test's own, against a loopback fixture web
//! that adds a latency to every response and logs every request with host and time.
//!
//! - one crawl is fetched by several worker processes, every page stored once, and a
//!   worker killed with SIGKILL mid-crawl costs only the URLs it had in flight;
//! - two users' jobs on the same hosts, one asking for no delay at all, never bring two
//!   requests to a host closer than the operator's floor;
//! - jobs submitted together run on as many idle workers;
//! - rate limits and cache invalidations hold across the two API processes.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;
use testkit::own_server::OwnRedis;
use testkit::{FixtureConfig, FixtureWeb};

use crate::helpers::PASSWORD;
use crate::processes::{Processes, free_port, observatory, ready, wait_until};

const WORKERS: usize = 3;

/// What a bed's installation is configured with.
struct BedConfig {
    web: FixtureConfig,
    /// `crawl.min_delay_secs`.
    floor_secs: f64,
    /// Requests per minute per user (`rate_limits.general`).
    general_limit: u32,
    /// `workers.heartbeat_secs`: how soon a silent worker's tasks are taken over.
    heartbeat_secs: u64,
}

struct Bed {
    web: FixtureWeb,
    db: TestDb,
    users: HashMap<&'static str, store::UserId>,
    client: reqwest::Client,
    apis: Vec<String>,
    /// The worker processes, in start order.
    workers: Processes,
    _apis: Processes,
    _redis: OwnRedis,
    dir: tempfile::TempDir,
}

impl Bed {
    async fn start(config: BedConfig) -> Bed {
        let web = FixtureWeb::start(config.web).await.unwrap();
        let redis = tokio::task::spawn_blocking(OwnRedis::start)
            .await
            .unwrap()
            .expect("a Redis server of the test's own (Debian's redis-server)");
        let db = TestDb::new().await;
        let mut users = HashMap::new();
        for name in ["alice", "bob"] {
            let user = accounts::users::create_user(
                db.store.as_ref(),
                accounts::Actor::Operator,
                name,
                PASSWORD.into(),
                false,
            )
            .await
            .unwrap();
            users.insert(name, user.id);
        }
        let dir = tempfile::tempdir().unwrap();
        let hosts: Vec<String> = web.hosts().iter().map(|h| format!("\"{h}\"")).collect();
        let mut toml = format!(
            "[workers]\nheartbeat_secs = {}\nmissed_heartbeats = 2\npoll_interval_ms = 100\n\
             [rate_limits]\nenabled = true\n[rate_limits.general]\nlimit = {}\nperiod_secs = 60\n\
             [crawl]\nmin_delay_secs = {}\nmax_per_host_concurrency = 2\nfrontier_lease_secs = 3\n\
             private_hosts = [{}]\n[crawl.host_overrides]\n",
            config.heartbeat_secs,
            config.general_limit,
            config.floor_secs,
            hosts.join(", ")
        );
        for host in web.hosts() {
            toml.push_str(&format!("\"{host}\" = \"{}\"\n", web.addr().ip()));
        }
        std::fs::write(dir.path().join("observatory.toml"), toml).unwrap();
        let env = |bind: u16| {
            vec![
                ("OBSERVATORY_DATABASE_URL", db.url.clone()),
                ("OBSERVATORY_REDIS_URL", redis.url()),
                (
                    "OBSERVATORY_REDIS_KEY_PREFIX",
                    format!("obs-bed-{}:", std::process::id()),
                ),
                (
                    "OBSERVATORY_SECRET_KEY",
                    "test-bed-secret-0123456789abcdef0123456".to_owned(),
                ),
                ("OBSERVATORY_BIND", format!("127.0.0.1:{bind}")),
            ]
        };
        let client = reqwest::Client::new();
        let mut apis = Processes::default();
        let mut bases = Vec::new();
        for i in 0..2 {
            let port = free_port();
            let base = format!("http://127.0.0.1:{port}");
            apis.0.push(observatory(
                &["serve", "--no-workers"],
                &env(port),
                dir.path(),
                &dir.path().join(format!("api-{i}.log")),
            ));
            // One at a time: the first applies the migrations.
            let (c, b) = (client.clone(), base.clone());
            wait_until("an API process", async || ready(&c, &b).await.is_some()).await;
            bases.push(base);
        }
        let mut workers = Processes::default();
        for i in 0..WORKERS {
            let mut env = env(free_port());
            // Their start line says when they take jobs.
            env.push(("OBSERVATORY_LOG__FILTER", "warn,jobs=info".to_owned()));
            workers.0.push(observatory(
                &["worker", "--queues", "crawl"],
                &env,
                dir.path(),
                &dir.path().join(format!("worker-{i}.log")),
            ));
        }
        let logs = dir.path().to_owned();
        wait_until("every crawl worker", async || {
            (0..WORKERS).all(|i| {
                std::fs::read_to_string(logs.join(format!("worker-{i}.log")))
                    .is_ok_and(|log| log.contains("workers started"))
            })
        })
        .await;
        Bed {
            web,
            db,
            users,
            client,
            apis: bases,
            workers,
            _apis: apis,
            _redis: redis,
            dir,
        }
    }

    async fn login(&self, name: &str) -> String {
        let res = self
            .client
            .post(format!("{}/api/auth/login", self.apis[0]))
            .json(&json!({"username": name, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Starts a scraping job through API process `api`.
    async fn crawl(&self, api: usize, token: &str, urls: Vec<String>, config: Value) -> Value {
        let res = self
            .client
            .post(format!("{}/api/crawls", self.apis[api]))
            .bearer_auth(token)
            .json(&json!({"name": "bed", "urls": urls, "config": config}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::ACCEPTED,
            "{}",
            res.text().await.unwrap_or_default()
        );
        res.json().await.unwrap()
    }

    async fn get(&self, api: usize, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.apis[api]))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Polls (alternating between the API processes) until the crawl ends.
    async fn wait_for(&self, token: &str, id: i64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(180);
        for round in 0usize.. {
            let crawl: Value = self
                .get(round % 2, token, &format!("/api/crawls/{id}"))
                .await
                .json()
                .await
                .unwrap();
            if matches!(crawl["status"].as_str(), Some("done" | "failed" | "cancelled")) {
                return crawl;
            }
            assert!(
                Instant::now() < deadline,
                "crawl {id} did not finish: {crawl}\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        unreachable!()
    }

    /// The job once it has ended: the executor records the outcome just after the crawl
    /// marks itself done, so a read at that moment may still see it running.
    async fn job(&self, token: &str, id: i64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let job: Value = self
                .get(0, token, &format!("/api/jobs/{id}"))
                .await
                .json()
                .await
                .unwrap();
            let ended = matches!(job["status"].as_str(), Some("succeeded" | "failed" | "cancelled"));
            if ended || Instant::now() >= deadline {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every process's log, for a failure's message.
    fn logs(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(20).collect();
                out.push_str(&format!("--- {}\n", entry.path().display()));
                for line in tail.into_iter().rev() {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// The pid in a lease holder (`host:pid:run`).
fn holder_pid(holder: &str) -> Option<u32> {
    holder.split(':').nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_crawl_spreads_over_workers_and_survives_a_killed_one() {
    let mut bed = Bed::start(BedConfig {
        web: FixtureConfig {
            sites: 12,
            pages_per_site: 31,
            latency_ms: (20, 60),
            ..FixtureConfig::default()
        },
        floor_secs: 0.0,
        general_limit: 100_000,
        heartbeat_secs: 1,
    })
    .await;
    let token = bed.login("alice").await;
    let seeds: Vec<String> = (0..12)
        .map(|i| bed.web.url(&format!("site{i}.test"), "/"))
        .collect();
    let crawl = bed
        .crawl(
            0,
            &token,
            seeds,
            json!({"depth": 3, "max_pages_per_site": 31, "delay_secs": 0.25, "timeout_secs": 5, "retries": 0}),
        )
        .await;
    let id = crawl["id"].as_i64().unwrap();
    let crawl_id = store::CrawlId::new(id);
    let store = bed.db.store.clone();

    // Wait until two workers have fetched pages, then kill the job's own worker.
    let mut fetchers = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while fetchers.len() < 2 {
        assert!(
            Instant::now() < deadline,
            "a second worker never joined\n{}",
            bed.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        fetchers = store
            .frontier_fetchers(crawl_id)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|(_, h)| h.as_deref().and_then(holder_pid))
            .collect();
    }
    let job_id = crawl["job_id"].as_i64().unwrap();
    let owner_worker = store
        .job(bed.users["alice"], store::JobId::new(job_id))
        .await
        .unwrap()
        .and_then(|j| j.worker)
        .unwrap_or_default();
    let owner_pid =
        holder_pid(&owner_worker).unwrap_or_else(|| panic!("the job runs on a worker: {owner_worker:?}"));
    let victim = bed
        .workers
        .0
        .iter_mut()
        .find(|c| c.id() == owner_pid)
        .expect("the job's worker is one of the bed's");
    victim.kill().unwrap(); // SIGKILL
    victim.wait().unwrap();
    let hits_at_kill = bed.web.hits();
    let counts_at_kill = store
        .frontier_counts(store.default_project(bed.users["alice"]).await.unwrap(), crawl_id)
        .await
        .unwrap();
    let in_flight_at_kill: i64 = counts_at_kill
        .iter()
        .filter(|c| c.state == store::FrontierState::Fetching)
        .map(|c| c.count)
        .sum();
    let done_at_kill: Vec<String> = store
        .frontier_fetchers(crawl_id)
        .await
        .unwrap()
        .into_iter()
        .map(|(url, _)| url)
        .collect();
    assert!(
        done_at_kill.len() < 300,
        "the kill came mid-crawl ({} of 372 decided)",
        done_at_kill.len()
    );

    let finished = bed.wait_for(&token, id).await;
    assert_eq!(finished["status"], "done", "{finished}\n{}", bed.logs());
    let job = bed.job(&token, job_id).await;
    assert_eq!(job["status"], "succeeded", "{job}");

    let fetched = store.frontier_fetchers(crawl_id).await.unwrap();
    let pids: HashSet<u32> = fetched
        .iter()
        .filter_map(|(_, h)| h.as_deref().and_then(holder_pid))
        .collect();
    assert!(pids.len() >= 2, "fetched by {pids:?}");
    assert!(
        pids.len() <= WORKERS && pids.contains(&owner_pid),
        "the killed worker had fetched some: {pids:?}"
    );
    let counts = store
        .frontier_counts(store.default_project(bed.users["alice"]).await.unwrap(), crawl_id)
        .await
        .unwrap();
    let decided: i64 = counts
        .iter()
        .filter(|c| {
            !matches!(
                c.state,
                store::FrontierState::Queued | store::FrontierState::Fetching
            )
        })
        .map(|c| c.count)
        .sum();
    assert_eq!(
        counts.iter().map(|c| c.count).sum::<i64>(),
        decided,
        "nothing left queued or in flight: {counts:?}"
    );
    assert_eq!(
        (
            job["progress"]["done"].as_i64(),
            job["progress"]["total"].as_i64()
        ),
        (Some(decided), Some(decided)),
        "exact progress after the takeover"
    );
    let pages = store
        .list_pages(
            bed.users["alice"],
            crawl_id,
            &store::PageFilter::default(),
            store::PageRequest {
                after: None,
                limit: 10_000,
            },
        )
        .await
        .unwrap();
    let urls: HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls.len(), pages.len(), "every page stored exactly once");
    assert_eq!(pages.len(), fetched.len(), "every fetched URL has its page");
    assert!(pages.len() >= 360, "the whole web was crawled: {}", pages.len());

    // Only what was in flight at the kill was fetched again.
    let hits = bed.web.hits();
    for url in &done_at_kill {
        assert_eq!(
            hits.get(url),
            hits_at_kill.get(url),
            "{url} was stored before the kill and fetched again"
        );
    }
    let twice = fetched
        .iter()
        .filter(|(url, _)| hits.get(url).copied().unwrap_or(0) > 1)
        .count() as i64;
    assert!(
        twice <= in_flight_at_kill,
        "{twice} URLs fetched twice, {in_flight_at_kill} were in flight at the kill"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_submitted_together_run_on_as_many_idle_workers() {
    let bed = Bed::start(BedConfig {
        web: FixtureConfig {
            sites: 9,
            pages_per_site: 12,
            latency_ms: (10, 30),
            ..FixtureConfig::default()
        },
        floor_secs: 0.0,
        general_limit: 100_000,
        // Five processes share one SQLite file in the first pass: a second of heartbeat
        // can starve there, and the queue engine would hand a running job to a second
        // worker. Takeover speed is another test's concern.
        heartbeat_secs: 3,
    })
    .await;
    // Each worker has seen the other two (its log says so when the number changes).
    let logs = bed.dir.path().to_owned();
    wait_until("every worker seeing its two peers", async || {
        (0..WORKERS).all(|i| {
            std::fs::read_to_string(logs.join(format!("worker-{i}.log"))).is_ok_and(|log| {
                log.lines()
                    .any(|l| l.contains("queue changed") && l.contains("peers=2"))
            })
        })
    })
    .await;
    let alice = bed.login("alice").await;
    let bob = bed.login("bob").await;
    // Three jobs of a few seconds each (12 pages a site, half a second apart), on sites
    // of their own, submitted at once by two users through both API processes.
    let submit = async |n: usize, token: &str| {
        let seeds: Vec<String> = (0..3)
            .map(|i| bed.web.url(&format!("site{}.test", n * 3 + i), "/"))
            .collect();
        bed.crawl(
            n % 2,
            token,
            seeds,
            json!({"depth": 2, "max_pages_per_site": 12, "delay_secs": 0.5}),
        )
        .await
    };
    let (first, second, third) = tokio::join!(submit(0, &alice), submit(1, &bob), submit(2, &alice));
    let jobs = [
        (&alice, bed.users["alice"], first),
        (&bob, bed.users["bob"], second),
        (&alice, bed.users["alice"], third),
    ];
    let mut owners = HashSet::new();
    for (token, user, crawl) in &jobs {
        let done = bed.wait_for(token, crawl["id"].as_i64().unwrap()).await;
        assert_eq!(done["status"], "done", "{done}");
        let job_id = store::JobId::new(crawl["job_id"].as_i64().unwrap());
        let worker = bed
            .db
            .store
            .job(*user, job_id)
            .await
            .unwrap()
            .and_then(|j| j.worker);
        owners.insert(
            worker
                .as_deref()
                .and_then(holder_pid)
                .unwrap_or_else(|| panic!("job {job_id} ran on {worker:?}")),
        );
    }
    assert_eq!(
        owners.len(),
        WORKERS,
        "three jobs on three idle workers ran on {owners:?}\n{}",
        bed.logs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_jobs_on_the_same_hosts_never_undercut_the_floor() {
    const FLOOR: f64 = 0.5;
    let bed = Bed::start(BedConfig {
        web: FixtureConfig {
            sites: 3,
            pages_per_site: 15,
            latency_ms: (10, 40),
            ..FixtureConfig::default()
        },
        floor_secs: FLOOR,
        general_limit: 100_000,
        heartbeat_secs: 1,
    })
    .await;
    let alice = bed.login("alice").await;
    let bob = bed.login("bob").await;
    let seeds: Vec<String> = (0..3)
        .map(|i| bed.web.url(&format!("site{i}.test"), "/"))
        .collect();
    let started = Instant::now();
    // Alice asks for no politeness at all; Bob for the floor. Through different API
    // processes, onto whichever workers take them.
    let a = bed
        .crawl(
            0,
            &alice,
            seeds.clone(),
            json!({"depth": 3, "max_pages_per_site": 7, "delay_secs": 0, "per_site_concurrency": 16}),
        )
        .await;
    let b = bed
        .crawl(
            1,
            &bob,
            seeds,
            json!({"depth": 3, "max_pages_per_site": 7, "delay_secs": FLOOR}),
        )
        .await;
    let a = bed.wait_for(&alice, a["id"].as_i64().unwrap()).await;
    let b = bed.wait_for(&bob, b["id"].as_i64().unwrap()).await;
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some("done"), Some("done"))
    );
    let alice_job = bed.job(&alice, a["job_id"].as_i64().unwrap()).await;
    assert_eq!(
        alice_job["result"]["politeness"]["delay_secs"], FLOOR,
        "{alice_job}"
    );
    assert_eq!(alice_job["result"]["politeness"]["gates"], "redis", "{alice_job}");

    let mut by_host: HashMap<String, Vec<Instant>> = HashMap::new();
    for arrival in bed.web.arrivals() {
        if arrival.at >= started {
            by_host.entry(arrival.host).or_default().push(arrival.at);
        }
    }
    let floor = Duration::from_secs_f64(FLOOR);
    for i in 0..3 {
        let host = format!("site{i}.test");
        let mut times = by_host.remove(&host).unwrap_or_default();
        times.sort();
        // Each job's 7 pages and one robots.txt, shared.
        assert!(times.len() >= 14, "{host}: {} requests", times.len());
        let shortest = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
        assert!(
            shortest >= floor.mul_f64(0.95),
            "{host}: two requests {shortest:?} apart, under the {floor:?} floor"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_cache_invalidations_hold_across_api_processes() {
    const LIMIT: u32 = 30;
    let bed = Bed::start(BedConfig {
        web: FixtureConfig::default(),
        floor_secs: 0.0,
        general_limit: LIMIT,
        heartbeat_secs: 1,
    })
    .await;
    let token = bed.login("alice").await;
    // The list is cached on the second process …
    let empty: Value = bed.get(1, &token, "/api/crawls").await.json().await.unwrap();
    assert_eq!(empty["items"].as_array().map(Vec::len), Some(0), "{empty}");
    // … a scraping job created through the first shows there at once.
    let crawl = bed
        .crawl(
            0,
            &token,
            vec![bed.web.url("site0.test", "/")],
            json!({"depth": 1}),
        )
        .await;
    let listed: Value = bed.get(1, &token, "/api/crawls").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["id"], crawl["id"], "{listed}");
    bed.wait_for(&token, crawl["id"].as_i64().unwrap()).await;

    // One quota per user, whichever process answers.
    let mut answered = 0;
    let mut limited = 0;
    for round in 0..(LIMIT as usize + 10) {
        match bed.get(round % 2, &token, "/api/crawls").await.status() {
            StatusCode::OK => answered += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("{other}"),
        }
    }
    assert!(
        limited >= 10 && answered < LIMIT as usize,
        "{answered} answered, {limited} limited"
    );
}

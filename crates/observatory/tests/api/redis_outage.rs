//! Redis killed under a multi-process installation (two API processes and a worker, the
//! real binary, sharing the suite's database and a Redis of the test's own): requests keep
//! their speed (< 50 ms added), logins keep working, readiness says "degraded" without
//! failing, and everything shares Redis again once it is back, by itself.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;
use testkit::own_server::OwnRedis;

use crate::helpers::PASSWORD;
use crate::processes::{Processes, free_port, observatory, ready, wait_until};

async fn login(client: &reqwest::Client, base: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
}

/// Latencies of `rounds` authenticated reads spread over both API processes.
async fn latencies(client: &reqwest::Client, bases: &[String], token: &str, rounds: usize) -> Vec<Duration> {
    let mut took = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let base = &bases[i % bases.len()];
        let started = Instant::now();
        let res = client
            .get(format!("{base}/api/search/sessions"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap_or_default()
        );
        let _ = res.bytes().await.unwrap();
        took.push(started.elapsed());
    }
    took.sort();
    took
}

fn median(sorted: &[Duration]) -> Duration {
    sorted[sorted.len() / 2]
}

#[tokio::test]
async fn a_redis_outage_adds_under_50_ms_across_processes_and_heals_itself() {
    let mut redis = tokio::task::spawn_blocking(OwnRedis::start)
        .await
        .unwrap()
        .expect("a Redis server of the test's own (Debian's redis-server)");
    let db = TestDb::new().await;
    accounts::users::create_user(
        db.store.as_ref(),
        accounts::Actor::Operator,
        "alice",
        PASSWORD.into(),
        false,
    )
    .await
    .unwrap();
    let logs = tempfile::tempdir().unwrap();
    let env = |bind: u16| {
        vec![
            ("OBSERVATORY_DATABASE_URL", db.url.clone()),
            ("OBSERVATORY_REDIS_URL", redis.url()),
            (
                "OBSERVATORY_REDIS_KEY_PREFIX",
                format!("obs-outage-{}:", std::process::id()),
            ),
            (
                "OBSERVATORY_SECRET_KEY",
                "outage-test-secret-0123456789abcdef0123".to_owned(),
            ),
            ("OBSERVATORY_BIND", format!("127.0.0.1:{bind}")),
            ("OBSERVATORY_RATE_LIMITS__ENABLED", "true".to_owned()),
            ("OBSERVATORY_RATE_LIMITS__GENERAL__LIMIT", "100000".to_owned()),
            ("OBSERVATORY_WORKERS__HEARTBEAT_SECS", "1".to_owned()),
        ]
    };
    let ports = [free_port(), free_port()];
    let bases: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
    let client = reqwest::Client::new();
    let mut processes = Processes(Vec::new());
    for (i, port) in ports.iter().enumerate() {
        processes.0.push(observatory(
            &["serve", "--no-workers"],
            &env(*port),
            logs.path(),
            &logs.path().join(format!("api-{i}.log")),
        ));
        // One at a time: each applies the migrations as it starts.
        let base = bases[i].clone();
        let client = client.clone();
        wait_until("an API process", async || ready(&client, &base).await.is_some()).await;
    }
    processes.0.push(observatory(
        &["worker"],
        &env(free_port()),
        logs.path(),
        &logs.path().join("worker.log"),
    ));

    let res = login(&client, &bases[0]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    latencies(&client, &bases, &token, 20).await; // warm both processes up
    let before = latencies(&client, &bases, &token, 60).await;

    // Killed, as a crash or an OOM kill would (a blocking call of a few milliseconds).
    redis.stop().unwrap();

    let during = latencies(&client, &bases, &token, 60).await;
    let added = median(&during).saturating_sub(median(&before));
    let worst = *during.last().unwrap();
    let worst_before = *before.last().unwrap();
    println!(
        "median {:?} → {:?}, slowest {worst_before:?} → {worst:?} with Redis gone",
        median(&before),
        median(&during)
    );
    assert!(
        added < Duration::from_millis(50),
        "median {:?} before, {:?} during the outage",
        median(&before),
        median(&during)
    );
    assert!(
        worst < worst_before + Duration::from_millis(50),
        "slowest {worst_before:?} before, {worst:?} during the outage"
    );
    for base in &bases {
        let res = login(&client, base).await;
        assert_eq!(res.status(), StatusCode::OK, "login during the outage on {base}");
        let readiness = ready(&client, base)
            .await
            .expect("ready (200) while Redis is away");
        assert_eq!(readiness["status"], "degraded", "{readiness}");
        let redis_check = readiness["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "redis")
            .cloned()
            .unwrap();
        assert_eq!(redis_check["ok"], true);
        assert!(redis_check["detail"].as_str().unwrap().starts_with("degraded"));
        let metrics = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains("observatory_redis_up 0"),
            "{base}: the metric says so"
        );
    }

    redis.resume().unwrap();
    for base in &bases {
        let client = client.clone();
        let base = base.clone();
        wait_until("Redis to be used again", async || {
            ready(&client, &base)
                .await
                .is_some_and(|r| r["status"] == "ready")
        })
        .await;
    }
    for base in &bases {
        let res = login(&client, base).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "the first login after Redis returns, on {base}"
        );
    }
    latencies(&client, &bases, &token, 10).await;
    drop(processes);
    drop(redis);
    let _ = logs;
}

//! The real `observatory` binary as several processes of one installation, for the tests
//! that prove what is shared between processes.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

/// The processes, killed when the test ends however it ends.
#[derive(Default)]
pub struct Processes(pub Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `observatory ARGS` in `dir` (where its `observatory.toml` is, if any), logging
/// to `log`.
pub fn observatory(
    args: &[&str],
    env: &[(&str, String)],
    dir: &std::path::Path,
    log: &std::path::Path,
) -> Child {
    let log = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_observatory"))
        .args(args)
        .current_dir(dir)
        .env("OBSERVATORY_LOG__FILTER", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("run observatory")
}

pub async fn ready(client: &reqwest::Client, base: &str) -> Option<Value> {
    let res = client.get(format!("{base}/health/ready")).send().await.ok()?;
    (res.status() == StatusCode::OK).then_some(())?;
    res.json().await.ok()
}

pub async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

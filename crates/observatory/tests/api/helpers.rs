use std::time::Duration;

use observatory::settings::Settings;
use observatory::startup::{Application, ServeMode};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use store::testing::TestDb;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// The server's own store, shared with it.
    pub store: std::sync::Arc<dyn store::Store>,
    pub secret: String,
    /// The Redis key prefix of this app, when the run has Redis.
    pub redis_prefix: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(
        |_| {},
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await
}

pub async fn spawn_app_without_workers() -> TestApp {
    spawn_app_with(
        |_| {},
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await
}

pub fn generous_limits() -> web::ratelimit::RateLimits {
    let plenty = ratelimit::Quota::per_minute(1_000_000);
    web::ratelimit::RateLimits {
        enabled: true,
        general: plenty,
        search: plenty,
        scrape: plenty,
        network: plenty,
        login: plenty,
    }
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings), mode: ServeMode) -> TestApp {
    let db = TestDb::new().await;
    let secret = format!("test-secret-{}", uuid::Uuid::new_v4().simple());
    let mut settings = Settings {
        database_url: db.url.clone(),
        bind: "127.0.0.1:0".into(),
        secret_key: SecretString::from(secret.clone()),
        ..Default::default()
    };
    settings.database.max_connections = 5;
    settings.workers.poll_interval_ms = 50;
    settings.workers.heartbeat_secs = 1;
    // The fixture webs are ours; tests that need the operator's floor set their own.
    settings.crawl.min_delay_secs = 0.0;
    settings.crawl.max_per_host_concurrency = 16;
    // Tests poll job status far faster than a person would; the quota tests set their own.
    settings.rate_limits = generous_limits();
    if let Some(url) = redislink::test_url() {
        settings.redis_url = Some(SecretString::from(url));
        settings.redis_key_prefix = format!("obs-test-{}:", uuid::Uuid::new_v4().simple());
    }
    configure(&mut settings);
    let redis_prefix = settings
        .redis_url
        .is_some()
        .then(|| settings.redis_key_prefix.clone());

    let app = Application::build(&settings, mode).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = rx.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        store,
        secret,
        redis_prefix,
        shutdown: Some(tx),
        server: Some(server),
    }
}

impl Drop for TestApp {
    /// Stops the server, then (as crates.io's test app does) fails the test if it left a
    /// job queued or running: a test waits for what it starts, or cancels it.
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if std::thread::panicking() {
            return;
        }
        let unfinished = unfinished_jobs(&self.db.url);
        assert!(
            unfinished.is_empty(),
            "the test left jobs unfinished: {}",
            unfinished.join(", ")
        );
    }
}

/// `queue/status: count` of every job still queued or running, read over a connection of
/// its own (drop runs outside any async context this thread may block).
fn unfinished_jobs(url: &str) -> Vec<String> {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the job check");
        rt.block_on(async move {
            let options = store::StoreOptions {
                max_connections: 1,
                ..store::StoreOptions::default()
            };
            let store = store::connect(&url, &options)
                .await
                .expect("connect to check for unfinished jobs");
            let counts = store.job_counts().await.expect("count jobs");
            store.close().await;
            counts
                .into_iter()
                .filter(|c| !c.status.is_terminal() && c.count > 0)
                .map(|c| format!("{}/{}: {}", c.queue.as_str(), c.status.as_str(), c.count))
                .collect()
        })
    })
    .join()
    .expect("the job check thread")
}

impl TestApp {
    /// Cancels the caller's queued jobs through the API, as a test with no workers must
    /// before it ends.
    pub async fn cancel_jobs(&self, token: &str, ids: &[i64]) {
        for id in ids {
            let res = self
                .request(Method::POST, &format!("/api/jobs/{id}/cancel"), Some(token))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::ACCEPTED, "cancelling job {id}");
            let job: Value = res.json().await.unwrap();
            assert_eq!(
                job["status"], "cancelled",
                "job {id} was queued, so cancels at once"
            );
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn send_json(&self, method: Method, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(method, path, token).json(body).send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::POST, path, token, body).await
    }

    pub async fn post_login(&self, username: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// Creates a user the way `observatory user add` does.
    pub async fn add_user(&self, name: &str, admin: bool) -> store::User {
        accounts::users::create_user(
            self.db.store.as_ref(),
            accounts::Actor::Operator,
            name,
            PASSWORD.into(),
            admin,
        )
        .await
        .unwrap()
    }

    pub async fn login(&self, username: &str) -> String {
        let res = self.post_login(username, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// A signed-in user and their token.
    pub async fn user_with_token(&self, name: &str, admin: bool) -> (store::User, String) {
        let user = self.add_user(name, admin).await;
        let token = self.login(name).await;
        (user, token)
    }

    /// Polls a job until it ends; the bound only keeps a broken build from hanging.
    pub async fn wait_for_job(&self, id: i64, token: &str) -> Value {
        for _ in 0..400 {
            let job: Value = self
                .get(&format!("/api/jobs/{id}"), Some(token))
                .await
                .json()
                .await
                .unwrap();
            if matches!(job["status"].as_str(), Some("succeeded" | "failed" | "cancelled")) {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("job {id} did not finish");
    }
}

/// Asserts the error envelope and returns it.
pub async fn assert_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status, "unexpected status");
    assert!(
        res.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "error responses are JSON"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

/// The field names a validation error reports.
pub fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that a file validates against the official GEXF 1.3 grammar in `../shared`.
pub fn assert_valid_gexf(path: &std::path::Path) {
    let schema =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/gexf/1.3/gexf.rng");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--relaxng")
        .arg(&schema)
        .arg(path)
        .output()
        .expect("xmllint (Debian's libxml2-utils, installed by .ci/setup)");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

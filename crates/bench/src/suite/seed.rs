//! The embedded instance the benchmark drives: a throwaway database, the real router on a
//! loopback port, and seeded accounts with search sessions as researchers leave them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::SecretString;
use serde_json::json;
use store::{
    NewAuthSession, NewSearchQuery, NewSearchResult, NewSearchSession, NewUser, QueryOutcome, SearchStatus,
    Store,
};

use app::settings::Settings;
use app::startup::{Application, ServeMode};

/// Sessions × queries × results per seeded account, as in the brief's benchmark.
pub const SESSIONS: usize = 50;
pub const QUERIES: usize = 10;
pub const RESULTS: usize = 10;

pub struct Instance {
    pub base_url: String,
    pub store: Arc<dyn Store>,
    pub tokens: Vec<String>,
    pub owners: Vec<store::UserId>,
    /// One session id per token (the first seeded one), for detail and result routes.
    pub session_ids: Vec<i64>,
    /// One scraping job per token, of [`CRAWL_URLS`] URLs.
    pub crawl_ids: Vec<i64>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _scratch: tempfile::TempDir,
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn bench_settings(base: &Settings, database_url: String) -> Settings {
    let mut settings = base.clone();
    settings.database_url = database_url;
    settings.bind = "127.0.0.1:0".into();
    settings.secret_key = SecretString::from(format!("bench-secret-{}", uuid::Uuid::new_v4().simple()));
    // The load test measures capacity, so quotas are set out of reach; the limiter still
    // runs on every request and its cost is part of every number.
    let plenty = ratelimit::Quota::per_minute(u32::MAX / 2);
    settings.rate_limits.general = plenty;
    settings.rate_limits.search = plenty;
    settings.rate_limits.scrape = plenty;
    settings.rate_limits.network = plenty;
    settings.rate_limits.login = plenty;
    settings
}

/// Starts the instance and seeds `accounts` users, each with the brief's sessions.
pub async fn start(base: &Settings, database_url: Option<&str>, accounts: usize) -> anyhow::Result<Instance> {
    let scratch = tempfile::tempdir()?;
    let url = match database_url {
        Some(u) => u.to_owned(),
        None => format!("sqlite://{}", scratch.path().join("bench.db").display()),
    };
    let settings = bench_settings(base, url);
    // Workers in process: the cache is on, exactly as `serve` runs on a laptop.
    let app = Application::build(
        &settings,
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await
    .context("starting the embedded instance")?;
    let base_url = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = rx.await;
    }));

    let started = Instant::now();
    let keys = web::auth::token::TokenKeys::new(&settings.secret_key);
    let mut tokens = Vec::new();
    let mut owners = Vec::new();
    let mut session_ids = Vec::new();
    let mut crawl_ids = Vec::new();
    let stamp = chrono::Utc::now().timestamp_millis();
    for a in 0..accounts {
        let user = store
            .create_user(NewUser {
                username: format!("bench{stamp}-{a}"),
                password_hash: "not a password hash: this account cannot log in".into(),
                is_admin: false,
            })
            .await?;
        let sid = web::auth::token::new_session_id();
        let expires_at = chrono::Utc::now() + chrono::Duration::hours(2);
        store
            .create_session(NewAuthSession {
                id: sid.clone(),
                user_id: user.id,
                expires_at,
                user_agent: Some("observatory bench".into()),
                ip: None,
            })
            .await?;
        tokens.push(keys.issue(user.id, &sid, expires_at)?);
        owners.push(user.id);
        let mut first = None;
        for s in 0..SESSIONS {
            let id = seed_session(store.as_ref(), user.id, s).await?;
            first.get_or_insert(id);
        }
        // Load paths are plain numbers, as a client would send them.
        session_ids.push(first.map_or(0, store::SearchSessionId::get));
        crawl_ids.push(seed_crawl(store.as_ref(), user.id).await?.get());
    }
    eprintln!(
        "seeded {accounts} accounts × {SESSIONS} sessions × {QUERIES} queries × {RESULTS} results in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(Instance {
        base_url,
        store,
        tokens,
        owners,
        session_ids,
        crawl_ids,
        shutdown: Some(tx),
        _scratch: scratch,
    })
}

pub fn results(query: usize, count: usize) -> Vec<NewSearchResult> {
    (0..count)
        .map(|r| {
            let site = (query * 7 + r) % 60;
            let url = format!("https://www.site{site}.dk/article/{query}/{r}");
            NewSearchResult {
                rank: r as i32 + 1,
                page: 0,
                normalized_url: url.clone(),
                url,
                host: format!("www.site{site}.dk"),
                domain: format!("site{site}.dk"),
                title: Some(format!("Article {r} about topic {query}")),
                snippet: Some("A snippet of the kind search engines return, about two lines long.".into()),
                published: None,
                excluded: false,
                exclusion_reason: None,
            }
        })
        .collect()
}

/// A finished session of `QUERIES` queries with `RESULTS` results each, written the way a
/// search job writes it.
/// URLs of each seeded scraping job.
pub const CRAWL_URLS: usize = 10_000;

/// A scraping job of [`CRAWL_URLS`] URLs over 100 sites as a job leaves its frontier:
/// most queued, a fifth skipped for one of three reasons (nothing runs it).
async fn seed_crawl(store: &dyn Store, owner: store::UserId) -> anyhow::Result<store::CrawlId> {
    let reasons = ["robots", "cap", "excluded"];
    let seeds = (0..CRAWL_URLS)
        .map(|i| store::NewFrontierUrl {
            url: format!("https://www.site{}.dk/article/{i}", i % 100),
            site: format!("site{}.dk", i % 100),
            depth: i32::try_from(i % 3).unwrap_or(0),
            parent_url: None,
            skipped: (i % 5 == 0).then(|| reasons[i % 3].to_owned()),
        })
        .collect();
    let crawl = store
        .create_crawl(store::NewCrawl {
            owner_id: owner,
            project_id: None,
            name: "bench crawl".into(),
            config: serde_json::to_value(crawl::CrawlConfig::default())?,
            sources: serde_json::json!({"urls": CRAWL_URLS}),
            sessions: vec![],
            seeds,
        })
        .await?;
    Ok(crawl.id)
}

pub async fn seed_session(
    store: &dyn Store,
    owner: store::UserId,
    n: usize,
) -> anyhow::Result<store::SearchSessionId> {
    let session = store
        .create_search_session(NewSearchSession {
            owner_id: owner,
            project_id: None,
            name: format!("Seeded session {n}"),
            engine: "serper".into(),
            params: json!({"max_results": RESULTS}),
            snapshot_of: None,
            queries: (0..QUERIES)
                .map(|q| NewSearchQuery {
                    text: format!("topic {q} of session {n}"),
                    params: json!({}),
                })
                .collect(),
            manual_results: None,
        })
        .await?;
    let queries = store.search_queries(owner, session.id).await?;
    for (i, q) in queries.iter().enumerate() {
        store.start_search_query(q.id).await?;
        store
            .finish_search_query(
                q.id,
                &QueryOutcome {
                    status: SearchStatus::Done,
                    error: None,
                    shortfall: None,
                    requests: 1,
                    raw_pages: vec![],
                    results: results(n * QUERIES + i, RESULTS),
                },
            )
            .await?;
    }
    store
        .set_search_session_status(session.id, SearchStatus::Done)
        .await?;
    Ok(session.id)
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "s"), |i| s.split_at(i));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30s or 2m"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" | "" => value,
        "m" | "min" => value * 60.0,
        _ => return Err(format!("unknown unit `{unit}` (use ms, s or m)")),
    };
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err("a duration between 1 ms and 60 minutes".into());
    }
    Ok(Duration::from_secs_f64(secs))
}

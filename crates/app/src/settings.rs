//! Configuration: built-in defaults → optional `observatory.toml` → `OBSERVATORY_*`
//! environment variables (nested keys joined with `__`, e.g. `OBSERVATORY_WORKERS__CONCURRENCY`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use store::Queue;

/// Signs tokens in demo mode only; `serve` refuses it otherwise.
pub const DEVELOPMENT_SECRET: &str = "insecure-development-secret-do-not-use-in-production";
pub const MIN_SECRET_LEN: usize = 32;
pub const DEFAULT_CONFIG_FILE: &str = "observatory.toml";

/// Serialized only as the defaults layer under the file and the environment (secrets are
/// skipped); `redacted_toml` is the printable view.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub database_url: String,
    #[serde(skip_serializing)]
    pub redis_url: Option<SecretString>,
    /// Prefix for every Redis key this deployment writes.
    pub redis_key_prefix: String,
    pub bind: String,
    #[serde(skip_serializing)]
    pub secret_key: SecretString,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub http: HttpSettings,
    pub workers: WorkerSettings,
    pub log: LogSettings,
    /// Engines: `[search.serper] base_url/api_key`, likewise serpapi, google_cse (+ cx), brave, searxng.
    pub search: search::SearchSettings,
    pub crawl: CrawlSettings,
    /// Request quotas per user (per IP when anonymous) and endpoint class.
    pub rate_limits: web::ratelimit::RateLimits,
    /// The response cache: TTL per class, size, and the in-process TTL in front of Redis.
    pub cache: cache::CacheSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CrawlSettings {
    /// Where site owners learn about the crawl; part of the user agent
    /// `IssueObservatory/<version> (+<contact_url>)`.
    pub contact_url: String,
    /// Tests and demos only: let the crawler connect to loopback and private addresses.
    pub allow_private_addresses: bool,
    /// Hostnames allowed to resolve to private addresses (e.g. a fixture web).
    pub private_hosts: Vec<String>,
    /// Fixed name resolutions (`"site0.test" = "127.0.0.1"`), still checked by the guard.
    pub host_overrides: std::collections::BTreeMap<String, std::net::IpAddr>,
    /// Languages the language identifier chooses between (ISO 639-1).
    pub languages: Vec<String>,
    /// The Chromium binary for scraping jobs with `render: always|auto` (Debian's package).
    pub chromium: PathBuf,
    /// The shortest time between two requests to one host, whatever a job asks for (a
    /// job's `delay_secs` and robots.txt `Crawl-delay` can only lengthen it).
    pub min_delay_secs: f64,
    /// The most requests to one host at once, whatever a job's `per_site_concurrency`.
    pub max_per_host_concurrency: u32,
    /// How long a worker's claim on frontier URLs lasts without renewal: how soon the URLs
    /// a dead worker held are fetched by the others.
    pub frontier_lease_secs: u64,
    /// Running crawls each worker process helps at once, besides the jobs it runs
    /// (0: a crawl runs on its own worker only).
    pub assist_crawls: usize,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        Self {
            contact_url: "https://github.com/issue-observatory/issue-observatory".into(),
            allow_private_addresses: false,
            private_hosts: Vec::new(),
            host_overrides: Default::default(),
            languages: extract::lang::DEFAULT_LANGUAGES
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
            chromium: PathBuf::from("/usr/bin/chromium"),
            min_delay_secs: crawl::HostFloor::DEFAULT.min_delay.as_secs_f64(),
            max_per_host_concurrency: crawl::HostFloor::DEFAULT.max_per_host,
            frontier_lease_secs: 30,
            assist_crawls: 4,
        }
    }
}

impl CrawlSettings {
    pub fn crawler(&self) -> crawl::CrawlerSettings {
        let mut policy = crawl::AddressPolicy {
            allow_private: self.allow_private_addresses,
            ..Default::default()
        };
        policy.private_hosts = self
            .private_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        for (host, ip) in &self.host_overrides {
            policy.overrides.insert(host.to_ascii_lowercase(), vec![*ip]);
        }
        crawl::CrawlerSettings {
            policy: std::sync::Arc::new(policy),
            user_agent: crawl::user_agent(&self.contact_url),
            robots_agent: "IssueObservatory".into(),
            languages: self.languages.clone(),
            chromium: self.chromium.clone(),
            host_floor: crawl::HostFloor {
                min_delay: std::time::Duration::try_from_secs_f64(self.min_delay_secs).unwrap_or_default(),
                max_per_host: self.max_per_host_concurrency,
            },
            shared_redis: None,
            frontier_lease: std::time::Duration::from_secs(self.frontier_lease_secs),
            assist_crawls: self.assist_crawls,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
    pub busy_timeout_secs: u64,
    /// Statements slower than this are logged with their SQL (never their values).
    pub slow_query_ms: u64,
    /// Every statement at DEBUG under `sqlx::query` (SQL only, never values).
    pub log_statements: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    pub token_ttl_hours: u64,
    pub secure_cookies: bool,
    pub login_window_secs: u64,
    pub max_failures_per_user: u32,
    pub max_failures_per_ip: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    pub cors_allowed_origins: Vec<String>,
    /// Reverse proxies (CIDRs or addresses) whose `X-Forwarded-For` / `Forwarded` name the
    /// client; login throttling, rate limits and logs then use that address.
    pub trusted_proxies: Vec<String>,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkerSettings {
    pub queues: Vec<Queue>,
    pub concurrency: usize,
    pub poll_interval_ms: u64,
    pub heartbeat_secs: u64,
    pub missed_heartbeats: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    /// `pretty` or `json`.
    pub format: String,
    /// A tracing filter; `RUST_LOG` overrides it.
    pub filter: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://observatory.db".into(),
            redis_url: None,
            redis_key_prefix: "observatory:".into(),
            bind: "127.0.0.1:8000".into(),
            secret_key: SecretString::from(DEVELOPMENT_SECRET),
            database: DatabaseSettings::default(),
            auth: AuthSettings::default(),
            http: HttpSettings::default(),
            workers: WorkerSettings::default(),
            log: LogSettings::default(),
            search: search::SearchSettings::default(),
            crawl: CrawlSettings::default(),
            rate_limits: web::ratelimit::RateLimits::default(),
            cache: cache::CacheSettings::default(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout_secs: 10,
            busy_timeout_secs: 10,
            slow_query_ms: 100,
            log_statements: false,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            token_ttl_hours: 12,
            secure_cookies: false,
            login_window_secs: 900,
            max_failures_per_user: 5,
            max_failures_per_ip: 20,
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
        }
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            queues: Queue::ALL.to_vec(),
            concurrency: 4,
            poll_interval_ms: 500,
            heartbeat_secs: 10,
            missed_heartbeats: 3,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: "pretty".into(),
            filter: "info,sqlx=warn,apalis=warn,trafilatura=error,html5ever=error".into(),
        }
    }
}

impl Settings {
    /// Loads settings. An explicitly named file must exist; the default one is optional.
    pub fn load(explicit_file: Option<&Path>) -> anyhow::Result<Self> {
        Self::load_with_env(explicit_file, None)
    }

    /// As [`Settings::load`], reading `env` instead of the process environment when given.
    pub fn load_with_env(
        explicit_file: Option<&Path>,
        env: Option<std::collections::HashMap<String, String>>,
    ) -> anyhow::Result<Self> {
        let (path, required) = match explicit_file {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
        };
        let env = config::Environment::with_prefix("OBSERVATORY")
            .prefix_separator("_")
            .separator("__")
            .list_separator(",")
            .with_list_parse_key("http.cors_allowed_origins")
            .with_list_parse_key("http.trusted_proxies")
            .with_list_parse_key("workers.queues")
            .try_parsing(true)
            .source(env.map(|m| m.into_iter().collect()));
        // Every default as the first layer, so a file or variable that sets one field of a
        // section (`OBSERVATORY_SEARCH__SERPER__API_KEY`, `…__RATE_LIMITS__GENERAL__LIMIT`)
        // merges into that section's defaults instead of replacing the section with a
        // struct-level default (which gave Serper 1 request/s instead of 5, and refused a
        // rate-limit class without `period_secs`).
        let defaults = config::Config::try_from(&Settings::default()).context("the built-in defaults")?;
        let raw = config::Config::builder()
            .add_source(defaults)
            .add_source(
                config::File::from(path.clone())
                    .format(config::FileFormat::Toml)
                    .required(required),
            )
            .add_source(env)
            .build()
            .with_context(|| format!("reading configuration (file {})", path.display()))?;
        let settings: Settings = raw.try_deserialize().context("invalid configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        extract::LanguageId::new(&self.crawl.languages).context("crawl.languages")?;
        anyhow::ensure!(
            (0.0..=3600.0).contains(&self.crawl.min_delay_secs),
            "crawl.min_delay_secs must be between 0 and 3600"
        );
        anyhow::ensure!(
            (1..=16).contains(&self.crawl.max_per_host_concurrency),
            "crawl.max_per_host_concurrency must be between 1 and 16"
        );
        anyhow::ensure!(
            (2..=3600).contains(&self.crawl.frontier_lease_secs),
            "crawl.frontier_lease_secs must be between 2 and 3600"
        );
        anyhow::ensure!(
            self.crawl.assist_crawls <= 64,
            "crawl.assist_crawls must be at most 64"
        );
        store::BackendKind::from_url(&self.database_url)?;
        anyhow::ensure!(
            self.workers.concurrency >= 1,
            "workers.concurrency must be at least 1"
        );
        anyhow::ensure!(
            self.workers.heartbeat_secs >= 1,
            "workers.heartbeat_secs must be at least 1"
        );
        anyhow::ensure!(
            self.auth.token_ttl_hours >= 1,
            "auth.token_ttl_hours must be at least 1"
        );
        self.rate_limits.validate().map_err(anyhow::Error::msg)?;
        web::client_addr::TrustedProxies::parse(&self.http.trusted_proxies).map_err(anyhow::Error::msg)?;
        self.cache.validate().map_err(anyhow::Error::msg)?;
        anyhow::ensure!(
            matches!(self.log.format.as_str(), "pretty" | "json"),
            "log.format must be `pretty` or `json`"
        );
        Ok(())
    }

    pub fn uses_development_secret(&self) -> bool {
        self.secret_key.expose_secret() == DEVELOPMENT_SECRET
    }

    /// The server must not sign tokens with a well-known key unless it is a demo.
    pub fn check_secret(&self, demo: bool) -> anyhow::Result<()> {
        if demo {
            return Ok(());
        }
        anyhow::ensure!(
            !self.uses_development_secret(),
            "refusing to start with the built-in development secret key: set OBSERVATORY_SECRET_KEY \
             (at least {MIN_SECRET_LEN} characters), or run a demo with `serve --demo`"
        );
        anyhow::ensure!(
            self.secret_key.expose_secret().len() >= MIN_SECRET_LEN,
            "OBSERVATORY_SECRET_KEY must be at least {MIN_SECRET_LEN} characters"
        );
        Ok(())
    }

    pub fn store_options(&self) -> store::StoreOptions {
        store::StoreOptions {
            max_connections: self.database.max_connections,
            acquire_timeout: Duration::from_secs(self.database.acquire_timeout_secs),
            busy_timeout: Duration::from_secs(self.database.busy_timeout_secs),
            slow_query: Duration::from_millis(self.database.slow_query_ms),
            log_statements: self.database.log_statements,
        }
    }

    /// The search engines configured here.
    pub fn engines(&self) -> anyhow::Result<search::Engines> {
        Ok(search::Engines::from_settings(&self.search)?)
    }

    pub fn worker_options(&self) -> jobs::WorkerOptions {
        jobs::WorkerOptions {
            queues: self.workers.queues.clone(),
            concurrency: self.workers.concurrency,
            poll_interval: Duration::from_millis(self.workers.poll_interval_ms),
            heartbeat_interval: Duration::from_secs(self.workers.heartbeat_secs),
            missed_heartbeats: self.workers.missed_heartbeats,
            // The process that starts the workers decides whom they tell.
            cache: cache::Cache::disabled(),
        }
    }

    pub fn web_config(&self) -> web::WebConfig {
        web::WebConfig {
            secret_key: self.secret_key.clone(),
            token_ttl: Duration::from_secs(self.auth.token_ttl_hours * 3600),
            secure_cookies: self.auth.secure_cookies,
            cors_allowed_origins: self.http.cors_allowed_origins.clone(),
            request_timeout: Duration::from_secs(self.http.request_timeout_secs),
            body_limit_bytes: self.http.body_limit_bytes,
            login_window: Duration::from_secs(self.auth.login_window_secs),
            login_max_failures_per_user: self.auth.max_failures_per_user,
            login_max_failures_per_ip: self.auth.max_failures_per_ip,
            rate_limits: self.rate_limits.clone(),
            auto_login: None,
            // Checked when the settings were loaded.
            trusted_proxies: web::client_addr::TrustedProxies::parse(&self.http.trusted_proxies)
                .unwrap_or_default(),
        }
    }

    /// The effective configuration as TOML, with secrets and URL passwords redacted.
    pub fn redacted_toml(&self) -> anyhow::Result<String> {
        #[derive(Serialize)]
        struct View<'a> {
            database_url: String,
            redis_url: Option<String>,
            redis_key_prefix: &'a str,
            bind: &'a str,
            secret_key: &'static str,
            database: &'a DatabaseSettings,
            auth: &'a AuthSettings,
            http: &'a HttpSettings,
            workers: &'a WorkerSettings,
            log: &'a LogSettings,
            search: serde_json::Value,
            crawl: &'a CrawlSettings,
            rate_limits: &'a web::ratelimit::RateLimits,
            cache: &'a cache::CacheSettings,
        }
        let view = View {
            database_url: store::redact_url(&self.database_url),
            redis_url: self
                .redis_url
                .as_ref()
                .map(|u| store::redact_url(u.expose_secret())),
            redis_key_prefix: &self.redis_key_prefix,
            bind: &self.bind,
            secret_key: if self.uses_development_secret() {
                "<built-in development secret: demo mode only>"
            } else {
                "<redacted>"
            },
            database: &self.database,
            auth: &self.auth,
            http: &self.http,
            workers: &self.workers,
            log: &self.log,
            search: self.search.redacted(),
            crawl: &self.crawl,
            rate_limits: &self.rate_limits,
            cache: &self.cache,
        };
        Ok(toml::to_string_pretty(&view)?)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Write;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Option<HashMap<String, String>> {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_need_no_file_and_no_service() {
        let s = Settings::load_with_env(None, env(&[])).unwrap();
        assert_eq!(s.database_url, "sqlite://observatory.db");
        assert_eq!(s.bind, "127.0.0.1:8000");
        assert!(s.redis_url.is_none());
        assert!(s.uses_development_secret());
        assert!(s.check_secret(false).is_err());
        assert!(s.check_secret(true).is_ok());
    }

    #[test]
    fn the_host_politeness_floor_defaults_to_one_second_and_two_at_once() {
        let s = Settings::load_with_env(None, env(&[])).unwrap();
        assert_eq!(s.crawl.crawler().host_floor, crawl::HostFloor::DEFAULT);
        let lowered =
            Settings::load_with_env(None, env(&[("OBSERVATORY_CRAWL__MIN_DELAY_SECS", "0")])).unwrap();
        assert_eq!(lowered.crawl.crawler().host_floor.min_delay, Duration::ZERO);
        for (key, value) in [
            ("OBSERVATORY_CRAWL__MIN_DELAY_SECS", "-1"),
            ("OBSERVATORY_CRAWL__MAX_PER_HOST_CONCURRENCY", "0"),
        ] {
            let refused = Settings::load_with_env(None, env(&[(key, value)])).unwrap_err();
            assert!(format!("{refused:#}").contains("crawl."), "{refused:#}");
        }
    }

    #[test]
    fn file_overrides_defaults_and_environment_overrides_file() {
        let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        writeln!(
            file,
            "bind = \"0.0.0.0:9000\"\nredis_url = \"redis://127.0.0.1:6379\"\n[workers]\nconcurrency = 2\nqueues = [\"crawl\"]"
        )
        .unwrap();
        let s = Settings::load_with_env(
            Some(file.path()),
            env(&[
                ("OBSERVATORY_WORKERS__CONCURRENCY", "7"),
                ("OBSERVATORY_DATABASE_URL", "postgres://u:pw@db/obs"),
                ("OBSERVATORY_SECRET_KEY", "0123456789abcdef0123456789abcdef"),
                (
                    "OBSERVATORY_HTTP__CORS_ALLOWED_ORIGINS",
                    "https://a.example,https://b.example",
                ),
                ("UNRELATED", "x"),
                ("OBSERVATORY_SEARCH__SERPER__API_KEY", "serper-secret-key"),
                ("OBSERVATORY_SEARCH__SERPER__BASE_URL", "http://127.0.0.1:9999"),
                ("OBSERVATORY_SEARCH__GOOGLE_CSE__CX", "cx-id"),
            ]),
        )
        .unwrap();
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.workers.concurrency, 7);
        assert_eq!(s.workers.queues, vec![Queue::Crawl]);
        assert_eq!(s.database_url, "postgres://u:pw@db/obs");
        assert_eq!(
            s.http.cors_allowed_origins,
            ["https://a.example", "https://b.example"]
        );
        assert!(s.check_secret(false).is_ok());

        let printed = s.redacted_toml().unwrap();
        assert!(!printed.contains("pw@"), "{printed}");
        assert!(!printed.contains("0123456789abcdef"), "{printed}");
        assert!(printed.contains("postgres://u:***@db/obs"), "{printed}");
        assert!(!printed.contains("serper-secret-key"), "{printed}");
        assert_eq!(s.search.serper.base_url.as_deref(), Some("http://127.0.0.1:9999"));
        assert_eq!(s.search.google_cse.cx.as_deref(), Some("cx-id"));
        let engines = s.engines().unwrap();
        assert!(engines.client(search::EngineKind::Serper).is_ok());
        assert!(engines.client(search::EngineKind::Brave).is_err());
    }

    #[test]
    fn one_field_of_a_section_merges_with_that_section_s_defaults() {
        let s = Settings::load_with_env(
            None,
            env(&[
                ("OBSERVATORY_SEARCH__SERPER__API_KEY", "k"),
                ("OBSERVATORY_RATE_LIMITS__GENERAL__LIMIT", "250"),
                ("OBSERVATORY_CACHE__ENABLED", "false"),
            ]),
        )
        .unwrap();
        let defaults = Settings::default();
        assert_eq!(
            s.search.serper.requests_per_second, defaults.search.serper.requests_per_second,
            "Serper keeps its documented rate"
        );
        assert_eq!(s.search.serper.requests_per_second, 5.0);
        assert_eq!(s.rate_limits.general.limit, 250);
        assert_eq!(
            s.rate_limits.general.period_secs,
            defaults.rate_limits.general.period_secs
        );
        assert_eq!(s.rate_limits.search, defaults.rate_limits.search);

        let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        writeln!(
            file,
            "[search.brave]\napi_key = \"b\"\n[rate_limits.scrape]\nlimit = 9"
        )
        .unwrap();
        let s = Settings::load_with_env(Some(file.path()), env(&[])).unwrap();
        assert_eq!(
            s.search.brave.requests_per_second,
            defaults.search.brave.requests_per_second
        );
        assert_eq!(s.rate_limits.scrape.limit, 9);
        assert_eq!(
            s.rate_limits.scrape.period_secs,
            defaults.rate_limits.scrape.period_secs
        );
        assert_eq!(s.secret_key.expose_secret(), DEVELOPMENT_SECRET);
        assert!(s.redis_url.is_none());
    }

    #[test]
    fn credentials_in_engine_urls_are_redacted_when_printed() {
        let s = Settings::load_with_env(
            None,
            env(&[(
                "OBSERVATORY_SEARCH__SEARXNG__BASE_URL",
                "http://lab:hunter2@searx.lab/",
            )]),
        )
        .unwrap();
        let printed = s.redacted_toml().unwrap();
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("http://lab:***@searx.lab/"), "{printed}");
    }

    #[test]
    fn bad_values_are_reported() {
        let bad = |k: &str, v: &str| {
            Settings::load_with_env(None, env(&[(k, v)]))
                .unwrap_err()
                .to_string()
        };
        assert!(bad("OBSERVATORY_DATABASE_URL", "mysql://x").contains("unsupported database URL"));
        assert!(bad("OBSERVATORY_WORKERS__QUEUES", "crawl,mail").contains("configuration"));
        assert!(bad("OBSERVATORY_WORKERS__CONCURRENCY", "0").contains("concurrency"));
        assert!(bad("OBSERVATORY_HTTP__TRUSTED_PROXIES", "10.0.0.0/8,proxy.lab").contains("proxy.lab"));
        let proxies = Settings::load_with_env(
            None,
            env(&[("OBSERVATORY_HTTP__TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8")]),
        )
        .unwrap();
        assert_eq!(proxies.http.trusted_proxies, ["127.0.0.1", "10.0.0.0/8"]);
        assert!(Settings::load_with_env(Some(Path::new("/nonexistent/observatory.toml")), env(&[])).is_err());
        let short = Settings::load_with_env(None, env(&[("OBSERVATORY_SECRET_KEY", "short")])).unwrap();
        assert!(short.check_secret(false).unwrap_err().to_string().contains("32"));
    }
}

//! Engine configuration (`[search.<engine>]`) and the set of engines this process can use.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::{EngineClient, RequestSpacing, RetryPolicy};
use crate::engine::{Engine, EngineKind, Limits};
use crate::engines::{Brave, GoogleCse, Searxng, Serpapi, Serper};

/// Serialized only as the defaults layer of the configuration, so API keys are skipped.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchSettings {
    /// Language used when a session names none (ISO 639-1, e.g. `da`); none = engine default.
    pub default_language: Option<String>,
    /// Country used when a session names none (ISO 3166-1 alpha-2, e.g. `dk`).
    pub default_country: Option<String>,
    pub timeout_secs: u64,
    /// Queries of one session that run side by side (each engine's request spacing still holds).
    pub query_concurrency: usize,
    pub max_retries: u32,
    /// Longest `Retry-After` we wait for before failing the query.
    pub max_retry_after_secs: u64,
    pub serper: EngineSettings,
    pub serpapi: EngineSettings,
    pub google_cse: GoogleCseSettings,
    pub brave: EngineSettings,
    pub searxng: EngineSettings,
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            default_language: None,
            default_country: None,
            timeout_secs: 30,
            query_concurrency: 4,
            max_retries: 3,
            max_retry_after_secs: 120,
            serper: EngineSettings::with_rate(5.0),
            serpapi: EngineSettings::with_rate(1.0),
            google_cse: GoogleCseSettings::default(),
            brave: EngineSettings::with_rate(1.0),
            searxng: EngineSettings::with_rate(1.0),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineSettings {
    /// Scheme, host and optional path prefix; the engine's own path is appended.
    pub base_url: Option<String>,
    #[serde(skip_serializing)]
    pub api_key: Option<SecretString>,
    /// Requests per second this process sends with this key.
    pub requests_per_second: f64,
}

impl EngineSettings {
    fn with_rate(requests_per_second: f64) -> Self {
        Self {
            base_url: None,
            api_key: None,
            requests_per_second,
        }
    }
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self::with_rate(1.0)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct GoogleCseSettings {
    pub base_url: Option<String>,
    #[serde(skip_serializing)]
    pub api_key: Option<SecretString>,
    /// The Programmable Search Engine id.
    pub cx: Option<String>,
    pub requests_per_second: f64,
}

impl Default for GoogleCseSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            cx: None,
            requests_per_second: 1.0,
        }
    }
}

impl SearchSettings {
    /// The settings for printing: keys show only whether they are set.
    pub fn redacted(&self) -> serde_json::Value {
        fn engine(base_url: &Option<String>, key: Option<&SecretString>, rate: f64) -> serde_json::Value {
            let mut m = serde_json::Map::new();
            if let Some(u) = base_url {
                m.insert("base_url".into(), store::redact_url(u).into());
            }
            if let Some(k) = key {
                let shown = if k.expose_secret().is_empty() {
                    "<empty>"
                } else {
                    "<redacted>"
                };
                m.insert("api_key".into(), shown.into());
            }
            m.insert("requests_per_second".into(), rate.into());
            m.into()
        }
        let mut m = serde_json::Map::new();
        if let Some(l) = &self.default_language {
            m.insert("default_language".into(), l.clone().into());
        }
        if let Some(c) = &self.default_country {
            m.insert("default_country".into(), c.clone().into());
        }
        m.insert("timeout_secs".into(), self.timeout_secs.into());
        m.insert("max_retries".into(), self.max_retries.into());
        m.insert("query_concurrency".into(), self.query_concurrency.into());
        m.insert("max_retry_after_secs".into(), self.max_retry_after_secs.into());
        for (name, s) in [
            ("serper", &self.serper),
            ("serpapi", &self.serpapi),
            ("brave", &self.brave),
            ("searxng", &self.searxng),
        ] {
            m.insert(
                name.into(),
                engine(&s.base_url, s.api_key.as_ref(), s.requests_per_second),
            );
        }
        let g = &self.google_cse;
        let mut google = engine(&g.base_url, g.api_key.as_ref(), g.requests_per_second);
        if let (Some(cx), Some(obj)) = (&g.cx, google.as_object_mut()) {
            obj.insert("cx".into(), cx.clone().into());
        }
        m.insert("google_cse".into(), google);
        m.into()
    }
}

/// What the API shows about one engine.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EngineInfo {
    pub engine: EngineKind,
    pub label: &'static str,
    pub configured: bool,
    /// What is missing when not configured.
    pub missing: Option<String>,
    pub limits: Option<Limits>,
    pub note: Option<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("search.{engine}.base_url `{url}` is not a valid http(s) URL")]
    BadBaseUrl { engine: EngineKind, url: String },
    #[error("could not build the HTTP client: {0}")]
    Client(String),
}

/// The engines this process can run, with their shared transport.
#[derive(Debug, Default, Clone)]
pub struct Engines {
    clients: BTreeMap<&'static str, Arc<EngineClient>>,
    missing: BTreeMap<&'static str, String>,
    pub default_language: Option<String>,
    pub default_country: Option<String>,
    pub query_concurrency: usize,
}

fn endpoint(
    engine: EngineKind,
    base: Option<&str>,
    default: Option<&str>,
    path: &str,
) -> Result<Option<Url>, ConfigError> {
    let Some(base) = base.or(default) else {
        return Ok(None);
    };
    let bad = || ConfigError::BadBaseUrl {
        engine,
        url: store::redact_url(base),
    };
    let mut url = Url::parse(base).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad());
    }
    let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url.set_query(None);
    Ok(Some(url))
}

impl Engines {
    pub fn from_settings(settings: &SearchSettings) -> Result<Self, ConfigError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("IssueObservatory/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Client(e.to_string()))?;
        let retry = RetryPolicy {
            max_retries: settings.max_retries,
            max_retry_after: Duration::from_secs(settings.max_retry_after_secs),
            ..RetryPolicy::default()
        };
        let mut engines = Engines {
            default_language: settings.default_language.clone(),
            default_country: settings.default_country.clone(),
            query_concurrency: settings.query_concurrency.max(1),
            ..Engines::default()
        };
        let key = |s: &EngineSettings| s.api_key.clone().filter(|k| !k.expose_secret().trim().is_empty());

        let mut add = |kind: EngineKind, engine: Result<Arc<dyn Engine>, String>, rate: f64| match engine {
            Ok(engine) => {
                engines.clients.insert(
                    kind.as_str(),
                    Arc::new(EngineClient::new(
                        engine,
                        http.clone(),
                        RequestSpacing::per_second(rate),
                        retry.clone(),
                    )),
                );
            }
            Err(missing) => {
                engines.missing.insert(kind.as_str(), missing);
            }
        };
        let env = |kind: EngineKind, field: &str| {
            format!(
                "set search.{kind}.{field} (OBSERVATORY_SEARCH__{}__{})",
                kind.as_str().to_ascii_uppercase(),
                field.to_ascii_uppercase()
            )
        };

        let s = &settings.serper;
        let url = endpoint(
            EngineKind::Serper,
            s.base_url.as_deref(),
            Some(Serper::DEFAULT_BASE_URL),
            "/search",
        )?;
        add(
            EngineKind::Serper,
            match (url, key(s)) {
                (Some(endpoint), Some(api_key)) => Ok(Arc::new(Serper { endpoint, api_key })),
                _ => Err(env(EngineKind::Serper, "api_key")),
            },
            s.requests_per_second,
        );

        let s = &settings.serpapi;
        let url = endpoint(
            EngineKind::Serpapi,
            s.base_url.as_deref(),
            Some(Serpapi::DEFAULT_BASE_URL),
            "/search.json",
        )?;
        add(
            EngineKind::Serpapi,
            match (url, key(s)) {
                (Some(endpoint), Some(api_key)) => Ok(Arc::new(Serpapi { endpoint, api_key })),
                _ => Err(env(EngineKind::Serpapi, "api_key")),
            },
            s.requests_per_second,
        );

        let s = &settings.google_cse;
        let url = endpoint(
            EngineKind::GoogleCse,
            s.base_url.as_deref(),
            Some(GoogleCse::DEFAULT_BASE_URL),
            "/customsearch/v1",
        )?;
        add(
            EngineKind::GoogleCse,
            match (
                url,
                s.api_key.clone().filter(|k| !k.expose_secret().trim().is_empty()),
                s.cx.clone().filter(|c| !c.trim().is_empty()),
            ) {
                (Some(endpoint), Some(api_key), Some(cx)) => Ok(Arc::new(GoogleCse {
                    endpoint,
                    api_key,
                    cx,
                })),
                (_, None, _) => Err(env(EngineKind::GoogleCse, "api_key")),
                _ => Err(env(EngineKind::GoogleCse, "cx")),
            },
            s.requests_per_second,
        );

        let s = &settings.brave;
        let url = endpoint(
            EngineKind::Brave,
            s.base_url.as_deref(),
            Some(Brave::DEFAULT_BASE_URL),
            "/res/v1/web/search",
        )?;
        add(
            EngineKind::Brave,
            match (url, key(s)) {
                (Some(endpoint), Some(api_key)) => Ok(Arc::new(Brave { endpoint, api_key })),
                _ => Err(env(EngineKind::Brave, "api_key")),
            },
            s.requests_per_second,
        );

        let s = &settings.searxng;
        let url = endpoint(EngineKind::Searxng, s.base_url.as_deref(), None, "/search")?;
        add(
            EngineKind::Searxng,
            match url {
                Some(endpoint) => Ok(Arc::new(Searxng { endpoint })),
                None => Err(env(EngineKind::Searxng, "base_url")),
            },
            s.requests_per_second,
        );
        Ok(engines)
    }

    /// The client for `kind`, or what configuration it lacks.
    /// Every engine's request rate becomes a quota in `limiter` (Redis: shared by all API and
    /// worker processes) instead of a spacing within this process.
    pub fn share_quotas(&self, limiter: Arc<dyn ratelimit::RateLimiter>) {
        for client in self.clients.values() {
            client.share_quota(limiter.clone());
        }
    }

    pub fn client(&self, kind: EngineKind) -> Result<&Arc<EngineClient>, String> {
        self.clients.get(kind.as_str()).ok_or_else(|| {
            let missing = self
                .missing
                .get(kind.as_str())
                .cloned()
                .unwrap_or_else(|| "it cannot run queries".into());
            format!("engine `{kind}` is not configured: {missing}")
        })
    }

    pub fn describe(&self) -> Vec<EngineInfo> {
        EngineKind::ALL
            .into_iter()
            .map(|kind| {
                let client = self.clients.get(kind.as_str());
                EngineInfo {
                    engine: kind,
                    label: kind.label(),
                    configured: kind == EngineKind::Manual || client.is_some(),
                    missing: self.missing.get(kind.as_str()).cloned(),
                    limits: client.map(|c| c.engine().limits()),
                    note: match kind {
                        EngineKind::GoogleCse => Some(
                            "Google closed the Custom Search JSON API to new customers and ends it on 1 January 2027.",
                        ),
                        EngineKind::Searxng => Some("Self-hosted; the instance must enable the JSON format."),
                        EngineKind::Manual => Some("No engine: the URLs you paste or upload are the results."),
                        _ => None,
                    },
                }
            })
            .collect()
    }
}

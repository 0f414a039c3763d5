//! The engine contract. An engine only describes its HTTP calls and parses its answers;
//! transport, retries, rate limits and paging are shared (see [`crate::client`]).

use std::fmt;

use chrono::NaiveDate;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    Serper,
    Serpapi,
    GoogleCse,
    Brave,
    Searxng,
    /// A pasted or uploaded URL list: no engine is asked.
    Manual,
}

impl EngineKind {
    pub const ALL: [EngineKind; 6] = [
        EngineKind::Serper,
        EngineKind::Serpapi,
        EngineKind::GoogleCse,
        EngineKind::Brave,
        EngineKind::Searxng,
        EngineKind::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Serper => "serper",
            EngineKind::Serpapi => "serpapi",
            EngineKind::GoogleCse => "google_cse",
            EngineKind::Brave => "brave",
            EngineKind::Searxng => "searxng",
            EngineKind::Manual => "manual",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EngineKind::Serper => "Serper",
            EngineKind::Serpapi => "SerpApi",
            EngineKind::GoogleCse => "Google Custom Search",
            EngineKind::Brave => "Brave Search",
            EngineKind::Searxng => "SearXNG",
            EngineKind::Manual => "Manual URL list",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EngineKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EngineKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown engine `{s}` (expected serper, serpapi, google_cse, brave, searxng or manual)"
                )
            })
    }
}

/// One query as an engine must run it: the session's parameters with per-query overrides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryParams {
    pub text: String,
    pub max_results: u32,
    pub language: Option<String>,
    pub country: Option<String>,
    pub location: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

impl QueryParams {
    /// Both ends of the date range, when one was asked for (validation fills the end).
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        match (self.date_from, self.date_to) {
            (Some(from), Some(to)) => Some((from, to)),
            _ => None,
        }
    }
}

/// A parameter the engine cannot honour; the session is refused (422) rather than run
/// with the parameter silently ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub field: &'static str,
    pub message: String,
}

/// How far an engine can page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Limits {
    /// Results asked for per request.
    pub page_size: u32,
    /// The most results the engine returns for one query, when it has a hard ceiling.
    pub max_results: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A request to an engine. Secrets are kept apart so provenance can record the request
/// without them.
#[derive(Debug, Clone)]
pub struct HttpCall {
    pub method: Method,
    pub url: Url,
    pub query: Vec<(&'static str, String)>,
    pub secret_query: Vec<(&'static str, SecretString)>,
    pub headers: Vec<(&'static str, String)>,
    pub secret_headers: Vec<(&'static str, SecretString)>,
    pub json: Option<Value>,
}

impl HttpCall {
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            query: Vec::new(),
            secret_query: Vec::new(),
            headers: Vec::new(),
            secret_headers: Vec::new(),
            json: None,
        }
    }

    pub fn param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    pub fn param_opt(self, name: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }

    /// The request as recorded for provenance: method, URL with parameters, body.
    /// Secret parameters appear as `***`; secret headers are not listed.
    pub fn redacted(&self) -> Value {
        let mut url = self.url.clone();
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &self.query {
                pairs.append_pair(k, v);
            }
            for (k, _) in &self.secret_query {
                pairs.append_pair(k, "***");
            }
        }
        serde_json::json!({
            "method": match self.method { Method::Get => "GET", Method::Post => "POST" },
            // Credentials in a configured base URL (`http://user:pass@searx/`) are secrets too.
            "url": store::redact_url(url.as_str()),
            "body": self.json,
        })
    }

    /// The full URL with secrets, for sending only.
    pub(crate) fn url_with_secrets(&self) -> Url {
        let mut url = self.url.clone();
        if !self.query.is_empty() || !self.secret_query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &self.query {
                pairs.append_pair(k, v);
            }
            for (k, v) in &self.secret_query {
                pairs.append_pair(k, v.expose_secret());
            }
        }
        url
    }
}

/// One organic result as the engine gave it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hit {
    pub url: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
    /// The date the engine shows for the result, verbatim (formats differ by engine).
    pub date: Option<String>,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EngineError {
    #[error("{engine} rejected the credentials (HTTP {status}): {message}")]
    Auth {
        engine: EngineKind,
        status: u16,
        message: String,
    },
    #[error("{engine} quota or plan limit reached (HTTP {status}): {message}")]
    Quota {
        engine: EngineKind,
        status: u16,
        message: String,
    },
    #[error("{engine} is rate limiting us (HTTP 429){}", retry_hint(*.retry_after_secs))]
    RateLimited {
        engine: EngineKind,
        retry_after_secs: Option<u64>,
    },
    #[error("{engine} failed with HTTP {status}: {message}")]
    Server {
        engine: EngineKind,
        status: u16,
        message: String,
    },
    #[error("{engine} refused the request (HTTP {status}): {message}")]
    Rejected {
        engine: EngineKind,
        status: u16,
        message: String,
    },
    #[error(
        "this SearXNG instance does not serve JSON (HTTP 403): its operator must add `json` to `search.formats` in settings.yml"
    )]
    JsonDisabled,
    #[error("{engine} did not answer in time")]
    Timeout { engine: EngineKind },
    #[error("could not reach {engine}: {message}")]
    Transport { engine: EngineKind, message: String },
    #[error("{engine} sent a response we cannot read: {message}")]
    BadResponse { engine: EngineKind, message: String },
}

fn retry_hint(secs: Option<u64>) -> String {
    match secs {
        Some(s) => format!("; it asks us to wait {s} s"),
        None => String::new(),
    }
}

impl EngineError {
    /// Worth another attempt after a pause.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            EngineError::RateLimited { .. }
                | EngineError::Server { .. }
                | EngineError::Timeout { .. }
                | EngineError::Transport { .. }
        )
    }
}

/// A search engine's request shape and response format.
pub trait Engine: Send + Sync + 'static {
    fn kind(&self) -> EngineKind;
    fn limits(&self) -> Limits;
    /// Refuses parameters the engine cannot honour.
    fn check(&self, params: &QueryParams) -> Result<(), Unsupported>;
    /// The request for page `page` (0-based) of `params`, each page `limits().page_size` long.
    fn page_call(&self, params: &QueryParams, page: u32) -> HttpCall;
    /// The organic results of one page, in engine order.
    fn parse(&self, body: &[u8]) -> Result<Vec<Hit>, EngineError>;
    /// Maps an unsuccessful HTTP status to an error; engines override for their quirks.
    fn classify(&self, status: u16, body: &[u8]) -> EngineError {
        classify_status(self.kind(), status, body)
    }
}

/// The common reading of HTTP failures.
pub fn classify_status(engine: EngineKind, status: u16, body: &[u8]) -> EngineError {
    let message = error_message(body);
    match status {
        401 | 403 => EngineError::Auth {
            engine,
            status,
            message,
        },
        402 => EngineError::Quota {
            engine,
            status,
            message,
        },
        429 => EngineError::RateLimited {
            engine,
            retry_after_secs: None,
        },
        500..=599 => EngineError::Server {
            engine,
            status,
            message,
        },
        _ => EngineError::Rejected {
            engine,
            status,
            message,
        },
    }
}

/// The most readable message in an error body: `message`, `error` or `error.message`
/// from JSON, else the start of the text.
pub fn error_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        let candidates = [
            v.get("message"),
            v.get("error").and_then(|e| e.get("message")),
            v.get("error"),
            v.get("detail"),
        ];
        for c in candidates.into_iter().flatten() {
            if let Some(s) = c.as_str() {
                return clip(s);
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "no details given".into()
    } else {
        clip(text)
    }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(300).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Reads a JSON body, naming the engine when it is not JSON.
pub(crate) fn json_body(engine: EngineKind, body: &[u8]) -> Result<Value, EngineError> {
    serde_json::from_slice(body).map_err(|e| EngineError::BadResponse {
        engine,
        message: format!("invalid JSON ({e})"),
    })
}

/// A string field, absent when missing, null or blank.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The entries of an array field; a missing or null field is an empty page.
pub(crate) fn entries<'a>(
    engine: EngineKind,
    v: &'a Value,
    path: &[&str],
) -> Result<&'a [Value], EngineError> {
    let mut cur = v;
    for key in path {
        match cur.get(key) {
            None | Some(Value::Null) => return Ok(&[]),
            Some(next) => cur = next,
        }
    }
    cur.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| EngineError::BadResponse {
            engine,
            message: format!("`{}` is not a list", path.join(".")),
        })
}

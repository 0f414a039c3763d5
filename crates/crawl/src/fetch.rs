//! One polite, guarded HTTP fetch: our own user agent, the SSRF guard on every hop,
//! redirects followed by hand (≤ `max_redirects`, each recorded), a body cap, non-HTML
//! bodies not downloaded, and retries with exponential backoff on transient failures.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, LOCATION, USER_AGENT};
use url::{Host, Url};

use crate::ssrf::{AddressPolicy, GuardedResolver, RefusedAddress};

#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Sent as `User-Agent` and matched against robots.txt.
    pub user_agent: String,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    /// Attempts after the first on timeouts, connection errors, 429 and 5xx.
    pub retries: u32,
    pub retry_base: Duration,
    pub policy: Arc<AddressPolicy>,
}

impl FetchConfig {
    pub fn new(user_agent: impl Into<String>) -> Self {
        Self {
            user_agent: user_agent.into(),
            timeout: Duration::from_secs(20),
            max_body_bytes: 5 * 1024 * 1024,
            max_redirects: 10,
            retries: 2,
            retry_base: Duration::from_millis(500),
            policy: Arc::new(AddressPolicy::default()),
        }
    }
}

/// The default user agent: product, version and where to learn about the crawl.
pub fn user_agent(contact_url: &str) -> String {
    format!("IssueObservatory/{} (+{contact_url})", env!("CARGO_PKG_VERSION"))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub requested: Url,
    /// Where the redirects ended.
    pub final_url: Url,
    /// Every hop after the first, in order.
    pub redirects: Vec<String>,
    pub status: u16,
    pub content_type: Option<String>,
    /// The headers kept for provenance.
    pub headers: Vec<(String, String)>,
    /// `None` when the content type is not HTML (not downloaded).
    pub body: Option<Vec<u8>>,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Refused(String),
    #[error("unsupported URL: {0}")]
    Unsupported(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("body larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("timed out")]
    Timeout,
    #[error("connection failed: {0}")]
    Transport(String),
}

impl FetchError {
    /// A short machine-readable reason, as stored with a failed page.
    pub fn reason(&self) -> &'static str {
        match self {
            FetchError::Refused(_) => "refused_address",
            FetchError::Unsupported(_) => "unsupported_url",
            FetchError::TooManyRedirects(_) => "too_many_redirects",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::Timeout => "timeout",
            FetchError::Transport(_) => "connection",
        }
    }

    fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout | FetchError::Transport(_))
    }
}

/// Whether a `Content-Type` names an HTML document (absent counts as HTML: sniffed later).
pub fn is_html(content_type: Option<&str>) -> bool {
    match content_type {
        None => true,
        Some(ct) => {
            let essence = ct
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            matches!(essence.as_str(), "text/html" | "application/xhtml+xml" | "")
        }
    }
}

const KEPT_HEADERS: [&str; 6] = [
    "content-type",
    "content-language",
    "last-modified",
    "etag",
    "x-robots-tag",
    "content-length",
];

pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver::new(config.policy.clone())))
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .no_proxy()
            .build()
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        Ok(Self { client, config })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `url`, retrying transient failures. Only HTML bodies are downloaded.
    pub async fn fetch(&self, url: &Url) -> Result<Fetched, FetchError> {
        self.fetch_with(url, None).await
    }

    /// Fetches a small text resource (robots.txt) whatever its content type, up to `limit` bytes.
    pub async fn fetch_text(&self, url: &Url, limit: usize) -> Result<Fetched, FetchError> {
        self.fetch_with(url, Some(limit)).await
    }

    async fn fetch_with(&self, url: &Url, any_type_limit: Option<usize>) -> Result<Fetched, FetchError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.fetch_once(url, any_type_limit).await;
            let retry = match &outcome {
                Ok(f) => f.status == 429 || f.status >= 500,
                Err(e) => e.is_transient(),
            };
            if !retry || attempt > self.config.retries {
                return outcome.map(|mut f| {
                    f.attempts = attempt;
                    f
                });
            }
            let wait = self.config.retry_base.saturating_mul(1 << (attempt - 1).min(10));
            tokio::time::sleep(wait).await;
        }
    }

    async fn fetch_once(&self, start: &Url, any_type_limit: Option<usize>) -> Result<Fetched, FetchError> {
        let mut current = start.clone();
        let mut redirects = Vec::new();
        loop {
            self.check_url(&current)?;
            let response = self
                .client
                .get(current.clone())
                .header(USER_AGENT, &self.config.user_agent)
                .header(
                    reqwest::header::ACCEPT,
                    "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                )
                .send()
                .await
                .map_err(map_error)?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get(LOCATION).and_then(|v| v.to_str().ok())
            {
                if redirects.len() >= self.config.max_redirects {
                    return Err(FetchError::TooManyRedirects(self.config.max_redirects));
                }
                let next = current
                    .join(location.trim())
                    .map_err(|_| FetchError::Unsupported(format!("redirect to `{location}`")))?;
                redirects.push(next.to_string());
                current = next;
                continue;
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let headers = response
                .headers()
                .iter()
                .filter(|(k, _)| KEPT_HEADERS.contains(&k.as_str()))
                .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect();
            let body = match any_type_limit {
                Some(limit) => Some(read_body(response, limit).await?),
                None if is_html(content_type.as_deref()) => {
                    Some(read_body(response, self.config.max_body_bytes).await?)
                }
                None => None,
            };
            return Ok(Fetched {
                requested: start.clone(),
                final_url: current,
                redirects,
                status: status.as_u16(),
                content_type,
                headers,
                body,
                attempts: 1,
            });
        }
    }

    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Unsupported(format!(
                "scheme `{}` in {url}",
                url.scheme()
            )));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(FetchError::Unsupported(format!("no host in {url}"))),
        };
        if self.config.policy.permits(None, ip) {
            Ok(())
        } else {
            Err(FetchError::Refused(format!(
                "refused: {ip} is not a public address"
            )))
        }
    }
}

async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, FetchError> {
    {
        if response.content_length().is_some_and(|n| n as usize > limit) {
            return Err(FetchError::TooLarge { limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn map_error(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout;
    }
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<RefusedAddress>() {
            return FetchError::Refused(refused.to_string());
        }
        source = s.source();
    }
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    FetchError::Transport(message)
}

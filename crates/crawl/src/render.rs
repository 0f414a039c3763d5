//! JavaScript rendering in headless Chromium (Debian's `/usr/bin/chromium`, over CDP).
//!
//! Chromium never touches the network itself. Every request it makes is paused and
//! answered by us: the page's own document with the bytes the crawler already fetched,
//! scripts and data requests through the crawler's [`Fetcher`] (so the SSRF guard, the
//! user agent and the body cap apply to them too), and images, fonts, media and styles
//! refused outright because they add no text. Its own name resolution is switched off, so
//! nothing can slip past the interception.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::fetch::{
    EventRequestPaused, FailRequestParams, FulfillRequestParams, HeaderEntry,
};
use chromiumoxide::cdp::browser_protocol::network::{ErrorReason, ResourceType};
use chromiumoxide::cdp::browser_protocol::target::CloseTargetParams;
use chromiumoxide::page::Page;
use futures::StreamExt;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use url::Url;

use crate::fetch::Fetcher;

/// Subresource requests one page may make before further ones are refused.
const MAX_REQUESTS_PER_PAGE: usize = 60;
/// Quiet time (no request in flight) after load before the DOM is read.
const SETTLE: Duration = Duration::from_millis(300);

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "JavaScript rendering needs Chromium at {path} on the worker (Debian: `apt-get install chromium`): {reason}"
    )]
    Launch { path: PathBuf, reason: String },
    #[error("rendering timed out")]
    Timeout,
    #[error("rendering failed: {0}")]
    Browser(String),
}

impl RenderError {
    /// A short machine-readable reason, as stored with a page.
    pub fn reason(&self) -> &'static str {
        match self {
            RenderError::Launch { .. } => "render_unavailable",
            RenderError::Timeout => "render_timeout",
            RenderError::Browser(_) => "render_failed",
        }
    }
}

fn browser_error(e: impl std::fmt::Display) -> RenderError {
    RenderError::Browser(e.to_string())
}

/// The DOM after scripts ran.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    /// Subresource requests answered through the crawler's fetcher.
    pub requests: usize,
}

/// One headless Chromium for a scraping job; pages render in their own tabs side by side.
pub struct Renderer {
    browser: Browser,
    handler: JoinHandle<()>,
    fetcher: Arc<Fetcher>,
    tabs: Semaphore,
    timeout: Duration,
    // Dropped (deleted) after the browser has exited.
    _profile: tempfile::TempDir,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// Starts Chromium from `executable` with a throwaway profile.
    pub async fn launch(
        executable: &Path,
        fetcher: Arc<Fetcher>,
        tabs: usize,
        timeout: Duration,
    ) -> Result<Self, RenderError> {
        let launch_error = |reason: String| RenderError::Launch {
            path: executable.to_owned(),
            reason,
        };
        if !executable.is_file() {
            return Err(launch_error("no such file".into()));
        }
        let profile = tempfile::tempdir().map_err(|e| launch_error(e.to_string()))?;
        let config = BrowserConfig::builder()
            .chrome_executable(executable)
            .user_data_dir(profile.path())
            .new_headless_mode()
            .no_sandbox()
            .enable_request_intercept()
            .disable_cache()
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(timeout)
            .args([
                // Chromium resolves nothing itself: every request goes through interception.
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--disable-component-update",
                "--disable-domain-reliability",
                "--no-pings",
                "--no-default-browser-check",
                "--disable-gpu",
            ])
            .build()
            .map_err(launch_error)?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| launch_error(e.to_string()))?;
        let handler = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                if let Err(e) = event {
                    tracing::debug!(error = %e, "chromium event");
                }
            }
        });
        Ok(Self {
            browser,
            handler,
            fetcher,
            tabs: Semaphore::new(tabs.max(1)),
            timeout,
            _profile: profile,
        })
    }

    /// Loads `document` (already fetched from `url`) in a tab, lets its scripts run, and
    /// returns the resulting DOM.
    pub async fn render(
        &self,
        url: &Url,
        document: &[u8],
        content_type: Option<&str>,
    ) -> Result<Rendered, RenderError> {
        let _tab = self.tabs.acquire().await.map_err(browser_error)?;
        let page = self
            .browser
            .new_page("about:blank")
            .await
            .map_err(browser_error)?;
        let target = page.target_id().clone();
        let page = Arc::new(page);
        let outcome =
            tokio::time::timeout(self.timeout, self.render_in(&page, url, document, content_type)).await;
        // Requests still being answered hold the page; close the tab by its id.
        if let Err(e) = self.browser.execute(CloseTargetParams::new(target)).await {
            tracing::debug!(error = %e, "closing a rendering tab");
        }
        outcome.unwrap_or(Err(RenderError::Timeout))
    }

    async fn render_in(
        &self,
        page: &Arc<Page>,
        url: &Url,
        document: &[u8],
        content_type: Option<&str>,
    ) -> Result<Rendered, RenderError> {
        let paused = page
            .event_listener::<EventRequestPaused>()
            .await
            .map_err(browser_error)?;
        let traffic = Arc::new(Traffic::default());
        let interceptor = Interceptor {
            page: page.clone(),
            fetcher: self.fetcher.clone(),
            document_url: url.to_string(),
            document: Arc::new(document.to_vec()),
            content_type: content_type.unwrap_or("text/html").to_owned(),
            traffic: traffic.clone(),
        };
        let intercepting = tokio::spawn(interceptor.run(paused));
        let result = async {
            page.goto(url.as_str()).await.map_err(browser_error)?;
            // Let late scripts and data requests finish: wait for a quiet spell.
            let mut quiet = Duration::ZERO;
            while quiet < SETTLE {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if traffic.in_flight.load(Ordering::SeqCst) == 0 {
                    quiet += Duration::from_millis(50);
                } else {
                    quiet = Duration::ZERO;
                }
            }
            let html = page.content().await.map_err(browser_error)?;
            Ok(Rendered {
                html,
                requests: traffic.fetched.load(Ordering::SeqCst),
            })
        }
        .await;
        intercepting.abort();
        result
    }

    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        self.handler.abort();
    }
}

#[derive(Default)]
struct Traffic {
    in_flight: AtomicUsize,
    fetched: AtomicUsize,
    seen: AtomicUsize,
}

struct Interceptor {
    page: Arc<Page>,
    fetcher: Arc<Fetcher>,
    document_url: String,
    document: Arc<Vec<u8>>,
    content_type: String,
    traffic: Arc<Traffic>,
}

enum Answer {
    Fulfill {
        status: i64,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    Refuse(ErrorReason),
}

impl Interceptor {
    async fn run(self, mut paused: chromiumoxide::listeners::EventStream<EventRequestPaused>) {
        let this = Arc::new(self);
        while let Some(event) = paused.next().await {
            let this = this.clone();
            this.traffic.in_flight.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let answer = this.answer(&event).await;
                let request_id = event.request_id.clone();
                let sent = match answer {
                    Answer::Fulfill {
                        status,
                        content_type,
                        body,
                    } => {
                        let mut params = FulfillRequestParams::new(request_id, status);
                        params.response_headers =
                            content_type.map(|ct| vec![HeaderEntry::new("Content-Type", ct)]);
                        params.body = Some(BASE64.encode(body).into());
                        this.page.execute(params).await.map(|_| ())
                    }
                    Answer::Refuse(reason) => this
                        .page
                        .execute(FailRequestParams::new(request_id, reason))
                        .await
                        .map(|_| ()),
                };
                if let Err(e) = sent {
                    tracing::debug!(error = %e, "answering a paused request");
                }
                this.traffic.in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    async fn answer(&self, event: &EventRequestPaused) -> Answer {
        let request = &event.request;
        if event.resource_type == ResourceType::Document && request.url == self.document_url {
            return Answer::Fulfill {
                status: 200,
                content_type: Some(self.content_type.clone()),
                body: self.document.as_ref().clone(),
            };
        }
        if !fetches_text(&event.resource_type) || request.method != "GET" {
            return Answer::Refuse(ErrorReason::BlockedByClient);
        }
        if self.traffic.seen.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS_PER_PAGE {
            return Answer::Refuse(ErrorReason::BlockedByClient);
        }
        let Ok(url) = Url::parse(&request.url) else {
            return Answer::Refuse(ErrorReason::AddressUnreachable);
        };
        let limit = self.fetcher.config().max_body_bytes;
        match self.fetcher.fetch_text(&url, limit).await {
            Ok(fetched) => {
                self.traffic.fetched.fetch_add(1, Ordering::SeqCst);
                Answer::Fulfill {
                    status: i64::from(fetched.status),
                    content_type: fetched.content_type,
                    body: fetched.body.unwrap_or_default(),
                }
            }
            Err(crate::FetchError::Refused(_)) => Answer::Refuse(ErrorReason::AddressUnreachable),
            Err(crate::FetchError::Timeout) => Answer::Refuse(ErrorReason::TimedOut),
            Err(_) => Answer::Refuse(ErrorReason::Failed),
        }
    }
}

/// Requests that can bring text onto the page; everything else is refused unfetched.
fn fetches_text(kind: &ResourceType) -> bool {
    matches!(
        kind,
        ResourceType::Document | ResourceType::Script | ResourceType::Xhr | ResourceType::Fetch
    )
}

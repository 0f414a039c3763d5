//! A fixture web: many virtual hosts served from one loopback port, chosen by the `Host`
//! header, so crawled URLs look real (`http://site3.test:PORT/p/4`) once the crawler maps
//! the fixture hostnames to 127.0.0.1. Everything is generated deterministically.
//!
//! Hosts:
//! - `site0.test` … `site{N-1}.test`: sites of `pages_per_site` articles with boilerplate
//!   (navigation, cookie banner, footer, comments). Page `k` links to pages `2k+1` and
//!   `2k+2` of its site (a binary tree: depth 2 reaches 3 pages, depth 3 seven), to the
//!   next site's home, and to a PDF.
//! - `robots-disallow.test` (`Disallow: /private`), `robots-wildcard.test` (`/*.pdf$`,
//!   `Allow` inside a disallowed folder), `robots-delay.test` (`Crawl-delay: 2`),
//!   `robots-5xx.test` (robots.txt answers 503), `robots-missing.test` (404).
//! - `redirect.test`: `/start` → `/step` → `http://site0.test:PORT/p/0`; `/loop` loops;
//!   `/to-loopback` redirects to `http://127.0.0.1:PORT/`.
//! - `slow.test` (answers after 3 s), `failing.test` (500), `huge.test` (8 MiB of HTML),
//!   `binary.test` (`/doc.pdf`, `/img.png`, and binary junk labelled text/html).
//! - `latin1.test`: windows-1252 declared in the header; `nometa.test`: windows-1252 declared
//!   nowhere.
//! - `trap.test`: an infinite calendar, `/calendar/YYYY/MM` linking to the next month.
//! - `js.test`: an app shell whose article only exists after `/app.js` fetched
//!   `/article.json` and wrote it into the page; the script also tries
//!   `http://127.0.0.1:PORT/leak` and loads an image (see [`FixtureWeb::leak_hits`]).
#![forbid(unsafe_code)]

pub mod corpus;
pub mod own_server;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;

pub use pages::Site;

#[derive(Debug, Clone)]
pub struct FixtureConfig {
    pub sites: usize,
    pub pages_per_site: usize,
    /// Each response waits this long first, in milliseconds: `(lowest, highest)`, spread
    /// deterministically by host and path (a real server's think time and distance).
    pub latency_ms: (u64, u64),
    /// Article pages are padded to this many bytes, `(smallest, largest)`, spread
    /// deterministically by URL, with what makes real news pages heavy (inline scripts and
    /// data, styles, menus and teasers); `(0, 0)` leaves them at about 3 KB.
    pub page_bytes: (usize, usize),
}

impl FixtureConfig {
    /// Every hostname a fixture web of this configuration answers for, whatever its port.
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = (0..self.sites).map(|i| format!("site{i}.test")).collect();
        hosts.extend(pages::SPECIAL_HOSTS.iter().map(|h| (*h).to_owned()));
        hosts
    }
}

impl Default for FixtureConfig {
    fn default() -> Self {
        Self {
            sites: 8,
            pages_per_site: 31,
            latency_ms: (0, 0),
            page_bytes: (0, 0),
        }
    }
}

/// The running fixture web. Dropping it stops the server.
pub struct FixtureWeb {
    addr: SocketAddr,
    config: FixtureConfig,
    server: tokio::task::JoinHandle<()>,
    shared: Arc<Shared>,
}

impl Drop for FixtureWeb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub(crate) struct Shared {
    pub config: FixtureConfig,
    pub port: u16,
    /// Requests for `/leak` on any host: proof that something got past the crawler's guard.
    pub leaks: std::sync::atomic::AtomicUsize,
    /// Requests per `host/path`, to prove what was (not) fetched again.
    pub hits: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    /// Every request's host, path and arrival time, in arrival order: the gaps a host saw.
    pub arrivals: std::sync::Mutex<Vec<Arrival>>,
}

/// One request as the fixture web saw it arrive.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub host: String,
    pub path: String,
    pub at: std::time::Instant,
}

impl FixtureWeb {
    pub async fn start(config: FixtureConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: config.clone(),
            port: addr.port(),
            leaks: Default::default(),
            hits: Default::default(),
            arrivals: Default::default(),
        });
        let app = Router::new().fallback(route).with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            config,
            server,
            shared,
        })
    }

    /// Requests so far per `http://host:port/path` (query strings ignored).
    pub fn hits(&self) -> std::collections::HashMap<String, usize> {
        let hits = self.shared.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.iter()
            .map(|(key, n)| {
                let (host, path) = key.split_once('/').unwrap_or((key.as_str(), ""));
                (self.url(host, &format!("/{path}")), *n)
            })
            .collect()
    }

    /// Every request so far, in arrival order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.shared
            .arrivals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many requests for `/leak` arrived (the `js.test` page's script tries one at
    /// `http://127.0.0.1:PORT/leak`, which the crawler must refuse).
    pub fn leak_hits(&self) -> usize {
        self.shared.leaks.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://{host}:{port}{path}`.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port())
    }

    /// Every hostname the fixture web answers for (all resolve to [`FixtureWeb::addr`]).
    pub fn hosts(&self) -> Vec<String> {
        self.config.hosts()
    }

    pub fn config(&self) -> &FixtureConfig {
        &self.config
    }
}

async fn route(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or_default().to_ascii_lowercase())
        .unwrap_or_default();
    let path = request.uri().path().to_owned();
    shared
        .arrivals
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Arrival {
            host: host.clone(),
            path: path.clone(),
            at: std::time::Instant::now(),
        });
    *shared
        .hits
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(format!("{host}{path}"))
        .or_default() += 1;
    let (low, high) = shared.config.latency_ms;
    if high > 0 {
        let spread = high.saturating_sub(low) + 1;
        let wait = low + stable_hash(&format!("{host}{path}")) % spread;
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    }
    pages::respond(&shared, &host, &path).await
}

/// FNV-1a: the same latency and size for the same URL in every run.
pub(crate) fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

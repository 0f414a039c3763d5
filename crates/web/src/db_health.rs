//! Whether the database answers, known ahead of any request.
//!
//! When PostgreSQL stops, a request waits out the pool's acquire timeout (10 s) before it
//! fails, and so did readiness. A monitor probes the server every half second over a
//! connection of its own ([`store::Store::probe`]) with a short deadline; while the probe
//! fails, requests that need the database are answered 503 with `Retry-After` at once, and
//! requests already waiting on the pool are cut short the moment the outage is seen. The
//! first probe that succeeds again lets traffic through: recovery needs nobody.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use store::{BackendKind, Store};
use tokio::sync::watch;

use crate::error::AppError;
use crate::state::AppState;

/// How often the monitor probes.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(500);
/// How long one probe may take before it counts as a failure.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(700);
/// What a refused request is told to wait.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The database's reachability as the monitor last saw it; cheap to clone and read.
#[derive(Debug, Clone)]
pub struct DatabaseHealth {
    down: watch::Receiver<bool>,
    // Kept so the channel stays open for a health nobody monitors (tests, SQLite).
    _sender: Option<Arc<watch::Sender<bool>>>,
}

impl DatabaseHealth {
    /// Always up: the embedded database, or a process that does not monitor.
    pub fn always_up() -> Self {
        let (sender, down) = watch::channel(false);
        Self {
            down,
            _sender: Some(Arc::new(sender)),
        }
    }

    /// Starts the monitor for `store` (PostgreSQL only; SQLite has no server to lose) when
    /// called inside a Tokio runtime; it ends when every clone is dropped.
    pub fn monitor(store: Arc<dyn Store>) -> Self {
        if store.backend() == BackendKind::Sqlite || tokio::runtime::Handle::try_current().is_err() {
            return Self::always_up();
        }
        let (sender, down) = watch::channel(false);
        tokio::spawn(run_monitor(store, sender));
        Self { down, _sender: None }
    }

    pub fn is_down(&self) -> bool {
        *self.down.borrow()
    }

    /// Resolves when the database is (or becomes) unreachable.
    pub async fn went_down(&self) {
        let mut down = self.down.clone();
        // An error means the monitor is gone; then nothing will ever report an outage.
        if down.wait_for(|d| *d).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn run_monitor(store: Arc<dyn Store>, sender: watch::Sender<bool>) {
    let mut ticker = tokio::time::interval(PROBE_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if sender.is_closed() {
            return;
        }
        let outcome = match tokio::time::timeout(PROBE_TIMEOUT, store.probe()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", PROBE_TIMEOUT.as_millis())),
        };
        let was_down = *sender.borrow();
        match outcome {
            Ok(()) if was_down => {
                tracing::info!("the database answers again");
                metrics::counter!("observatory_database_recoveries_total").increment(1);
                sender.send_replace(false);
            }
            Err(e) if !was_down => {
                tracing::error!(error = %e, "the database does not answer; requests get 503 until it does");
                metrics::counter!("observatory_database_outages_total").increment(1);
                sender.send_replace(true);
            }
            _ => {}
        }
        metrics::gauge!("observatory_database_up").set(if *sender.borrow() { 0.0 } else { 1.0 });
    }
}

/// Routes that answer without the database, or report on it themselves.
fn needs_no_database(path: &str) -> bool {
    path.starts_with("/health")
        || path == "/metrics"
        || path.starts_with("/assets/")
        || path.starts_with("/api/docs")
}

/// Middleware: 503 at once while the database is down; cut a request short when an outage
/// begins while it waits.
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if needs_no_database(request.uri().path()) {
        return next.run(request).await;
    }
    let health = state.db_health.clone();
    // The API answers in its error envelope; the web UI's pages (and their fragments) in HTML.
    let page = !request.uri().path().starts_with("/api/");
    if health.is_down() {
        return unavailable(page);
    }
    tokio::select! {
        response = next.run(request) => response,
        () = health.went_down() => unavailable(page),
    }
}

fn unavailable(page: bool) -> Response {
    if page {
        return crate::ui::unavailable_page(RETRY_AFTER_SECS);
    }
    AppError::Unavailable {
        retry_after_secs: RETRY_AFTER_SECS,
    }
    .into_response()
}

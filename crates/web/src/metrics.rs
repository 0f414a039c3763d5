//! Prometheus metrics: HTTP requests by matched route template, jobs by queue and status,
//! and database pool gauges, refreshed at each scrape.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use store::{JobStatus, Queue};

use crate::state::AppState;

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often recorded histogram samples are folded into their buckets without a scrape.
pub const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The process-wide recorder (metrics has one global recorder; tests start many apps).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let handle = match builder.install_recorder() {
                Ok(handle) => handle,
                // Someone else installed a recorder first: render an empty registry.
                Err(_) => PrometheusBuilder::new().build_recorder().handle(),
            };
            spawn_upkeep(handle.clone(), UPKEEP_INTERVAL);
            handle
        })
        .clone()
}

/// Runs the recorder's upkeep every `every` on a thread of its own.
///
/// `install_recorder` starts no upkeep: every histogram sample stays buffered until the
/// next scrape drains it, so a deployment that nobody scrapes grew by 15–20 bytes a request
/// without bound (40 → 131 MB over 3.6 million requests). A plain thread, because the
/// recorder may be installed before or outside any async runtime.
pub fn spawn_upkeep(handle: PrometheusHandle, every: Duration) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                handle.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the metrics upkeep thread; memory grows until /metrics is scraped");
    }
}

pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("observatory_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("observatory_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>) -> Response {
    // A scrape during an outage still answers, with the job gauges it last had.
    let counts = if state.db_health.is_down() {
        Err("the database is unavailable".to_owned())
    } else {
        match tokio::time::timeout(Duration::from_secs(1), state.store.job_counts()).await {
            Ok(found) => found.map_err(|e| e.to_string()),
            Err(_) => Err("no answer within 1 s".to_owned()),
        }
    };
    match counts {
        Ok(counts) => {
            for queue in Queue::ALL {
                for status in JobStatus::ALL {
                    let n = counts
                        .iter()
                        .find(|c| c.queue == queue && c.status == status)
                        .map_or(0, |c| c.count);
                    metrics::gauge!("observatory_jobs", "queue" => queue.as_str(), "status" => status.as_str())
                        .set(n as f64);
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not count jobs for metrics"),
    }
    let pool = state.store.pool_stats();
    metrics::gauge!("observatory_db_pool_connections").set(f64::from(pool.size));
    metrics::gauge!("observatory_db_pool_idle_connections").set(f64::from(pool.idle));
    metrics::gauge!("observatory_db_pool_max_connections").set(f64::from(pool.max));
    let cache = state.cache.stats();
    metrics::gauge!("observatory_cache_entries").set(cache.entries as f64);
    metrics::gauge!("observatory_cache_invalidations_received").set(cache.invalidations_received as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(),
    )
        .into_response()
}

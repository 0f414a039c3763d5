//! Prometheus metrics: HTTP requests by matched route template, jobs by queue and status,
//! and database pool gauges, refreshed at each scrape.

use std::sync::OnceLock;
use std::time::Instant;

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

/// The process-wide recorder (metrics has one global recorder; tests start many apps).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            match builder.install_recorder() {
                Ok(handle) => handle,
                // Someone else installed a recorder first: render an empty registry.
                Err(_) => PrometheusBuilder::new().build_recorder().handle(),
            }
        })
        .clone()
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
    match state.store.job_counts().await {
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

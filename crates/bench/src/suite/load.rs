//! An HTTP load generator: N users, each with its own connection, sending authenticated GETs
//! back to back for a fixed time. Latency is measured per request from send to the last
//! body byte; nothing is sampled or dropped.

use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use serde::Serialize;

/// A route to load: `{session}` and `{crawl}` in the template become the user's seeded
/// session and scraping job.
#[derive(Debug, Clone)]
pub struct Route {
    pub name: &'static str,
    pub template: &'static str,
}

pub const ROUTES: &[Route] = &[
    Route {
        name: "session list",
        template: "/api/search/sessions?limit=20",
    },
    Route {
        name: "session detail",
        template: "/api/search/sessions/{session}",
    },
    Route {
        name: "session results",
        template: "/api/search/sessions/{session}/results?limit=50",
    },
    Route {
        name: "session domains",
        template: "/api/search/sessions/{session}/domains",
    },
    Route {
        name: "crawl detail",
        template: "/api/crawls/{crawl}",
    },
    Route {
        name: "me",
        template: "/api/auth/me",
    },
];

#[derive(Debug, Clone, Serialize)]
pub struct LoadStats {
    pub route: String,
    pub users: usize,
    pub requests: u64,
    pub errors: u64,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

pub struct Target<'a> {
    pub base_url: &'a str,
    pub tokens: &'a [String],
    pub session_ids: &'a [i64],
    /// One scraping job per token (10,000 URLs each when seeded here).
    pub crawl_ids: &'a [i64],
}

/// Runs `users` users over `routes` (each user cycles through them) for `duration` after a
/// warm-up, and returns one line per route plus an `all` line.
pub async fn run(
    target: &Target<'_>,
    routes: &[Route],
    users: usize,
    duration: Duration,
    progress: &ProgressBar,
) -> anyhow::Result<Vec<LoadStats>> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(users)
        .timeout(Duration::from_secs(30))
        .build()?;
    let warm_up = (duration / 5).min(Duration::from_secs(2));
    let start = Instant::now() + warm_up;
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(users);
    for u in 0..users {
        let client = client.clone();
        let token = target.tokens[u % target.tokens.len()].clone();
        let session = target.session_ids[u % target.session_ids.len()];
        let crawl = target.crawl_ids[u % target.crawl_ids.len()];
        let urls: Vec<String> = routes
            .iter()
            .map(|r| {
                format!(
                    "{}{}",
                    target.base_url,
                    r.template
                        .replace("{session}", &session.to_string())
                        .replace("{crawl}", &crawl.to_string())
                )
            })
            .collect();
        let progress = progress.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples: Vec<(usize, u32, bool)> = Vec::new();
            let mut i = u % urls.len();
            loop {
                let sent = Instant::now();
                if sent >= deadline {
                    break;
                }
                let ok = match client.get(&urls[i]).bearer_auth(&token).send().await {
                    Ok(res) => {
                        let status = res.status();
                        res.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if sent >= start {
                    let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                    samples.push((i, micros, ok));
                    if samples.len().is_multiple_of(256) {
                        progress.inc(256);
                    }
                }
                i = (i + 1) % urls.len();
            }
            samples
        }));
    }
    let mut per_route: Vec<Vec<u32>> = vec![Vec::new(); routes.len()];
    let mut errors = vec![0u64; routes.len()];
    for task in tasks {
        for (route, micros, ok) in task.await? {
            per_route[route].push(micros);
            if !ok {
                errors[route] += 1;
            }
        }
    }
    let secs = duration.as_secs_f64();
    let mut all: Vec<u32> = per_route.iter().flatten().copied().collect();
    let mut lines: Vec<LoadStats> = per_route
        .iter_mut()
        .zip(routes)
        .zip(&errors)
        .map(|((samples, route), errors)| stats(route.name, users, samples, *errors, secs))
        .collect();
    if routes.len() > 1 {
        lines.push(stats("all", users, &mut all, errors.iter().sum(), secs));
    }
    Ok(lines)
}

fn stats(route: &str, users: usize, samples: &mut [u32], errors: u64, secs: f64) -> LoadStats {
    samples.sort_unstable();
    let at = |q: f64| -> f64 {
        if samples.is_empty() {
            return f64::NAN;
        }
        let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        f64::from(samples[i]) / 1000.0
    };
    LoadStats {
        route: route.to_owned(),
        users,
        requests: samples.len() as u64,
        errors,
        requests_per_sec: samples.len() as f64 / secs,
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: samples.last().map_or(f64::NAN, |m| f64::from(*m) / 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        let s = stats("x", 1, &mut samples, 3, 10.0);
        assert_eq!(
            (s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(s.requests, 100);
        assert!((s.requests_per_sec - 10.0).abs() < 1e-9);
        assert_eq!(s.errors, 3);
    }
}

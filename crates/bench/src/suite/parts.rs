//! The parts of the benchmark, each adding load lines and checks to the report.

use std::time::{Duration, Instant};

use anyhow::Context;
use store::PageRequest;

use super::load::{self, ROUTES, Route, Target as LoadTarget};
use super::seed::{self, Instance};
use super::{Check, Report, SuiteArgs, Target, bar};
use app::settings::Settings;

/// Accounts the virtual users are spread over (each account: 50 seeded sessions).
const MAX_ACCOUNTS: usize = 20;

pub async fn run_all(settings: &Settings, args: &SuiteArgs, report: &mut Report) -> anyhow::Result<()> {
    let http = args.wants(args.api) || args.wants(args.concurrent);
    if let Some(base_url) = &args.base_url {
        let token = args
            .token
            .clone()
            .context("--base-url needs --token (or OBSERVATORY_BENCH_TOKEN)")?;
        report.backend = format!("external {base_url}");
        let routes: Vec<Route> = match args.session {
            Some(_) => ROUTES
                .iter()
                .filter(|r| !r.template.contains("{crawl}"))
                .cloned()
                .collect(),
            None => ROUTES
                .iter()
                .filter(|r| !r.template.contains("{session}") && !r.template.contains("{crawl}"))
                .cloned()
                .collect(),
        };
        let tokens = [token];
        let sessions = [args.session.unwrap_or_default()];
        let target = LoadTarget {
            base_url: base_url.trim_end_matches('/'),
            tokens: &tokens,
            session_ids: &sessions,
            crawl_ids: &[0],
        };
        if args.wants(args.api) {
            api(&target, &routes, args, report).await?;
        }
        if args.wants(args.concurrent) {
            concurrent(&target, &routes, args, report).await?;
        }
        eprintln!("(--base-url: only the API parts run; the others need the embedded instance)");
        return Ok(());
    }

    let needs_instance = http || args.wants(args.cache) || args.wants(args.database);
    let instance = if needs_instance {
        let accounts = args.users.clamp(1, MAX_ACCOUNTS);
        let progress = bar(0, "starting and seeding the embedded instance");
        let instance = seed::start(settings, args.database_url.as_deref(), accounts).await?;
        progress.finish_and_clear();
        report.backend = format!("{:?}", instance.store.backend());
        Some(instance)
    } else {
        None
    };
    if let Some(instance) = &instance {
        let target = LoadTarget {
            base_url: &instance.base_url,
            tokens: &instance.tokens,
            session_ids: &instance.session_ids,
            crawl_ids: &instance.crawl_ids,
        };
        if args.wants(args.api) {
            api(&target, ROUTES, args, report).await?;
        }
        if args.wants(args.concurrent) {
            concurrent(&target, ROUTES, args, report).await?;
        }
        if args.wants(args.cache) {
            cache(instance, report).await?;
        }
        if args.wants(args.database) {
            super::bulk::run(instance.store.as_ref(), report).await?;
        }
    }
    drop(instance);
    if args.wants(args.crawl) {
        eprintln!("\ncrawl: {} pages against the fixture web", args.crawl_pages);
        let rate = crate::crawl::run(settings, args.crawl_pages, args.database_url.as_deref()).await?;
        report.checks.push(Check {
            measure: "crawl + extract + store".into(),
            value: rate,
            unit: "pages/s",
            brief: Target::above(10.0),
            ours: Target::above(200.0),
        });
    }
    if args.wants(args.nlp) {
        if args.nlp_data.join("ud").is_dir() {
            eprintln!("\nnlp: tokenize, tag, lemmatize and find entities");
            for (lang, rate) in crate::nlp::run(&args.nlp_data, 3)? {
                report.checks.push(Check {
                    measure: format!("NLP full analysis ({})", lang.code()),
                    value: rate,
                    unit: "tokens/s",
                    brief: None,
                    ours: None,
                });
            }
        } else {
            eprintln!("nlp: skipped, no treebanks under {}", args.nlp_data.display());
        }
    }
    if args.wants(args.network) {
        eprintln!("\nnetwork: a website–noun network from stored analysis");
        let ms = crate::graph::stored(settings, args.database_url.as_deref()).await?;
        report.checks.push(Check {
            measure: "1,000-node network end to end (median of 5)".into(),
            value: ms,
            unit: "ms",
            brief: Target::below(30_000.0),
            ours: Target::below(100.0),
        });
    }
    Ok(())
}

async fn api(
    target: &LoadTarget<'_>,
    routes: &[Route],
    args: &SuiteArgs,
    report: &mut Report,
) -> anyhow::Result<()> {
    let per_route = (args.duration / routes.len().max(1) as u32).max(Duration::from_secs(1));
    for route in routes {
        let progress = bar(
            0,
            &format!("api: {} at {} users, requests", route.name, args.users),
        );
        let lines = load::run(
            target,
            std::slice::from_ref(route),
            args.users,
            per_route,
            &progress,
        )
        .await?;
        progress.finish_and_clear();
        for line in lines {
            report.checks.push(Check {
                measure: format!("{} p95 at {} users", line.route, args.users),
                value: line.p95_ms,
                unit: "ms",
                brief: Target::below(200.0),
                ours: None,
            });
            if route.name == "crawl detail" {
                report.checks.push(Check {
                    measure: format!("crawl detail (10,000 URLs) p95 at {} users", args.users),
                    value: line.p95_ms,
                    unit: "ms",
                    brief: None,
                    ours: Target::below(20.0),
                });
            }
            if route.name == "session list" {
                report.checks.push(Check {
                    measure: format!("session list throughput, {} connections", args.users),
                    value: line.requests_per_sec,
                    unit: "req/s",
                    brief: None,
                    ours: Target::above(3_400.0),
                });
            }
            push_error_rate(report, &line);
            report.loads.push(line);
        }
    }
    Ok(())
}

fn push_error_rate(report: &mut Report, line: &load::LoadStats) {
    if line.errors > 0 {
        report.checks.push(Check {
            measure: format!("{} errors at {} users", line.route, line.users),
            value: line.errors as f64 / (line.requests.max(1)) as f64 * 100.0,
            unit: "%",
            brief: Target::below(f64::MIN_POSITIVE),
            ours: Target::below(f64::MIN_POSITIVE),
        });
    }
}

async fn concurrent(
    target: &LoadTarget<'_>,
    routes: &[Route],
    args: &SuiteArgs,
    report: &mut Report,
) -> anyhow::Result<()> {
    for (users, ours) in [(args.users, "p95"), (args.users * 2, "p99")] {
        let progress = bar(0, &format!("concurrent: mixed routes at {users} users, requests"));
        let lines = load::run(target, routes, users, args.duration, &progress).await?;
        progress.finish_and_clear();
        if let Some(all) = lines.iter().find(|l| l.route == "all" || routes.len() == 1) {
            let (value, limit) = if ours == "p95" {
                (all.p95_ms, 10.0)
            } else {
                (all.p99_ms, 25.0)
            };
            report.checks.push(Check {
                measure: format!("mixed {ours} at {users} users"),
                value,
                unit: "ms",
                brief: Target::below(200.0),
                ours: Target::below(limit),
            });
            push_error_rate(report, all);
        }
        for mut line in lines {
            line.route = format!("mixed: {}", line.route);
            report.loads.push(line);
        }
    }
    Ok(())
}

/// The session list of one seeded account through the in-process tier: every lookup a
/// hit, then every lookup a miss (the namespace invalidated before each).
async fn cache(instance: &Instance, report: &mut Report) -> anyhow::Result<()> {
    let progress = bar(0, "cache: hit and miss lookups");
    let store = instance.store.clone();
    let owner = instance.owners[0];
    let cache = cache::Cache::local(&cache::CacheSettings::default());
    let key = cache::Key::new(
        cache::Namespace::new(cache::resource::SEARCH, owner.get()),
        cache::Class::SessionLists,
        None,
        "bench",
    );
    let load = || {
        let store = store.clone();
        async move {
            let rows = store
                .list_search_sessions(
                    owner,
                    None,
                    None,
                    PageRequest {
                        after: None,
                        limit: 21,
                    },
                )
                .await?;
            let ids: Vec<store::SearchSessionId> = rows.iter().map(|s| s.id).collect();
            let counts = store.search_session_counts_many(owner, &ids).await?;
            let body = serde_json::to_vec(&(rows, counts.len()))?;
            Ok::<_, anyhow::Error>(cache::Bytes::from(body))
        }
    };
    let mut misses = Vec::new();
    for _ in 0..500 {
        cache.invalidate(&[key.namespace]).await;
        let t = Instant::now();
        cache.get_or_load(&key, load).await?;
        misses.push(t.elapsed());
        progress.inc(1);
    }
    let mut hits = Vec::new();
    for _ in 0..100_000 {
        let t = Instant::now();
        std::hint::black_box(cache.get_or_load(&key, load).await?);
        hits.push(t.elapsed());
    }
    progress.finish_and_clear();
    let quantile = |v: &mut Vec<Duration>, q: f64| {
        v.sort_unstable();
        let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1_000_000.0
    };
    let (hit50, hit99) = (quantile(&mut hits, 0.5), quantile(&mut hits, 0.99));
    let (miss50, miss99) = (quantile(&mut misses, 0.5), quantile(&mut misses, 0.99));
    for (measure, value, ours) in [
        ("cache hit p50 (session list, in process)", hit50, None),
        (
            "cache hit p99 (session list, in process)",
            hit99,
            Target::below(1000.0),
        ),
        ("cache miss p50 (session list query + store)", miss50, None),
        ("cache miss p99 (session list query + store)", miss99, None),
    ] {
        report.checks.push(Check {
            measure: measure.into(),
            value,
            unit: "µs",
            brief: None,
            ours,
        });
    }
    Ok(())
}

//! `observatory bench crawl`: a scraping job end to end against the in-process fixture web.

use std::time::Instant;

use anyhow::Context;
use serde_json::json;
use store::{FrontierState, JobStatus, NewCrawl, NewFrontierUrl, NewUser, Priority, Queue};
use testkit::{FixtureConfig, FixtureWeb};

use app::follow_job;
use app::settings::Settings;
use app::startup::{job_registry, open_store};

/// Articles per fixture site.
const PAGES_PER_SITE: usize = 31;

/// Runs the crawl benchmark and returns pages stored per second.
pub async fn run(settings: &Settings, pages: u32, database_url: Option<&str>) -> anyhow::Result<f64> {
    anyhow::ensure!(
        (1..=1_000_000).contains(&pages),
        "--pages must be between 1 and 1000000"
    );
    let rss_at_start = peak_rss_kib();
    let sites = (pages as usize).div_ceil(PAGES_PER_SITE).max(1);
    let web = FixtureWeb::start(FixtureConfig {
        sites,
        pages_per_site: PAGES_PER_SITE,
        ..FixtureConfig::default()
    })
    .await
    .context("starting the fixture web")?;

    let scratch = tempfile::tempdir()?;
    let mut settings = settings.clone();
    settings.database_url = match database_url {
        Some(url) => url.to_owned(),
        None => format!("sqlite://{}", scratch.path().join("bench.db").display()),
    };
    settings.crawl.private_hosts = web.hosts();
    // Politeness off: the fixture web is ours.
    settings.crawl.min_delay_secs = 0.0;
    settings.crawl.max_per_host_concurrency = 16;
    settings.crawl.host_overrides = web.hosts().into_iter().map(|h| (h, web.addr().ip())).collect();
    let store = open_store(&settings).await?;
    let owner = bench_owner(store.as_ref()).await?;
    let (registry, _) = job_registry(&settings)?;
    let config = crawl::CrawlConfig {
        depth: 3,
        max_pages_per_site: Some(PAGES_PER_SITE as u32 + 2),
        max_pages: pages,
        delay_secs: 0.0,
        recollect: true,
        ..crawl::CrawlConfig::default()
    };
    let seeds = home_pages(&web, sites);
    let crawl = store
        .create_crawl(NewCrawl {
            owner_id: owner.id,
            project_id: None,
            name: format!("bench {pages} pages"),
            config: serde_json::to_value(&config)?,
            sources: json!({"urls": seeds.len()}),
            sessions: vec![],
            seeds,
        })
        .await?;
    eprintln!(
        "crawling {sites} fixture sites to {pages} pages on {:?} (global concurrency {}, politeness off)",
        store.backend(),
        config.global_concurrency
    );
    let started = Instant::now();
    let job = registry
        .submit(
            store.as_ref(),
            owner.id,
            "crawl",
            json!({"crawl_id": crawl.id}),
            Priority::Normal,
        )
        .await?;
    let mut options = settings.worker_options();
    options.queues = vec![Queue::Crawl];
    options.concurrency = 1;
    let workers = jobs::start_workers(store.clone(), registry, options);
    let followed = follow_job(store.as_ref(), owner.id, job.id).await;
    let elapsed = started.elapsed();
    workers.shutdown().await;
    let job = followed?;
    anyhow::ensure!(
        job.status == JobStatus::Succeeded,
        "the benchmark crawl ended {}: {}",
        job.status.as_str(),
        job.error.unwrap_or_default()
    );
    let counts = store.frontier_counts(crawl.project_id, crawl.id).await?;
    let stored: i64 = counts
        .iter()
        .filter(|c| matches!(c.state, FrontierState::Done | FrontierState::Failed))
        .map(|c| c.count)
        .sum();
    let decided: i64 = counts.iter().map(|c| c.count).sum();
    let words: i64 = store
        .page_languages(owner.id, crawl.id)
        .await?
        .iter()
        .map(|l| l.words)
        .sum();
    store.close().await;
    let secs = elapsed.as_secs_f64();
    let rate = stored as f64 / secs.max(1e-9);
    println!("pages stored      {stored} ({decided} URLs decided, {words} words)");
    println!("wall time         {secs:.2} s");
    println!("throughput        {rate:.0} pages/s");
    match (rss_at_start, peak_rss_kib()) {
        (Some(before), Some(peak)) => println!(
            "peak memory       {:.1} MiB (process high-water mark; {:.1} MiB before the crawl)",
            peak as f64 / 1024.0,
            before as f64 / 1024.0
        ),
        _ => println!("peak memory       unavailable (no /proc/self/status)"),
    }
    Ok(rate)
}

/// Every fixture site's home page, as a crawl's seeds.
pub(crate) fn home_pages(web: &FixtureWeb, sites: usize) -> Vec<NewFrontierUrl> {
    (0..sites)
        .map(|i| NewFrontierUrl {
            url: web.url(&format!("site{i}.test"), "/"),
            site: format!("site{i}.test"),
            depth: 0,
            parent_url: None,
            skipped: None,
        })
        .collect()
}

/// An account for a benchmark's jobs, which cannot log in.
pub(crate) async fn bench_owner(store: &dyn store::Store) -> anyhow::Result<store::User> {
    Ok(store
        .create_user(NewUser {
            username: format!("bench{}", chrono::Utc::now().timestamp_millis()),
            password_hash: "not a password hash: this account cannot log in".into(),
            is_admin: false,
        })
        .await?)
}

/// The process's resident-set high-water mark (`VmHWM`), in KiB, where Linux reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

//! Pages per second, end to end (robots, fetch, extract, language, zstd, store), for a
//! depth-3 crawl of the fixture web with politeness off: 40 sites × 31 articles.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crawl::{AddressPolicy, CrawlConfig, CrawlerSettings, RunCrawl};
use criterion::{Criterion, criterion_group, criterion_main};
use jobs::{Registry, WorkerOptions};
use serde_json::json;
use store::testing::TestDb;
use store::*;
use testkit::{FixtureConfig, FixtureWeb};

const SITES: usize = 40;

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (web, db, owner) = rt.block_on(async {
        let web = FixtureWeb::start(FixtureConfig {
            sites: SITES,
            pages_per_site: 31,
            ..FixtureConfig::default()
        })
        .await
        .unwrap();
        let db = TestDb::new().await;
        let owner = db
            .store
            .create_user(NewUser {
                username: "bench".into(),
                password_hash: "x".into(),
                is_admin: false,
            })
            .await
            .unwrap();
        (web, db, owner)
    });
    let mut policy = AddressPolicy::default();
    for host in web.hosts() {
        policy.overrides.insert(host.clone(), vec![web.addr().ip()]);
        policy.private_hosts.insert(host);
    }
    let registry = Registry::new().with(RunCrawl::new(CrawlerSettings {
        policy: Arc::new(policy),
        user_agent: crawl::user_agent("https://example.org/about"),
        robots_agent: "IssueObservatory".into(),
        languages: vec!["da".into(), "en".into()],
        chromium: "/usr/bin/chromium".into(),
        // No floor: these fixture hosts are ours.
        host_floor: crawl::HostFloor {
            min_delay: std::time::Duration::ZERO,
            max_per_host: 16,
        },
        ..CrawlerSettings::default()
    }));
    let store = db.store.clone();
    let workers = rt.block_on(async {
        jobs::start_workers(
            store.clone(),
            registry.clone(),
            WorkerOptions {
                queues: vec![Queue::Crawl],
                concurrency: 1,
                poll_interval: Duration::from_millis(10),
                ..WorkerOptions::default()
            },
        )
    });
    let config = CrawlConfig {
        depth: 3,
        max_pages_per_site: Some(40),
        delay_secs: 0.0,
        recollect: true,
        ..CrawlConfig::default()
    };
    let seeds: Vec<NewFrontierUrl> = (0..SITES)
        .map(|i| NewFrontierUrl {
            url: web.url(&format!("site{i}.test"), "/"),
            site: format!("site{i}.test"),
            depth: 0,
            parent_url: None,
            skipped: None,
        })
        .collect();
    let backend = format!("{:?}", store.backend()).to_lowercase();
    let mut group = c.benchmark_group(format!("crawl/{backend}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("fixture_40_sites_depth_3", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (store, registry, config, seeds) =
                (store.clone(), registry.clone(), config.clone(), seeds.clone());
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let crawl = store
                        .create_crawl(NewCrawl {
                            owner_id: owner.id,
                            project_id: None,
                            name: "bench".into(),
                            config: serde_json::to_value(&config).unwrap(),
                            sources: json!({}),
                            sessions: vec![],
                            seeds: seeds.clone(),
                        })
                        .await
                        .unwrap();
                    let job = registry
                        .submit(
                            store.as_ref(),
                            owner.id,
                            "crawl",
                            json!({"crawl_id": crawl.id}),
                            Priority::Normal,
                        )
                        .await
                        .unwrap();
                    loop {
                        let j = store.job(owner.id, job.id).await.unwrap().unwrap();
                        if j.status.is_terminal() {
                            assert_eq!(j.status, JobStatus::Succeeded, "{:?}", j.error);
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    total += start.elapsed();
                    let pages = store
                        .list_pages(
                            owner.id,
                            crawl.id,
                            &PageFilter::default(),
                            PageRequest {
                                after: None,
                                limit: 100_000,
                            },
                        )
                        .await
                        .unwrap();
                    assert!(pages.len() >= SITES * 31, "{} pages", pages.len());
                }
                total
            }
        })
    });
    group.finish();
    rt.block_on(workers.shutdown());
    drop(web);
}

criterion_group!(crawl_benches, benches);
criterion_main!(crawl_benches);

//! The `crawl` job end to end against the fixture web, on the configured database backend:
//! depth and caps, robots decisions per URL, failures and skips with their reasons, and a
//! crawler trap that the caps stop.

use std::sync::Arc;
use std::time::Duration;

use crawl::{AddressPolicy, CrawlConfig, CrawlerSettings, RunCrawl};
use jobs::{Registry, WorkerOptions};
use serde_json::json;
use store::testing::TestDb;
use store::*;
use testkit::{FixtureConfig, FixtureWeb};

struct Harness {
    expect_failure: bool,
    db: TestDb,
    web: FixtureWeb,
    registry: Registry,
    owner: User,
    workers: jobs::WorkerHandle,
}

async fn harness() -> Harness {
    harness_with_chromium("/usr/bin/chromium").await
}

async fn harness_with_chromium(chromium: &str) -> Harness {
    let web = FixtureWeb::start(FixtureConfig::default()).await.unwrap();
    let mut policy = AddressPolicy::default();
    for host in web.hosts() {
        policy.overrides.insert(host.clone(), vec![web.addr().ip()]);
        policy.private_hosts.insert(host);
    }
    let registry = Registry::new().with(RunCrawl::new(CrawlerSettings {
        policy: Arc::new(policy),
        user_agent: crawl::user_agent("https://example.org/about"),
        robots_agent: "IssueObservatory".into(),
        languages: vec!["da".into(), "en".into(), "nb".into()],
        chromium: chromium.into(),
        // No floor: these fixture hosts are ours.
        host_floor: crawl::HostFloor {
            min_delay: std::time::Duration::ZERO,
            max_per_host: 16,
        },
        ..CrawlerSettings::default()
    }));
    let db = TestDb::new().await;
    let owner = db
        .store
        .create_user(NewUser {
            username: "alice".into(),
            password_hash: "x".into(),
            is_admin: false,
        })
        .await
        .unwrap();
    let workers = jobs::start_workers(
        db.store.clone(),
        registry.clone(),
        WorkerOptions {
            queues: vec![Queue::Crawl],
            concurrency: 1,
            poll_interval: Duration::from_millis(50),
            heartbeat_interval: Duration::from_secs(1),
            missed_heartbeats: 3,
            ..Default::default()
        },
    );
    Harness {
        expect_failure: false,
        db,
        web,
        registry,
        owner,
        workers,
    }
}

impl Harness {
    /// Creates a scraping job over `urls` and runs it to the end.
    async fn crawl(&self, config: CrawlConfig, urls: &[String]) -> (CrawlJob, Vec<FrontierCount>, Vec<Page>) {
        let store = self.db.store.as_ref();
        let seeds = urls
            .iter()
            .map(|u| {
                let web = search::urlnorm::normalize(u).unwrap();
                NewFrontierUrl {
                    site: crawl::scope::site_key(&web, config.scope),
                    url: web.normalized,
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                }
            })
            .collect();
        let crawl = store
            .create_crawl(NewCrawl {
                owner_id: self.owner.id,
                project_id: None,
                name: "test".into(),
                config: serde_json::to_value(&config).unwrap(),
                sources: json!({"urls": urls.len()}),
                sessions: vec![],
                seeds,
            })
            .await
            .unwrap();
        let job = self
            .registry
            .submit(
                store,
                self.owner.id,
                "crawl",
                json!({"crawl_id": crawl.id}),
                Priority::Normal,
            )
            .await
            .unwrap();
        for _ in 0..1200 {
            let j = store.job(self.owner.id, job.id).await.unwrap().unwrap();
            if j.status.is_terminal() {
                if self.expect_failure {
                    assert_eq!(j.status, JobStatus::Failed);
                } else {
                    assert_eq!(j.status, JobStatus::Succeeded, "{:?}", j.error);
                }
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let crawl = store.crawl(self.owner.id, crawl.id).await.unwrap().unwrap();
        let counts = store.frontier_counts(crawl.project_id, crawl.id).await.unwrap();
        let pages = store
            .list_pages(
                self.owner.id,
                crawl.id,
                &PageFilter::default(),
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await
            .unwrap();
        (crawl, counts, pages)
    }
}

fn count(counts: &[FrontierCount], state: FrontierState, reason: Option<&str>) -> i64 {
    counts
        .iter()
        .filter(|c| c.state == state && (reason.is_none() || c.reason.as_deref() == reason))
        .map(|c| c.count)
        .sum()
}

fn fast(depth: u8) -> CrawlConfig {
    CrawlConfig {
        depth,
        delay_secs: 0.0,
        timeout_secs: 2,
        retries: 0,
        ..CrawlConfig::default()
    }
}

#[tokio::test]
async fn depth_one_fetches_only_the_listed_urls_and_records_every_decision() {
    let h = harness().await;
    let urls: Vec<String> = [
        ("site0.test", "/p/0"),
        ("site1.test", "/p/3"),
        ("robots-disallow.test", "/private/x"),
        ("robots-5xx.test", "/"),
        ("binary.test", "/doc.pdf"),
        ("failing.test", "/"),
        ("redirect.test", "/start"),
        ("latin1.test", "/"),
    ]
    .iter()
    .map(|(host, p)| h.web.url(host, p))
    .collect();
    let (crawl, counts, pages) = h.crawl(fast(1), &urls).await;
    assert_eq!(crawl.status, SearchStatus::Done);
    assert_eq!(count(&counts, FrontierState::Done, None), 4, "{counts:?}");
    assert_eq!(count(&counts, FrontierState::Skipped, Some("robots")), 1);
    assert_eq!(
        count(&counts, FrontierState::Skipped, Some("robots_unavailable")),
        1
    );
    assert_eq!(
        count(&counts, FrontierState::Skipped, Some("type:application/pdf")),
        1
    );
    assert_eq!(count(&counts, FrontierState::Failed, Some("http_500")), 1);
    assert_eq!(
        counts.iter().map(|c| c.count).sum::<i64>(),
        8,
        "no links followed at depth 1"
    );

    let redirected = pages.iter().find(|p| p.url.contains("redirect.test")).unwrap();
    assert_eq!(
        redirected.final_url.as_deref(),
        Some(h.web.url("site0.test", "/p/0").as_str())
    );
    assert_eq!(redirected.redirects.as_array().unwrap().len(), 2);
    let latin1 = pages.iter().find(|p| p.url.contains("latin1.test")).unwrap();
    assert!(latin1.text.as_deref().unwrap().contains("vindmøller på land"));
    assert_eq!(latin1.language.as_deref(), Some("da"));
    let failed = pages.iter().find(|p| p.url.contains("failing.test")).unwrap();
    assert_eq!(
        (failed.status_code, failed.text.as_deref()),
        (Some(500), None),
        "a failed page has no text"
    );
    let article = pages.iter().find(|p| p.url.ends_with("/p/3")).unwrap();
    assert!(article.words > 100 && article.content_hash.is_some());
    let body =
        h.db.store
            .page_body(h.owner.id, article.id)
            .await
            .unwrap()
            .unwrap();
    let html = zstd::decode_all(body.as_slice()).unwrap();
    assert!(String::from_utf8(html).unwrap().contains("Site 1, artikel 3"));
    h.workers.shutdown().await;
}

#[tokio::test]
async fn depth_two_follows_site_links_up_to_the_site_cap() {
    let h = harness().await;
    let config = CrawlConfig {
        max_pages_per_site: Some(5),
        ..fast(2)
    };
    let (_, counts, pages) = h.crawl(config, &[h.web.url("site0.test", "/")]).await;
    // Content links come first: the seed, its two articles and the PDF (skipped later by
    // type, but it took a place) and then the cookie banner's link fill the cap of 5; the
    // navigation's about page is over it; the partner site is off-site.
    assert_eq!(count(&counts, FrontierState::Done, None), 4, "{counts:?}");
    assert_eq!(
        count(&counts, FrontierState::Skipped, Some("cap")),
        1,
        "{counts:?}"
    );
    let mut got: Vec<&str> = pages.iter().map(|p| p.url.rsplit('/').next().unwrap()).collect();
    got.sort();
    assert_eq!(got, vec!["", "1", "2", "cookies"]);
    assert!(pages.iter().all(|p| p.domain == "site0.test"));
    assert!(
        pages
            .iter()
            .filter(|p| p.depth == 1)
            .all(|p| p.parent_url.as_deref() == Some(h.web.url("site0.test", "/").as_str()))
    );
    h.workers.shutdown().await;
}

#[tokio::test]
async fn depth_three_walks_the_site_and_caps_stop_a_crawler_trap() {
    let h = harness().await;
    let config = CrawlConfig {
        max_pages_per_site: Some(12),
        ..fast(3)
    };
    let (crawl, counts, pages) = h
        .crawl(
            config,
            &[
                h.web.url("site2.test", "/"),
                h.web.url("trap.test", "/calendar/2026/01"),
            ],
        )
        .await;
    assert_eq!(crawl.status, SearchStatus::Done);
    let on = |domain: &str| pages.iter().filter(|p| p.domain == domain).count();
    // 12 URLs on the site count against the cap; the PDF among them is skipped by type.
    assert_eq!(on("site2.test"), 11, "{counts:?}");
    assert_eq!(on("trap.test"), 12, "the endless calendar stops at the cap");
    assert!(pages.iter().any(|p| p.depth >= 3), "depth 3 keeps following");
    assert!(count(&counts, FrontierState::Skipped, Some("cap")) >= 2);
    h.workers.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_s_crawl_resumes_elsewhere_without_refetching() {
    let h = harness().await;
    h.workers.shutdown().await;
    let store = h.db.store.clone();
    let options = || WorkerOptions {
        queues: vec![Queue::Crawl],
        concurrency: 1,
        poll_interval: Duration::from_millis(50),
        heartbeat_interval: Duration::from_secs(1),
        missed_heartbeats: 2,
        ..Default::default()
    };
    // Slow enough (0.2 s between requests to the one site) to be killed halfway.
    let config = CrawlConfig {
        max_pages_per_site: Some(16),
        delay_secs: 0.2,
        ..fast(3)
    };
    let seed = search::urlnorm::normalize(&h.web.url("site3.test", "/")).unwrap();
    let crawl = store
        .create_crawl(NewCrawl {
            owner_id: h.owner.id,
            project_id: None,
            name: "resume".into(),
            config: serde_json::to_value(&config).unwrap(),
            sources: json!({"urls": 1}),
            sessions: vec![],
            seeds: vec![NewFrontierUrl {
                site: seed.domain.clone(),
                url: seed.normalized.clone(),
                depth: 0,
                parent_url: None,
                skipped: None,
            }],
        })
        .await
        .unwrap();
    let job = h
        .registry
        .submit(
            store.as_ref(),
            h.owner.id,
            "crawl",
            json!({"crawl_id": crawl.id}),
            Priority::Normal,
        )
        .await
        .unwrap();
    let worker_a = jobs::start_workers(store.clone(), h.registry.clone(), options());
    let done = |counts: &[FrontierCount]| count(counts, FrontierState::Done, None);
    for _ in 0..400 {
        if done(&store.frontier_counts(crawl.project_id, crawl.id).await.unwrap()) >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = done(&store.frontier_counts(crawl.project_id, crawl.id).await.unwrap());
    assert!((5..15).contains(&before), "killed halfway: {before} done");
    worker_a.abort();

    let worker_b = jobs::start_workers(store.clone(), h.registry.clone(), options());
    let mut finished = None;
    for _ in 0..1200 {
        let j = store.job(h.owner.id, job.id).await.unwrap().unwrap();
        if j.status.is_terminal() {
            finished = Some(j);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    worker_b.shutdown().await;
    let job = finished.expect("the crawl finished on the second worker");
    assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error);
    assert_eq!(job.attempts, 2);

    let counts = store.frontier_counts(crawl.project_id, crawl.id).await.unwrap();
    assert_eq!(
        count(&counts, FrontierState::Queued, None) + count(&counts, FrontierState::Fetching, None),
        0,
        "nothing lost: {counts:?}"
    );
    let pages = store
        .list_pages(
            h.owner.id,
            crawl.id,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await
        .unwrap();
    let mut urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let all = urls.len();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), all, "no URL was fetched twice");
    assert_eq!(all as i64, done(&counts), "one page per finished URL");
    assert!(done(&counts) > before, "the second worker carried on");
}

#[tokio::test]
async fn recent_fetches_are_reused_unless_recollect_is_set() {
    let h = harness().await;
    let urls = vec![h.web.url("site5.test", "/p/2")];
    let (_, first, _) = h.crawl(fast(1), &urls).await;
    assert_eq!(count(&first, FrontierState::Done, None), 1);
    let (_, again, pages) = h.crawl(fast(1), &urls).await;
    assert_eq!(count(&again, FrontierState::Done, Some("reused")), 1, "{again:?}");
    assert!(
        pages[0].text.as_deref().unwrap().split_whitespace().count() > 100,
        "the reused page keeps its text"
    );
    let refetch = CrawlConfig {
        recollect: true,
        ..fast(1)
    };
    let (_, fresh, _) = h.crawl(refetch, &urls).await;
    assert_eq!(count(&fresh, FrontierState::Done, Some("reused")), 0);
    assert_eq!(count(&fresh, FrontierState::Done, None), 1);
    h.workers.shutdown().await;
}

/// `render: auto` renders only pages whose static HTML says too little; Chromium's own
/// requests go through the crawler's guard (the loopback `fetch` in the page's script
/// never arrives) and images are never fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn javascript_pages_are_rendered_when_their_static_html_says_too_little() {
    let h = harness().await;
    let urls = vec![h.web.url("js.test", "/"), h.web.url("site0.test", "/p/0")];

    let (_, _, pages) = h.crawl(fast(1), &urls).await;
    let shell = pages.iter().find(|p| p.url.contains("js.test")).unwrap();
    assert!(!shell.rendered);
    assert!(
        !shell
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("skyggeflimmer"),
        "without rendering the article does not exist"
    );

    let config = CrawlConfig {
        render: crawl::Rendering::Auto,
        recollect: true,
        ..fast(1)
    };
    let (crawl, _, pages) = h.crawl(config, &urls).await;
    let shell = pages.iter().find(|p| p.url.contains("js.test")).unwrap();
    assert!(shell.rendered, "{shell:?}");
    assert_eq!(shell.render_error, None);
    let text = shell.text.as_deref().unwrap();
    assert!(text.contains("ti timers skyggeflimmer om året"), "{text}");
    assert_eq!(shell.language.as_deref(), Some("da"));
    assert_eq!(shell.title.as_deref(), Some("Skyggeflimmer fra vindmøller"));
    let article = pages.iter().find(|p| p.url.contains("site0.test")).unwrap();
    assert!(!article.rendered, "enough static text: not rendered");

    // The stored HTML is the DOM after scripts ran, and the script's loopback request failed.
    let body = h.db.store.page_body(h.owner.id, shell.id).await.unwrap().unwrap();
    let html = String::from_utf8(zstd::decode_all(body.as_slice()).unwrap()).unwrap();
    assert!(html.contains("data-leak=\"blocked\""), "{html}");
    assert_eq!(h.web.leak_hits(), 0);
    assert_eq!(crawl.status, SearchStatus::Done);
}

#[tokio::test]
async fn a_missing_chromium_is_named_with_how_to_install_it() {
    let fetcher = crawl::Fetcher::new(crawl::FetchConfig::new("test")).unwrap();
    let err = crawl::Renderer::launch(
        std::path::Path::new("/nonexistent/chromium"),
        Arc::new(fetcher),
        1,
        Duration::from_secs(5),
    )
    .await
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/chromium") && message.contains("apt-get install chromium"),
        "{message}"
    );
}

/// A job that cannot run (rendering asked for, no Chromium on the worker) fails, and the
/// scraping job says so too instead of staying `running`.
#[tokio::test]
async fn a_job_that_cannot_run_fails_and_says_why() {
    let mut h = harness_with_chromium("/nonexistent/chromium").await;
    h.expect_failure = true;
    let config = CrawlConfig {
        render: crawl::Rendering::Always,
        ..fast(1)
    };
    let (crawl, counts, pages) = h.crawl(config, &[h.web.url("site0.test", "/")]).await;
    assert_eq!(crawl.status, SearchStatus::Failed);
    assert!(pages.is_empty());
    assert_eq!(
        count(&counts, FrontierState::Queued, None),
        1,
        "nothing was taken off the frontier"
    );
    h.workers.shutdown().await;
}

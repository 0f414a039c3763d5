//! What several workers of several processes share: frontier leases, host gates and the
//! robots.txt cache.

use chrono::{Duration, Utc};
use serde_json::json;
use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

fn seed(u: &str, site: &str, depth: i32) -> NewFrontierUrl {
    NewFrontierUrl {
        url: u.into(),
        site: site.into(),
        depth,
        parent_url: None,
        skipped: None,
    }
}

async fn crawl_with(s: &dyn Store, owner: UserId, seeds: Vec<NewFrontierUrl>) -> CrawlJob {
    s.create_crawl(NewCrawl {
        owner_id: owner,
        project_id: None,
        name: "shared".into(),
        config: json!({}),
        sources: json!({}),
        sessions: vec![],
        seeds,
    })
    .await
    .unwrap()
}

fn done(u: &str) -> FrontierResult {
    FrontierResult {
        state: FrontierState::Done,
        reason: None,
        page: Some(NewPage {
            url: u.into(),
            host: "a.dk".into(),
            domain: "a.dk".into(),
            ..NewPage::default()
        }),
        body: None,
        links: vec![],
    }
}

fn claim<'a>(holder: &'a str, limit: u32, per_site: u32, skip: &'a [String]) -> FrontierClaim<'a> {
    FrontierClaim {
        holder,
        limit,
        per_site,
        skip_sites: skip,
        lease_until: Utc::now() + Duration::seconds(60),
    }
}

#[tokio::test]
async fn a_claim_interleaves_sites_and_skips_the_ones_the_claimer_has_enough_of() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let mut seeds = Vec::new();
    for site in ["a.dk", "b.dk", "c.dk"] {
        for i in 0..5 {
            seeds.push(seed(&format!("https://{site}/{i}"), site, 0));
        }
    }
    let crawl = crawl_with(s, alice.id, seeds).await;
    let first = s
        .claim_frontier_leased(crawl.id, &claim("w1", 6, 2, &[]))
        .await
        .unwrap();
    let mut per_site = std::collections::BTreeMap::new();
    for item in &first {
        *per_site.entry(item.site.clone()).or_insert(0) += 1;
        assert_eq!(item.holder, "w1");
    }
    assert_eq!(
        per_site.into_iter().collect::<Vec<_>>(),
        vec![("a.dk".into(), 2), ("b.dk".into(), 2), ("c.dk".into(), 2)],
        "two of each site, not six of the first"
    );
    let busy = vec!["a.dk".to_owned(), "b.dk".to_owned()];
    let second = s
        .claim_frontier_leased(crawl.id, &claim("w1", 10, 2, &busy))
        .await
        .unwrap();
    assert!(second.iter().all(|i| i.site == "c.dk"), "{second:?}");
    assert_eq!(second.len(), 2);
}

#[tokio::test]
async fn two_holders_never_get_the_same_url_and_a_lapsed_lease_is_claimed_again() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let seeds = (0..6)
        .map(|i| seed(&format!("https://a.dk/{i}"), "a.dk", 0))
        .collect();
    let crawl = crawl_with(s, alice.id, seeds).await;
    let w1 = s
        .claim_frontier_leased(crawl.id, &claim("w1", 3, 10, &[]))
        .await
        .unwrap();
    let w2 = s
        .claim_frontier_leased(crawl.id, &claim("w2", 10, 10, &[]))
        .await
        .unwrap();
    assert_eq!((w1.len(), w2.len()), (3, 3));
    assert!(w1.iter().all(|a| w2.iter().all(|b| a.id != b.id)));
    assert_eq!(
        s.frontier_activity(crawl.id, Utc::now()).await.unwrap(),
        FrontierActivity {
            claimable: 0,
            leased: 6
        }
    );

    // w1 renews; w2 dies and its leases lapse.
    let later = Utc::now() + Duration::seconds(120);
    assert_eq!(
        s.renew_frontier_leases(crawl.id, "w1", later + Duration::seconds(60))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        s.frontier_activity(crawl.id, later).await.unwrap(),
        FrontierActivity {
            claimable: 3,
            leased: 3
        },
        "w2's URLs are claimable once its lease lapsed"
    );
    // w2's lease lapses (it is set in the past, as if the clock had moved on).
    s.renew_frontier_leases(crawl.id, "w2", Utc::now() - Duration::seconds(1))
        .await
        .unwrap();
    let taken_over = claim("w3", 10, 10, &[]);
    let w3 = s.claim_frontier_leased(crawl.id, &taken_over).await.unwrap();
    let mut w2_ids: Vec<_> = w2.iter().map(|i| i.id).collect();
    let mut w3_ids: Vec<_> = w3.iter().map(|i| i.id).collect();
    w2_ids.sort();
    w3_ids.sort();
    assert_eq!(w2_ids, w3_ids, "exactly the dead holder's URLs, none of w1's");

    // w2 comes back late: its outcome is dropped, w3's is stored, each URL once.
    let stale = &w2[0];
    s.finish_frontier(stale, project_of(s, alice.id).await, &done(&stale.url))
        .await
        .unwrap();
    let fresh = w3.iter().find(|i| i.id == stale.id).unwrap();
    s.finish_frontier(fresh, project_of(s, alice.id).await, &done(&fresh.url))
        .await
        .unwrap();
    let pages = s
        .list_pages(
            alice.id,
            crawl.id,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 100,
            },
        )
        .await
        .unwrap();
    assert_eq!(pages.len(), 1, "one page for the URL, from the holder");

    // w1 stops: its URLs go back to the queue.
    assert_eq!(s.release_frontier_leases(crawl.id, "w1").await.unwrap(), 3);
    let activity = s.frontier_activity(crawl.id, Utc::now()).await.unwrap();
    assert_eq!(
        activity,
        FrontierActivity {
            claimable: 3,
            leased: 2
        }
    );
    assert!(!activity.is_exhausted());
}

#[tokio::test]
async fn running_crawls_with_queued_urls_want_workers() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let idle = crawl_with(s, alice.id, vec![seed("https://a.dk/", "a.dk", 0)]).await;
    let running = crawl_with(s, alice.id, vec![seed("https://b.dk/", "b.dk", 0)]).await;
    let drained = crawl_with(s, alice.id, vec![seed("https://c.dk/", "c.dk", 0)]).await;
    s.set_crawl_status(running.id, SearchStatus::Running)
        .await
        .unwrap();
    s.set_crawl_status(drained.id, SearchStatus::Running)
        .await
        .unwrap();
    s.claim_frontier(drained.id, 10).await.unwrap();
    assert_eq!(s.crawls_wanting_workers().await.unwrap(), vec![running.id]);
    let _ = idle;
}

fn gate<'a>(host: &'a str, token: &'a str, delay_ms: i64, max: i64) -> GateRequest<'a> {
    GateRequest {
        host,
        token,
        delay_ms,
        max_in_flight: max,
        lease_ms: 60_000,
    }
}

fn granted(answer: GateAnswer) -> i64 {
    match answer {
        GateAnswer::Granted { wait_ms } => wait_ms,
        GateAnswer::Busy { .. } => panic!("expected a slot, got {answer:?}"),
    }
}

#[tokio::test]
async fn a_host_gate_spaces_request_starts_and_bounds_requests_in_flight() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    // Three requests at once to one host, 10 s apart: each waits one delay more.
    let waits = [
        granted(s.gate_acquire(&gate("a.dk", "t1", 10_000, 8)).await.unwrap()),
        granted(s.gate_acquire(&gate("a.dk", "t2", 10_000, 8)).await.unwrap()),
        granted(s.gate_acquire(&gate("a.dk", "t3", 10_000, 8)).await.unwrap()),
    ];
    assert!(waits[0] <= 5, "{waits:?}");
    assert!((9_000..=10_000).contains(&waits[1]), "{waits:?}");
    assert!((19_000..=20_000).contains(&waits[2]), "{waits:?}");
    // Another host is not held up.
    assert!(granted(s.gate_acquire(&gate("b.dk", "t4", 10_000, 8)).await.unwrap()) <= 5);

    // A requester that accepts one request in flight waits for a slot.
    granted(s.gate_acquire(&gate("c.dk", "t5", 0, 1)).await.unwrap());
    assert!(matches!(
        s.gate_acquire(&gate("c.dk", "t6", 0, 1)).await.unwrap(),
        GateAnswer::Busy { retry_ms } if retry_ms > 0
    ));
    s.gate_release("c.dk", "t5").await.unwrap();
    granted(s.gate_acquire(&gate("c.dk", "t6", 0, 1)).await.unwrap());

    // A slot whose holder died frees itself when its lease runs out.
    let short = GateRequest {
        lease_ms: 0,
        ..gate("d.dk", "t7", 0, 1)
    };
    granted(s.gate_acquire(&short).await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    granted(s.gate_acquire(&gate("d.dk", "t8", 0, 1)).await.unwrap());
}

#[tokio::test]
async fn robots_txt_is_stored_per_origin_and_replaced() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    assert_eq!(s.robots_txt("https://a.dk").await.unwrap(), None);
    let at = Utc::now() - Duration::hours(1);
    let first = StoredRobots {
        status: 200,
        body: Some("User-agent: *\nDisallow: /private\n".into()),
        fetched_at: at,
    };
    s.put_robots_txt("https://a.dk", &first).await.unwrap();
    let read = s.robots_txt("https://a.dk").await.unwrap().unwrap();
    assert_eq!((read.status, read.body.clone()), (200, first.body.clone()));
    assert!((read.fetched_at - at).num_milliseconds().abs() < 1000);
    let gone = StoredRobots {
        status: 503,
        body: None,
        fetched_at: Utc::now(),
    };
    s.put_robots_txt("https://a.dk", &gone).await.unwrap();
    assert_eq!(s.robots_txt("https://a.dk").await.unwrap().unwrap().status, 503);
    assert_eq!(
        s.robots_txt("http://a.dk").await.unwrap(),
        None,
        "origins differ by scheme"
    );
}

/// The frontier's rows counted afresh, for comparison with the kept counters.
async fn recount(db: &TestDb, crawl: CrawlId) -> Vec<(String, Option<String>, i64)> {
    let sql = "SELECT state, reason, COUNT(*) FROM crawl_frontier WHERE crawl_id = $1 \
               GROUP BY state, reason";
    let mut rows: Vec<(String, Option<String>, i64)> = match db.store.pool() {
        DbPool::Postgres(pool) => sqlx::query_as(sql).bind(crawl).fetch_all(&pool).await.unwrap(),
        DbPool::Sqlite(pool) => sqlx::query_as(sql).bind(crawl).fetch_all(&pool).await.unwrap(),
    };
    rows.sort();
    rows
}

async fn kept(s: &dyn Store, owner: UserId, crawl: CrawlId) -> Vec<(String, Option<String>, i64)> {
    let mut rows: Vec<_> = s
        .frontier_counts(project_of(s, owner).await, crawl)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.state.as_str().to_owned(), c.reason, c.count))
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn frontier_counters_are_kept_exact_by_every_kind_of_change() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let mut seeds: Vec<NewFrontierUrl> = (0..8)
        .map(|i| seed(&format!("https://a.dk/{i}"), "a.dk", 0))
        .collect();
    seeds.push(NewFrontierUrl {
        skipped: Some("excluded".into()),
        ..seed("https://b.dk/x", "b.dk", 0)
    });
    let crawl = crawl_with(s, alice.id, seeds).await;
    let check = async |what: &str| {
        assert_eq!(
            kept(s, alice.id, crawl.id).await,
            recount(&db, crawl.id).await,
            "after {what}"
        );
        // The one-read form a crawl's page uses says the same.
        let (job, counts) = s.crawl_with_counts(alice.id, crawl.id).await.unwrap().unwrap();
        assert_eq!(job, s.crawl(alice.id, crawl.id).await.unwrap().unwrap());
        assert_eq!(
            counts,
            s.frontier_counts(project_of(s, alice.id).await, crawl.id)
                .await
                .unwrap(),
            "after {what}"
        );
    };
    check("seeding").await;

    let w1 = s
        .claim_frontier_leased(crawl.id, &claim("w1", 4, 10, &[]))
        .await
        .unwrap();
    let w2 = s
        .claim_frontier_leased(crawl.id, &claim("w2", 2, 10, &[]))
        .await
        .unwrap();
    check("claims").await;
    // Outcomes of every kind, one with links (new, capped, and one already there).
    let mut with_links = done(&w1[0].url);
    with_links.links = vec![
        seed("https://a.dk/new", "a.dk", 1),
        NewFrontierUrl {
            skipped: Some("cap".into()),
            ..seed("https://a.dk/capped", "a.dk", 1)
        },
        seed(&w1[1].url, "a.dk", 1),
    ];
    let failed = FrontierResult {
        state: FrontierState::Failed,
        reason: Some("http_500".into()),
        page: None,
        body: None,
        links: vec![],
    };
    let robots = FrontierResult {
        state: FrontierState::Skipped,
        reason: Some("robots".into()),
        page: None,
        body: None,
        links: vec![],
    };
    s.finish_frontier_batch(
        project_of(s, alice.id).await,
        &[(&w1[0], &with_links), (&w1[1], &failed), (&w1[2], &robots)],
    )
    .await
    .unwrap();
    check("a batch of outcomes").await;
    // An outcome from a run that no longer holds the URL changes nothing.
    s.finish_frontier(&w2[0], project_of(s, alice.id).await, &done(&w2[0].url))
        .await
        .unwrap();
    s.release_frontier_leases(crawl.id, "w1").await.unwrap();
    check("a release").await;
    s.renew_frontier_leases(crawl.id, "w2", Utc::now() - Duration::seconds(1))
        .await
        .unwrap();
    s.claim_frontier_leased(crawl.id, &claim("w3", 100, 100, &[]))
        .await
        .unwrap();
    check("a lapsed lease claimed again").await;
    s.requeue_in_flight(crawl.id).await.unwrap();
    check("requeueing what was in flight").await;
    let totals: i64 = kept(s, alice.id, crawl.id).await.iter().map(|r| r.2).sum();
    assert_eq!(totals, 11, "8 seeds, 1 excluded, 2 links");

    let bob = user(s, "bob").await;
    assert!(
        s.crawl_with_counts(bob.id, crawl.id).await.unwrap().is_none(),
        "another user's"
    );
    let empty = crawl_with(s, alice.id, vec![]).await;
    let (_, none) = s.crawl_with_counts(alice.id, empty.id).await.unwrap().unwrap();
    assert!(none.is_empty(), "a job without a frontier has no counters");

    s.delete_crawl(alice.id, crawl.id).await.unwrap();
    assert!(recount(&db, crawl.id).await.is_empty());
    let left: i64 = match db.store.pool() {
        DbPool::Postgres(pool) => sqlx::query_scalar("SELECT COUNT(*) FROM crawl_frontier_counts")
            .fetch_one(&pool)
            .await
            .unwrap(),
        DbPool::Sqlite(pool) => sqlx::query_scalar("SELECT COUNT(*) FROM crawl_frontier_counts")
            .fetch_one(&pool)
            .await
            .unwrap(),
    };
    assert_eq!(left, 0, "a deleted crawl's counters go with it");
}

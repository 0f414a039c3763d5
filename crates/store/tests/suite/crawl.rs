//! Crawl storage behaviour on every backend (SQLite always, PostgreSQL when configured).

use chrono::{Duration, Utc};
use serde_json::json;
use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

fn url(u: &str, site: &str, depth: i32) -> NewFrontierUrl {
    NewFrontierUrl {
        url: u.into(),
        site: site.into(),
        depth,
        parent_url: None,
        skipped: None,
    }
}

fn page(u: &str, hash: Option<&str>) -> NewPage {
    NewPage {
        url: u.into(),
        final_url: Some(u.into()),
        host: "www.dr.dk".into(),
        domain: "dr.dk".into(),
        status_code: Some(200),
        headers: json!({"content-type": "text/html"}),
        content_hash: hash.map(str::to_owned),
        title: Some("Titel".into()),
        text: Some("Tekst om vindmøller".into()),
        words: 3,
        language: Some("da".into()),
        language_confidence: Some(0.9),
        outlinks: vec!["https://www.dr.dk/b".into()],
        extraction_method: Some("trafilatura".into()),
        ..NewPage::default()
    }
}

fn body(hash: &str) -> NewBody {
    NewBody {
        hash: hash.into(),
        size: 3,
        zstd: vec![1, 2, 3],
    }
}

fn count(counts: &[FrontierCount], state: FrontierState, reason: Option<&str>) -> i64 {
    counts
        .iter()
        .filter(|c| c.state == state && c.reason.as_deref() == reason)
        .map(|c| c.count)
        .sum()
}

#[tokio::test]
async fn the_frontier_dedups_orders_by_depth_and_survives_a_killed_worker() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let crawl = s
        .create_crawl(NewCrawl {
            owner_id: alice.id,
            project_id: None,
            name: "energi".into(),
            config: json!({"depth": 2}),
            sources: json!({"sessions": [1]}),
            sessions: vec![store::SearchSessionId::new(1)],
            seeds: vec![
                url("https://www.dr.dk/a", "dr.dk", 0),
                url("https://ens.dk/", "ens.dk", 0),
                url("https://www.dr.dk/a", "dr.dk", 0),
            ],
        })
        .await
        .unwrap();
    assert_eq!(crawl.status, SearchStatus::Queued);

    let first = s.claim_frontier(crawl.id, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].url, "https://www.dr.dk/a");
    let mut skipped = url("https://shop.dr.dk/", "dr.dk", 1);
    skipped.skipped = Some("excluded".into());
    let added = s
        .finish_frontier(
            &first[0],
            project_of(s, alice.id).await,
            &FrontierResult {
                state: FrontierState::Done,
                reason: None,
                page: Some(page("https://www.dr.dk/a", Some("h1"))),
                body: Some(body("h1")),
                links: vec![
                    url("https://www.dr.dk/b", "dr.dk", 1),
                    url("https://ens.dk/", "ens.dk", 1),
                    skipped,
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(added, 2, "ens.dk/ was already a seed");

    // A worker claims two URLs and dies before finishing them.
    let claimed = s.claim_frontier(crawl.id, 10).await.unwrap();
    let urls: Vec<_> = claimed.iter().map(|c| (c.url.as_str(), c.depth)).collect();
    assert_eq!(
        urls,
        vec![("https://ens.dk/", 0), ("https://www.dr.dk/b", 1)],
        "shallowest first"
    );
    assert!(s.claim_frontier(crawl.id, 10).await.unwrap().is_empty());
    assert_eq!(s.requeue_in_flight(crawl.id).await.unwrap(), 2);
    let again = s.claim_frontier(crawl.id, 10).await.unwrap();
    assert_eq!(again.len(), 2, "nothing lost");

    // The same body under another URL is stored once.
    s.finish_frontier(
        &again[0],
        project_of(s, alice.id).await,
        &FrontierResult {
            state: FrontierState::Done,
            reason: None,
            page: Some(page("https://ens.dk/", Some("h1"))),
            body: Some(body("h1")),
            links: vec![],
        },
    )
    .await
    .unwrap();
    let mut failed = page("https://www.dr.dk/b", None);
    failed.error_reason = Some("timeout".into());
    failed.text = None;
    s.finish_frontier(
        &again[1],
        project_of(s, alice.id).await,
        &FrontierResult {
            state: FrontierState::Failed,
            reason: Some("timeout".into()),
            page: Some(failed),
            body: None,
            links: vec![],
        },
    )
    .await
    .unwrap();

    let counts = s
        .frontier_counts(project_of(s, alice.id).await, crawl.id)
        .await
        .unwrap();
    assert_eq!(count(&counts, FrontierState::Done, None), 2);
    assert_eq!(count(&counts, FrontierState::Failed, Some("timeout")), 1);
    assert_eq!(count(&counts, FrontierState::Skipped, Some("excluded")), 1);
    let mut load = s.site_load(crawl.id).await.unwrap();
    load.sort();
    assert_eq!(load, vec![("dr.dk".to_owned(), 2), ("ens.dk".to_owned(), 1)]);

    let pages = s
        .list_pages(
            alice.id,
            crawl.id,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].outlinks, json!(["https://www.dr.dk/b"]));
    let only_failed = PageFilter {
        failed: Some(true),
        ..PageFilter::default()
    };
    let f = s
        .list_pages(
            alice.id,
            crawl.id,
            &only_failed,
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].error_reason.as_deref(), Some("timeout"));
    let by_lang = PageFilter {
        language: Some("da".into()),
        failed: Some(false),
        ..PageFilter::default()
    };
    assert_eq!(
        s.list_pages(
            alice.id,
            crawl.id,
            &by_lang,
            PageRequest {
                after: None,
                limit: 10
            }
        )
        .await
        .unwrap()
        .len(),
        2
    );
    assert_eq!(
        s.page_body(alice.id, pages[0].id).await.unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(s.page_body(alice.id, f[0].id).await.unwrap(), None);

    let reuse = s
        .reusable_page(
            project_of(s, alice.id).await,
            "https://www.dr.dk/a",
            Utc::now() - Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(reuse.unwrap().title.as_deref(), Some("Titel"));
    assert!(
        s.reusable_page(
            project_of(s, alice.id).await,
            "https://www.dr.dk/b",
            Utc::now() - Duration::days(30)
        )
        .await
        .unwrap()
        .is_none(),
        "failed fetches are not reused"
    );
    assert!(
        s.reusable_page(
            project_of(s, alice.id).await,
            "https://www.dr.dk/a",
            Utc::now() + Duration::days(1)
        )
        .await
        .unwrap()
        .is_none()
    );

    s.set_crawl_status(crawl.id, SearchStatus::Done).await.unwrap();
    let done = s.crawl(alice.id, crawl.id).await.unwrap().unwrap();
    assert!(done.finished_at.is_some());
}

#[tokio::test]
async fn a_batch_of_outcomes_is_written_together_and_shared_links_are_added_once() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let crawl = s
        .create_crawl(NewCrawl {
            owner_id: alice.id,
            project_id: None,
            name: "batch".into(),
            config: json!({"depth": 2}),
            sources: json!({"urls": 3}),
            sessions: vec![],
            seeds: vec![
                url("https://www.dr.dk/a", "dr.dk", 0),
                url("https://www.dr.dk/b", "dr.dk", 0),
                url("https://ens.dk/", "ens.dk", 0),
            ],
        })
        .await
        .unwrap();
    let claimed = s.claim_frontier(crawl.id, 10).await.unwrap();
    assert_eq!(claimed.len(), 3);
    let outcome = |u: &str, links: Vec<NewFrontierUrl>| FrontierResult {
        state: FrontierState::Done,
        reason: None,
        page: Some(page(u, Some("same-body"))),
        body: Some(body("same-body")),
        links,
    };
    let results = [
        outcome(&claimed[0].url, vec![url("https://www.dr.dk/c", "dr.dk", 1)]),
        outcome(
            &claimed[1].url,
            vec![
                url("https://www.dr.dk/c", "dr.dk", 1),
                url("https://www.dr.dk/a", "dr.dk", 1),
            ],
        ),
        FrontierResult {
            state: FrontierState::Skipped,
            reason: Some("robots".into()),
            page: None,
            body: None,
            links: vec![],
        },
    ];
    let batch: Vec<_> = claimed.iter().zip(results.iter()).collect();
    let added = s
        .finish_frontier_batch(project_of(s, alice.id).await, &batch)
        .await
        .unwrap();
    assert_eq!(added, 1, "/c found twice in one batch, /a already known");
    assert_eq!(
        s.finish_frontier_batch(project_of(s, alice.id).await, &[])
            .await
            .unwrap(),
        0
    );

    let counts = s
        .frontier_counts(project_of(s, alice.id).await, crawl.id)
        .await
        .unwrap();
    assert_eq!(count(&counts, FrontierState::Done, None), 2);
    assert_eq!(count(&counts, FrontierState::Skipped, Some("robots")), 1);
    assert_eq!(count(&counts, FrontierState::Queued, None), 1);
    let pages = s
        .list_pages(
            alice.id,
            crawl.id,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    for p in &pages {
        assert_eq!(s.page_body(alice.id, p.id).await.unwrap(), Some(vec![1, 2, 3]));
    }
}

#[tokio::test]
async fn other_users_see_no_crawls_pages_or_bodies() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let mallory = user(s, "mallory").await;
    let crawl = s
        .create_crawl(NewCrawl {
            owner_id: alice.id,
            project_id: None,
            name: "x".into(),
            config: json!({}),
            sources: json!({}),
            sessions: vec![],
            seeds: vec![url("https://a.dk/", "a.dk", 0)],
        })
        .await
        .unwrap();
    let item = s.claim_frontier(crawl.id, 1).await.unwrap().remove(0);
    s.finish_frontier(
        &item,
        project_of(s, alice.id).await,
        &FrontierResult {
            state: FrontierState::Done,
            reason: None,
            page: Some(page("https://a.dk/", Some("h2"))),
            body: Some(body("h2")),
            links: vec![],
        },
    )
    .await
    .unwrap();
    let page_id = s
        .list_pages(
            alice.id,
            crawl.id,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()[0]
        .id;

    assert!(s.crawl(mallory.id, crawl.id).await.unwrap().is_none());
    let between = s
        .frontier_counts_between(
            alice.id,
            store::CrawlId::new(1),
            store::CrawlId::new(crawl.id.get() + 10),
        )
        .await
        .unwrap();
    assert_eq!(between.len(), 1);
    assert_eq!(between[0].0, crawl.id);
    assert_eq!((between[0].1.state, between[0].1.count), (FrontierState::Done, 1));
    assert!(
        s.frontier_counts_between(
            mallory.id,
            store::CrawlId::new(1),
            store::CrawlId::new(crawl.id.get() + 10)
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(
        s.list_crawls(
            mallory.id,
            None,
            PageRequest {
                after: None,
                limit: 10
            }
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(
        s.frontier_counts(project_of(s, mallory.id).await, crawl.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.page(mallory.id, page_id).await.unwrap().is_none());
    assert!(s.page_body(mallory.id, page_id).await.unwrap().is_none());
    assert!(
        s.list_pages(
            mallory.id,
            crawl.id,
            &PageFilter::default(),
            PageRequest {
                after: None,
                limit: 10
            }
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(
        s.reusable_page(
            project_of(s, mallory.id).await,
            "https://a.dk/",
            Utc::now() - Duration::days(1)
        )
        .await
        .unwrap()
        .is_none()
    );
    assert!(matches!(
        s.delete_crawl(mallory.id, crawl.id).await,
        Err(StoreError::NotFound)
    ));

    s.delete_crawl(alice.id, crawl.id).await.unwrap();
    assert!(
        s.page(alice.id, page_id).await.unwrap().is_none(),
        "pages go with their job"
    );
}

async fn crawl_with_pages(
    s: &dyn Store,
    owner: UserId,
    sessions: Vec<SearchSessionId>,
    pages: &[(&str, &str, &str, &str, &str)],
) -> CrawlId {
    let seeds = pages.iter().map(|(u, domain, ..)| url(u, domain, 0)).collect();
    let crawl = s
        .create_crawl(NewCrawl {
            owner_id: owner,
            project_id: None,
            name: "søgning".into(),
            config: json!({}),
            sources: json!({"sessions": sessions}),
            sessions,
            seeds,
        })
        .await
        .unwrap();
    let items = s.claim_frontier(crawl.id, 100).await.unwrap();
    for item in items {
        let (u, domain, lang, title, text) = pages.iter().find(|p| p.0 == item.url).unwrap();
        let mut p = page(u, None);
        p.domain = (*domain).into();
        p.language = Some((*lang).into());
        p.title = Some((*title).into());
        p.text = Some((*text).into());
        s.finish_frontier(
            &item,
            project_of(s, owner).await,
            &FrontierResult {
                state: FrontierState::Done,
                reason: None,
                page: Some(p),
                body: None,
                links: vec![],
            },
        )
        .await
        .unwrap();
    }
    crawl.id
}

fn search(q: &str) -> PageSearch {
    PageSearch {
        query: TextQuery::parse(q).unwrap(),
        crawl: None,
        session: None,
        domain: None,
        language: None,
    }
}

async fn hit_urls(s: &dyn Store, owner: UserId, search: &PageSearch) -> Vec<String> {
    s.search_pages(owner, search, None, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.url)
        .collect()
}

#[tokio::test]
async fn full_text_search_ranks_filters_highlights_and_pages() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;
    let from_session = crawl_with_pages(
        s,
        alice.id,
        vec![store::SearchSessionId::new(7)],
        &[
            (
                "https://ens.dk/vind",
                "ens.dk",
                "da",
                "Vindmøller på land",
                "Energistyrelsen om vindmøller & <støj> ved kysten.",
            ),
            (
                "https://dr.dk/nyhed",
                "dr.dk",
                "da",
                "Nyheder",
                "Borgere klager over vindmøller. Grøn omstilling koster.",
            ),
            (
                "https://dr.dk/kul",
                "dr.dk",
                "da",
                "Kulkraft",
                "Kulkraft lukker; vindmøller og solceller overtager.",
            ),
        ],
    )
    .await;
    let manual = crawl_with_pages(
        s,
        alice.id,
        vec![],
        &[(
            "https://example.org/wind",
            "example.org",
            "en",
            "Wind power",
            "Offshore wind turbines and green transition.",
        )],
    )
    .await;
    crawl_with_pages(
        s,
        bob.id,
        vec![store::SearchSessionId::new(7)],
        &[(
            "https://bob.dk/",
            "bob.dk",
            "da",
            "Vindmøller",
            "vindmøller vindmøller",
        )],
    )
    .await;

    let all = s
        .search_pages(alice.id, &search("Vindmøller"), None, 50)
        .await
        .unwrap();
    let urls: Vec<_> = all.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(urls[0], "https://ens.dk/vind", "a title match ranks first");
    assert_eq!(urls.len(), 3, "only alice's pages: {urls:?}");
    assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(all[0].score > 0.0);
    let snippet = &all[0].snippet;
    assert!(snippet.contains("<mark>vindmøller</mark>"), "{snippet}");
    assert!(snippet.contains("&amp; &lt;støj&gt;"), "escaped: {snippet}");

    // Filters: job, session, domain, language.
    let mut by_crawl = search("vind* OR wind");
    by_crawl.crawl = Some(manual);
    assert!(
        hit_urls(s, alice.id, &by_crawl).await.is_empty(),
        "`or` is a word here"
    );
    let mut by_crawl = search("wind");
    by_crawl.crawl = Some(manual);
    assert_eq!(
        hit_urls(s, alice.id, &by_crawl).await,
        vec!["https://example.org/wind"]
    );
    let mut by_session = search("vindmøller");
    by_session.session = Some(store::SearchSessionId::new(7));
    assert_eq!(hit_urls(s, alice.id, &by_session).await.len(), 3);
    by_session.crawl = Some(manual);
    assert!(hit_urls(s, alice.id, &by_session).await.is_empty());
    let mut by_domain = search("vindmøller");
    by_domain.domain = Some("dr.dk".into());
    by_domain.language = Some("da".into());
    assert_eq!(hit_urls(s, alice.id, &by_domain).await.len(), 2);
    by_domain.language = Some("en".into());
    assert!(hit_urls(s, alice.id, &by_domain).await.is_empty());
    assert_eq!(from_session, all[0].crawl_id);

    // Phrases, prefixes, exclusions.
    assert_eq!(
        hit_urls(s, alice.id, &search("\"grøn omstilling\"")).await,
        vec!["https://dr.dk/nyhed"]
    );
    assert!(
        hit_urls(s, alice.id, &search("\"omstilling grøn\""))
            .await
            .is_empty()
    );
    assert_eq!(
        hit_urls(s, alice.id, &search("kulkr*")).await,
        vec!["https://dr.dk/kul"]
    );
    let mut without = hit_urls(s, alice.id, &search("vindmøller -kulkraft")).await;
    without.sort();
    assert_eq!(without, vec!["https://dr.dk/nyhed", "https://ens.dk/vind"]);

    // Keyset pages of one hit walk the same order as one page of all.
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let hits = s
            .search_pages(alice.id, &search("vindmøller"), after, 1)
            .await
            .unwrap();
        let Some(hit) = hits.into_iter().next() else { break };
        after = Some(HitCursor {
            score: hit.score,
            id: hit.id,
        });
        walked.push(hit.url);
        assert!(walked.len() <= 3, "pagination must end");
    }
    assert_eq!(walked, urls);

    let languages = s.page_languages(alice.id, from_session).await.unwrap();
    assert_eq!(
        languages,
        vec![LanguageCount {
            language: Some("da".into()),
            pages: 3,
            words: 9
        }]
    );
    assert!(s.page_languages(bob.id, from_session).await.unwrap().is_empty());

    // Deleting a job takes its pages out of the index.
    s.delete_crawl(alice.id, from_session).await.unwrap();
    assert!(hit_urls(s, alice.id, &search("vindmøller")).await.is_empty());
    assert_eq!(
        hit_urls(s, bob.id, &search("vindmøller")).await,
        vec!["https://bob.dk/"]
    );
}

//! Analysis storage on every backend: runs, resumable page selection, replacing terms,
//! owner isolation and per-website noun counts.

use serde_json::json;
use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

/// A finished scraping job with one page per (url, domain, text).
async fn crawl(s: &dyn Store, owner: UserId, pages: &[(&str, &str, &str)]) -> CrawlId {
    let crawl = s
        .create_crawl(NewCrawl {
            owner_id: owner,
            project_id: None,
            name: "c".into(),
            config: json!({}),
            sources: json!({}),
            sessions: vec![],
            seeds: pages
                .iter()
                .map(|(u, d, _)| NewFrontierUrl {
                    url: (*u).into(),
                    site: (*d).into(),
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                })
                .collect(),
        })
        .await
        .unwrap();
    for item in s.claim_frontier(crawl.id, 100).await.unwrap() {
        let (u, d, t) = pages.iter().find(|p| p.0 == item.url).unwrap();
        s.finish_frontier(
            &item,
            project_of(s, owner).await,
            &FrontierResult {
                state: FrontierState::Done,
                reason: None,
                page: Some(NewPage {
                    url: (*u).into(),
                    host: (*d).into(),
                    domain: (*d).into(),
                    headers: json!({}),
                    text: Some((*t).into()),
                    language: Some("da".into()),
                    ..NewPage::default()
                }),
                body: None,
                links: vec![],
            },
        )
        .await
        .unwrap();
    }
    crawl.id
}

fn record(page: &PageText, crawl: CrawlId, nouns: &[(&str, i64)]) -> PageTermsRecord {
    assert_eq!(page.crawl_id, crawl);
    PageTermsRecord {
        page_id: page.id,
        crawl_id: crawl,
        domain: page.domain.clone(),
        language: page.language.clone(),
        tokens: 42,
        skipped: None,
        nouns: nouns
            .iter()
            .map(|(l, c)| NounTerm {
                lemma: (*l).into(),
                count: *c,
                spans: spans(*c),
            })
            .collect(),
        entities: vec![EntityTerm {
            normalized: "mette frederiksen".into(),
            label: "PER".into(),
            surface: "Mette Frederiksen".into(),
            count: 2,
            spans: vec![[3, 20], [40, 57]],
        }],
        keywords: vec![KeywordTerm {
            phrase: "grøn omstilling".into(),
            score: 4.0,
            count: 2,
            spans: vec![[70, 85]],
        }],
    }
}

/// Where a term with `count` occurrences was seen (the first three are kept).
fn spans(count: i64) -> Vec<[u32; 2]> {
    (0..count.min(3) as u32).map(|i| [i * 10, i * 10 + 5]).collect()
}

#[tokio::test]
async fn runs_resume_replace_terms_and_count_nouns_per_website() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;
    let crawl_id = crawl(
        s,
        alice.id,
        &[
            ("https://ens.dk/a", "ens.dk", "vindmøller"),
            ("https://ens.dk/b", "ens.dk", "solceller"),
            ("https://dr.dk/c", "dr.dk", "naboer"),
        ],
    )
    .await;
    let run = s
        .create_analysis(NewAnalysis {
            owner_id: alice.id,
            project_id: None,
            scope: AnalysisScope::Crawl(crawl_id),
            options: json!({"include_propn": false}),
        })
        .await
        .unwrap();
    assert_eq!(run.status, SearchStatus::Queued);
    assert!(
        s.analysis(bob.id, run.id).await.unwrap().is_none(),
        "another user's run is invisible"
    );

    let pages = s.pages_to_analyze(&run, None, 2).await.unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages[0].id < pages[1].id);
    let mut skipped = record(&pages[1], crawl_id, &[]);
    skipped.skipped = Some("too little text".into());
    skipped.entities.clear();
    skipped.keywords.clear();
    s.write_page_terms(
        &run,
        &[
            record(&pages[0], crawl_id, &[("vindmølle", 3), ("nabo", 1)]),
            skipped,
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        s.analysis_counts(run.id).await.unwrap(),
        AnalysisCounts {
            analysed: 1,
            skipped: 1
        }
    );

    // Resuming the same run picks up only what it has not done.
    let rest = s.pages_to_analyze(&run, None, 10).await.unwrap();
    assert_eq!(rest.len(), 1);
    s.write_page_terms(&run, &[record(&rest[0], crawl_id, &[("nabo", 2)])])
        .await
        .unwrap();
    assert!(s.pages_to_analyze(&run, None, 10).await.unwrap().is_empty());

    let terms = s.page_terms(alice.id, pages[0].id).await.unwrap().unwrap();
    assert_eq!(
        terms.nouns[0],
        NounTerm {
            lemma: "vindmølle".into(),
            count: 3,
            spans: vec![[0, 5], [10, 15], [20, 25]],
        },
        "most frequent first"
    );
    assert_eq!(terms.entities[0].surface, "Mette Frederiksen");
    assert_eq!(
        terms.entities[0].spans,
        [[3, 20], [40, 57]],
        "spans come back as written"
    );
    assert_eq!(terms.keywords[0].spans, [[70, 85]]);
    assert_eq!(terms.keywords[0].phrase, "grøn omstilling");
    assert!(s.page_terms(bob.id, pages[0].id).await.unwrap().is_none());

    assert_eq!(
        s.analysable_pages(project_of(s, alice.id).await, AnalysisScope::Crawl(crawl_id))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        s.analysable_pages(project_of(s, bob.id).await, AnalysisScope::Crawl(crawl_id))
            .await
            .unwrap(),
        0
    );
    let counts = s
        .domain_term_counts(
            project_of(s, alice.id).await,
            AnalysisScope::Crawl(crawl_id),
            TermKind::Nouns,
        )
        .await
        .unwrap();
    let get = |d: &str, t: &str| {
        counts
            .iter()
            .find(|c| c.domain == d && c.term == t)
            .map(|c| c.count)
    };
    assert_eq!(get("ens.dk", "vindmølle"), Some(3));
    assert_eq!(get("ens.dk", "nabo"), Some(1));
    assert_eq!(get("dr.dk", "nabo"), Some(2));
    assert!(
        s.domain_term_counts(
            project_of(s, bob.id).await,
            AnalysisScope::Crawl(crawl_id),
            TermKind::Nouns
        )
        .await
        .unwrap()
        .is_empty()
    );
    let entities = s
        .domain_term_counts(
            project_of(s, alice.id).await,
            AnalysisScope::Crawl(crawl_id),
            TermKind::Entities,
        )
        .await
        .unwrap();
    // Both analysed pages mention her twice: ens.dk 2 (one page) and dr.dk 2.
    assert_eq!(entities.len(), 2, "{entities:?}");
    assert!(
        entities
            .iter()
            .all(|e| e.term == "mette frederiksen" && e.label.as_deref() == Some("PER") && e.count == 2)
    );
    let keywords = s
        .domain_term_counts(
            project_of(s, alice.id).await,
            AnalysisScope::Crawl(crawl_id),
            TermKind::Keywords,
        )
        .await
        .unwrap();
    assert_eq!(keywords.len(), 2);
    assert_eq!(keywords[0].term, "grøn omstilling");
    assert!(keywords[0].label.is_none());

    // A new run analyses everything again and replaces each page's terms.
    let again = s
        .create_analysis(NewAnalysis {
            owner_id: alice.id,
            project_id: None,
            scope: AnalysisScope::Crawl(crawl_id),
            options: json!({"include_propn": true}),
        })
        .await
        .unwrap();
    let all = s.pages_to_analyze(&again, None, 10).await.unwrap();
    assert_eq!(all.len(), 3);
    s.write_page_terms(&again, &[record(&all[0], crawl_id, &[("vindmølle", 1)])])
        .await
        .unwrap();
    let replaced = s.page_terms(alice.id, all[0].id).await.unwrap().unwrap();
    assert_eq!(
        replaced.nouns,
        vec![NounTerm {
            lemma: "vindmølle".into(),
            count: 1,
            spans: vec![[0, 5]],
        }]
    );
    assert_eq!(
        s.analysis_counts(run.id).await.unwrap().analysed,
        1,
        "the old run keeps what it still owns"
    );

    s.set_analysis_status(again.id, SearchStatus::Running)
        .await
        .unwrap();
    s.set_analysis_status(again.id, SearchStatus::Done).await.unwrap();
    let done = s.analysis(alice.id, again.id).await.unwrap().unwrap();
    assert!(done.started_at.is_some() && done.finished_at.is_some());

    // Deleting the scraping job takes its runs and terms with it.
    s.delete_crawl(alice.id, crawl_id).await.unwrap();
    assert!(s.analysis(alice.id, run.id).await.unwrap().is_none());
    assert!(s.page_terms(alice.id, all[0].id).await.unwrap().is_none());
}

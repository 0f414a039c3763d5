//! Network storage on every backend: records, the built graph, isolation, and the rows the
//! builders read (one page per URL across scraping jobs, languages, outlinks).

use serde_json::json;
use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

pub(crate) struct Fixture<'a> {
    pub(crate) url: &'a str,
    pub(crate) host: &'a str,
    pub(crate) domain: &'a str,
    pub(crate) language: &'a str,
    pub(crate) outlinks: &'a [&'a str],
    pub(crate) nouns: &'a [(&'a str, i64)],
    /// The page's main text; each noun's span is its first occurrence there.
    pub(crate) text: &'a str,
    pub(crate) anchors: &'a [&'a str],
}

/// A scraping job whose pages are fetched and analysed.
pub(crate) async fn analysed_crawl(s: &dyn Store, owner: UserId, pages: &[Fixture<'_>]) -> CrawlId {
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
                .map(|p| NewFrontierUrl {
                    url: p.url.into(),
                    site: p.domain.into(),
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                })
                .collect(),
        })
        .await
        .unwrap();
    for item in s.claim_frontier(crawl.id, 100).await.unwrap() {
        let p = pages.iter().find(|p| p.url == item.url).unwrap();
        let page = NewPage {
            url: p.url.into(),
            host: p.host.into(),
            domain: p.domain.into(),
            status_code: Some(200),
            headers: json!({}),
            text: Some(p.text.into()),
            anchors: p.anchors.iter().map(|s| s.to_string()).collect(),
            language: Some(p.language.into()),
            outlinks: p.outlinks.iter().map(|s| s.to_string()).collect(),
            ..NewPage::default()
        };
        let result = FrontierResult {
            state: FrontierState::Done,
            reason: None,
            page: Some(page),
            body: None,
            links: vec![],
        };
        s.finish_frontier(&item, project_of(s, owner).await, &result)
            .await
            .unwrap();
    }
    let run = s
        .create_analysis(NewAnalysis {
            owner_id: owner,
            project_id: None,
            scope: AnalysisScope::Crawl(crawl.id),
            options: json!({}),
        })
        .await
        .unwrap();
    let texts = s.pages_to_analyze(&run, None, 100).await.unwrap();
    let records: Vec<PageTermsRecord> = texts
        .iter()
        .map(|t| {
            let p = pages
                .iter()
                .find(|p| p.domain == t.domain && t.language.as_deref() == Some(p.language))
                .unwrap();
            PageTermsRecord {
                page_id: t.id,
                crawl_id: crawl.id,
                domain: t.domain.clone(),
                language: t.language.clone(),
                tokens: 10,
                skipped: None,
                nouns: p
                    .nouns
                    .iter()
                    .map(|(l, c)| NounTerm {
                        lemma: (*l).into(),
                        count: *c,
                        spans: p
                            .text
                            .find(l)
                            .map(|at| vec![[at as u32, (at + l.len()) as u32]])
                            .unwrap_or_default(),
                    })
                    .collect(),
                entities: vec![],
                keywords: vec![],
            }
        })
        .collect();
    s.write_page_terms(&run, &records).await.unwrap();
    crawl.id
}

#[tokio::test]
async fn network_records_graphs_and_builder_rows() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;

    let first = analysed_crawl(
        s,
        alice.id,
        &[
            Fixture {
                url: "https://www.ens.dk/a",
                host: "www.ens.dk",
                domain: "ens.dk",
                language: "da",
                outlinks: &["https://dr.dk/x"],
                nouns: &[("vind", 2)],
                text: "text",
                anchors: &[],
            },
            Fixture {
                url: "https://dr.dk/b",
                host: "dr.dk",
                domain: "dr.dk",
                language: "en",
                outlinks: &[],
                nouns: &[("wind", 5)],
                text: "text",
                anchors: &[],
            },
        ],
    )
    .await;
    // The same URL again in a second job: counted once (its latest page).
    let second = analysed_crawl(
        s,
        alice.id,
        &[Fixture {
            url: "https://www.ens.dk/a",
            host: "www.ens.dk",
            domain: "ens.dk",
            language: "da",
            outlinks: &[],
            nouns: &[("vind", 3)],
            text: "text",
            anchors: &[],
        }],
    )
    .await;

    let scope = NetworkScope {
        sessions: vec![],
        crawls: vec![first, second],
    };
    assert_eq!(
        s.scope_crawls(project_of(s, alice.id).await, &scope)
            .await
            .unwrap(),
        vec![first, second]
    );
    assert!(
        s.scope_crawls(project_of(s, bob.id).await, &scope)
            .await
            .unwrap()
            .is_empty()
    );

    let counts = s
        .network_term_counts(
            project_of(s, alice.id).await,
            &[first, second],
            TermKind::Nouns,
            SiteUnit::Domain,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        vec![
            SiteTermCount {
                site: "dr.dk".into(),
                term: "wind".into(),
                label: None,
                count: 5
            },
            SiteTermCount {
                site: "ens.dk".into(),
                term: "vind".into(),
                label: None,
                count: 3
            },
        ]
    );
    // Analyses stored before terms were packed at write time read the same.
    match s.pool() {
        DbPool::Sqlite(pool) => {
            sqlx::query("UPDATE page_analyses SET packed = FALSE, nouns_packed = NULL")
                .execute(&pool)
                .await
                .unwrap();
        }
        DbPool::Postgres(pool) => {
            sqlx::query("UPDATE page_analyses SET packed = FALSE, nouns_packed = NULL")
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    let legacy = s
        .network_term_counts(
            project_of(s, alice.id).await,
            &[first, second],
            TermKind::Nouns,
            SiteUnit::Domain,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(legacy, counts);

    let by_host = s
        .network_term_counts(
            project_of(s, alice.id).await,
            &[first],
            TermKind::Nouns,
            SiteUnit::Host,
            &["da".into()],
        )
        .await
        .unwrap();
    assert_eq!(by_host.len(), 1, "the language filter keeps Danish pages only");
    assert_eq!((by_host[0].site.as_str(), by_host[0].count), ("www.ens.dk", 2));
    assert!(
        s.network_term_counts(
            project_of(s, bob.id).await,
            &[first],
            TermKind::Nouns,
            SiteUnit::Domain,
            &[]
        )
        .await
        .unwrap()
        .is_empty()
    );

    let links = s
        .network_page_links(project_of(s, alice.id).await, &[first])
        .await
        .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].outlinks, vec!["https://dr.dk/x".to_string()]);
    assert!(
        s.network_page_links(project_of(s, bob.id).await, &[first])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.network_search_hits(project_of(s, alice.id).await, &[])
            .await
            .unwrap()
            .is_empty()
    );

    // Records: create, status, finish with the graph in one go, list, isolation, delete.
    let net = s
        .create_network(NewNetwork {
            owner_id: alice.id,
            project_id: None,
            name: "wind".into(),
            kind: "website-noun".into(),
            scope: scope.clone(),
            params: json!({"top": 10}),
        })
        .await
        .unwrap();
    assert_eq!(net.status, SearchStatus::Queued);
    assert_eq!(net.scope, scope);
    s.set_network_status(net.id, SearchStatus::Running, None)
        .await
        .unwrap();
    s.finish_network(
        net.id,
        &NetworkOutcome {
            node_count: 3,
            edge_count: 2,
            report: json!({"statistics": {"nodes": 3}}),
            graph_zstd: vec![1, 2, 3],
        },
    )
    .await
    .unwrap();
    let done = s.network(alice.id, net.id).await.unwrap().unwrap();
    assert_eq!(
        (done.status, done.node_count, done.edge_count),
        (SearchStatus::Done, Some(3), Some(2))
    );
    assert!(done.finished_at.is_some() && done.started_at.is_some());
    assert_eq!(done.report.unwrap()["statistics"]["nodes"], 3);
    assert_eq!(
        s.network_graph(alice.id, net.id).await.unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(s.network_graph(bob.id, net.id).await.unwrap(), None);
    assert!(s.network(bob.id, net.id).await.unwrap().is_none());

    s.set_network_status(net.id, SearchStatus::Failed, Some("boom"))
        .await
        .unwrap();
    assert_eq!(
        s.network(alice.id, net.id)
            .await
            .unwrap()
            .unwrap()
            .error
            .as_deref(),
        Some("boom")
    );

    let second_net = s
        .create_network(NewNetwork {
            owner_id: alice.id,
            project_id: None,
            name: "b".into(),
            kind: "hyperlink".into(),
            scope,
            params: json!({}),
        })
        .await
        .unwrap();
    let page = s
        .list_networks(
            alice.id,
            None,
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(page[0].id, second_net.id);
    let page = s
        .list_networks(
            alice.id,
            None,
            PageRequest {
                after: Some(second_net.id.get()),
                limit: 5,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.iter().map(|n| n.id).collect::<Vec<_>>(), vec![net.id]);
    assert!(
        s.list_networks(
            bob.id,
            None,
            PageRequest {
                after: None,
                limit: 5
            }
        )
        .await
        .unwrap()
        .is_empty()
    );

    assert!(matches!(
        s.delete_network(bob.id, net.id).await,
        Err(StoreError::NotFound)
    ));
    s.delete_network(alice.id, net.id).await.unwrap();
    assert!(s.network(alice.id, net.id).await.unwrap().is_none());
    assert_eq!(s.network_graph(alice.id, net.id).await.unwrap(), None);
}

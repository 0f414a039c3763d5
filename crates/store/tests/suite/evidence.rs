//! The rows the evidence behind a network is read from, on every backend: the pages that use
//! a term with where they use it, linking pages with their anchors, and main texts, each
//! limited to the asking project.

use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};
use crate::networks::{Fixture, analysed_crawl};

#[tokio::test]
async fn evidence_rows_carry_positions_anchors_and_texts() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let bob = user(s, "bob").await;
    let crawl = analysed_crawl(
        s,
        alice.id,
        &[
            Fixture {
                url: "https://www.ens.dk/a",
                host: "www.ens.dk",
                domain: "ens.dk",
                language: "da",
                outlinks: &["https://dr.dk/x", "https://ens.dk/b"],
                nouns: &[("vind", 2)],
                text: "Mere vind på havet: vindmøller giver strøm.",
                anchors: &["DR om vind", "Mere"],
            },
            Fixture {
                url: "https://dr.dk/b",
                host: "dr.dk",
                domain: "dr.dk",
                language: "en",
                outlinks: &[],
                nouns: &[("vind", 1)],
                text: "Ingen vind i dag.",
                anchors: &[],
            },
        ],
    )
    .await;
    let project = project_of(s, alice.id).await;
    let vind = TermKey {
        kind: TermKind::Nouns,
        term: "vind",
        label: None,
    };
    let pages = s
        .term_pages(project, &[crawl], vind, &["ens.dk".into()], &[])
        .await
        .unwrap();
    assert_eq!(pages.len(), 1, "only the asked domain's pages: {pages:?}");
    let page = &pages[0];
    assert_eq!((page.url.as_str(), page.count), ("https://www.ens.dk/a", 2));
    assert_eq!(page.spans, vec![[5, 9]]);
    let both = s
        .term_pages(project, &[crawl], vind, &["ens.dk".into(), "dr.dk".into()], &[])
        .await
        .unwrap();
    assert_eq!(both.len(), 2);
    let english = s
        .term_pages(
            project,
            &[crawl],
            vind,
            &["ens.dk".into(), "dr.dk".into()],
            &["en".into()],
        )
        .await
        .unwrap();
    assert_eq!(english.len(), 1, "the language filter applies");
    let other = TermKey { term: "sol", ..vind };
    assert!(
        s.term_pages(project, &[crawl], other, &["ens.dk".into()], &[])
            .await
            .unwrap()
            .is_empty()
    );

    let texts = s.page_texts(project, &[page.page_id]).await.unwrap();
    assert_eq!(texts.len(), 1);
    let text = &texts[0].1;
    assert_eq!(
        &text[5..9],
        "vind",
        "spans are byte offsets into the stored main text"
    );

    let links = s.link_pages(project, &[crawl], &["ens.dk".into()]).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].outlinks, ["https://dr.dk/x", "https://ens.dk/b"]);
    assert_eq!(links[0].anchors, ["DR om vind", "Mere"]);

    // Another user's project reads none of it.
    let theirs = project_of(s, bob.id).await;
    assert!(
        s.term_pages(theirs, &[crawl], vind, &["ens.dk".into()], &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.link_pages(theirs, &[crawl], &["ens.dk".into()])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.page_texts(theirs, &[page.page_id]).await.unwrap().is_empty());
    assert!(
        s.search_evidence(theirs, &[], &["ens.dk".into()])
            .await
            .unwrap()
            .is_empty()
    );
}

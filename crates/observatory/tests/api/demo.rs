//! `observatory demo` end to end without serving: the whole pipeline on the built-in corpus,
//! through the production search client, into a temporary directory.

use observatory::commands::demo::{DemoWorld, QUERIES, run_pipeline};
use observatory::settings::Settings;
use secrecy::SecretString;

use crate::helpers::assert_valid_gexf;

#[tokio::test]
async fn the_demo_maps_the_issue_end_to_end_through_the_production_search_client() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        secret_key: SecretString::from(format!("test-secret-{}", uuid::Uuid::new_v4().simple())),
        ..Default::default()
    };
    let world = DemoWorld::start().await.unwrap();
    let run = run_pipeline(&settings, &world, dir.path()).await.unwrap();
    let summary = &run.summary;

    // The search went through the SearXNG client to the demo engine: every query, paged.
    assert!(
        world.engine.requests() >= QUERIES.len(),
        "{}",
        world.engine.requests()
    );
    assert_eq!(
        run.settings.search.searxng.base_url.as_deref(),
        Some(world.engine.base_url().as_str())
    );
    let stage = |name: &str| summary.stages.iter().find(|s| s.0 == name).unwrap().1.clone();
    // One project holds the map, shared with a colleague who only reads it.
    let project = stage("project");
    assert!(
        project.contains("demo (owner)") && project.contains("colleague (viewer)"),
        "{project}"
    );
    let project_id = summary.networks[0].project_id;
    assert!(
        project.starts_with(&format!("project {project_id} ")),
        "{project}"
    );
    assert!(summary.networks.iter().all(|n| n.project_id == project_id));
    let search = stage("search");
    let results: usize = search
        .split(" results")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((300..=600).contains(&results), "{search}");

    let crawl = stage("crawl");
    let fetched: usize = crawl.split(" pages fetched").next().unwrap().parse().unwrap();
    assert!((150..=400).contains(&fetched), "{crawl}");
    assert!(
        crawl.contains("robots"),
        "a robots.txt disallows something: {crawl}"
    );
    assert!(!crawl.contains(" 0 failed"), "one website fails: {crawl}");
    assert!(
        crawl.contains("extraction 1"),
        "the page built to exhaust the extractor fails on its own: {crawl}"
    );

    // Curation: two websites OUT, the news site's two domains one actor, a sector on every
    // actor; the analysis and the networks take the curated corpus.
    let curation = stage("curation");
    assert!(
        curation.contains(" 2 out (") && curation.contains("merged into one actor"),
        "{curation}"
    );

    let analysis = stage("analysis");
    let analysed: usize = analysis.split(" pages analysed").next().unwrap().parse().unwrap();
    assert!(analysed * 10 >= fetched * 8, "{analysis} of {crawl}");

    assert_eq!(summary.networks.len(), 5);
    for n in &summary.networks {
        assert_eq!(n.status, store::SearchStatus::Done, "{n:?}");
        let stats = &n.report.as_ref().unwrap()["statistics"];
        let kinds = stats["nodes_by_kind"].as_object().unwrap();
        let want = if n.kind == "hyperlink" { 1 } else { 2 };
        assert!(kinds.len() >= want, "both node types in {}: {stats}", n.kind);
        assert!(
            n.node_count.unwrap() >= 20 && n.edge_count.unwrap() >= 20,
            "{} {stats}",
            n.kind
        );
        assert!(stats["communities"].as_u64().unwrap() >= 2, "{} {stats}", n.kind);
    }
    assert!(summary.top_nouns.len() >= 5 && summary.top_entities.len() >= 3);
    assert!(summary.communities.len() >= 2);

    assert_eq!(summary.files.len(), 22);
    for f in &summary.files {
        assert!(std::fs::metadata(f).unwrap().len() > 100, "{}", f.display());
        if f.extension().is_some_and(|e| e == "gexf") {
            assert_valid_gexf(f);
            let text = std::fs::read_to_string(f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy();
            let compared = name.ends_with("-changes.gexf") || name.ends_with("-dynamic.gexf");
            assert!(
                compared || (text.contains("title=\"Node type\"") && text.contains("title=\"Community\""))
            );
        }
    }
    let nouns = std::fs::read_to_string(dir.path().join("demo-website-noun.gexf")).unwrap();
    assert!(nouns.contains("value=\"website\"") && nouns.contains("value=\"noun\""));

    // Every website node of every network carries its actor's sector, typed in the GEXF;
    // OUT websites are not in them, and the news site is one node under its name.
    let networks = stage("networks");
    let store = observatory::startup::open_store(&run.settings).await.unwrap();
    for n in &summary.networks {
        let graph = networks::service::stored_graph(store.as_ref(), n.owner_id, n.id)
            .await
            .unwrap()
            .unwrap();
        let websites: Vec<&graph::Node> = graph
            .nodes
            .iter()
            .filter(|x| x.kind == graph::NodeKind::Website)
            .collect();
        assert!(!websites.is_empty(), "{}", n.kind);
        for w in &websites {
            assert!(
                w.attrs.contains_key("sector"),
                "{} node {} has no sector",
                n.kind,
                w.id
            );
            assert!(
                !w.id.contains("gammel-energiportal") && !w.id.contains("nedlagt-klimaforum"),
                "{}",
                w.id
            );
            assert!(
                !w.id.ends_with(":vestkysten.test"),
                "the merged domain is no node of its own: {}",
                w.id
            );
        }
        if n.kind == "query-website" {
            assert!(websites.iter().any(|w| w.label == "Vestkysten Nyt"), "{networks}");
        }
    }
    check_evidence(&run.summary.evidence);

    // The search ran again; a few queries rank differently, so the re-run's query–website
    // network differs from the first, and the comparison says how.
    let over = summary
        .over_time
        .as_ref()
        .expect("the demo compares two snapshots");
    let c = &over.comparison.comparison.summary;
    assert!(
        c.nodes_kept > 0 && c.edges_added + c.edges_removed + c.edges_changed > 0,
        "{c:?}"
    );
    assert!(c.edge_jaccard < 1.0 && c.node_jaccard > 0.5, "{c:?}");
    assert!(
        stage("over time").contains("re-ran the search"),
        "{}",
        stage("over time")
    );
    let changes = std::fs::read_to_string(dir.path().join("demo-query-website-changes.gexf")).unwrap();
    assert!(
        changes.contains("value=\"kept\"") && changes.contains("title=\"Change\""),
        "the change attribute"
    );
    let dynamic = std::fs::read_to_string(dir.path().join("demo-query-website-dynamic.gexf")).unwrap();
    assert!(dynamic.contains("mode=\"dynamic\""));

    let query_website = std::fs::read_to_string(dir.path().join("demo-query-website.gexf")).unwrap();
    assert!(
        query_website.contains("<attribute id=\"sector\" title=\"sector\" type=\"string\"/>"),
        "the sector is a declared attribute"
    );
}

/// The evidence behind the heaviest edge of every demo network: search results for the
/// query–website edge, linking pages with anchors for the hyperlink, and for each term
/// network pages whose marked snippets hold the term (an inflected form of a lemma, or an
/// entity's surface form, starts like it).
fn check_evidence(shown: &[observatory::commands::demo_evidence::EdgeEvidence]) {
    use networks::evidence::EvidenceItem;
    let kinds: Vec<&str> = shown.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "query-website",
            "website-noun",
            "website-entity",
            "website-keyword",
            "hyperlink"
        ]
    );
    for e in shown {
        let ev = &e.evidence;
        assert!(
            !ev.items.is_empty() && ev.total >= ev.items.len(),
            "{}: {ev:?}",
            e.kind
        );
        match e.kind.as_str() {
            "query-website" => {
                let hits = match ev.attributes.get("hits") {
                    Some(graph::AttrValue::Integer(h)) => *h as usize,
                    other => panic!("{other:?}"),
                };
                assert_eq!(ev.total, hits, "one search result per hit");
                assert!(
                    ev.items
                        .iter()
                        .all(|i| matches!(i, EvidenceItem::SearchResult(_)))
                );
            }
            "hyperlink" => {
                let EvidenceItem::LinkingPage(p) = &ev.items[0] else {
                    panic!("{ev:?}")
                };
                assert!(!p.links.is_empty());
            }
            _ => {
                let term = [&ev.source, &ev.target]
                    .into_iter()
                    .flatten()
                    .find(|n| n.kind != "website")
                    .unwrap()
                    .label
                    .to_lowercase();
                let stem: String = term.chars().take(3).collect();
                let mut whole = 0;
                for item in &ev.items {
                    let EvidenceItem::Page(p) = item else {
                        panic!("{item:?}")
                    };
                    assert!(!p.snippets.is_empty(), "{}: {p:?}", e.kind);
                    for s in &p.snippets {
                        let chars: Vec<char> = s.text.chars().collect();
                        for [a, b] in &s.matches {
                            let marked: String = chars[*a as usize..*b as usize]
                                .iter()
                                .collect::<String>()
                                .to_lowercase();
                            assert!(
                                marked.contains(&stem),
                                "{}: `{marked}` does not mark `{term}`",
                                e.kind
                            );
                            whole += usize::from(marked.contains(&term));
                        }
                    }
                }
                assert!(whole > 0, "{}: no match holds `{term}`", e.kind);
                let t = ev.term.as_ref().unwrap();
                let by_hand = t.count as f64 / t.occurrences.unwrap() as f64 * t.idf.unwrap();
                assert!((by_hand - t.tfidf).abs() < 1e-9, "{t:?}");
            }
        }
    }
}

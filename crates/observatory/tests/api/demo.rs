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

    assert_eq!(summary.networks.len(), 3);
    for n in &summary.networks {
        assert_eq!(n.status, store::SearchStatus::Done, "{n:?}");
        let stats = &n.report.as_ref().unwrap()["statistics"];
        let kinds = stats["nodes_by_kind"].as_object().unwrap();
        assert!(kinds.len() >= 2, "both node types in {}: {stats}", n.kind);
        assert!(
            n.node_count.unwrap() >= 20 && n.edge_count.unwrap() >= 20,
            "{} {stats}",
            n.kind
        );
        assert!(stats["communities"].as_u64().unwrap() >= 2, "{} {stats}", n.kind);
    }
    assert!(summary.top_nouns.len() >= 5 && summary.top_entities.len() >= 3);
    assert!(summary.communities.len() >= 2);

    assert_eq!(summary.files.len(), 12);
    for f in &summary.files {
        assert!(std::fs::metadata(f).unwrap().len() > 100, "{}", f.display());
        if f.extension().is_some_and(|e| e == "gexf") {
            assert_valid_gexf(f);
            let text = std::fs::read_to_string(f).unwrap();
            assert!(text.contains("title=\"Node type\"") && text.contains("title=\"Community\""));
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
    let query_website = std::fs::read_to_string(dir.path().join("demo-query-website.gexf")).unwrap();
    assert!(
        query_website.contains("<attribute id=\"sector\" title=\"sector\" type=\"string\"/>"),
        "the sector is a declared attribute"
    );
}

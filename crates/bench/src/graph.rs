//! `observatory bench graph`: network building measured stage by stage on seeded synthetic
//! data: from stored analysis through the store, and pure pipelines of 50k and 1M edges.

use std::time::Instant;

use anyhow::Context;
use graph::build::{TermCount, TermKind, TermOptions, TopN};
use graph::export::{ColorBy, ExportMeta};
use graph::{Graph, backbone, community, layout, stats};
use networks::spec::{NetworkParams, NetworkType};
use serde_json::json;
use store::{
    FrontierResult, FrontierState, NetworkOutcome, NetworkScope, NewAnalysis, NewCrawl, NewFrontierUrl,
    NewNetwork, NewPage, NewUser, NounTerm, PageTermsRecord, Store,
};

use app::settings::Settings;
use app::startup::open_store;

use crate::crawl::peak_rss_kib;

/// A seeded generator, so every run measures the same data.
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Skewed towards small indices, as word frequencies are.
    fn skewed(&mut self, n: usize) -> usize {
        ((n as f64) * self.unit().powf(2.5)) as usize % n
    }
}

pub async fn run(settings: &Settings, database_url: Option<&str>, no_large: bool) -> anyhow::Result<()> {
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    stored(settings, database_url).await?;
    let medium = synthetic_terms(1_000, 20_000, 300, 7);
    pure("1,000 websites × 20,000 nouns", &medium, 50);
    if !no_large {
        let large = synthetic_terms(20_000, 200_000, 80, 11);
        pure("20,000 websites × 200,000 nouns", &large, 50);
    }
    Ok(())
}

/// Each website draws `draws` noun occurrences: half from a shared vocabulary, half from
/// its group's own (20 groups), both skewed as word frequencies are, so the network has
/// communities and uneven weights as real ones do.
fn synthetic_terms(websites: usize, vocabulary: usize, draws: usize, seed: u64) -> Vec<TermCount> {
    const GROUPS: usize = 20;
    let shared = vocabulary / 5;
    let per_group = (vocabulary - shared) / GROUPS;
    let mut rng = Lcg(seed);
    let mut rows = Vec::with_capacity(websites * draws / 2);
    let mut counts: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    for w in 0..websites {
        counts.clear();
        let group = w % GROUPS;
        for _ in 0..draws {
            let term = if rng.unit() < 0.5 {
                rng.skewed(shared)
            } else {
                shared + group * per_group + rng.skewed(per_group)
            };
            *counts.entry(term).or_default() += 1;
        }
        let mut terms: Vec<_> = counts.iter().map(|(&t, &c)| (t, c)).collect();
        terms.sort_unstable();
        for (t, c) in terms {
            rows.push(TermCount {
                website: format!("site{w}.dk"),
                term: format!("noun{t}"),
                label: None,
                count: c,
            });
        }
    }
    rows
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Build, disparity scores, Louvain, statistics, GEXF and ForceAtlas2, each timed. The
/// later steps run on the whole network, not its backbone: the heavier case.
fn pure(title: &str, rows: &[TermCount], top: u32) {
    let options = TermOptions {
        top: TopN::Count(top),
        ..TermOptions::default()
    };
    println!("\n{title}: {} term rows, top {top} per website", rows.len());
    let total = Instant::now();
    let t = Instant::now();
    let mut g = graph::build::website_terms(rows, TermKind::Noun, &options);
    let build = ms(t);
    let t = Instant::now();
    let triples: Vec<(u32, u32, f64)> = g.edges.iter().map(|e| (e.source, e.target, e.weight)).collect();
    let scores = backbone::Method::Disparity { alpha: 0.05 }.score(g.node_count(), &triples, false);
    let kept = scores.iter().filter(|s| s.keep).count();
    drop((triples, scores));
    let disparity = ms(t);
    let t = Instant::now();
    stats::compute_degrees(&mut g);
    let c = community::louvain(&g, 42, 1.0);
    for (n, c) in g.nodes.iter_mut().zip(&c.assignment) {
        n.community = Some(*c);
    }
    let louvain = ms(t);
    let t = Instant::now();
    let s = stats::statistics(&g, Some((c.count, c.modularity)));
    let statistics = ms(t);
    let t = Instant::now();
    let gexf = graph::export::gexf(&g, &ExportMeta::default(), ColorBy::Kind);
    let gexf_ms = ms(t);
    let gexf_bytes = gexf.len();
    let without_layout = ms(total);
    drop(gexf);
    let t = Instant::now();
    layout::assign_sizes(&mut g);
    let lay = layout::force_atlas2(&mut g, &layout::LayoutOptions::default());
    let layout_ms = ms(t);
    println!(
        "  built            {} nodes, {} edges in {build:.0} ms",
        g.node_count(),
        g.edge_count()
    );
    println!(
        "  disparity α=0.05 {kept} of {} edges significant ({:.1}%) in {disparity:.0} ms",
        g.edge_count(),
        100.0 * kept as f64 / g.edge_count().max(1) as f64
    );
    println!(
        "  louvain          {} communities, Q = {:.3}, in {louvain:.0} ms",
        c.count, c.modularity
    );
    println!(
        "  statistics       {} components, giant {:.1}%, in {statistics:.0} ms",
        s.components,
        100.0 * s.giant_component_share
    );
    println!(
        "  GEXF             {:.1} MB in {gexf_ms:.0} ms",
        gexf_bytes as f64 / 1e6
    );
    println!("  = build + disparity + Louvain + statistics + GEXF: {without_layout:.0} ms");
    println!(
        "  ForceAtlas2      {} iterations{} in {layout_ms:.0} ms",
        lay.iterations_run,
        match (lay.stopped_by_time, lay.settled_after) {
            (true, _) => " (5 s time budget reached)".to_owned(),
            (false, Some(after)) => format!(" (settled after {after})"),
            (false, None) => String::new(),
        }
    );
    println!("  total            {:.0} ms", ms(total));
    if let Some(peak) = peak_rss_kib() {
        println!(
            "  peak memory      {:.0} MiB (process high-water mark so far)",
            peak as f64 / 1024.0
        );
    }
}

/// A website–noun network from analysis stored in the database, through the same load,
/// build, refine and store steps as the `network` job.
/// The stored-analysis network end to end; returns the median milliseconds.
pub(crate) async fn stored(settings: &Settings, database_url: Option<&str>) -> anyhow::Result<f64> {
    let scratch = tempfile::tempdir()?;
    let mut settings = settings.clone();
    settings.database_url = match database_url {
        Some(url) => url.to_owned(),
        None => format!("sqlite://{}", scratch.path().join("bench.db").display()),
    };
    let store = open_store(&settings).await?;
    let result = stored_in(store.as_ref()).await;
    store.close().await;
    result
}

async fn stored_in(store: &dyn Store) -> anyhow::Result<f64> {
    const WEBSITES: usize = 150;
    const PAGES: usize = 4;
    let owner = store
        .create_user(NewUser {
            username: format!("bench{}", chrono::Utc::now().timestamp_millis()),
            password_hash: "not a password hash: this account cannot log in".into(),
            is_admin: false,
        })
        .await?;
    let url = |w: usize, p: usize| format!("https://www.site{w}.dk/page/{p}");
    let crawl = store
        .create_crawl(NewCrawl {
            owner_id: owner.id,
            project_id: None,
            name: "bench graph".into(),
            config: json!({}),
            sources: json!({}),
            sessions: vec![],
            seeds: (0..WEBSITES)
                .flat_map(|w| (0..PAGES).map(move |p| (w, p)))
                .map(|(w, p)| NewFrontierUrl {
                    url: url(w, p),
                    site: format!("site{w}.dk"),
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                })
                .collect(),
        })
        .await?;
    loop {
        let items = store.claim_frontier(crawl.id, 500).await?;
        if items.is_empty() {
            break;
        }
        for item in items {
            let domain = item.site.clone();
            let page = NewPage {
                url: item.url.clone(),
                host: format!("www.{domain}"),
                domain,
                status_code: Some(200),
                headers: json!({}),
                text: Some("synthetic".into()),
                language: Some("da".into()),
                ..NewPage::default()
            };
            let result = FrontierResult {
                state: FrontierState::Done,
                reason: None,
                page: Some(page),
                body: None,
                links: vec![],
            };
            store
                .finish_frontier(&item, store.default_project(owner.id).await?, &result)
                .await?;
        }
    }
    let run = store
        .create_analysis(NewAnalysis {
            owner_id: owner.id,
            project_id: None,
            scope: store::AnalysisScope::Crawl(crawl.id),
            options: json!({}),
        })
        .await?;
    let mut rng = Lcg(3);
    let mut rows = 0;
    loop {
        let pages = store.pages_to_analyze(&run, None, 200).await?;
        if pages.is_empty() {
            break;
        }
        let records: Vec<PageTermsRecord> = pages
            .iter()
            .map(|p| {
                let mut nouns: std::collections::BTreeMap<usize, i64> = Default::default();
                for _ in 0..120 {
                    *nouns.entry(rng.skewed(5_000)).or_default() += 1;
                }
                rows += nouns.len();
                PageTermsRecord {
                    page_id: p.id,
                    crawl_id: crawl.id,
                    domain: p.domain.clone(),
                    language: p.language.clone(),
                    tokens: 400,
                    skipped: None,
                    nouns: nouns
                        .into_iter()
                        .map(|(t, c)| NounTerm {
                            lemma: format!("noun{t}"),
                            count: c,
                            spans: Vec::new(),
                        })
                        .collect(),
                    entities: vec![],
                    keywords: vec![],
                }
            })
            .collect();
        store.write_page_terms(&run, &records).await?;
    }
    println!(
        "stored analysis on {:?}: {WEBSITES} websites × {PAGES} pages, {rows} page–noun rows",
        store.backend()
    );

    let params = NetworkParams::default();
    let scope = NetworkScope {
        sessions: vec![],
        crawls: vec![crawl.id],
    };
    let mut timings = Vec::new();
    let mut last: Option<Graph> = None;
    for _ in 0..5 {
        let network = store
            .create_network(NewNetwork {
                owner_id: owner.id,
                project_id: None,
                name: "bench".into(),
                kind: NetworkType::WebsiteNoun.as_str().into(),
                scope: scope.clone(),
                params: serde_json::to_value(&params)?,
            })
            .await?;
        let started = Instant::now();
        let (loaded, _) = networks::load::load(
            store,
            store.default_project(owner.id).await?,
            NetworkType::WebsiteNoun,
            &scope,
            &params,
        )
        .await?;
        let load = ms(started);
        let t = Instant::now();
        let (g, report) = networks::job::build_and_refine(&loaded, NetworkType::WebsiteNoun, &params);
        let build = ms(t);
        let t = Instant::now();
        let graph_zstd = networks::export::compress(&g).map_err(|e| anyhow::anyhow!(e))?;
        store
            .finish_network(
                network.id,
                &NetworkOutcome {
                    node_count: g.node_count() as i64,
                    edge_count: g.edge_count() as i64,
                    report: serde_json::to_value(&report)?,
                    graph_zstd,
                },
            )
            .await
            .context("storing the network")?;
        let save = ms(t);
        timings.push((ms(started), load, build, save));
        last = Some(g);
    }
    {
        let (loaded, _) = networks::load::load(
            store,
            store.default_project(owner.id).await?,
            NetworkType::WebsiteNoun,
            &scope,
            &params,
        )
        .await?;
        let t = Instant::now();
        let mut g = networks::load::build(&loaded, NetworkType::WebsiteNoun, &params);
        let build = ms(t);
        let mut r = params.refinement();
        r.layout.enabled = false;
        let t = Instant::now();
        graph::refine(&mut g, &r, |_| {});
        let refine = ms(t);
        let t = Instant::now();
        layout::force_atlas2(&mut g, &params.layout);
        println!(
            "  breakdown: build {build:.1} ms, communities and statistics {refine:.1} ms, layout {:.1} ms",
            ms(t)
        );
    }
    timings.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (total, load, build, save) = timings[timings.len() / 2];
    if let Some(g) = last {
        println!(
            "  website–noun network: {} nodes, {} edges (top 10 per website, min df 2, Louvain, ForceAtlas2 100 iterations)",
            g.node_count(),
            g.edge_count()
        );
    }
    println!(
        "  end to end (median of 5): {total:.0} ms = read {load:.0} + build, communities and layout {build:.0} + compress and store {save:.0}"
    );
    Ok(total)
}

//! `observatory demo`: a whole issue map on a fresh machine with nothing to configure. The
//! demo corpus and its SearXNG-compatible engine run in-process on loopback; everything else
//! is the production path — the SearXNG client, the job system, the SSRF-guarded crawler
//! (told to let the corpus hosts through), our NLP, the network builders and exporters.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use graph::export::ColorBy;
use networks::export::Format;
use networks::spec::{NetworkParams, NetworkRequest, NetworkType};
use rand::Rng;
use search::request::{QueryInput, QueryOverrides};
use search::{EngineKind, SessionRequest};
use serde_json::json;
use store::{AnalysisScope, JobStatus, Network, NetworkScope, SearchStatus, Store, TermKind, UserId};
use testkit::corpus::{CorpusWeb, DemoSearch};

use crate::commands::follow_job;
use crate::settings::Settings;
use crate::startup::{Application, DEMO_USER, ServeMode, job_registry, open_store, shutdown_signal};

/// The sample issue: the Danish energy transition, asked in Danish and English.
pub const QUERIES: [(&str, &str); 12] = [
    ("havvind Nordsøen", "da"),
    ("solceller landbrugsjord", "da"),
    ("vindmøller naboer kompensation", "da"),
    ("grøn brint Esbjerg", "da"),
    ("energiø Bornholm", "da"),
    ("klimaplan regeringen udledning", "da"),
    ("fjernvarme varmepumper", "da"),
    ("offshore wind North Sea", "en"),
    ("energy island Bornholm", "en"),
    ("hydrogen Power-to-X Denmark", "en"),
    ("wind turbine noise neighbours", "en"),
    ("solar parks farmland", "en"),
];

pub struct DemoOptions {
    pub out: PathBuf,
    pub serve: bool,
    pub bind: String,
    /// Serve a non-loopback `bind` anyway.
    pub allow_remote: bool,
}

/// The corpus web and its search engine, running for as long as this lives.
pub struct DemoWorld {
    pub web: CorpusWeb,
    pub engine: DemoSearch,
}

impl DemoWorld {
    pub async fn start() -> anyhow::Result<Self> {
        let web = CorpusWeb::start().await.context("starting the demo websites")?;
        let engine = DemoSearch::start(web.port())
            .await
            .context("starting the demo search engine")?;
        Ok(Self { web, engine })
    }

    /// The settings that point the production SearXNG client at the demo engine and let the
    /// crawler reach the corpus hosts (and nothing else private).
    pub fn configure(&self, settings: &mut Settings) {
        settings.search.searxng.base_url = Some(self.engine.base_url());
        settings.search.searxng.requests_per_second = 0.0;
        settings.crawl.private_hosts = self.web.hosts();
        // The demo's websites run in this process: the operator's politeness floor is for
        // other people's servers.
        settings.crawl.min_delay_secs = 0.0;
        settings.crawl.max_per_host_concurrency = 16;
        settings.crawl.host_overrides = self
            .web
            .hosts()
            .into_iter()
            .map(|h| (h, self.web.addr().ip()))
            .collect();
    }
}

/// A finished demo pipeline: what it did, the demo user's password, and the settings it ran
/// with (which `serve` reuses).
/// The demo's second user: a colleague who reads the shared project as a viewer.
pub const DEMO_VIEWER: &str = "colleague";

pub struct DemoRun {
    pub summary: Summary,
    pub password: String,
    pub settings: Settings,
}

pub async fn run(settings: &Settings, options: DemoOptions) -> anyhow::Result<()> {
    if options.serve {
        crate::startup::check_demo_bind(&options.bind, options.allow_remote, "--allow-remote")?;
    }
    let started = Instant::now();
    let world = DemoWorld::start().await?;
    println!("Issue Observatory demo: the Danish energy transition");
    println!("working directory {}", options.out.display());
    let mut settings = settings.clone();
    settings.bind = options.bind.clone();
    let run = run_pipeline(&settings, &world, &options.out).await?;
    run.summary.print(started.elapsed(), &options.out, &run.password);

    if options.serve {
        let app = Application::build(
            &run.settings,
            ServeMode {
                workers: true,
                demo: true,
            },
        )
        .await?;
        println!(
            "\nserving the web UI and the API at http://{bind}/\n\
             open it in a browser on this machine and you are signed in as `demo`, with the \
             sample issue's session, scraping job and networks loaded;\n\
             the API takes `demo` with the password above (POST /api/auth/login). Ctrl-C stops it",
            bind = run.settings.bind
        );
        app.run_until_stopped(shutdown_signal()).await?;
    }
    drop(world);
    Ok(())
}

/// Runs search → crawl → analysis → networks → exports into `out`, against `world`.
pub async fn run_pipeline(settings: &Settings, world: &DemoWorld, out: &Path) -> anyhow::Result<DemoRun> {
    let mut settings = settings.clone();
    prepare_directory(out)?;
    settings.database_url = format!("sqlite://{}", out.join("observatory.db").display());
    settings.workers.poll_interval_ms = settings.workers.poll_interval_ms.min(100);
    // An idle apalis worker wakes for new tasks at its heartbeat (its poll interval alone
    // does not wake it), so a short heartbeat keeps the stages from waiting on each other.
    settings.workers.heartbeat_secs = 1;
    world.configure(&mut settings);

    let store = open_store(&settings).await?;
    let password: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    let outcome = async {
        let admin = accounts::users::create_user(
            store.as_ref(),
            accounts::Actor::Operator,
            DEMO_USER,
            password.clone(),
            true,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo user: {e}"))?;
        accounts::users::create_user(
            store.as_ref(),
            accounts::Actor::Operator,
            DEMO_VIEWER,
            password.clone(),
            false,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo's second user: {e}"))?;
        pipeline(
            &settings,
            store.clone(),
            admin.id,
            out,
            vec![world.web.hostile_url()],
        )
        .await
    }
    .await;
    store.close().await;
    Ok(DemoRun {
        summary: outcome?,
        password,
        settings,
    })
}

/// A fresh working directory: an earlier demo's database and files are replaced.
fn prepare_directory(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let ours = name.starts_with("observatory.db")
            || ["gexf", "graphml", "zip", "json"]
                .iter()
                .any(|ext| name.starts_with("demo-") && name.ends_with(ext));
        if ours {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// What each stage did and how long it took.
pub struct Summary {
    pub stages: Vec<(String, String, Duration)>,
    pub top_nouns: Vec<String>,
    pub top_entities: Vec<String>,
    pub communities: Vec<String>,
    pub files: Vec<PathBuf>,
    pub networks: Vec<Network>,
    /// Why each network's heaviest edge is there.
    pub evidence: Vec<super::demo_evidence::EdgeEvidence>,
    /// The search re-run and its query–website network compared with the first.
    pub over_time: Option<super::demo_over_time::OverTime>,
}

impl Summary {
    fn print(&self, total: Duration, out: &Path, password: &str) {
        println!("\n{:<10} {:<78} {:>8}", "stage", "result", "time");
        for (stage, what, took) in &self.stages {
            println!("{stage:<10} {what:<78} {:>6.1} s", took.as_secs_f64());
        }
        println!("{:<10} {:<78} {:>6.1} s", "total", "", total.as_secs_f64());
        println!(
            "\ntop nouns (TF-IDF over websites): {}",
            self.top_nouns.join(", ")
        );
        println!("top entities: {}", self.top_entities.join(", "));
        println!("\ncommunities of the website–noun network (biggest members first):");
        for c in &self.communities {
            println!("  {c}");
        }
        println!("\nwhy the heaviest edges are there (`observatory network evidence` says more):");
        for e in &self.evidence {
            println!("  {}", e.line);
        }
        println!("\nfiles in {}:", out.display());
        for f in &self.files {
            println!("  {}", f.file_name().and_then(|n| n.to_str()).unwrap_or_default());
        }
        println!(
            "\ndemo user: demo / {password} (owner of the project); {DEMO_VIEWER} / {password} (viewer)"
        );
    }
}

async fn pipeline(
    settings: &Settings,
    store: Arc<dyn Store>,
    owner: UserId,
    out: &Path,
    extra_seeds: Vec<String>,
) -> anyhow::Result<Summary> {
    let (registry, engines) = job_registry(settings)?;
    let workers = jobs::start_workers(store.clone(), registry.clone(), settings.worker_options());
    let result = stages(store.as_ref(), &registry, &engines, owner, out, extra_seeds).await;
    workers.shutdown().await;
    result
}

pub(crate) async fn wait(
    store: &dyn Store,
    owner: UserId,
    job_id: Option<store::JobId>,
    what: &str,
) -> anyhow::Result<store::Job> {
    let job_id = job_id.ok_or_else(|| anyhow::anyhow!("the {what} was not queued"))?;
    let job = follow_job(store, owner, job_id).await?;
    anyhow::ensure!(
        job.status == JobStatus::Succeeded,
        "the {what} ended {}: {}",
        job.status.as_str(),
        job.error.clone().unwrap_or_default()
    );
    Ok(job)
}

async fn stages(
    store: &dyn Store,
    registry: &jobs::Registry,
    engines: &search::Engines,
    owner: UserId,
    out: &Path,
    extra_seeds: Vec<String>,
) -> anyhow::Result<Summary> {
    let mut stages = Vec::new();

    // A project shared with a colleague, who may read and download but not change it.
    let t = Instant::now();
    let project = projects::service::create_project(
        store,
        owner,
        &projects::service::ProjectRequest {
            name: "Danish energy transition".into(),
            description: "The demo's issue map, shared with a colleague as viewer.".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the demo project: {e}"))?;
    let project_id = project.project.id;
    projects::service::add_member(
        store,
        owner,
        project_id,
        &projects::service::MemberRequest {
            username: DEMO_VIEWER.into(),
            role: "viewer".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("sharing the demo project: {e}"))?;
    let members = projects::service::members(store, owner, project_id)
        .await
        .map_err(|e| anyhow::anyhow!("reading the demo project's members: {e}"))?;
    stages.push((
        "project".to_owned(),
        format!(
            "project {project_id} “{}”: {}",
            project.project.name,
            members
                .iter()
                .map(|m| format!("{} ({})", m.username, m.role.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        t.elapsed(),
    ));

    let t = Instant::now();
    let request = SessionRequest {
        project_id: Some(project_id),
        name: "Danish energy transition".into(),
        engine: EngineKind::Searxng,
        queries: Vec::new(),
        urls: Vec::new(),
        max_results: Some(50),
        language: None,
        country: None,
        location: None,
        date_from: None,
        date_to: None,
        allowed_tlds: Vec::new(),
        excluded_domains: Vec::new(),
    };
    let queries = QUERIES
        .iter()
        .enumerate()
        .map(|(i, (text, lang))| QueryInput {
            text: (*text).to_owned(),
            overrides: QueryOverrides {
                language: Some((*lang).to_owned()),
                ..QueryOverrides::default()
            },
            origin: format!("demo query {}", i + 1),
        })
        .collect();
    let session = search::service::create_session(store, registry, engines, owner, &request, Some(queries))
        .await
        .map_err(|e| anyhow::anyhow!("starting the search: {e:?}"))?;
    wait(store, owner, session.job_id, "search").await?;
    let session = store
        .search_session(owner, session.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the search session vanished"))?;
    anyhow::ensure!(
        session.status == SearchStatus::Done,
        "the search ended {}",
        session.status.as_str()
    );
    let counts = store
        .search_session_counts(session.project_id, session.id)
        .await?;
    stages.push((
        "search".to_owned(),
        format!(
            "{} queries, {} results, {} unique URLs on {} websites",
            QUERIES.len(),
            counts.results,
            counts.unique_urls,
            counts.unique_domains
        ),
        t.elapsed(),
    ));

    let t = Instant::now();
    let crawl_request = crawl::service::CrawlRequest {
        project_id: None,
        name: "Danish energy transition".into(),
        session_ids: vec![session.id],
        // The page built to exhaust the extractor, asked for outright so that the summary
        // always shows it failing on its own (`extraction 1`) while the crawl goes on.
        urls: extra_seeds,
        config: Some(
            json!({"depth": 2, "max_pages_per_site": 10, "delay_secs": 0.1, "timeout_secs": 5, "retries": 1}),
        ),
    };
    let crawl = crawl::service::create_crawl(store, registry, owner, &crawl_request)
        .await
        .map_err(|e| anyhow::anyhow!("starting the crawl: {e:?}"))?;
    let job = wait(store, owner, crawl.job_id, "crawl").await?;
    // What the hosts got: the shared gates every job and process asks before a request.
    let politeness = job
        .result
        .as_ref()
        .map(|r| r["politeness"].clone())
        .unwrap_or_default();
    let frontier = store.frontier_counts(crawl.project_id, crawl.id).await?;
    let state = |s: store::FrontierState| {
        frontier
            .iter()
            .filter(|c| c.state == s)
            .map(|c| c.count)
            .sum::<i64>()
    };
    let mut skipped: std::collections::BTreeMap<String, i64> = Default::default();
    for c in frontier
        .iter()
        .filter(|c| c.state == store::FrontierState::Skipped)
    {
        *skipped.entry(c.reason.clone().unwrap_or_default()).or_default() += c.count;
    }
    let skipped: Vec<String> = skipped.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let mut failed: std::collections::BTreeMap<String, i64> = Default::default();
    for c in frontier
        .iter()
        .filter(|c| c.state == store::FrontierState::Failed)
    {
        *failed.entry(c.reason.clone().unwrap_or_default()).or_default() += c.count;
    }
    let failed: Vec<String> = failed.iter().map(|(r, n)| format!("{r} {n}")).collect();
    stages.push((
        "crawl".to_owned(),
        format!(
            "{} pages fetched, {} failed ({}), skipped: {}; host gates in the {}, {} requests waited {:.1} s in all",
            state(store::FrontierState::Done),
            state(store::FrontierState::Failed),
            if failed.is_empty() {
                "none".to_owned()
            } else {
                failed.join(", ")
            },
            if skipped.is_empty() {
                "none".to_owned()
            } else {
                skipped.join(", ")
            },
            politeness["gates"].as_str().unwrap_or("database"),
            politeness["requests"].as_u64().unwrap_or(0),
            politeness["wait_secs"].as_f64().unwrap_or(0.0),
        ),
        t.elapsed(),
    ));

    // Curation: names, a sector on every actor, the two-domain news site as one actor, two
    // websites OUT; the analysis and the networks take the curated corpus.
    let t = Instant::now();
    let curated = super::demo_curation::curate(store, owner, project_id).await?;
    stages.push(("curation".to_owned(), curated, t.elapsed()));

    let t = Instant::now();
    let scope = AnalysisScope::Crawl(crawl.id);
    let run = analysis::service::create_analysis(store, registry, owner, scope, None)
        .await
        .map_err(|e| anyhow::anyhow!("starting the analysis: {e:?}"))?;
    wait(store, owner, run.run.job_id, "analysis").await?;
    let state = analysis::service::current_analysis(store, owner, run.run.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    stages.push((
        "analysis".to_owned(),
        format!(
            "{} pages analysed, {} skipped",
            state.counts.analysed, state.counts.skipped
        ),
        t.elapsed(),
    ));
    let top = |kind| analysis::service::top_terms(store, owner, scope, kind, 12);
    let (_, nouns) = top(TermKind::Nouns).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let (_, entities) = top(TermKind::Entities)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;

    let t = Instant::now();
    let specs = [
        (
            "query-website",
            NetworkType::QueryWebsite,
            NetworkScope {
                sessions: vec![session.id],
                crawls: vec![],
            },
            json!({}),
        ),
        (
            "website-noun",
            NetworkType::WebsiteNoun,
            NetworkScope {
                sessions: vec![],
                crawls: vec![crawl.id],
            },
            json!({"top": 15, "backbone": {"method": "disparity", "alpha": 0.3}}),
        ),
        (
            "website-entity",
            NetworkType::WebsiteEntity,
            NetworkScope {
                sessions: vec![],
                crawls: vec![crawl.id],
            },
            json!({}),
        ),
        (
            "website-keyword",
            NetworkType::WebsiteKeyword,
            NetworkScope {
                sessions: vec![],
                crawls: vec![crawl.id],
            },
            json!({}),
        ),
        (
            "hyperlink",
            NetworkType::Hyperlink,
            NetworkScope {
                sessions: vec![],
                crawls: vec![crawl.id],
            },
            json!({}),
        ),
    ];
    let mut built = Vec::new();
    let mut files = Vec::new();
    for (name, kind, scope, params) in specs {
        let params: NetworkParams = serde_json::from_value(params)?;
        let request = NetworkRequest {
            project_id: None,
            name: Some(format!("demo {name}")),
            kind,
            scope,
            params,
        };
        let network = networks::service::create_network(store, registry, owner, request)
            .await
            .map_err(|e| anyhow::anyhow!("starting the {name} network: {e:?}"))?;
        wait(store, owner, network.job_id, &format!("{name} network")).await?;
        let network = networks::service::get_network(store, owner, network.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        for format in Format::ALL {
            let file = networks::service::export_network(store, owner, network.id, format, ColorBy::Kind)
                .await
                .map_err(|e| anyhow::anyhow!("exporting the {name} network: {e:?}"))?;
            let path = out.join(format!("demo-{name}.{}", format.extension()));
            std::fs::write(&path, &file.bytes).with_context(|| format!("writing {}", path.display()))?;
            files.push(path);
        }
        built.push(network);
    }
    let mut described = Vec::new();
    for n in &built {
        let graph = networks::service::stored_graph(store, owner, n.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
            .unwrap_or_default();
        let (websites, with_sector) = super::demo_curation::sectors(&graph);
        described.push(format!(
            "{} {}/{} ({with_sector} of {websites} websites with a sector)",
            n.kind,
            n.node_count.unwrap_or(0),
            n.edge_count.unwrap_or(0)
        ));
    }
    stages.push((
        "networks".to_owned(),
        format!("nodes/edges: {}", described.join("; ")),
        t.elapsed(),
    ));

    let t = Instant::now();
    let evidence = super::demo_evidence::heaviest_edges(store, owner, &built).await?;
    stages.push((
        "evidence".to_owned(),
        format!(
            "the heaviest edge of each of {} networks, explained",
            evidence.len()
        ),
        t.elapsed(),
    ));

    let t = Instant::now();
    let over_time = match built.iter().find(|n| n.kind == "query-website") {
        Some(first) => {
            let o = super::demo_over_time::rerun_and_compare(
                store, registry, engines, owner, session.id, first, out,
            )
            .await?;
            let c = &o.comparison.comparison.summary;
            stages.push((
                "over time".to_owned(),
                format!(
                    "re-ran the search (session {}): {} nodes added, {} removed, {} edges added, {} removed, {} reweighted",
                    o.snapshot, c.nodes_added, c.nodes_removed, c.edges_added, c.edges_removed, c.edges_changed
                ),
                t.elapsed(),
            ));
            files.extend(o.files.iter().cloned());
            Some(o)
        }
        None => None,
    };

    let communities = match built.iter().find(|n| n.kind == "website-noun") {
        Some(n) => communities(store, owner, n.id).await?,
        None => Vec::new(),
    };
    Ok(Summary {
        stages,
        top_nouns: nouns.iter().map(|t| t.term.clone()).collect(),
        top_entities: entities
            .iter()
            .map(|t| format!("{} ({})", t.term, t.label.clone().unwrap_or_default()))
            .collect(),
        communities,
        files,
        networks: built,
        evidence,
        over_time,
    })
}

/// The biggest communities, each with its heaviest websites and terms.
async fn communities(store: &dyn Store, owner: UserId, id: store::NetworkId) -> anyhow::Result<Vec<String>> {
    let graph = networks::service::stored_graph(store, owner, id)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let Some(graph) = graph else {
        return Ok(Vec::new());
    };
    Ok(graph::community::members(&graph)
        .into_iter()
        .take(6)
        .map(|(c, nodes)| {
            let sites: Vec<&str> = nodes
                .iter()
                .filter(|n| n.kind == graph::NodeKind::Website)
                .take(4)
                .map(|n| n.label.as_str())
                .collect();
            let terms: Vec<&str> = nodes
                .iter()
                .filter(|n| n.kind != graph::NodeKind::Website)
                .take(5)
                .map(|n| n.label.as_str())
                .collect();
            format!(
                "{c}: {} nodes — {} | {}",
                nodes.len(),
                sites.join(", "),
                terms.join(", ")
            )
        })
        .collect())
}

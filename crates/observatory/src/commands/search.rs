//! `observatory search`: run a session from the terminal with a progress bar, and read,
//! re-run, compare and delete sessions.

use std::sync::Arc;

use anyhow::Context;
use contract::ServiceError;
use search::{EngineKind, SessionRequest};
use store::{PageRequest, Queue, SearchSession, Store, User};

use crate::cli::{SearchAction, SearchArgs, SearchRunArgs};
use crate::commands::follow_job;
use crate::settings::Settings;
use crate::startup::{job_registry, open_store};

pub async fn run(settings: &Settings, args: &SearchArgs) -> anyhow::Result<()> {
    if let Some(SearchAction::Engines) = &args.action {
        for e in settings.engines()?.describe() {
            let state = if e.configured {
                "configured".to_owned()
            } else {
                format!("not configured: {}", e.missing.unwrap_or_default())
            };
            println!("{:<11} {:<22} {state}", e.engine.as_str(), e.label);
            if let Some(note) = e.note {
                println!("{:<11} {note}", "");
            }
        }
        return Ok(());
    }
    let run = &args.run;
    anyhow::ensure!(
        args.action.is_none()
            || (run.engine.is_none() && run.queries_file.is_none() && run.urls_file.is_none()),
        "--engine, --queries-file and --urls-file start a new session; they do not go with a subcommand"
    );
    let store = open_store(settings).await?;
    let result = dispatch(settings, args, store.clone()).await;
    store.close().await;
    result
}

async fn dispatch(settings: &Settings, args: &SearchArgs, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let name = args
        .as_user
        .as_deref()
        .context("say whose session this is with --as USER")?;
    let user = crate::commands::active_user(store.as_ref(), name).await?;
    let (registry, engines) = job_registry(settings)?;
    crate::startup::share_engine_quotas(settings, &engines, None).await?;
    let session = match &args.action {
        None => {
            let request = session_request(&args.run)?;
            let csv = match &args.run.queries_file {
                Some(path) if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => {
                    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                    Some(
                        search::csv_input::parse_queries(&bytes)
                            .map_err(|issues| super::invalid("the search session", &issues))?,
                    )
                }
                _ => None,
            };
            search::service::create_session(store.as_ref(), &registry, &engines, user.id, &request, csv)
                .await
                .map_err(service_error)?
        }
        Some(SearchAction::Rerun { id }) => {
            search::service::rerun_session(store.as_ref(), &registry, &engines, user.id, *id)
                .await
                .map_err(service_error)?
        }
        Some(SearchAction::List { project }) => return list(store.as_ref(), &user, *project).await,
        Some(SearchAction::Show { id }) => return show(store.as_ref(), &user, *id).await,
        Some(SearchAction::Compare { a, b }) => {
            let c = search::service::compare_sessions(store.as_ref(), user.id, *a, *b)
                .await
                .map_err(service_error)?;
            println!(
                "URLs:    {} vs {}, {} shared, Jaccard {:.3}",
                c.urls.in_a, c.urls.in_b, c.urls.shared, c.urls.jaccard
            );
            println!(
                "Domains: {} vs {}, {} shared, Jaccard {:.3}",
                c.domains.in_a, c.domains.in_b, c.domains.shared, c.domains.jaccard
            );
            println!("RBO (p = {}) per shared query:", c.rbo_p);
            for q in &c.queries {
                println!(
                    "  {:.3}  {} ({} vs {} results, {} shared)",
                    q.rbo, q.query, q.results_a, q.results_b, q.shared_urls
                );
            }
            for q in &c.queries_only_a {
                println!("  only in {}: {q}", c.a);
            }
            for q in &c.queries_only_b {
                println!("  only in {}: {q}", c.b);
            }
            return Ok(());
        }
        Some(SearchAction::Delete { id }) => {
            search::service::delete_session(store.as_ref(), user.id, *id)
                .await
                .map_err(service_error)?;
            println!("deleted search session {id}");
            return Ok(());
        }
        Some(SearchAction::Engines) => return Ok(()),
    };

    if let Some(job_id) = session.job_id {
        let mut options = settings.worker_options();
        options.queues = vec![Queue::Search];
        options.concurrency = 1;
        options.cache = crate::startup::worker_cache(settings).await?;
        let workers = jobs::start_workers(store.clone(), registry, options);
        let followed = follow_job(store.as_ref(), user.id, job_id).await;
        workers.shutdown().await;
        followed?;
    }
    show(store.as_ref(), &user, session.id).await
}

fn session_request(run: &SearchRunArgs) -> anyhow::Result<SessionRequest> {
    let engine = run
        .engine
        .context("--engine is required (serper, serpapi, google_cse, brave, searxng or manual)")?;
    let lines = |path: &std::path::Path| -> anyhow::Result<Vec<String>> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect())
    };
    let (queries, urls) = match (engine, &run.queries_file, &run.urls_file) {
        (EngineKind::Manual, _, Some(path)) => (Vec::new(), lines(path)?),
        (EngineKind::Manual, _, None) => anyhow::bail!("a manual session needs --urls-file"),
        (_, Some(path), _) if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => {
            (Vec::new(), Vec::new())
        }
        (_, Some(path), _) => (lines(path)?, Vec::new()),
        (_, None, _) => anyhow::bail!("--queries-file is required"),
    };
    let name = run.name.clone().unwrap_or_else(|| {
        format!(
            "{} search {}",
            engine.label(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M")
        )
    });
    Ok(SessionRequest {
        project_id: run.project,
        name,
        engine,
        queries,
        urls,
        max_results: (engine != EngineKind::Manual).then_some(run.max_results),
        language: run.language.clone(),
        country: run.country.clone(),
        location: run.location.clone(),
        date_from: run.date_from,
        date_to: run.date_to,
        allowed_tlds: run.allowed_tlds.clone(),
        excluded_domains: run.exclude_domains.clone(),
    })
}

fn service_error(e: ServiceError) -> anyhow::Error {
    super::service_error(
        super::Subject::new("the search session", "no such search session"),
        e,
    )
}

async fn list(store: &dyn Store, user: &User, project: Option<store::ProjectId>) -> anyhow::Result<()> {
    let mut after = None;
    println!(
        "{:>6}  {:<10} {:<10} {:>8}  {:<19} name",
        "id", "engine", "status", "snapshot", "created"
    );
    loop {
        let page = store
            .list_search_sessions(user.id, project, None, PageRequest { after, limit: 200 })
            .await?;
        for s in &page {
            println!(
                "{:>6}  {:<10} {:<10} {:>8}  {:<19} {}",
                s.id,
                s.engine,
                s.status.as_str(),
                s.snapshot_of.map(|i| i.to_string()).unwrap_or_default(),
                s.created_at.format("%Y-%m-%d %H:%M"),
                s.name
            );
        }
        match page.last() {
            Some(last) if page.len() == 200 => after = Some(last.id.get()),
            _ => return Ok(()),
        }
    }
}

async fn show(store: &dyn Store, user: &User, id: store::SearchSessionId) -> anyhow::Result<()> {
    let session: SearchSession = search::service::current_session(store, user.id, id)
        .await
        .map_err(service_error)?;
    let counts = store.search_session_counts(session.project_id, id).await?;
    println!(
        "search session {} “{}” ({}): {}",
        session.id,
        session.name,
        session.engine,
        session.status.as_str()
    );
    if let Some(root) = session.snapshot_of {
        println!("snapshot of session {root}");
    }
    println!(
        "queries: {} done, {} failed, {} cancelled, {} pending of {}",
        counts.queries_done,
        counts.queries_failed,
        counts.queries_cancelled,
        counts.queries_queued + counts.queries_running,
        counts.queries
    );
    println!(
        "results: {} ({} excluded), {} unique URLs on {} websites",
        counts.results, counts.excluded, counts.unique_urls, counts.unique_domains
    );
    for q in store.search_queries(user.id, id).await? {
        if let Some(error) = &q.error {
            println!("  failed: “{}”: {error}", q.text);
        } else if let Some(short) = &q.shortfall {
            println!("  {} results for “{}”: {short}", q.result_count, q.text);
        }
    }
    let mut domains = store
        .session_domains(
            user.id,
            id,
            PageRequest {
                after: None,
                limit: 10_000,
            },
        )
        .await?;
    domains.sort_by(|a, b| b.queries.cmp(&a.queries).then(b.results.cmp(&a.results)));
    if !domains.is_empty() {
        println!("top websites (queries, results, best rank):");
        for d in domains.iter().take(10) {
            println!(
                "  {:<40} {:>4} {:>5} {:>5}",
                d.domain, d.queries, d.results, d.best_rank
            );
        }
    }
    Ok(())
}

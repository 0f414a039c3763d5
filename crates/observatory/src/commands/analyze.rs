//! `observatory analyze`: an analysis run over a scraping job's pages, with a progress bar
//! and the job's top terms by TF-IDF.

use contract::ServiceError;
use serde_json::json;
use store::{AnalysisScope, Queue, Store, TermKind};

use crate::cli::AnalyzeArgs;
use crate::commands::follow_job;
use crate::settings::Settings;
use crate::startup::{job_registry, open_store};

pub async fn run(settings: &Settings, args: &AnalyzeArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let result = analyze(settings, args, store.clone()).await;
    store.close().await;
    result
}

fn service_error(e: ServiceError, scope: AnalysisScope) -> anyhow::Error {
    let not_found = match scope {
        AnalysisScope::Crawl(id) => format!("no scraping job {id} is yours"),
        AnalysisScope::Session(id) => format!("no search session {id} is yours"),
    };
    super::service_error(super::Subject::new("the analysis", not_found), e)
}

async fn analyze(
    settings: &Settings,
    args: &AnalyzeArgs,
    store: std::sync::Arc<dyn Store>,
) -> anyhow::Result<()> {
    anyhow::ensure!((1..=500).contains(&args.top), "--top must be between 1 and 500");
    let user = crate::commands::active_user(store.as_ref(), &args.as_user).await?;
    let (registry, _) = job_registry(settings)?;
    let scope = match (args.job, args.session) {
        (Some(job), None) => AnalysisScope::Crawl(job),
        (None, Some(session)) => AnalysisScope::Session(session),
        _ => anyhow::bail!("say what to analyse: --job ID or --session ID"),
    };
    let state = analysis::service::create_analysis(
        store.as_ref(),
        &registry,
        user.id,
        scope,
        Some(json!({"include_propn": args.propn})),
    )
    .await
    .map_err(|e| service_error(e, scope))?;
    let job_id = state
        .run
        .job_id
        .ok_or_else(|| anyhow::anyhow!("the analysis was not queued"))?;
    let mut options = settings.worker_options();
    options.queues = vec![Queue::Analysis];
    options.concurrency = 1;
    options.cache = crate::startup::worker_cache(settings).await?;
    let workers = jobs::start_workers(store.clone(), registry, options);
    let followed = follow_job(store.as_ref(), user.id, job_id).await;
    workers.shutdown().await;
    let job = followed?;
    let state = analysis::service::current_analysis(store.as_ref(), user.id, state.run.id)
        .await
        .map_err(|e| service_error(e, scope))?;
    let what = match scope {
        AnalysisScope::Crawl(id) => format!("scraping job {id}"),
        AnalysisScope::Session(id) => format!("search session {id}"),
    };
    println!(
        "analysis {} of {what}: {} ({} pages analysed, {} skipped)",
        state.run.id,
        state.run.status.as_str(),
        state.counts.analysed,
        state.counts.skipped
    );
    if let Some(reasons) = job
        .result
        .as_ref()
        .and_then(|r| r.get("skipped_by_reason"))
        .and_then(|r| r.as_object())
    {
        for (reason, n) in reasons {
            println!("  skipped {reason}: {n}");
        }
    }
    for (kind, title) in [(TermKind::Nouns, "nouns"), (TermKind::Entities, "entities")] {
        let (websites, terms) = analysis::service::top_terms(store.as_ref(), user.id, scope, kind, args.top)
            .await
            .map_err(|e| service_error(e, scope))?;
        println!("top {title} by TF-IDF over {websites} websites:");
        for t in &terms {
            let label = t.label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
            println!(
                "  {:>8.3}  {:<30} {:>6} times on {:>3} websites",
                t.tfidf,
                format!("{}{label}", t.term),
                t.count,
                t.df
            );
        }
    }
    if job.status != store::JobStatus::Succeeded {
        anyhow::bail!(
            "analysis ended {}: {}",
            job.status.as_str(),
            job.error.unwrap_or_default()
        );
    }
    Ok(())
}

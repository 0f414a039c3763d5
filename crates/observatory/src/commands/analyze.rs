//! `observatory analyze`: an analysis run over a scraping job's pages, with a progress bar
//! and the job's top terms by TF-IDF.

use analysis::service::AnalysisServiceError;
use serde_json::json;
use store::{Queue, Store};

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

fn service_error(e: AnalysisServiceError, job: i64) -> anyhow::Error {
    match e {
        AnalysisServiceError::Invalid(issues) => crate::commands::search::invalid("the analysis", &issues),
        AnalysisServiceError::NotFound => anyhow::anyhow!("no scraping job {job} is yours"),
        other => other.into(),
    }
}

async fn analyze(
    settings: &Settings,
    args: &AnalyzeArgs,
    store: std::sync::Arc<dyn Store>,
) -> anyhow::Result<()> {
    anyhow::ensure!((1..=500).contains(&args.top), "--top must be between 1 and 500");
    let user = crate::commands::active_user(store.as_ref(), &args.as_user).await?;
    let (registry, _) = job_registry(settings)?;
    let state = analysis::service::create_analysis(
        store.as_ref(),
        &registry,
        user.id,
        args.job,
        Some(json!({"include_propn": args.propn})),
    )
    .await
    .map_err(|e| service_error(e, args.job))?;
    let job_id = state
        .run
        .job_id
        .ok_or_else(|| anyhow::anyhow!("the analysis was not queued"))?;
    let mut options = settings.worker_options();
    options.queues = vec![Queue::Analysis];
    options.concurrency = 1;
    let workers = jobs::start_workers(store.clone(), registry, options);
    let followed = follow_job(store.as_ref(), user.id, job_id).await;
    workers.shutdown().await;
    let job = followed?;
    let state = analysis::service::current_analysis(store.as_ref(), user.id, state.run.id)
        .await
        .map_err(|e| service_error(e, args.job))?;
    println!(
        "analysis {} of scraping job {}: {} ({} pages analysed, {} skipped)",
        state.run.id,
        args.job,
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
    let (websites, terms) = analysis::service::top_nouns(store.as_ref(), user.id, args.job, args.top)
        .await
        .map_err(|e| service_error(e, args.job))?;
    println!("top nouns by TF-IDF over {websites} websites:");
    for t in &terms {
        println!(
            "  {:>8.3}  {:<30} {:>6} times on {:>3} websites",
            t.tfidf, t.term, t.count, t.df
        );
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

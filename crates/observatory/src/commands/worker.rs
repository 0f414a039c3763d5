use crate::cli::WorkerArgs;
use crate::settings::Settings;
use crate::startup::{job_registry, open_store, shutdown_signal};

pub async fn run(settings: &Settings, args: &WorkerArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let mut options = settings.worker_options();
    if !args.queues.is_empty() {
        options.queues = args.queues.clone();
    }
    if let Some(n) = args.concurrency {
        anyhow::ensure!(n >= 1, "--concurrency must be at least 1");
        options.concurrency = n;
    }
    let (registry, engines) = job_registry(settings)?;
    crate::startup::share_engine_quotas(settings, &engines, None).await?;
    options.cache = crate::startup::worker_cache(settings).await?;
    let workers = jobs::start_workers(store.clone(), registry, options);
    shutdown_signal().await;
    workers.shutdown().await;
    store.close().await;
    Ok(())
}

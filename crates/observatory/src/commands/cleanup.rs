use jobs::Registry;
use serde_json::json;
use store::{JobStatus, Priority, Queue};

use crate::cli::CleanupArgs;
use crate::commands::follow_job;
use crate::settings::Settings;
use crate::startup::open_store;

/// Enqueues a retention job and runs it with a worker in this process, showing progress.
pub async fn run(settings: &Settings, args: &CleanupArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let name = accounts::normalize_username(&args.as_user)
        .map_err(|e| crate::commands::service_error(crate::commands::Subject::new("the username", ""), e))?;
    let admin = store
        .credentials(&name)
        .await?
        .map(|c| c.user)
        .filter(|u| u.is_admin && !u.disabled)
        .ok_or_else(|| anyhow::anyhow!("`{name}` is not an active administrator"))?;
    let registry = Registry::standard();
    let job = registry
        .submit(
            store.as_ref(),
            admin.id,
            "retention_cleanup",
            json!({"keep_days": args.keep_days}),
            Priority::Interactive,
        )
        .await?;
    let mut options = settings.worker_options();
    options.queues = vec![Queue::Analysis];
    options.concurrency = 1;
    let workers = jobs::start_workers(store.clone(), registry, options);
    let job = follow_job(store.as_ref(), admin.id, job.id).await;
    workers.shutdown().await;
    let job = job?;
    store.close().await;
    match job.status {
        JobStatus::Succeeded => {
            println!(
                "{}",
                serde_json::to_string_pretty(&job.result.unwrap_or_default())?
            );
            Ok(())
        }
        other => anyhow::bail!(
            "cleanup job {} ended {}: {}",
            job.id,
            other.as_str(),
            job.error.unwrap_or_default()
        ),
    }
}

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use store::{Job, JobId, Store, UserId};

/// Shows a job's progress on the terminal until it finishes.
pub async fn follow_job(store: &dyn Store, owner: UserId, id: JobId) -> anyhow::Result<Job> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    loop {
        let job = store
            .job(owner, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("job {id} disappeared"))?;
        bar.set_length(u64::try_from(job.progress.total.unwrap_or(0)).unwrap_or(0));
        bar.set_position(u64::try_from(job.progress.done).unwrap_or(0));
        let status = job.status.as_str();
        bar.set_message(format!(
            "{status}: {}",
            job.progress.message.clone().unwrap_or_default()
        ));
        if job.status.is_terminal() {
            bar.finish();
            return Ok(job);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

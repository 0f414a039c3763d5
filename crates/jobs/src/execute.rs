//! One run of one job: claim the row, dispatch to its handler, record the outcome.

use std::sync::Arc;

use futures::FutureExt;
use store::{JobId, JobOutcome, Store, StoreError};

use crate::context::{JobContext, JobError};
use crate::registry::Registry;

pub(crate) struct Executor {
    pub store: Arc<dyn Store>,
    pub registry: Registry,
    pub cache: cache::Cache,
    /// How long a running job's holder may be silent and still count as alive.
    pub holder_silence: std::time::Duration,
}

impl Executor {
    /// `Err` only for platform failures, so that the queue retries the task later.
    pub async fn execute(&self, job_id: JobId, worker: &str) -> Result<(), StoreError> {
        let holder_live_since = chrono::Duration::from_std(self.holder_silence)
            .ok()
            .and_then(|d| chrono::Utc::now().checked_sub_signed(d))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        let Some(job) = self.store.claim_job(job_id, worker, holder_live_since).await? else {
            // Finished, cancelled, or handed out twice by the queue engine (seen when a busy
            // database delays a worker's heartbeat): the live holder runs it.
            tracing::info!(job_id = %job_id, "job no longer runnable here (finished, or running on a live worker); skipping");
            return Ok(());
        };
        let queue = job.queue.as_str();
        let kind = job.kind.clone();
        let owner_views = crate::context::views_of(self.store.as_ref(), &job).await;
        self.cache.invalidate(&owner_views).await;
        let started = std::time::Instant::now();
        let outcome = if job.cancel_requested {
            JobOutcome::Cancelled
        } else if let Some(handler) = self.registry.get(&job.kind).cloned() {
            let payload = job.payload.clone();
            let ctx = JobContext::new(job, self.store.clone(), self.cache.clone());
            let run = std::panic::AssertUnwindSafe(handler.run(&ctx, payload)).catch_unwind();
            match run.await {
                Ok(Ok(result)) => JobOutcome::Succeeded(result),
                Ok(Err(JobError::Cancelled)) => JobOutcome::Cancelled,
                Ok(Err(JobError::Failed(message))) => JobOutcome::Failed(message),
                Ok(Err(JobError::Store(e))) if ctx.job().attempts < store::QUEUE_MAX_ATTEMPTS as i32 => {
                    tracing::warn!(
                        job_id = %job_id,
                        error = %e,
                        "job hit a storage error; the queue will retry it"
                    );
                    return Err(e);
                }
                // The queue gives up after its last attempt; say so on the job rather than
                // leaving it `running` forever.
                Ok(Err(JobError::Store(e))) => JobOutcome::Failed(format!(
                    "storage error on the last of {} attempts: {e}",
                    store::QUEUE_MAX_ATTEMPTS
                )),
                Err(_) => JobOutcome::Failed("the job handler panicked".to_owned()),
            }
        } else {
            JobOutcome::Failed(format!("no handler for job kind `{kind}` in this worker"))
        };
        let status = match &outcome {
            JobOutcome::Succeeded(_) => "succeeded",
            JobOutcome::Failed(_) => "failed",
            JobOutcome::Cancelled => "cancelled",
        };
        tracing::info!(
            job_id = %job_id,
            %kind,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "job finished"
        );
        metrics::counter!("observatory_jobs_finished_total", "queue" => queue, "status" => status)
            .increment(1);
        metrics::histogram!("observatory_job_duration_seconds", "queue" => queue)
            .record(started.elapsed().as_secs_f64());
        let finished = self.store.finish_job(job_id, outcome).await;
        self.cache.invalidate(&owner_views).await;
        finished
    }
}

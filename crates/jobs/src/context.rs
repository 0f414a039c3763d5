use std::sync::Arc;

use store::{Job, JobProgress, Store, StoreError};
use thiserror::Error;

/// How a handler run can end other than with a result.
#[derive(Debug, Error)]
pub enum JobError {
    /// The owner asked to stop; seen at a checkpoint.
    #[error("cancelled")]
    Cancelled,
    /// The work itself failed; recorded on the job and not retried.
    #[error("{0}")]
    Failed(String),
    /// The platform failed (database unreachable…); the queue retries the task.
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

/// What a running handler may see and do: its job row, the store, and checkpoints.
pub struct JobContext {
    job: Job,
    store: Arc<dyn Store>,
}

impl JobContext {
    pub(crate) fn new(job: Job, store: Arc<dyn Store>) -> Self {
        Self { job, store }
    }

    pub fn job(&self) -> &Job {
        &self.job
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Records progress and stops the handler if cancellation was requested.
    /// Handlers call this between units of work; it is where a cancel takes effect.
    pub async fn checkpoint(
        &self,
        done: i64,
        total: Option<i64>,
        message: impl Into<String>,
    ) -> Result<(), JobError> {
        let progress = JobProgress {
            done,
            total,
            message: Some(message.into()),
        };
        if self.store.record_progress(self.job.id, &progress).await? {
            return Err(JobError::Cancelled);
        }
        Ok(())
    }
}

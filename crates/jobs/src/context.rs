use std::sync::Arc;

use store::{Job, JobProgress, Queue, Store, StoreError};
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
    cache: cache::Cache,
}

/// The cached views a job of this queue changes: its owner's resource family.
pub(crate) fn views_of(job: &Job) -> Vec<cache::Namespace> {
    let resource = match job.queue {
        Queue::Search => cache::resource::SEARCH,
        Queue::Crawl => cache::resource::CRAWLS,
        Queue::Analysis => cache::resource::ANALYSES,
        Queue::Network => cache::resource::NETWORKS,
    };
    vec![cache::Namespace::new(resource, job.owner_id.get())]
}

impl JobContext {
    pub(crate) fn new(job: Job, store: Arc<dyn Store>, cache: cache::Cache) -> Self {
        Self { job, store, cache }
    }

    /// Marks the owner's views of this job's resource stale; handlers call it after writes
    /// that no checkpoint follows.
    pub async fn invalidate_views(&self) {
        self.cache.invalidate(&views_of(&self.job)).await;
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
        let cancel_requested = self.store.record_progress(self.job.id, &progress).await?;
        self.invalidate_views().await;
        if cancel_requested {
            return Err(JobError::Cancelled);
        }
        Ok(())
    }
}

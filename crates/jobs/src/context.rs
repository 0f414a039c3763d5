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

/// The cached views a job of this queue changes: its resource family, as every member of
/// its project sees it (members are read each time: one may join while the job runs).
pub(crate) async fn views_of(store: &dyn Store, job: &Job) -> Vec<cache::Namespace> {
    let resource = match job.queue {
        Queue::Search => cache::resource::SEARCH,
        Queue::Crawl => cache::resource::CRAWLS,
        Queue::Analysis => cache::resource::ANALYSES,
        Queue::Network => cache::resource::NETWORKS,
    };
    let mut viewers = vec![job.owner_id];
    if let Some(project) = job.project_id {
        match store.member_ids(project).await {
            Ok(members) => viewers = members,
            // A stale view expires with its TTL; the job's work is not worth failing.
            Err(e) => tracing::warn!(job_id = %job.id, error = %e, "could not read the project's members"),
        }
        if !viewers.contains(&job.owner_id) {
            viewers.push(job.owner_id);
        }
    }
    viewers
        .into_iter()
        .map(|user| cache::Namespace::new(resource, user.get()))
        .collect()
}

impl JobContext {
    pub(crate) fn new(job: Job, store: Arc<dyn Store>, cache: cache::Cache) -> Self {
        Self { job, store, cache }
    }

    /// Marks the owner's views of this job's resource stale; handlers call it after writes
    /// that no checkpoint follows.
    pub async fn invalidate_views(&self) {
        self.cache
            .invalidate(&views_of(self.store.as_ref(), &self.job).await)
            .await;
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

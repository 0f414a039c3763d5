use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use store::{Job, NewJob, Priority, ProjectId, Queue, Store, StoreError, UserId};
use thiserror::Error;

use crate::context::{JobContext, JobError};

/// One kind of background work. Handlers must be idempotent: a task whose worker died is
/// run again from the start on another worker.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    fn queue(&self) -> Queue;
    /// Rejects a payload before anything is stored.
    fn validate(&self, payload: &Value) -> Result<(), String>;
    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError>;
    /// Work this kind does on every worker process of its queue beside its jobs, until
    /// `shutdown` is cancelled (a crawl lends workers with room to crawls other workers
    /// own). Nothing by default.
    async fn assist(&self, store: Arc<dyn Store>, shutdown: tokio_util::sync::CancellationToken) {
        let _ = (store, shutdown);
    }
}

#[derive(Debug, Error)]
pub enum SubmitError {
    #[error("unknown job kind `{0}`")]
    UnknownKind(String),
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The job kinds this process knows, by name.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.handlers.keys()).finish()
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every kind the platform ships.
    pub fn standard() -> Self {
        Self::new().with(crate::kinds::RetentionCleanup)
    }

    pub fn with(mut self, handler: impl JobHandler) -> Self {
        self.handlers.insert(handler.kind(), Arc::new(handler));
        self
    }

    /// Every kind, in no particular order.
    pub fn handlers(&self) -> impl Iterator<Item = &Arc<dyn JobHandler>> {
        self.handlers.values()
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.handlers.get(kind)
    }

    /// Validates and enqueues a job for `owner` outside any project (maintenance); only
    /// its owner sees it.
    pub async fn submit(
        &self,
        store: &dyn Store,
        owner: UserId,
        kind: &str,
        payload: Value,
        priority: Priority,
    ) -> Result<Job, SubmitError> {
        self.submit_in(store, owner, None, kind, payload, priority).await
    }

    /// Validates and enqueues a job `owner` started for a project; the project's members
    /// see it.
    pub async fn submit_in(
        &self,
        store: &dyn Store,
        owner: UserId,
        project: Option<ProjectId>,
        kind: &str,
        payload: Value,
        priority: Priority,
    ) -> Result<Job, SubmitError> {
        let handler = self
            .get(kind)
            .ok_or_else(|| SubmitError::UnknownKind(kind.to_owned()))?;
        handler.validate(&payload).map_err(SubmitError::InvalidPayload)?;
        let job = store
            .enqueue_job(NewJob {
                owner_id: owner,
                project_id: project,
                kind: handler.kind().to_owned(),
                queue: handler.queue(),
                priority,
                payload,
            })
            .await?;
        metrics::counter!("observatory_jobs_submitted_total", "queue" => job.queue.as_str(), "kind" => handler.kind())
            .increment(1);
        Ok(job)
    }
}

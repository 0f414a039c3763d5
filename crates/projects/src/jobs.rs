//! Jobs as members see them: a project's jobs belong to the project (its editors cancel
//! them); a job outside any project (maintenance) to the user who started it.

use contract::ServiceError;
use store::{Job, JobId, ProjectResource, Store, UserId};

use crate::access::{self, Need};
use crate::activity::{self, Act};

/// Asks a job to stop: a queued job ends at once, a running one at its next checkpoint.
pub async fn cancel_job(store: &dyn Store, user: UserId, id: JobId) -> Result<Job, ServiceError> {
    let job = store.job(user, id).await?.ok_or(ServiceError::NotFound)?;
    if let Some(project) = job.project_id {
        access::require(store, user, ProjectResource::Project(project), Need::Edit).await?;
    }
    let cancelled = store.request_cancel(user, id).await?;
    if let Some(project) = job.project_id {
        activity::record(store, project, user, Act::new("cancelled", "job", id)).await;
    }
    Ok(cancelled)
}

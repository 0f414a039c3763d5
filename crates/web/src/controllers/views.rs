use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::{Job, JobProgress, JobStatus, Priority, Queue, User};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            id: u.id.get(),
            username: u.username,
            is_admin: u.is_admin,
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    /// The project of what the job works on; none for maintenance jobs.
    pub project_id: Option<i64>,
    pub kind: String,
    pub queue: Queue,
    pub priority: Priority,
    pub status: JobStatus,
    #[schema(value_type = Object)]
    pub payload: Value,
    pub progress: JobProgress,
    /// Runs so far, counting re-runs after a worker died.
    pub attempts: i32,
    pub error: Option<String>,
    #[schema(value_type = Object, nullable = true)]
    pub result: Option<Value>,
    pub cancel_requested: bool,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<Job> for JobView {
    fn from(j: Job) -> Self {
        Self {
            id: j.id.get(),
            project_id: j.project_id.map(store::ProjectId::get),
            kind: j.kind,
            queue: j.queue,
            priority: j.priority,
            status: j.status,
            payload: j.payload,
            progress: j.progress,
            attempts: j.attempts,
            error: j.error,
            result: j.result,
            cancel_requested: j.cancel_requested,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
        }
    }
}

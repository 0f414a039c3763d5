//! Database rows, decoded identically from SQLite and PostgreSQL, and their conversion
//! into the model types.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::error::StoreError;
use crate::model::*;

/// Now, at the microsecond precision both backends keep, so values round-trip exactly.
/// Counts are stored as INTEGER; a count beyond its range is clamped rather than wrapped.
pub(crate) fn saturating_i32(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: crate::UserId,
    pub username: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserRow {
    pub fn into_user(self) -> User {
        self.into_credentials().user
    }

    pub fn into_credentials(self) -> UserCredentials {
        UserCredentials {
            password_hash: self.password_hash,
            user: User {
                id: self.id,
                username: self.username,
                is_admin: self.is_admin,
                disabled: self.disabled,
                created_at: self.created_at,
                updated_at: self.updated_at,
            },
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub id: String,
    pub user_id: crate::UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<SessionRow> for AuthSession {
    fn from(r: SessionRow) -> Self {
        AuthSession {
            id: r.id,
            user_id: r.user_id,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// A session joined with its user: the per-request authentication lookup in one round trip.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct LiveSessionRow {
    pub session_id: String,
    pub session_created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub user: UserRow,
}

impl LiveSessionRow {
    pub fn split(self) -> (AuthSession, User) {
        let session = AuthSession {
            id: self.session_id,
            user_id: self.user.id,
            created_at: self.session_created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        };
        (session, self.user.into_user())
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct JobRow {
    pub id: crate::JobId,
    pub owner_id: crate::UserId,
    pub project_id: Option<crate::ProjectId>,
    pub kind: String,
    pub queue: String,
    pub priority: i32,
    pub status: String,
    pub payload: Json<Value>,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub progress_message: Option<String>,
    pub attempts: i32,
    pub worker: Option<String>,
    pub error: Option<String>,
    pub result: Option<Json<Value>>,
    pub cancel_requested: bool,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Self, StoreError> {
        Ok(Job {
            id: r.id,
            owner_id: r.owner_id,
            project_id: r.project_id,
            kind: r.kind,
            queue: r.queue.parse().map_err(StoreError::Corrupt)?,
            priority: Priority::from_value(r.priority),
            status: r.status.parse().map_err(StoreError::Corrupt)?,
            payload: r.payload.0,
            progress: JobProgress {
                done: r.progress_done,
                total: r.progress_total,
                message: r.progress_message,
            },
            attempts: r.attempts,
            worker: r.worker,
            error: r.error,
            result: r.result.map(|j| j.0),
            cancel_requested: r.cancel_requested,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct JobCountRow {
    pub queue: String,
    pub status: String,
    pub count: i64,
}

impl TryFrom<JobCountRow> for JobCount {
    type Error = StoreError;
    fn try_from(r: JobCountRow) -> Result<Self, StoreError> {
        Ok(JobCount {
            queue: r.queue.parse().map_err(StoreError::Corrupt)?,
            status: r.status.parse().map_err(StoreError::Corrupt)?,
            count: r.count,
        })
    }
}

pub(crate) fn jobs(rows: Vec<JobRow>) -> Result<Vec<Job>, StoreError> {
    rows.into_iter().map(Job::try_from).collect()
}

/// Builds the apalis task that points at a job row.
pub(crate) fn queue_task(job: &Job) -> Result<apalis_core::task::Task<Vec<u8>>, StoreError> {
    let args = serde_json::to_vec(&crate::QueuedJob { job_id: job.id })
        .map_err(|e| StoreError::Queue(e.to_string()))?;
    let priority = usize::try_from(job.priority.value()).unwrap_or(0);
    Ok(apalis_core::task::builder::TaskBuilder::new(args)
        .priority(priority)
        .max_attempts(crate::QUEUE_MAX_ATTEMPTS)
        .build())
}

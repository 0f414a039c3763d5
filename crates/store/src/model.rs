//! Rows as the rest of the platform sees them. Backends decode into these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{JobId, ProjectId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user together with the stored argon2 PHC string; only the login path needs it.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSession {
    pub id: String,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewAuthSession {
    pub id: String,
    pub user_id: UserId,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// The four work queues. Workers subscribe to a subset of them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Queue {
    Search,
    Crawl,
    Analysis,
    Network,
}

impl Queue {
    pub const ALL: [Queue; 4] = [Queue::Search, Queue::Crawl, Queue::Analysis, Queue::Network];

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Search => "search",
            Queue::Crawl => "crawl",
            Queue::Analysis => "analysis",
            Queue::Network => "network",
        }
    }
}

impl std::fmt::Display for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Queue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Queue::ALL
            .into_iter()
            .find(|q| q.as_str() == s)
            .ok_or_else(|| format!("unknown queue `{s}` (expected search, crawl, analysis or network)"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

impl std::str::FromStr for JobStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobStatus::ALL
            .into_iter()
            .find(|q| q.as_str() == s)
            .ok_or_else(|| format!("unknown job status `{s}`"))
    }
}

/// Higher runs first within a queue: one short interactive search overtakes a bulk crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Bulk,
    Normal,
    Interactive,
}

impl Priority {
    pub fn value(self) -> i32 {
        match self {
            Priority::Bulk => 0,
            Priority::Normal => 5,
            Priority::Interactive => 10,
        }
    }

    pub fn from_value(v: i32) -> Self {
        match v {
            i32::MIN..=2 => Priority::Bulk,
            3..=7 => Priority::Normal,
            _ => Priority::Interactive,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobProgress {
    pub done: i64,
    pub total: Option<i64>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub owner_id: UserId,
    pub project_id: Option<ProjectId>,
    pub kind: String,
    pub queue: Queue,
    pub priority: Priority,
    pub status: JobStatus,
    pub payload: Value,
    pub progress: JobProgress,
    pub attempts: i32,
    pub worker: Option<String>,
    pub error: Option<String>,
    pub result: Option<Value>,
    pub cancel_requested: bool,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub owner_id: UserId,
    /// The project of what the job works on; none for maintenance.
    pub project_id: Option<ProjectId>,
    pub kind: String,
    pub queue: Queue,
    pub priority: Priority,
    pub payload: Value,
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    pub queue: Option<Queue>,
}

/// How a job run ended, as recorded by the worker.
#[derive(Debug, Clone)]
pub enum JobOutcome {
    Succeeded(Value),
    Failed(String),
    Cancelled,
}

/// Keyset page request: the rows that follow the row keyed `after` in the list's own order
/// (newest first for most lists; rank order for results).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub after: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerBeat {
    pub id: String,
    pub queues: String,
    pub hostname: String,
    pub pid: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCount {
    pub queue: Queue,
    pub status: JobStatus,
    pub count: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// What one retention pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purged {
    pub sessions: u64,
    pub jobs: u64,
    pub workers: u64,
    pub queue_tasks: u64,
}

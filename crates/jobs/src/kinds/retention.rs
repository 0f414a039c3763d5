//! Retention: removes dead login sessions, old finished jobs, stale worker records and
//! finished queue tasks, in bounded batches with a checkpoint after each.

use async_trait::async_trait;
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{Purged, Queue};

use crate::{JobContext, JobError, JobHandler};

pub struct RetentionCleanup;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionPayload {
    /// Finished jobs and queue tasks older than this many days are removed.
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
    /// Rows removed per statement; one checkpoint per batch.
    #[serde(default = "default_batch")]
    pub batch: u32,
}

fn default_keep_days() -> u32 {
    90
}

fn default_batch() -> u32 {
    500
}

impl RetentionPayload {
    fn parse(payload: &Value) -> Result<Self, String> {
        if !payload.is_object() {
            return Err("payload must be a JSON object".into());
        }
        let p: RetentionPayload = serde_json::from_value(payload.clone()).map_err(|e| e.to_string())?;
        if !(1..=36_500).contains(&p.keep_days) {
            return Err("keep_days must be between 1 and 36500".into());
        }
        if !(1..=100_000).contains(&p.batch) {
            return Err("batch must be between 1 and 100000".into());
        }
        Ok(p)
    }
}

const PHASES: i64 = 4;
/// Worker records not seen for this long belong to processes that are gone.
const STALE_WORKER_AFTER: Duration = Duration::days(1);

#[async_trait]
impl JobHandler for RetentionCleanup {
    fn kind(&self) -> &'static str {
        "retention_cleanup"
    }

    fn queue(&self) -> Queue {
        Queue::Analysis
    }

    fn validate(&self, payload: &Value) -> Result<(), String> {
        RetentionPayload::parse(payload).map(|_| ())
    }

    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let p = RetentionPayload::parse(&payload).map_err(JobError::Failed)?;
        let store = ctx.store();
        let now = Utc::now();
        let cutoff = now - Duration::days(i64::from(p.keep_days));
        let mut purged = Purged::default();

        ctx.checkpoint(0, Some(PHASES), "removing expired and revoked login sessions")
            .await?;
        loop {
            let n = store.purge_sessions(now, p.batch).await?;
            purged.sessions += n;
            ctx.checkpoint(
                0,
                Some(PHASES),
                format!("removed {} login sessions", purged.sessions),
            )
            .await?;
            if n < u64::from(p.batch) {
                break;
            }
        }

        loop {
            let n = store.purge_finished_jobs(cutoff, p.batch).await?;
            purged.jobs += n;
            ctx.checkpoint(1, Some(PHASES), format!("removed {} finished jobs", purged.jobs))
                .await?;
            if n < u64::from(p.batch) {
                break;
            }
        }

        purged.workers = store.purge_stale_workers(now - STALE_WORKER_AFTER).await?;
        ctx.checkpoint(
            2,
            Some(PHASES),
            format!("removed {} stale worker records", purged.workers),
        )
        .await?;

        purged.queue_tasks = store.purge_queue_tasks(cutoff).await?;
        ctx.checkpoint(PHASES, Some(PHASES), "done").await?;

        serde_json::to_value(purged).map_err(|e| JobError::Failed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_defaults_and_bounds() {
        let p = RetentionPayload::parse(&json!({})).unwrap();
        assert_eq!((p.keep_days, p.batch), (90, 500));
        assert!(RetentionPayload::parse(&json!({"keep_days": 0})).is_err());
        assert!(RetentionPayload::parse(&json!({"batch": 0})).is_err());
        assert!(RetentionPayload::parse(&json!({"keep_days": "x"})).is_err());
        assert!(RetentionPayload::parse(&json!({"unknown": 1})).is_err());
        assert!(RetentionPayload::parse(&json!([])).is_err());
    }
}

//! The audit trail: who created, ran, curated or deleted what in a project, and when.

use serde_json::Value;
use store::{NewActivity, ProjectId, Store, UserId};

/// What was done to what, for [`record`].
#[derive(Debug, Clone)]
pub struct Act {
    pub action: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: Option<i64>,
    pub detail: Value,
}

impl Act {
    pub fn new(action: &'static str, subject_kind: &'static str, subject_id: impl Into<i64>) -> Self {
        Self {
            action,
            subject_kind,
            subject_id: Some(subject_id.into()),
            detail: Value::Object(Default::default()),
        }
    }

    pub fn with_detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Records an act after it happened. The act stands whether or not the trail could be
/// written (it is already committed), so a failure here is logged, not returned.
pub async fn record(store: &dyn Store, project: ProjectId, actor: UserId, act: Act) {
    let entry = NewActivity {
        project_id: project,
        actor_id: actor,
        action: act.action.to_owned(),
        subject_kind: act.subject_kind.to_owned(),
        subject_id: act.subject_id,
        detail: act.detail,
    };
    if let Err(e) = store.record_activity(&entry).await {
        tracing::warn!(project = %project, action = act.action, error = %e, "could not record project activity");
    }
}

//! Projects: a team's shared corpus, its members and roles, and its audit trail.

pub mod activity;
pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod members;
pub mod update;
pub mod websites;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::{Activity, Member, ProjectMembership, Role, WebsiteStatus};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Your role: `owner`, `editor` or `viewer`.
    pub role: Role,
    pub members: i64,
    /// Whether this is a user's own default project (it cannot be deleted).
    pub is_default: bool,
    /// What a website found by a search starts as.
    pub search_status: WebsiteStatus,
    /// What a website discovered through a link starts as.
    pub link_status: WebsiteStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ProjectMembership> for ProjectView {
    fn from(m: ProjectMembership) -> Self {
        let p = m.project;
        Self {
            id: p.id.get(),
            name: p.name,
            description: p.description,
            role: m.role,
            members: m.members,
            is_default: p.default_for.is_some(),
            search_status: p.search_status,
            link_status: p.link_status,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub added_at: DateTime<Utc>,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            user_id: m.user_id.get(),
            username: m.username,
            role: m.role,
            added_at: m.added_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: i64,
    /// Who did it (absent once their account is deleted; `actor_name` stays).
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// `created`, `ran`, `cancelled`, `resumed`, `deleted`, `updated`, `added`, `removed`, …
    pub action: String,
    /// `project`, `search_session`, `crawl`, `analysis`, `network`, `member`, `job`, …
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: Value,
    pub at: DateTime<Utc>,
}

impl From<Activity> for ActivityView {
    fn from(a: Activity) -> Self {
        Self {
            id: a.id.get(),
            actor_id: a.actor_id.map(store::UserId::get),
            actor_name: a.actor_name,
            action: a.action,
            subject_kind: a.subject_kind,
            subject_id: a.subject_id,
            detail: a.detail,
            at: a.at,
        }
    }
}

//! Projects, their members and roles, and their audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ActivityId, AnalysisId, CrawlId, JobId, NetworkId, PageId, ProjectId, SearchSessionId, UserId};

/// What a member may do in a project.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and downloads.
    Viewer,
    /// Also creates, runs, curates and deletes.
    Editor,
    /// Also manages the project and its members.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    /// Whether the role creates, runs, curates and deletes.
    pub fn can_edit(self) -> bool {
        self >= Role::Editor
    }

    /// Whether the role renames the project and manages its members.
    pub fn can_manage(self) -> bool {
        self == Role::Owner
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}`: use owner, editor or viewer"))
    }
}

/// Whether a website belongs to the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebsiteStatus {
    In,
    Out,
    Undecided,
}

impl WebsiteStatus {
    pub const ALL: [WebsiteStatus; 3] = [WebsiteStatus::In, WebsiteStatus::Out, WebsiteStatus::Undecided];

    pub fn as_str(self) -> &'static str {
        match self {
            WebsiteStatus::In => "in",
            WebsiteStatus::Out => "out",
            WebsiteStatus::Undecided => "undecided",
        }
    }
}

impl std::str::FromStr for WebsiteStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        WebsiteStatus::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`: use in, out or undecided"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub description: String,
    /// The user whose default project this is.
    pub default_for: Option<UserId>,
    /// What a website found by a search starts as.
    pub search_status: WebsiteStatus,
    /// What a website discovered through a link starts as.
    pub link_status: WebsiteStatus,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A project as one of its members sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectMembership {
    pub project: Project,
    pub role: Role,
    pub members: i64,
}

#[derive(Debug, Clone)]
pub struct NewProject {
    pub name: String,
    pub description: String,
    /// Becomes its first owner.
    pub created_by: UserId,
}

/// The fields a project's owner changes; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub search_status: Option<WebsiteStatus>,
    pub link_status: Option<WebsiteStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub added_at: DateTime<Utc>,
}

/// Something that lives in a project, named by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectResource {
    Project(ProjectId),
    SearchSession(SearchSessionId),
    Crawl(CrawlId),
    Page(PageId),
    Analysis(AnalysisId),
    Network(NetworkId),
    Job(JobId),
}

/// One entry for a project's audit trail.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub project_id: ProjectId,
    pub actor_id: UserId,
    /// What was done: `created`, `ran`, `cancelled`, `resumed`, `deleted`, `curated`, …
    pub action: String,
    /// What it was done to: `search_session`, `crawl`, `analysis`, `network`, `member`, …
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    pub id: ActivityId,
    pub project_id: ProjectId,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: Value,
    pub at: DateTime<Utc>,
}

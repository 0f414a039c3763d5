//! Networks as the platform stores them, and the rows network builders read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{CrawlId, JobId, NetworkId, ProjectId, SearchSessionId, SearchStatus, UserId};

/// The search sessions and scraping jobs a network is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkScope {
    pub sessions: Vec<SearchSessionId>,
    pub crawls: Vec<CrawlId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub id: NetworkId,
    pub owner_id: UserId,
    pub project_id: ProjectId,
    pub name: String,
    /// The network type (`query-website`, `website-noun`, …).
    pub kind: String,
    pub scope: NetworkScope,
    pub params: Value,
    pub status: SearchStatus,
    pub error: Option<String>,
    pub job_id: Option<JobId>,
    pub node_count: Option<i64>,
    pub edge_count: Option<i64>,
    /// Statistics, backbone and layout reports, once built.
    pub report: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewNetwork {
    pub owner_id: UserId,
    /// None: the owner's default project.
    pub project_id: Option<ProjectId>,
    pub name: String,
    pub kind: String,
    pub scope: NetworkScope,
    pub params: Value,
}

/// What a finished build leaves behind.
#[derive(Debug, Clone)]
pub struct NetworkOutcome {
    pub node_count: i64,
    pub edge_count: i64,
    pub report: Value,
    pub graph_zstd: Vec<u8>,
}

/// One kept (not excluded) search result of a session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NetworkSearchHit {
    pub session_id: SearchSessionId,
    pub query: String,
    pub rank: i64,
    pub url: String,
    pub host: String,
    pub domain: String,
}

/// What counts as one website when the store groups pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteUnit {
    Domain,
    Host,
    Url,
}

/// A term's count on one website, over the analysed pages of a scope (one page per URL).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SiteTermCount {
    pub site: String,
    pub term: String,
    pub label: Option<String>,
    pub count: i64,
}

/// A fetched page's outlinks (one page per URL across the scope's scraping jobs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOutlinks {
    pub url: String,
    pub host: String,
    pub domain: String,
    pub outlinks: Vec<String>,
}

//! A project's websites as its researchers curated them, and the project data a website
//! catalogue is computed from.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{ProjectId, SearchSessionId, StoreResult, WebsiteId, WebsiteStatus};

/// One stored website: a unit (domain, host or URL prefix) and its curation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectWebsite {
    pub id: WebsiteId,
    pub project_id: ProjectId,
    /// `tv2.dk`, `nyheder.tv2.dk` or `tv2.dk/sport`.
    pub unit: String,
    /// `domain`, `host` or `prefix`.
    pub kind: String,
    /// `None`: the project's default for how the website was found.
    pub status: Option<WebsiteStatus>,
    pub name: Option<String>,
    pub categories: BTreeMap<String, String>,
    /// The website whose actor this one is part of.
    pub merged_into: Option<WebsiteId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A unit to add when it is not there yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebsite {
    pub unit: String,
    pub kind: String,
}

/// The whole curated state of one website, keyed by its unit; the unit is added when new.
#[derive(Debug, Clone, PartialEq)]
pub struct WebsiteCuration {
    pub unit: String,
    pub kind: String,
    pub status: Option<WebsiteStatus>,
    pub name: Option<String>,
    pub categories: BTreeMap<String, String>,
    /// The unit of the website it is merged into (in the same project).
    pub merged_into: Option<String>,
}

/// One search result of a project's sessions (excluded results left out).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProjectSearchResult {
    pub session_id: SearchSessionId,
    pub query: String,
    pub rank: i64,
    pub url: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

/// A fetched page of the project (the newest fetch of each URL) and its outlinks.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectPage {
    pub url: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub outlinks: Vec<String>,
    pub fetched_at: DateTime<Utc>,
}

/// Websites and their curation; the data a catalogue is computed from.
#[async_trait]
pub trait WebsiteStore: Send + Sync {
    /// The project itself, for code that already checked access (a worker, say).
    async fn project_settings(&self, project: ProjectId) -> StoreResult<Option<crate::Project>>;
    /// Every stored website of the project, by id.
    async fn project_websites(&self, project: ProjectId) -> StoreResult<Vec<ProjectWebsite>>;
    /// Adds the units that are not stored yet; stored ones are left as they are.
    async fn add_project_websites(&self, project: ProjectId, units: &[NewWebsite]) -> StoreResult<()>;
    /// Writes every curation (adding new units) and then every merge, in one transaction.
    async fn curate_websites(&self, project: ProjectId, curations: &[WebsiteCuration]) -> StoreResult<()>;
    /// The non-excluded search results of the project's sessions.
    async fn project_search_results(&self, project: ProjectId) -> StoreResult<Vec<ProjectSearchResult>>;
    /// The project's successfully fetched pages, the newest fetch of each URL.
    async fn project_pages(&self, project: ProjectId) -> StoreResult<Vec<ProjectPage>>;
}

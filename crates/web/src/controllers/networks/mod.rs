//! Networks: build one from search sessions and scraping jobs (queue `network`), follow
//! it, list, download in four formats, delete.

pub mod compare;
pub mod create;
pub mod delete;
pub mod download;
pub mod evidence;
pub mod get;
pub mod list;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::{Network, NetworkScope, SearchStatus};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkView {
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    pub name: String,
    /// `query-website`, `website-noun`, `website-entity`, `website-keyword` or `hyperlink`.
    #[serde(rename = "type")]
    pub kind: String,
    pub scope: NetworkScope,
    /// Every parameter, defaults filled in.
    #[schema(value_type = Object)]
    pub params: Value,
    pub status: SearchStatus,
    /// Why the build failed.
    pub error: Option<String>,
    /// The background job; follow it at `/api/jobs/{job_id}`.
    pub job_id: Option<i64>,
    pub node_count: Option<i64>,
    pub edge_count: Option<i64>,
    /// Once built: `inputs`, `statistics` (counts, density, degree distribution, components,
    /// giant-component share, communities, modularity), `backbone` (before/after, retention),
    /// `layout` and `millis`.
    #[schema(value_type = Option<Object>)]
    pub report: Option<Value>,
    /// Download links, once built.
    pub files: Vec<NetworkFile>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkFile {
    pub format: String,
    pub url: String,
}

impl From<Network> for NetworkView {
    fn from(n: Network) -> Self {
        let files = if n.status == SearchStatus::Done {
            networks::export::Format::ALL
                .iter()
                .map(|f| NetworkFile {
                    format: f.as_str().to_owned(),
                    url: format!("/api/networks/{}/download?format={}", n.id, f.as_str()),
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            id: n.id.get(),
            project_id: n.project_id.get(),
            name: n.name,
            kind: n.kind,
            scope: n.scope,
            params: n.params,
            status: n.status,
            error: n.error,
            job_id: n.job_id.map(store::JobId::get),
            node_count: n.node_count,
            edge_count: n.edge_count,
            report: n.report,
            files,
            created_at: n.created_at,
            started_at: n.started_at,
            finished_at: n.finished_at,
        }
    }
}

//! Network rows as decoded from either backend.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::error::StoreError;
use crate::network_model::*;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NetworkRow {
    pub id: crate::NetworkId,
    pub owner_id: crate::UserId,
    pub project_id: crate::ProjectId,
    pub name: String,
    pub kind: String,
    pub scope: Json<Value>,
    pub params: Json<Value>,
    pub status: String,
    pub error: Option<String>,
    pub job_id: Option<crate::JobId>,
    pub node_count: Option<i64>,
    pub edge_count: Option<i64>,
    pub report: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<NetworkRow> for Network {
    type Error = StoreError;
    fn try_from(r: NetworkRow) -> Result<Self, StoreError> {
        Ok(Network {
            id: r.id,
            owner_id: r.owner_id,
            project_id: r.project_id,
            name: r.name,
            kind: r.kind,
            scope: serde_json::from_value(r.scope.0)
                .map_err(|e| StoreError::Corrupt(format!("network {} scope: {e}", r.id)))?,
            params: r.params.0,
            status: r.status.parse().map_err(StoreError::Corrupt)?,
            error: r.error,
            job_id: r.job_id,
            node_count: r.node_count,
            edge_count: r.edge_count,
            report: r.report.map(|j| j.0),
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PageOutlinksRow {
    pub url: String,
    pub host: String,
    pub domain: String,
    pub outlinks: Json<Value>,
}

impl From<PageOutlinksRow> for PageOutlinks {
    fn from(r: PageOutlinksRow) -> Self {
        PageOutlinks {
            url: r.url,
            host: r.host,
            domain: r.domain,
            outlinks: outlink_urls(r.outlinks.0),
        }
    }
}

/// The URLs of a page's stored outlinks (plain strings, or objects with a `url`).
pub(crate) fn outlink_urls(outlinks: Value) -> Vec<String> {
    match outlinks {
        Value::Array(items) => items.into_iter().filter_map(outlink_url).collect(),
        _ => Vec::new(),
    }
}

/// One stored outlink's URL: a plain string, or an object with a `url`.
pub(crate) fn outlink_url(item: Value) -> Option<String> {
    match item {
        Value::String(s) => Some(s),
        Value::Object(mut o) => match o.remove("url") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

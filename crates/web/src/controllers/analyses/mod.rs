//! Analysis runs: start one over a scraping job's pages, follow it; a page's terms; a
//! scope's top terms by TF-IDF.

pub mod create;
pub mod get;
pub mod terms;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::SearchStatus;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisView {
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    /// `{"crawl": id}` or `{"session": id}`: the pages the run covers.
    pub scope: store::AnalysisScope,
    #[schema(value_type = Object)]
    pub options: Value,
    pub status: SearchStatus,
    /// The background job; follow it at `/api/jobs/{job_id}`.
    pub job_id: Option<i64>,
    /// Pages analysed so far.
    pub analysed: i64,
    /// Pages recorded as not analysable (unsupported language, too little text).
    pub skipped: i64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<analysis::service::AnalysisState> for AnalysisView {
    fn from(s: analysis::service::AnalysisState) -> Self {
        Self {
            id: s.run.id.get(),
            project_id: s.run.project_id.get(),
            scope: s.run.scope,
            options: s.run.options,
            status: s.run.status,
            job_id: s.run.job_id.map(store::JobId::get),
            analysed: s.counts.analysed,
            skipped: s.counts.skipped,
            created_at: s.run.created_at,
            started_at: s.run.started_at,
            finished_at: s.run.finished_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRequest {
    /// `include_propn` [false], `min_length` [2], `max_keywords` [20].
    #[serde(default)]
    #[schema(value_type = Object)]
    pub options: Option<Value>,
}

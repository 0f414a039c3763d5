//! Analysis runs and the terms stored per page, as the platform sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{AnalysisId, CrawlId, JobId, PageId, ProjectId, SearchStatus, UserId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisRun {
    pub id: AnalysisId,
    pub owner_id: UserId,
    pub project_id: ProjectId,
    pub scope: AnalysisScope,
    /// What the run counts (proper nouns or not, keyword limit…).
    pub options: Value,
    pub status: SearchStatus,
    pub job_id: Option<JobId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The pages a run or a term list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisScope {
    /// One scraping job's pages.
    Crawl(CrawlId),
    /// The pages of every scraping job started from one search session.
    Session(crate::SearchSessionId),
}

impl AnalysisScope {
    pub fn crawl(self) -> Option<CrawlId> {
        match self {
            AnalysisScope::Crawl(id) => Some(id),
            AnalysisScope::Session(_) => None,
        }
    }

    pub fn session(self) -> Option<crate::SearchSessionId> {
        match self {
            AnalysisScope::Session(id) => Some(id),
            AnalysisScope::Crawl(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAnalysis {
    pub owner_id: UserId,
    /// None: the owner's default project.
    pub project_id: Option<ProjectId>,
    pub scope: AnalysisScope,
    pub options: Value,
}

/// A page waiting for analysis: its text and what extraction said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageText {
    pub id: PageId,
    pub crawl_id: CrawlId,
    pub url: String,
    pub domain: String,
    pub language: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NounTerm {
    pub lemma: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityTerm {
    pub normalized: String,
    /// PER, ORG, LOC or MISC.
    pub label: String,
    pub surface: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeywordTerm {
    pub phrase: String,
    pub score: f64,
    pub count: i64,
}

/// One page's analysis, as written and as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageTermsRecord {
    pub page_id: PageId,
    pub crawl_id: CrawlId,
    pub domain: String,
    pub language: Option<String>,
    pub tokens: i64,
    /// Why the page was not analysed; its term lists are empty then.
    pub skipped: Option<String>,
    pub nouns: Vec<NounTerm>,
    pub entities: Vec<EntityTerm>,
    pub keywords: Vec<KeywordTerm>,
}

/// How many of a run's pages were analysed and skipped so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisCounts {
    pub analysed: i64,
    pub skipped: i64,
}

/// A term's count on one website (registrable domain), summed over its analysed pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct DomainTermCount {
    pub domain: String,
    pub term: String,
    /// The entity type, for entities.
    pub label: Option<String>,
    pub count: i64,
}

/// Which of a page's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TermKind {
    Nouns,
    Entities,
    Keywords,
}

impl std::str::FromStr for TermKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nouns" => Ok(TermKind::Nouns),
            "entities" => Ok(TermKind::Entities),
            "keywords" => Ok(TermKind::Keywords),
            other => Err(format!("unknown kind `{other}`: use nouns, entities or keywords")),
        }
    }
}

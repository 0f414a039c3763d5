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
    /// Where its first occurrences are in the page's text (byte offsets `[start, end)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<TermSpan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityTerm {
    pub normalized: String,
    /// PER, ORG, LOC or MISC.
    pub label: String,
    pub surface: String,
    pub count: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<TermSpan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeywordTerm {
    pub phrase: String,
    pub score: f64,
    pub count: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<TermSpan>,
}

/// Where a term occurs in a page's main text: byte offsets `[start, end)`.
pub type TermSpan = [u32; 2];

/// Spans as stored: `start-end` pairs joined by commas; NULL when there are none.
pub(crate) fn encode_spans(spans: &[TermSpan]) -> Option<String> {
    if spans.is_empty() {
        return None;
    }
    let parts: Vec<String> = spans.iter().map(|[s, e]| format!("{s}-{e}")).collect();
    Some(parts.join(","))
}

/// Reads what [`encode_spans`] wrote; anything malformed is dropped rather than trusted.
pub(crate) fn decode_spans(text: Option<&str>) -> Vec<TermSpan> {
    let Some(text) = text else { return Vec::new() };
    text.split(',')
        .filter_map(|pair| {
            let (s, e) = pair.split_once('-')?;
            let (s, e) = (s.parse().ok()?, e.parse().ok()?);
            (s < e).then_some([s, e])
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spans_round_trip_and_nothing_is_stored_for_none() {
        assert_eq!(encode_spans(&[]), None);
        let spans = vec![[0, 4], [17, 30]];
        assert_eq!(encode_spans(&spans).as_deref(), Some("0-4,17-30"));
        assert_eq!(decode_spans(encode_spans(&spans).as_deref()), spans);
        assert!(decode_spans(None).is_empty());
    }

    proptest! {
        /// A stored span list is never trusted blindly: whatever the column holds, reading
        /// it gives well-formed spans or none, and never panics.
        #[test]
        fn decoding_arbitrary_text_gives_only_well_formed_spans(text in ".{0,80}") {
            for [s, e] in decode_spans(Some(&text)) {
                prop_assert!(s < e);
            }
        }
    }
}

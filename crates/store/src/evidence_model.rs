//! What the evidence behind a network's nodes and edges is read from: the search results,
//! term positions and outlinks the network was built from.

use serde::Serialize;

use crate::{PageId, SearchResultId, SearchSessionId, TermSpan};

/// A search result with what a researcher reads of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchEvidence {
    pub id: SearchResultId,
    pub session_id: SearchSessionId,
    pub query: String,
    pub rank: i64,
    pub url: String,
    pub host: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
}

/// An analysed page that uses a term: how often, and where (byte offsets into its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermPage {
    pub page_id: PageId,
    pub url: String,
    pub host: String,
    pub domain: String,
    pub title: Option<String>,
    pub count: i64,
    pub spans: Vec<TermSpan>,
}

/// A fetched page with its outlinks and their anchor texts (parallel lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPage {
    pub page_id: PageId,
    pub url: String,
    pub title: Option<String>,
    pub outlinks: Vec<String>,
    pub anchors: Vec<String>,
}

/// Which stored term a page must use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermKey<'a> {
    pub kind: crate::TermKind,
    /// The lemma, normalized entity or keyword phrase.
    pub term: &'a str,
    /// The entity type, for entities.
    pub label: Option<&'a str>,
}

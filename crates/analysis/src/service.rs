//! Analysis operations shared by the HTTP API and the CLI: start a run over a scraping
//! job's pages, follow it, and rank a scope's noun lemmas by TF-IDF over websites.

use std::collections::HashMap;

use contract::{FieldIssue, ServiceError};
use jobs::Registry;
use nlp::tfidf::Corpus;
use projects::Need;
use projects::activity::Act;
use serde::Serialize;
use store::{
    AnalysisCounts, AnalysisRun, AnalysisScope, NewAnalysis, Priority, ProjectId, ProjectResource, Store,
    TermKind, UserId,
};

use crate::job::{AnalysisOptions, AnalysisPayload, KIND};

/// A run with how far it got.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisState {
    pub run: AnalysisRun,
    pub counts: AnalysisCounts,
}

/// The scope's project, when the user may do what `need` says there (a scope the user
/// cannot see is simply not found). An analysis lives in its scope's project.
async fn check_scope(
    store: &dyn Store,
    user: UserId,
    scope: AnalysisScope,
    need: Need,
) -> Result<ProjectId, ServiceError> {
    let resource = match scope {
        AnalysisScope::Crawl(id) => ProjectResource::Crawl(id),
        AnalysisScope::Session(id) => ProjectResource::SearchSession(id),
    };
    Ok(projects::access::require(store, user, resource, need)
        .await?
        .project)
}

/// Starts analysing the pages of a scraping job, or of every scraping job started from a
/// search session (queue `analysis`). `options` may be omitted for the defaults; unknown or
/// out-of-range fields are refused by name.
pub async fn create_analysis(
    store: &dyn Store,
    registry: &Registry,
    owner: UserId,
    scope: AnalysisScope,
    options: Option<serde_json::Value>,
) -> Result<AnalysisState, ServiceError> {
    let options: AnalysisOptions = match options {
        None => AnalysisOptions::default(),
        Some(v) => serde_json::from_value(v).map_err(|e| {
            ServiceError::Invalid(vec![FieldIssue {
                field: "options".into(),
                message: e.to_string(),
            }])
        })?,
    };
    let problems = options.problems();
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(
            problems
                .into_iter()
                .map(|(field, message)| FieldIssue {
                    field: format!("options.{field}"),
                    message: message.into(),
                })
                .collect(),
        ));
    }
    let project = check_scope(store, owner, scope, Need::Edit).await?;
    let run = store
        .create_analysis(NewAnalysis {
            owner_id: owner,
            project_id: Some(project),
            scope,
            options: serde_json::to_value(&options).map_err(|e| ServiceError::Submit(e.to_string()))?,
        })
        .await?;
    let payload = serde_json::to_value(AnalysisPayload { analysis_id: run.id })
        .map_err(|e| ServiceError::Submit(e.to_string()))?;
    let job = registry
        .submit_in(store, owner, Some(project), KIND, payload, Priority::Normal)
        .await?;
    store.set_analysis_job(run.id, job.id).await?;
    projects::activity::record(store, project, owner, Act::new("created", "analysis", run.id)).await;
    current_analysis(store, owner, run.id).await
}

pub async fn current_analysis(
    store: &dyn Store,
    owner: UserId,
    id: store::AnalysisId,
) -> Result<AnalysisState, ServiceError> {
    let run = store.analysis(owner, id).await?.ok_or(ServiceError::NotFound)?;
    let counts = store.analysis_counts(run.id).await?;
    Ok(AnalysisState { run, counts })
}

/// A term's standing in a scope: how often, on how many websites, and its TF-IDF summed
/// over the websites that use it (the ranking key).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TopTerm {
    pub term: String,
    /// The entity type (PER, ORG, LOC, MISC), for entities.
    pub label: Option<String>,
    pub count: i64,
    /// Websites (registrable domains) using the term.
    pub df: usize,
    pub idf: f64,
    pub tfidf: f64,
}

/// Separates an entity's type from its text in a combined key.
const LABEL_SEPARATOR: char = '\u{1f}';

/// The scope's most distinctive terms of one kind: websites are the documents (see
/// `nlp::tfidf`). An entity is its normalized text and its type together.
pub async fn top_terms(
    store: &dyn Store,
    owner: UserId,
    scope: AnalysisScope,
    kind: TermKind,
    limit: usize,
) -> Result<(usize, Vec<TopTerm>), ServiceError> {
    let project = check_scope(store, owner, scope, Need::Read).await?;
    let mut websites: HashMap<String, HashMap<String, u64>> = HashMap::new();
    for row in store.domain_term_counts(project, scope, kind).await? {
        let key = match row.label {
            Some(label) => format!("{label}{LABEL_SEPARATOR}{}", row.term),
            None => row.term,
        };
        *websites.entry(row.domain).or_default().entry(key).or_default() +=
            u64::try_from(row.count).unwrap_or(0);
    }
    Ok((websites.len(), rank(&websites, limit)))
}

fn rank(websites: &HashMap<String, HashMap<String, u64>>, limit: usize) -> Vec<TopTerm> {
    let corpus = Corpus::new(websites.values());
    let mut terms: HashMap<String, TopTerm> = HashMap::new();
    for doc in websites.values() {
        for w in corpus.weigh(doc, false) {
            let entry = terms.entry(w.term.clone()).or_insert_with(|| {
                let (label, term) = match w.term.split_once(LABEL_SEPARATOR) {
                    Some((label, term)) => (Some(label.to_owned()), term.to_owned()),
                    None => (None, w.term.clone()),
                };
                TopTerm {
                    term,
                    label,
                    count: 0,
                    df: corpus.df.get(&w.term).copied().unwrap_or(0),
                    idf: w.idf,
                    tfidf: 0.0,
                }
            });
            entry.count += i64::try_from(w.count).unwrap_or(i64::MAX);
            entry.tfidf += w.tfidf;
        }
    }
    let mut out: Vec<TopTerm> = terms.into_values().collect();
    out.sort_by(|a, b| {
        b.tfidf
            .total_cmp(&a.tfidf)
            .then_with(|| a.term.cmp(&b.term))
            .then_with(|| a.label.cmp(&b.label))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_rank_by_tfidf_summed_over_websites() {
        let site = |terms: &[(&str, u64)]| terms.iter().map(|(t, c)| ((*t).to_owned(), *c)).collect();
        let websites: HashMap<String, HashMap<String, u64>> = HashMap::from([
            ("ens.dk".to_owned(), site(&[("vindmølle", 3), ("biogas", 1)])),
            ("dr.dk".to_owned(), site(&[("vindmølle", 1), ("nabo", 1)])),
            ("tv2.dk".to_owned(), site(&[("nabo", 2)])),
        ]);
        let top = rank(&websites, 10);
        // nabo: (1/2 + 2/2) × (ln(4/3) + 1) = 1.5 × 1.287682… = 1.9315231086776715
        // vindmølle: (3/4 + 1/2) × (ln(4/3) + 1) = 1.25 × 1.287682… = 1.6096025905647263
        assert_eq!(top[0].term, "nabo");
        assert!((top[0].tfidf - 1.931_523_108_677_671_5).abs() < 1e-12);
        assert_eq!(top[1].term, "vindmølle");
        assert!((top[1].tfidf - 1.609_602_590_564_726_3).abs() < 1e-12);
        assert_eq!((top[1].count, top[1].df), (4, 2));
        // biogas: 1/4 × (ln(4/2) + 1) = 0.42328679513998635, on one website only.
        assert_eq!((top[2].term.as_str(), top[2].df), ("biogas", 1));
        assert_eq!(rank(&websites, 1).len(), 1);
    }
}

//! Session operations shared by the HTTP API and the CLI: create (JSON or CSV), re-run as a
//! snapshot, cancel, read with live status, and compare.

use std::collections::{BTreeMap, HashSet};

use jobs::Registry;
use serde::Serialize;
use serde_json::json;
use store::{
    JobStatus, NewSearchQuery, NewSearchResult, NewSearchSession, Priority, ProjectId, ProjectResource,
    SearchSession, SearchSessionId, SearchStatus, Store, StoreError, UserId,
};

use crate::compare::{jaccard, rbo_ext};
use crate::config::Engines;
use crate::engine::{EngineKind, QueryParams};
use crate::job::{KIND, SearchJobPayload};
use contract::{FieldIssue, ServiceError};
use projects::Need;
use projects::activity::Act;

use crate::request::{QueryInput, SessionRequest, ValidSession, exclusion_reason};

/// Persistence of rank-biased overlap: the top 10 carry about 86% of the weight.
pub const RBO_P: f64 = 0.9;

/// Validates, stores and (unless it is a manual list) queues a session.
/// `csv_queries` replaces the request's `queries` when they came from a file.
pub async fn create_session(
    store: &dyn Store,
    registry: &Registry,
    engines: &Engines,
    owner: UserId,
    request: &SessionRequest,
    csv_queries: Option<Vec<QueryInput>>,
) -> Result<SearchSession, ServiceError> {
    if csv_queries.is_some() && !request.queries.is_empty() {
        return Err(ServiceError::Invalid(vec![FieldIssue {
            field: "queries".into(),
            message: "give queries either in the file or in the form, not both".into(),
        }]));
    }
    let inputs = csv_queries.unwrap_or_else(|| request.query_inputs());
    let valid = request.validate(engines, inputs).map_err(ServiceError::Invalid)?;
    let access = projects::access::target(store, owner, request.project_id).await?;
    let session = store_and_queue(store, registry, owner, access.project, valid, None).await?;
    let act = Act::new("created", "search_session", session.id).with_detail(json!({"name": session.name}));
    projects::activity::record(store, access.project, owner, act).await;
    Ok(session)
}

async fn store_and_queue(
    store: &dyn Store,
    registry: &Registry,
    owner: UserId,
    project: ProjectId,
    valid: ValidSession,
    snapshot_of: Option<SearchSessionId>,
) -> Result<SearchSession, ServiceError> {
    let params = serde_json::to_value(&valid.params).map_err(|e| ServiceError::Submit(e.to_string()))?;
    if valid.engine == EngineKind::Manual {
        let results = valid
            .urls
            .iter()
            .enumerate()
            .map(|(i, url)| {
                let reason = exclusion_reason(&valid.params, url);
                NewSearchResult {
                    rank: i32::try_from(i + 1).unwrap_or(i32::MAX),
                    page: 0,
                    url: url.url.clone(),
                    normalized_url: url.normalized.clone(),
                    host: url.host.clone(),
                    domain: url.domain.clone(),
                    title: None,
                    snippet: None,
                    published: None,
                    excluded: reason.is_some(),
                    exclusion_reason: reason,
                }
            })
            .collect();
        return Ok(store
            .create_search_session(NewSearchSession {
                owner_id: owner,
                project_id: Some(project),
                name: valid.name,
                engine: valid.engine.as_str().into(),
                params,
                snapshot_of,
                queries: vec![NewSearchQuery {
                    text: "manual URL list".into(),
                    params: json!({"urls": valid.urls.len()}),
                }],
                manual_results: Some(results),
            })
            .await?);
    }

    let queries = valid
        .queries
        .iter()
        .map(|q| {
            Ok(NewSearchQuery {
                text: q.text.clone(),
                params: serde_json::to_value(q).map_err(|e| ServiceError::Submit(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    let session = store
        .create_search_session(NewSearchSession {
            owner_id: owner,
            project_id: Some(project),
            name: valid.name,
            engine: valid.engine.as_str().into(),
            params,
            snapshot_of,
            queries,
            manual_results: None,
        })
        .await?;
    let payload = serde_json::to_value(SearchJobPayload {
        session_id: session.id,
    })
    .map_err(|e| ServiceError::Submit(e.to_string()))?;
    let job = match registry
        .submit_in(store, owner, Some(project), KIND, payload, Priority::Interactive)
        .await
    {
        Ok(job) => job,
        Err(e) => {
            // Nothing half-written: a session that could not be queued is removed again.
            let _ = store.delete_search_session(owner, session.id).await;
            return Err(e.into());
        }
    };
    store.set_search_session_job(session.id, job.id).await?;
    Ok(SearchSession {
        job_id: Some(job.id),
        ..session
    })
}

/// Runs a session again with the same queries and parameters, as a new snapshot.
pub async fn rerun_session(
    store: &dyn Store,
    registry: &Registry,
    engines: &Engines,
    owner: UserId,
    id: SearchSessionId,
) -> Result<SearchSession, ServiceError> {
    let access =
        projects::access::require(store, owner, ProjectResource::SearchSession(id), Need::Edit).await?;
    let original = store
        .search_session(owner, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let engine: EngineKind = original.engine.parse().map_err(ServiceError::Conflict)?;
    let params: crate::request::SessionParams =
        serde_json::from_value(original.params.clone()).map_err(|e| {
            ServiceError::Conflict(format!("the session's stored parameters are unreadable: {e}"))
        })?;
    let queries = store.search_queries(owner, id).await?;
    let mut valid = ValidSession {
        name: original.name.clone(),
        engine,
        params,
        queries: Vec::new(),
        urls: Vec::new(),
    };
    if engine == EngineKind::Manual {
        let results = store.session_ranked_urls(owner, id).await?;
        let mut seen = HashSet::new();
        for r in results
            .into_iter()
            .filter(|r| seen.insert(r.normalized_url.clone()))
        {
            if let Ok(u) = crate::urlnorm::normalize(&r.normalized_url) {
                valid.urls.push(u);
            }
        }
    } else {
        engines.client(engine).map_err(|message| {
            ServiceError::Invalid(vec![FieldIssue {
                field: "engine".into(),
                message,
            }])
        })?;
        for q in &queries {
            let p: QueryParams = serde_json::from_value(q.params.clone())
                .map_err(|e| ServiceError::Conflict(format!("a stored query is unreadable: {e}")))?;
            valid.queries.push(p);
        }
    }
    let root = original.snapshot_of.unwrap_or(original.id);
    let session = store_and_queue(store, registry, owner, access.project, valid, Some(root)).await?;
    let act = Act::new("ran", "search_session", session.id).with_detail(json!({"snapshot_of": root}));
    projects::activity::record(store, access.project, owner, act).await;
    Ok(session)
}

/// Asks the session's job to stop; queries not yet run end `cancelled`.
pub async fn cancel_session(
    store: &dyn Store,
    owner: UserId,
    id: SearchSessionId,
) -> Result<SearchSession, ServiceError> {
    let access =
        projects::access::require(store, owner, ProjectResource::SearchSession(id), Need::Edit).await?;
    let session = store
        .search_session(owner, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(job_id) = session.job_id.filter(|_| !session.status.is_terminal()) else {
        return Err(ServiceError::Conflict(format!(
            "the session has already finished ({})",
            session.status.as_str()
        )));
    };
    match store.request_cancel(owner, job_id).await {
        Ok(_) | Err(StoreError::Conflict(_)) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    projects::activity::record(
        store,
        access.project,
        owner,
        Act::new("cancelled", "search_session", id),
    )
    .await;
    current_session(store, owner, id).await
}

/// The session with its status brought in line with its job: a job cancelled while queued,
/// or one that failed outside the handler, never ran the code that updates the session.
pub async fn current_session(
    store: &dyn Store,
    owner: UserId,
    id: SearchSessionId,
) -> Result<SearchSession, ServiceError> {
    let session = store
        .search_session(owner, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if session.status.is_terminal() {
        return Ok(session);
    }
    let job = match session.job_id {
        Some(job_id) => store.job(owner, job_id).await?,
        None => None,
    };
    let settled = match job.map(|j| j.status) {
        Some(JobStatus::Cancelled) => SearchStatus::Cancelled,
        Some(JobStatus::Failed) => SearchStatus::Failed,
        _ => return Ok(session),
    };
    store.cancel_unfinished_queries(id).await?;
    store.set_search_session_status(id, settled).await?;
    store
        .search_session(owner, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SetOverlap {
    pub in_a: usize,
    pub in_b: usize,
    pub shared: usize,
    pub only_a: usize,
    pub only_b: usize,
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueryComparison {
    pub query: String,
    pub results_a: usize,
    pub results_b: usize,
    pub shared_urls: usize,
    /// Extrapolated rank-biased overlap of the two URL rankings (p = 0.9).
    pub rbo: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    #[schema(value_type = i64)]
    pub a: store::SearchSessionId,
    #[schema(value_type = i64)]
    pub b: store::SearchSessionId,
    pub rbo_p: f64,
    pub urls: SetOverlap,
    pub domains: SetOverlap,
    /// Queries both sessions ran (matched by text), in A's order.
    pub queries: Vec<QueryComparison>,
    pub queries_only_a: Vec<String>,
    pub queries_only_b: Vec<String>,
}

fn url_set(r: &[store::RankedUrl]) -> HashSet<&str> {
    r.iter().map(|x| x.normalized_url.as_str()).collect()
}

fn domain_set(r: &[store::RankedUrl]) -> HashSet<&str> {
    r.iter().map(|x| x.domain.as_str()).collect()
}

fn overlap(a: &HashSet<&str>, b: &HashSet<&str>) -> SetOverlap {
    let shared = a.intersection(b).count();
    SetOverlap {
        in_a: a.len(),
        in_b: b.len(),
        shared,
        only_a: a.len() - shared,
        only_b: b.len() - shared,
        jaccard: jaccard(a, b),
    }
}

/// Compares two sessions the user can see (typically a session and its snapshot), ignoring
/// excluded results.
pub async fn compare_sessions(
    store: &dyn Store,
    owner: UserId,
    a: SearchSessionId,
    b: SearchSessionId,
) -> Result<Comparison, ServiceError> {
    for id in [a, b] {
        store
            .search_session(owner, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
    }
    let ra = store.session_ranked_urls(owner, a).await?;
    let rb = store.session_ranked_urls(owner, b).await?;

    let by_query = |r: &[store::RankedUrl]| {
        let mut order = Vec::new();
        let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for x in r {
            let list = lists.entry(x.query_text.clone()).or_insert_with(|| {
                order.push(x.query_text.clone());
                Vec::new()
            });
            list.push(x.normalized_url.clone());
        }
        (order, lists)
    };
    let qa = store.search_queries(owner, a).await?;
    let qb = store.search_queries(owner, b).await?;
    let (_, lists_a) = by_query(&ra);
    let (_, lists_b) = by_query(&rb);
    let texts_b: HashSet<&str> = qb.iter().map(|q| q.text.as_str()).collect();
    let texts_a: HashSet<&str> = qa.iter().map(|q| q.text.as_str()).collect();
    let empty = Vec::new();
    let queries = qa
        .iter()
        .filter(|q| texts_b.contains(q.text.as_str()))
        .map(|q| {
            let la = lists_a.get(&q.text).unwrap_or(&empty);
            let lb = lists_b.get(&q.text).unwrap_or(&empty);
            let sa: HashSet<&String> = la.iter().collect();
            let sb: HashSet<&String> = lb.iter().collect();
            QueryComparison {
                query: q.text.clone(),
                results_a: la.len(),
                results_b: lb.len(),
                shared_urls: sa.intersection(&sb).count(),
                rbo: rbo_ext(la, lb, RBO_P),
            }
        })
        .collect();
    Ok(Comparison {
        a,
        b,
        rbo_p: RBO_P,
        urls: overlap(&url_set(&ra), &url_set(&rb)),
        domains: overlap(&domain_set(&ra), &domain_set(&rb)),
        queries,
        queries_only_a: qa
            .iter()
            .filter(|q| !texts_b.contains(q.text.as_str()))
            .map(|q| q.text.clone())
            .collect(),
        queries_only_b: qb
            .iter()
            .filter(|q| !texts_a.contains(q.text.as_str()))
            .map(|q| q.text.clone())
            .collect(),
    })
}

/// Deletes a session with everything it holds, stopping its job first if it still runs.
pub async fn delete_session(
    store: &dyn Store,
    owner: UserId,
    id: SearchSessionId,
) -> Result<ProjectId, ServiceError> {
    let access =
        projects::access::require(store, owner, ProjectResource::SearchSession(id), Need::Edit).await?;
    let session = store
        .search_session(owner, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(job_id) = session.job_id.filter(|_| !session.status.is_terminal()) {
        match store.request_cancel(owner, job_id).await {
            Ok(_) | Err(StoreError::Conflict(_)) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    store.delete_search_session(owner, id).await?;
    let act = Act::new("deleted", "search_session", id).with_detail(json!({"name": session.name}));
    projects::activity::record(store, access.project, owner, act).await;
    Ok(access.project)
}

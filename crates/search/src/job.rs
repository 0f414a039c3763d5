//! The `search_session` job (queue `search`): runs a session's queries one after another,
//! storing each query's results and raw pages atomically. A re-run after a crash skips the
//! queries already finished; a cancel stops at the next page.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use async_trait::async_trait;
use flate2::Compression;
use flate2::write::GzEncoder;
use futures::StreamExt;
use jobs::{JobContext, JobError, JobHandler};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{NewRawPage, NewSearchResult, QueryOutcome, Queue, SearchQuery, SearchStatus};

use crate::client::{EngineClient, OnPage, QueryRun};
use crate::config::Engines;
use crate::engine::{EngineKind, QueryParams};
use crate::request::{SessionParams, exclusion_reason};
use crate::urlnorm;

pub const KIND: &str = "search_session";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchJobPayload {
    pub session_id: store::SearchSessionId,
}

pub struct RunSearchSession {
    engines: Arc<Engines>,
}

impl RunSearchSession {
    pub fn new(engines: Arc<Engines>) -> Self {
        Self { engines }
    }
}

#[async_trait]
impl JobHandler for RunSearchSession {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn queue(&self) -> Queue {
        Queue::Search
    }

    fn validate(&self, payload: &Value) -> Result<(), String> {
        serde_json::from_value::<SearchJobPayload>(payload.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let payload: SearchJobPayload =
            serde_json::from_value(payload).map_err(|e| JobError::Failed(format!("bad payload: {e}")))?;
        let store = ctx.store().clone();
        let Some((session, queries)) = store.search_session_for_worker(payload.session_id).await? else {
            return Err(JobError::Failed("the search session was deleted".into()));
        };
        let params: SessionParams = serde_json::from_value(session.params.clone())
            .map_err(|e| JobError::Failed(format!("stored session parameters are unreadable: {e}")))?;
        let kind: EngineKind = session.engine.parse().map_err(JobError::Failed)?;
        let client = match self.engines.client(kind) {
            Ok(c) => c.clone(),
            Err(message) => {
                store.cancel_unfinished_queries(session.id).await?;
                store
                    .set_search_session_status(session.id, SearchStatus::Failed)
                    .await?;
                return Err(JobError::Failed(message));
            }
        };

        store
            .set_search_session_status(session.id, SearchStatus::Running)
            .await?;
        let total = queries.len() as i64;
        let run = SessionRun {
            ctx,
            store: &store,
            client: &client,
            kind,
            params: &params,
            total,
            done: AtomicI64::new(queries.iter().filter(|q| q.status.is_terminal()).count() as i64),
            stopping: AtomicBool::new(false),
        };
        // Queries run side by side; the engine's request spacing still bounds the rate.
        let mut pending: Vec<QueryFuture<'_>> = Vec::new();
        for query in queries.iter().filter(|q| !q.status.is_terminal()) {
            pending.push(Box::pin(run.query(query)));
        }
        let outcomes: Vec<Result<Option<usize>, JobError>> = futures::stream::iter(pending)
            .buffer_unordered(self.engines.query_concurrency.max(1))
            .collect()
            .await;
        let mut results = 0usize;
        let mut first_error = None;
        for outcome in outcomes {
            match outcome {
                Ok(n) => results += n.unwrap_or(0),
                Err(e) => {
                    // A cancel outranks a storage error, which outranks a failure.
                    let rank = |e: &JobError| match e {
                        JobError::Cancelled => 0,
                        JobError::Store(_) => 1,
                        JobError::Failed(_) => 2,
                    };
                    if first_error.as_ref().is_none_or(|f| rank(&e) < rank(f)) {
                        first_error = Some(e);
                    }
                }
            }
        }
        if let Some(e) = first_error {
            return Err(stop(&store, session.id, e).await);
        }

        let stored = store
            .search_session_counts(session.project_id, session.id)
            .await?;
        let status = if stored.queries > 0 && stored.queries_failed == stored.queries {
            SearchStatus::Failed
        } else {
            SearchStatus::Done
        };
        store.set_search_session_status(session.id, status).await?;
        ctx.checkpoint(
            total,
            Some(total),
            format!("{} queries, {} failed", stored.queries, stored.queries_failed),
        )
        .await
        .ok();
        let summary = json!({
            "session_id": session.id,
            "queries": stored.queries,
            "queries_failed": stored.queries_failed,
            "results": stored.results,
            "results_this_run": results,
            "unique_urls": stored.unique_urls,
            "unique_domains": stored.unique_domains,
        });
        if status == SearchStatus::Failed {
            return Err(JobError::Failed(format!(
                "all {} queries failed; see each query's error",
                stored.queries
            )));
        }
        Ok(summary)
    }
}

type QueryFuture<'a> = std::pin::Pin<Box<dyn Future<Output = Result<Option<usize>, JobError>> + Send + 'a>>;

/// One run of a session's pending queries, shared by the queries running side by side.
struct SessionRun<'a> {
    ctx: &'a JobContext,
    store: &'a Arc<dyn store::Store>,
    client: &'a EngineClient,
    kind: EngineKind,
    params: &'a SessionParams,
    total: i64,
    /// Queries finished, counting those of earlier attempts.
    done: AtomicI64,
    /// Set once any query was cancelled or hit a storage error: no new query starts.
    stopping: AtomicBool,
}

impl SessionRun<'_> {
    /// Runs one query to its stored outcome; `None` when it was not started because the
    /// run is stopping.
    async fn query(&self, query: &SearchQuery) -> Result<Option<usize>, JobError> {
        let outcome = self.query_inner(query).await;
        if outcome.is_err() {
            self.stopping.store(true, Ordering::SeqCst);
        }
        outcome
    }

    async fn query_inner(&self, query: &SearchQuery) -> Result<Option<usize>, JobError> {
        if self.stopping.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let label = format!("“{}”", query.text);
        self.ctx
            .checkpoint(
                self.done.load(Ordering::SeqCst),
                Some(self.total),
                format!("searching {label}"),
            )
            .await?;
        let query_params: QueryParams = serde_json::from_value(query.params.clone())
            .map_err(|e| JobError::Failed(format!("stored query parameters are unreadable: {e}")))?;
        self.store.start_search_query(query.id).await?;
        let mut progress = Checkpoints {
            run: self,
            label: &label,
        };
        let run = match self.client.run_query(&query_params, &mut progress).await {
            Ok(run) => run,
            Err(e) => {
                let cancelled = QueryOutcome {
                    status: SearchStatus::Cancelled,
                    error: None,
                    shortfall: None,
                    requests: 0,
                    raw_pages: Vec::new(),
                    results: Vec::new(),
                };
                self.store.finish_search_query(query.id, &cancelled).await?;
                return Err(e);
            }
        };
        let outcome = outcome(query, self.params, run);
        metrics::counter!("observatory_search_queries_total", "engine" => self.kind.as_str(),
            "status" => outcome.status.as_str())
        .increment(1);
        self.store.finish_search_query(query.id, &outcome).await?;
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        self.ctx
            .checkpoint(
                done,
                Some(self.total),
                format!("{done} of {} queries done", self.total),
            )
            .await?;
        Ok(Some(outcome.results.len()))
    }
}

/// Records progress after every page, which is also where a cancel takes effect.
struct Checkpoints<'a> {
    run: &'a SessionRun<'a>,
    label: &'a str,
}

impl OnPage for Checkpoints<'_> {
    type Error = JobError;
    async fn page_done(&mut self, _page: u32, collected: usize) -> Result<(), JobError> {
        self.run
            .ctx
            .checkpoint(
                self.run.done.load(Ordering::SeqCst),
                Some(self.run.total),
                format!("{} ({collected} results)", self.label),
            )
            .await
    }
}

/// Marks what is left of the session cancelled when the owner asked to stop.
async fn stop(store: &Arc<dyn store::Store>, session: store::SearchSessionId, e: JobError) -> JobError {
    if matches!(e, JobError::Cancelled) {
        let cancelled = async {
            store.cancel_unfinished_queries(session).await?;
            store
                .set_search_session_status(session, SearchStatus::Cancelled)
                .await
        };
        if let Err(err) = cancelled.await {
            return JobError::Store(err);
        }
    }
    e
}

/// Turns an engine run into stored rows: normalized URLs, domains, exclusions, raw pages.
fn outcome(query: &SearchQuery, params: &SessionParams, run: QueryRun) -> QueryOutcome {
    let mut invalid = 0usize;
    let mut results = Vec::with_capacity(run.hits.len());
    for ranked in &run.hits {
        let url = match urlnorm::normalize(&ranked.hit.url) {
            Ok(u) => u,
            Err(_) => {
                invalid += 1;
                continue;
            }
        };
        let reason = exclusion_reason(params, &url);
        results.push(NewSearchResult {
            rank: i32::try_from(ranked.rank).unwrap_or(i32::MAX),
            page: i32::try_from(ranked.page).unwrap_or(i32::MAX),
            url: url.url,
            normalized_url: url.normalized,
            host: url.host,
            domain: url.domain,
            title: ranked.hit.title.as_deref().map(without_nuls),
            snippet: ranked.hit.snippet.as_deref().map(without_nuls),
            published: ranked.hit.date.as_deref().map(without_nuls),
            excluded: reason.is_some(),
            exclusion_reason: reason,
        });
    }
    let mut shortfall = run.shortfall;
    if invalid > 0 {
        let note = format!("{invalid} results had no usable http(s) URL and were dropped");
        shortfall = Some(match shortfall {
            Some(s) => format!("{s}; {note}"),
            None => note,
        });
    }
    let (status, error) = match run.error {
        None => (SearchStatus::Done, None),
        Some(e) => (
            SearchStatus::Failed,
            Some(without_nuls(&if results.is_empty() {
                e.to_string()
            } else {
                format!("{e} (after {} results, which are kept)", results.len())
            })),
        ),
    };
    if let Some(e) = &error {
        tracing::warn!(query_id = %query.id, error = %e, "search query failed");
    }
    QueryOutcome {
        status,
        error,
        shortfall,
        requests: i32::try_from(run.requests).unwrap_or(i32::MAX),
        raw_pages: run
            .pages
            .into_iter()
            .map(|p| NewRawPage {
                page: i32::try_from(p.page).unwrap_or(i32::MAX),
                request: p.request,
                status: i32::from(p.status),
                body_gzip: gzip(&p.body),
                fetched_at: p.fetched_at,
            })
            .collect(),
        results,
    }
}

/// Engine text without NUL characters: no text means them, and PostgreSQL refuses them in
/// `text` columns, which failed the whole query (and re-ran it against the quota, five times).
fn without_nuls(text: &str) -> String {
    text.replace('\0', "")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4 + 64), Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Decompresses a stored raw page.
pub fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

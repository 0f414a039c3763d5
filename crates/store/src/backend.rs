//! What the two SQL backends do differently, as traits the shared implementation is
//! generic over.
//!
//! The store's SQL is written once, in portable SQL (`$N` placeholders, `RETURNING`,
//! `ON CONFLICT`, timestamps always bound from Rust), in ordinary generic code: `sql_store`,
//! `search_sql`, `crawl_sql`, `analysis_sql` and `network_sql` implement the store traits
//! for every [`SqlBackend`]. What differs per dialect (pool setup, migrations, the queue
//! engine's tables, full-text search, bulk inserts) is each backend's implementation of
//! [`SqlBackend`] and [`BulkWrites`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{Pool, Transaction};

use crate::{
    AnalysisRun, BackendKind, CrawlId, DbPool, Job, NewFrontierUrl, NewSearchResult, PageTermsRecord,
    SearchQueryId, SearchSessionId, StoreResult, TextQuery,
};

/// The tables whose rows belong to a project and name their creator in `owner_id`.
pub(crate) const PROJECT_TABLES: [&str; 7] = [
    "search_sessions",
    "crawl_jobs",
    "pages",
    "analysis_runs",
    "page_analyses",
    "networks",
    "app_jobs",
];

/// One SQL dialect and its pool.
#[async_trait::async_trait]
pub(crate) trait SqlBackend: BulkWrites {
    const KIND: BackendKind;
    /// Seconds since the queue engine last heard from worker `$1`.
    const QUEUE_WORKER_SILENCE_SQL: &'static str;
    /// Full-text search over a user's pages, ranked, with snippets (see `search_pages`).
    const PAGE_SEARCH_SQL: &'static str;
    /// Appended to a `SELECT` whose rows a claim takes: rows another transaction holds are
    /// passed over (PostgreSQL); SQLite's single writer needs nothing.
    const SKIP_LOCKED: &'static str;
    /// The database's clock, in milliseconds since the epoch: the host gates' one clock.
    const NOW_MS_SQL: &'static str;

    fn sql_pool(&self) -> &Pool<Self::Db>;
    /// Rows a statement changed (each driver reports it in its own result type).
    fn rows_affected(result: &<Self::Db as sqlx::Database>::QueryResult) -> u64;
    fn db_pool(&self) -> DbPool;
    fn migrator() -> sqlx::migrate::Migrator;
    /// The dialect's full-text query syntax for a parsed query.
    fn compile_text_query(query: &TextQuery) -> String;
    async fn probe_connection(&self) -> StoreResult<()>;
    async fn run_migrations(&self) -> StoreResult<()>;
    /// A transaction that will write (SQLite takes its write lock up front).
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Self::Db>>;
    /// Hands a job to the queue engine in the same transaction that records it.
    async fn push_queue_task(tx: &mut Transaction<'_, Self::Db>, job: &Job) -> StoreResult<()>;
    async fn purge_finished_queue_tasks(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

/// Multi-row writes, built the way each dialect does them fastest.
#[async_trait::async_trait]
pub(crate) trait BulkWrites: Send + Sync {
    type Db: sqlx::Database;

    async fn insert_search_results(
        tx: &mut Transaction<'_, Self::Db>,
        session_id: SearchSessionId,
        query_id: SearchQueryId,
        position: i32,
        results: &[NewSearchResult],
        raw_page_ids: &HashMap<i32, i64>,
        fetched_at: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Adds URLs to a crawl's frontier, skipping those already there; answers how many were new.
    async fn insert_frontier(
        tx: &mut Transaction<'_, Self::Db>,
        crawl_id: CrawlId,
        urls: &[NewFrontierUrl],
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    async fn replace_page_terms(
        tx: &mut Transaction<'_, Self::Db>,
        run: &AnalysisRun,
        pages: &[PageTermsRecord],
        analyzed_at: DateTime<Utc>,
    ) -> StoreResult<()>;
}

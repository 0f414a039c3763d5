//! SQLite backend: the embedded default. Bundled SQLite, WAL, busy timeout, foreign keys on.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::backend::SqlBackend;
use crate::{BackendKind, DbPool, Job, StoreError, StoreOptions, StoreResult};

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str, options: &StoreOptions) -> StoreResult<Self> {
        let connect = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true)
            .log_statements(options.statement_log_level())
            .log_slow_statements(log::LevelFilter::Warn, options.slow_query);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        Ok(Self { pool })
    }
}

#[async_trait::async_trait]
impl SqlBackend for SqliteStore {
    fn sql_pool(&self) -> &sqlx::Pool<Sqlite> {
        &self.pool
    }

    fn rows_affected(result: &<Sqlite as sqlx::Database>::QueryResult) -> u64 {
        result.rows_affected()
    }

    /// The embedded database has no server to lose: a probe is a ping through the pool.
    async fn probe_connection(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    const KIND: BackendKind = BackendKind::Sqlite;
    /// apalis-sqlite keeps `last_seen` as Unix seconds.
    const QUEUE_WORKER_SILENCE_SQL: &'static str =
        "SELECT CAST(strftime('%s', 'now') - last_seen AS REAL) FROM Workers WHERE id = $1";

    /// FTS5 ranks and filters first; snippets are cut only for the page of hits returned.
    /// Relevance is −bm25 with the title weighted 4× the text.
    const SKIP_LOCKED: &'static str = "";
    const NOW_MS_SQL: &'static str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
    const PAGE_SEARCH_SQL: &'static str = "\
        SELECT h.*, snippet(pages_fts, 1, char(2), char(3), '…', 24) AS snippet FROM ( \
            SELECT p.id, p.crawl_id, p.url, p.final_url, p.domain, p.title, p.language, p.words, \
                   p.fetched_at, -bm25(pages_fts, 4.0, 1.0) AS score \
            FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid \
            WHERE pages_fts MATCH $2 AND p.project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) \
              AND ($3 IS NULL OR p.crawl_id = $3) \
              AND ($4 IS NULL OR p.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id = $4)) \
              AND ($5 IS NULL OR p.domain = $5) AND ($6 IS NULL OR p.language = $6) \
              AND ($7 IS NULL OR -bm25(pages_fts, 4.0, 1.0) < $7 \
                   OR (-bm25(pages_fts, 4.0, 1.0) = $7 AND p.id > $8)) \
            ORDER BY score DESC, p.id LIMIT $9 \
        ) h JOIN pages_fts ON pages_fts.rowid = h.id \
        WHERE pages_fts MATCH $2 \
        ORDER BY h.score DESC, h.id";

    fn compile_text_query(query: &crate::TextQuery) -> String {
        query.to_fts5()
    }

    /// Write transactions take the write lock up front. A deferred transaction that reads
    /// before it writes fails with SQLITE_BUSY (without waiting) when another connection
    /// wrote in between; `BEGIN IMMEDIATE` waits for the lock under the busy timeout instead.
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    fn db_pool(&self) -> DbPool {
        DbPool::Sqlite(self.pool.clone())
    }

    fn migrator() -> sqlx::migrate::Migrator {
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        migrator.dangerous_set_table_name("observatory_migrations");
        migrator
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        Self::migrator().run(&self.pool).await?;
        apalis_sqlite::SqliteStorage::migrations().run(&self.pool).await?;
        Ok(())
    }

    async fn push_queue_task(tx: &mut Transaction<'_, Sqlite>, job: &Job) -> StoreResult<()> {
        let task = crate::rows::queue_task(job)?;
        apalis_sqlite::queries::push_tasks(&mut **tx, job.queue.as_str(), &[task])
            .await
            .map_err(|e| StoreError::Queue(e.to_string()))
    }

    async fn purge_finished_queue_tasks(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM Jobs WHERE (status IN ('Done', 'Killed') \
             OR (status = 'Failed' AND attempts >= max_attempts)) AND done_at < $1",
        )
        .bind(before.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

//! PostgreSQL backend: for projects that outgrow one machine; shared by many workers.

use chrono::{DateTime, Utc};
use std::str::FromStr;

use std::sync::Arc;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
use sqlx::{PgPool, Postgres, Transaction};

use crate::backend::SqlBackend;
use crate::{BackendKind, DbPool, Job, StoreError, StoreOptions, StoreResult};

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    /// A connection of its own for health probes: a pool busy with long jobs must not read
    /// as an outage, and an outage must not wait out the pool's acquire timeout.
    probe: Arc<tokio::sync::Mutex<Option<PgConnection>>>,
    probe_options: PgConnectOptions,
}

impl PostgresStore {
    pub async fn connect(url: &str, options: &StoreOptions) -> StoreResult<Self> {
        let connect_options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(
                connect_options
                    .clone()
                    .log_statements(options.statement_log_level())
                    .log_slow_statements(log::LevelFilter::Warn, options.slow_query),
            )
            .await?;
        Ok(Self {
            pool,
            probe: Arc::new(tokio::sync::Mutex::new(None)),
            probe_options: connect_options.log_statements(log::LevelFilter::Off),
        })
    }
}

#[async_trait::async_trait]
impl SqlBackend for PostgresStore {
    fn sql_pool(&self) -> &sqlx::Pool<Postgres> {
        &self.pool
    }

    fn rows_affected(result: &<Postgres as sqlx::Database>::QueryResult) -> u64 {
        result.rows_affected()
    }

    const KIND: BackendKind = BackendKind::Postgres;
    const QUEUE_WORKER_SILENCE_SQL: &'static str =
        "SELECT EXTRACT(EPOCH FROM now() - last_seen)::float8 FROM apalis.workers WHERE id = $1";

    /// The GIN index finds and ranks; `ts_headline` (costly) runs only on the returned page
    /// of hits. Relevance is `ts_rank_cd` over title (weight A) and text (weight B).
    /// `ts_headline` drops anything shaped like an HTML tag, so `<` travels as U+0001 and
    /// is turned back into `&lt;` when the snippet is escaped.
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const NOW_MS_SQL: &'static str = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    const PAGE_SEARCH_SQL: &'static str = "\
        SELECT h.*, ts_headline('simple', replace(coalesce(p.text, ''), '<', chr(1)), to_tsquery('simple', \
        $2), \
                 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || \
                 ', MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=\" … \"') AS snippet \
        FROM ( \
            SELECT p.id, p.crawl_id, p.url, p.final_url, p.domain, p.title, p.language, p.words, \
                   p.fetched_at, ts_rank_cd(p.search_vector, q)::float8 AS score \
            FROM pages p, to_tsquery('simple', $2) q \
            WHERE p.search_vector @@ q AND p.project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) \
              AND ($3::bigint IS NULL OR p.crawl_id = $3) \
              AND ($4::bigint IS NULL OR p.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id \
              = $4)) \
              AND ($5::text IS NULL OR p.domain = $5) AND ($6::text IS NULL OR p.language = $6) \
              AND ($7::float8 IS NULL OR ts_rank_cd(p.search_vector, q)::float8 < $7 \
                   OR (ts_rank_cd(p.search_vector, q)::float8 = $7 AND p.id > $8)) \
            ORDER BY score DESC, p.id LIMIT $9 \
        ) h JOIN pages p ON p.id = h.id \
        ORDER BY h.score DESC, h.id";

    fn compile_text_query(query: &crate::TextQuery) -> String {
        query.to_tsquery()
    }

    /// Pings over the probe connection, opening it again when the last one broke. The
    /// caller bounds the time (a connect to a host that drops packets can hang).
    async fn probe_connection(&self) -> StoreResult<()> {
        let mut slot = self.probe.lock().await;
        if let Some(conn) = slot.as_mut() {
            if conn.ping().await.is_ok() {
                return Ok(());
            }
            *slot = None;
        }
        let mut conn = self.probe_options.connect().await?;
        conn.ping().await?;
        *slot = Some(conn);
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    fn db_pool(&self) -> DbPool {
        DbPool::Postgres(self.pool.clone())
    }

    fn migrator() -> sqlx::migrate::Migrator {
        let mut migrator = sqlx::migrate!("./migrations/postgres");
        migrator.dangerous_set_table_name("observatory_migrations");
        migrator
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        Self::migrator().run(&self.pool).await?;
        apalis_postgres::PostgresStorage::migrations()
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn push_queue_task(tx: &mut Transaction<'_, Postgres>, job: &Job) -> StoreResult<()> {
        let task = crate::rows::queue_task(job)?;
        apalis_postgres::queries::push_tasks(&mut **tx, job.queue.as_str(), vec![task])
            .await
            .map_err(|e| StoreError::Queue(e.to_string()))
    }

    async fn purge_finished_queue_tasks(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM apalis.jobs WHERE (status IN ('Done', 'Killed') \
             OR (status = 'Failed' AND attempts >= max_attempts)) AND done_at < $1",
        )
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

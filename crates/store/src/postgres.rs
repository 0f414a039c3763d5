//! PostgreSQL backend: for projects that outgrow one machine; shared by many workers.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};

use crate::crawl_sql::impl_crawl_store;
use crate::search_sql::impl_search_store;
use crate::sql_store::impl_sql_store;
use crate::{BackendKind, DbPool, Job, StoreError, StoreOptions, StoreResult};

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
}

impl PostgresStore {
    const KIND: BackendKind = BackendKind::Postgres;

    pub async fn connect(url: &str, options: &StoreOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect(url)
            .await?;
        Ok(Self { pool })
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

impl_sql_store!(PostgresStore);
impl_search_store!(PostgresStore);
impl_crawl_store!(PostgresStore);

//! Fresh databases for tests: a temporary SQLite file by default, or a throwaway
//! PostgreSQL database when `OBSERVATORY_TEST_DATABASE_URL` is set. Each is migrated.

use std::sync::Arc;

use sqlx::Connection;

use crate::{BackendKind, Store, StoreOptions};

pub const TEST_DATABASE_ENV: &str = "OBSERVATORY_TEST_DATABASE_URL";
/// Prefix of every throwaway PostgreSQL database, so CI can sweep leftovers.
pub const TEST_DATABASE_PREFIX: &str = "obs_test_";

pub struct TestDb {
    pub url: String,
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        Self::migrated(None).await
    }

    /// A database with only our migrations up to `version` applied, to test a later
    /// migration on rows written before it; `store.migrate()` applies the rest.
    pub async fn migrated_until(version: i64) -> TestDb {
        Self::migrated(Some(version)).await
    }

    async fn migrated(until: Option<i64>) -> TestDb {
        match std::env::var(TEST_DATABASE_ENV) {
            Ok(admin_url) if !admin_url.is_empty() => Self::postgres(admin_url, until).await,
            _ => Self::sqlite(until).await,
        }
    }

    pub fn backend(&self) -> BackendKind {
        self.store.backend()
    }

    async fn sqlite(until: Option<i64>) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = crate::connect(&url, &StoreOptions::default())
            .await
            .expect("open sqlite");
        match (until, store.pool()) {
            (Some(version), crate::DbPool::Sqlite(pool)) => {
                let migrator = up_to(
                    <crate::SqliteStore as crate::backend::SqlBackend>::migrator(),
                    version,
                );
                migrator.run(&pool).await.expect("migrate sqlite partly");
            }
            _ => store.migrate().await.expect("migrate sqlite"),
        }
        TestDb {
            url,
            store,
            _dir: Some(dir),
            postgres: None,
        }
    }

    async fn postgres(admin_url: String, until: Option<i64>) -> TestDb {
        let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to OBSERVATORY_TEST_DATABASE_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = replace_database(&admin_url, &name);
        let options = StoreOptions {
            max_connections: 5,
            ..StoreOptions::default()
        };
        let store = crate::connect(&url, &options).await.expect("open postgres");
        match (until, store.pool()) {
            (Some(version), crate::DbPool::Postgres(pool)) => {
                let migrator = up_to(
                    <crate::PostgresStore as crate::backend::SqlBackend>::migrator(),
                    version,
                );
                migrator.run(&pool).await.expect("migrate postgres partly");
            }
            _ => store.migrate().await.expect("migrate postgres"),
        }
        TestDb {
            url,
            store,
            _dir: None,
            postgres: Some((admin_url, name)),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside any async context we may block, so use a thread of our own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

/// `migrator` without the migrations after `version`.
fn up_to(mut migrator: sqlx::migrate::Migrator, version: i64) -> sqlx::migrate::Migrator {
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator
}

/// Swaps the database name in a PostgreSQL URL, keeping credentials and query.
pub fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host_part = match path_start {
        Some(i) => &base[..i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{database}?{q}"),
        None => format!("{host_part}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn replaces_database_name() {
        assert_eq!(
            replace_database("postgres://u:p@h:5432/test", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            replace_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}

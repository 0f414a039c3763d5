//! The [`WebsiteStore`](crate::WebsiteStore) implementation shared by both backends.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::error::StoreError;
use crate::website_model::*;

#[derive(Debug, sqlx::FromRow)]
struct WebsiteRow {
    id: i64,
    project_id: crate::ProjectId,
    unit: String,
    kind: String,
    status: Option<String>,
    name: Option<String>,
    categories: Json<Value>,
    merged_into: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<WebsiteRow> for ProjectWebsite {
    type Error = StoreError;
    fn try_from(r: WebsiteRow) -> Result<Self, StoreError> {
        let categories: BTreeMap<String, String> = match r.categories.0 {
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        Ok(ProjectWebsite {
            id: crate::WebsiteId::new(r.id),
            project_id: r.project_id,
            unit: r.unit,
            kind: r.kind,
            status: r
                .status
                .map(|s| s.parse())
                .transpose()
                .map_err(StoreError::Corrupt)?,
            name: r.name,
            categories,
            merged_into: r.merged_into.map(crate::WebsiteId::new),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct PageRow {
    url: String,
    title: Option<String>,
    description: Option<String>,
    outlinks: Json<Value>,
    fetched_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl<B> crate::WebsiteStore for B
where
    B: crate::backend::SqlBackend + std::fmt::Debug + 'static,
    for<'c> &'c mut <B::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = B::Db>,
    <B::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<B::Db>,
    for<'q> &'q str: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
    for<'q> &'q str: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> Option<String>: sqlx::Decode<'q, B::Db>,
    for<'q> Option<crate::UserId>: sqlx::Decode<'q, B::Db>,
    for<'q> String: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> chrono::DateTime<chrono::Utc>:
        sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i64: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> crate::ProjectId: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> crate::SearchSessionId: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> sqlx::types::Json<&'q serde_json::Value>: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> sqlx::types::Json<serde_json::Value>: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> usize: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
{
    async fn project_settings(
        &self,
        project: crate::ProjectId,
    ) -> crate::StoreResult<Option<crate::Project>> {
        let row: Option<crate::project_sql::ProjectRow> =
            sqlx::query_as("SELECT * FROM projects WHERE id = $1")
                .bind(project)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::Project::try_from).transpose()
    }

    async fn project_websites(&self, project: crate::ProjectId) -> crate::StoreResult<Vec<ProjectWebsite>> {
        let rows: Vec<WebsiteRow> =
            sqlx::query_as("SELECT * FROM project_websites WHERE project_id = $1 ORDER BY id")
                .bind(project)
                .fetch_all(self.sql_pool())
                .await?;
        rows.into_iter().map(ProjectWebsite::try_from).collect()
    }

    async fn add_project_websites(
        &self,
        project: crate::ProjectId,
        units: &[NewWebsite],
    ) -> crate::StoreResult<()> {
        if units.is_empty() {
            return Ok(());
        }
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        for unit in units {
            sqlx::query(
                "INSERT INTO project_websites (project_id, unit, kind, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (project_id, unit) DO NOTHING",
            )
            .bind(project)
            .bind(unit.unit.as_str())
            .bind(unit.kind.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn curate_websites(
        &self,
        project: crate::ProjectId,
        curations: &[WebsiteCuration],
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        for c in curations {
            let categories = serde_json::to_value(&c.categories).unwrap_or(Value::Null);
            sqlx::query(
                "INSERT INTO project_websites \
                     (project_id, unit, kind, status, name, categories, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
                 ON CONFLICT (project_id, unit) DO UPDATE SET \
                     status = excluded.status, name = excluded.name, \
                     categories = excluded.categories, updated_at = excluded.updated_at",
            )
            .bind(project)
            .bind(c.unit.as_str())
            .bind(c.kind.as_str())
            .bind(c.status.map(|s| s.as_str()))
            .bind(c.name.as_deref())
            .bind(Json(&categories))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        // Merges second, so a website may be merged into one added by the same curation.
        for c in curations {
            sqlx::query(
                "UPDATE project_websites SET merged_into = \
                     (SELECT t.id FROM project_websites t WHERE t.project_id = $1 AND t.unit = $2) \
                 WHERE project_id = $1 AND unit = $3",
            )
            .bind(project)
            .bind(c.merged_into.as_deref())
            .bind(c.unit.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn project_search_results(
        &self,
        project: crate::ProjectId,
    ) -> crate::StoreResult<Vec<ProjectSearchResult>> {
        Ok(sqlx::query_as(
            "SELECT r.session_id, q.text AS query, CAST(r.rank AS BIGINT) AS rank, r.url, r.title, \
                 r.snippet, r.fetched_at \
             FROM search_results r JOIN search_queries q ON q.id = r.query_id \
             JOIN search_sessions s ON s.id = r.session_id \
             WHERE s.project_id = $1 AND r.excluded = FALSE \
             ORDER BY r.session_id, r.ordinal",
        )
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?)
    }

    async fn project_pages(&self, project: crate::ProjectId) -> crate::StoreResult<Vec<ProjectPage>> {
        let rows: Vec<PageRow> = sqlx::query_as(
            "SELECT p.url, p.title, p.description, p.outlinks, p.fetched_at FROM pages p WHERE p.id IN \
                (SELECT MAX(id) FROM pages WHERE project_id = $1 \
                 AND error_reason IS NULL AND status_code BETWEEN 200 AND 299 GROUP BY url) \
             ORDER BY p.id",
        )
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ProjectPage {
                url: r.url,
                title: r.title,
                description: r.description,
                outlinks: crate::network_rows::outlink_urls(r.outlinks.0),
                fetched_at: r.fetched_at,
            })
            .collect())
    }
}

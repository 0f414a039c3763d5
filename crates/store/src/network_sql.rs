//! The [`NetworkStore`](crate::NetworkStore) implementation shared by both backends.

/// `$first, $first+1, …` for an `IN (…)` list of `n` values; `NULL` (matching nothing) when
/// the list is empty.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    if n == 0 {
        return "NULL".to_owned();
    }
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The analysed pages of a set of scraping jobs, one per URL (the latest), as a subquery
/// over `$1` (owner) and the crawl ids from `$2`.
pub(crate) fn analysed_pages_subquery(crawls: usize) -> String {
    format!(
        "SELECT MAX(a.page_id) FROM page_analyses a JOIN pages p ON p.id = a.page_id \
         WHERE a.owner_id = $1 AND a.crawl_id IN ({}) AND a.skipped IS NULL GROUP BY p.url",
        placeholders(2, crawls)
    )
}

macro_rules! impl_network_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::NetworkStore for $store {
            async fn create_network(&self, new: $crate::NewNetwork) -> $crate::StoreResult<$crate::Network> {
                let now = $crate::rows::now();
                let row: $crate::network_rows::NetworkRow = sqlx::query_as(
                    "INSERT INTO networks (owner_id, name, kind, scope, params, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6) RETURNING *",
                )
                .bind(new.owner_id)
                .bind(&new.name)
                .bind(&new.kind)
                .bind(sqlx::types::Json(&new.scope))
                .bind(sqlx::types::Json(&new.params))
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                $crate::Network::try_from(row)
            }

            async fn set_network_job(&self, id: $crate::NetworkId, job_id: $crate::JobId) -> $crate::StoreResult<()> {
                sqlx::query("UPDATE networks SET job_id = $2 WHERE id = $1")
                    .bind(id)
                    .bind(job_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn network(
                &self,
                owner: $crate::UserId,
                id: $crate::NetworkId,
            ) -> $crate::StoreResult<Option<$crate::Network>> {
                let row: Option<$crate::network_rows::NetworkRow> =
                    sqlx::query_as("SELECT * FROM networks WHERE id = $1 AND owner_id = $2")
                        .bind(id)
                        .bind(owner)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::Network::try_from).transpose()
            }

            async fn network_for_worker(&self, id: $crate::NetworkId) -> $crate::StoreResult<Option<$crate::Network>> {
                let row: Option<$crate::network_rows::NetworkRow> =
                    sqlx::query_as("SELECT * FROM networks WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::Network::try_from).transpose()
            }

            async fn list_networks(
                &self,
                owner: $crate::UserId,
                page: $crate::PageRequest,
            ) -> $crate::StoreResult<Vec<$crate::Network>> {
                let rows: Vec<$crate::network_rows::NetworkRow> = sqlx::query_as(
                    "SELECT * FROM networks WHERE owner_id = $1 AND ($2 IS NULL OR id < $2) \
                     ORDER BY id DESC LIMIT $3",
                )
                .bind(owner)
                .bind(page.after)
                .bind(i64::from(page.limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::Network::try_from).collect()
            }

            async fn delete_network(&self, owner: $crate::UserId, id: $crate::NetworkId) -> $crate::StoreResult<()> {
                let done = sqlx::query("DELETE FROM networks WHERE id = $1 AND owner_id = $2")
                    .bind(id)
                    .bind(owner)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound);
                }
                Ok(())
            }

            async fn set_network_status(
                &self,
                id: $crate::NetworkId,
                status: $crate::SearchStatus,
                error: Option<&str>,
            ) -> $crate::StoreResult<()> {
                let now = $crate::rows::now();
                sqlx::query(
                    "UPDATE networks SET status = $2, error = $5, updated_at = $3, \
                     started_at = CASE WHEN $2 = 'running' THEN COALESCE(started_at, $3) ELSE started_at END, \
                     finished_at = CASE WHEN $4 THEN $3 ELSE NULL END WHERE id = $1",
                )
                .bind(id)
                .bind(status.as_str())
                .bind(now)
                .bind(status.is_terminal())
                .bind(error)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn finish_network(
                &self,
                id: $crate::NetworkId,
                outcome: &$crate::NetworkOutcome,
            ) -> $crate::StoreResult<()> {
                let now = $crate::rows::now();
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM network_graphs WHERE network_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO network_graphs (network_id, graph_zstd) VALUES ($1, $2)")
                    .bind(id)
                    .bind(&outcome.graph_zstd)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE networks SET status = 'done', error = NULL, node_count = $2, edge_count = $3, \
                     report = $4, finished_at = $5, updated_at = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(outcome.node_count)
                .bind(outcome.edge_count)
                .bind(sqlx::types::Json(&outcome.report))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn network_graph(
                &self,
                owner: $crate::UserId,
                id: $crate::NetworkId,
            ) -> $crate::StoreResult<Option<Vec<u8>>> {
                Ok(sqlx::query_scalar(
                    "SELECT g.graph_zstd FROM network_graphs g JOIN networks n ON n.id = g.network_id \
                     WHERE n.id = $1 AND n.owner_id = $2",
                )
                .bind(id)
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn scope_crawls(
                &self,
                owner: $crate::UserId,
                scope: &$crate::NetworkScope,
            ) -> $crate::StoreResult<Vec<$crate::CrawlId>> {
                let n_crawls = scope.crawls.len();
                let sql = format!(
                    "SELECT id FROM crawl_jobs WHERE owner_id = $1 AND (id IN ({}) \
                        OR id IN (SELECT crawl_id FROM crawl_sources WHERE session_id IN ({}))) ORDER BY id",
                    $crate::network_sql::placeholders(2, n_crawls),
                    $crate::network_sql::placeholders(2 + n_crawls, scope.sessions.len()),
                );
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(owner);
                for id in scope.crawls.iter().chain(&scope.sessions) {
                    q = q.bind(*id);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn network_search_hits(
                &self,
                owner: $crate::UserId,
                sessions: &[$crate::SearchSessionId],
            ) -> $crate::StoreResult<Vec<$crate::NetworkSearchHit>> {
                let sql = format!(
                    "SELECT r.session_id, q.text AS query, CAST(r.rank AS BIGINT) AS rank, r.url, r.host, r.domain \
                     FROM search_results r JOIN search_queries q ON q.id = r.query_id \
                     JOIN search_sessions s ON s.id = r.session_id \
                     WHERE s.owner_id = $1 AND r.session_id IN ({}) AND r.excluded = FALSE \
                     ORDER BY r.session_id, r.ordinal",
                    $crate::network_sql::placeholders(2, sessions.len()),
                );
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner);
                for id in sessions {
                    q = q.bind(*id);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn network_term_counts(
                &self,
                owner: $crate::UserId,
                crawls: &[$crate::CrawlId],
                kind: $crate::TermKind,
                unit: $crate::SiteUnit,
                languages: &[String],
            ) -> $crate::StoreResult<Vec<$crate::SiteTermCount>> {
                let site = match unit {
                    $crate::SiteUnit::Domain => "a.domain",
                    $crate::SiteUnit::Host => "p.host",
                    $crate::SiteUnit::Url => "p.url",
                };
                let (table, term, label) = match kind {
                    $crate::TermKind::Nouns => ("page_nouns", "t.lemma", "CAST(NULL AS TEXT)"),
                    $crate::TermKind::Entities => ("page_entities", "t.normalized", "t.label"),
                    $crate::TermKind::Keywords => ("page_keywords", "t.phrase", "CAST(NULL AS TEXT)"),
                };
                let language_filter = if languages.is_empty() {
                    String::new()
                } else {
                    format!(
                        " AND a.language IN ({})",
                        $crate::network_sql::placeholders(2 + crawls.len(), languages.len())
                    )
                };
                let sql = format!(
                    "SELECT {site} AS site, {term} AS term, {label} AS label, CAST(SUM(t.count) AS BIGINT) AS count \
                     FROM page_analyses a JOIN pages p ON p.id = a.page_id JOIN {table} t ON t.page_id = a.page_id \
                     WHERE a.page_id IN ({pages}){language_filter} \
                     GROUP BY {site}, {term}, {label} ORDER BY 1, 2, 3",
                    pages = $crate::network_sql::analysed_pages_subquery(crawls.len()),
                );
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner);
                for id in crawls {
                    q = q.bind(*id);
                }
                for l in languages {
                    q = q.bind(l);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn network_page_links(
                &self,
                owner: $crate::UserId,
                crawls: &[$crate::CrawlId],
            ) -> $crate::StoreResult<Vec<$crate::PageOutlinks>> {
                let sql = format!(
                    "SELECT p.url, p.host, p.domain, p.outlinks FROM pages p WHERE p.id IN \
                        (SELECT MAX(id) FROM pages WHERE owner_id = $1 AND crawl_id IN ({}) \
                         AND error_reason IS NULL AND status_code BETWEEN 200 AND 299 GROUP BY url) \
                     ORDER BY p.id",
                    $crate::network_sql::placeholders(2, crawls.len()),
                );
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner);
                for id in crawls {
                    q = q.bind(*id);
                }
                let rows: Vec<$crate::network_rows::PageOutlinksRow> = q.fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map($crate::PageOutlinks::from).collect())
            }
        }
    };
}

pub(crate) use impl_network_store;

//! The [`CrawlStore`](crate::CrawlStore) implementation shared by both backends.

/// Every `pages` column a [`Page`](crate::Page) reads (PostgreSQL's `search_vector` stays home).
macro_rules! page_columns {
    () => {
        "id, crawl_id, url, final_url, host, domain, depth, parent_url, redirects, status_code, \
         content_type, headers, content_hash, title, text, words, language, language_confidence, \
         description, published, outlinks, extraction_method, error_reason, fetched_at, rendered, \
         render_error, anchors"
    };
}

#[async_trait::async_trait]
impl<B> crate::CrawlStore for B
where
    B: crate::backend::SqlBackend + std::fmt::Debug + 'static,
    for<'c> &'c mut <B::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = B::Db>,
    <B::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<B::Db>,
    for<'q> &'q str: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
    for<'q> &'q str: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<bool>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<chrono::DateTime<chrono::Utc>>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<crate::CrawlId>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<crate::PageId>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<crate::SearchQueryId>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<crate::SearchSessionId>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<crate::ProjectId>: sqlx::Encode<'q, B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> Option<f64>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<i32>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<sqlx::types::Json<serde_json::Value>>: sqlx::Encode<'q, B::Db>,
    for<'q> String: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> Vec<u8>: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> bool: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> chrono::DateTime<chrono::Utc>:
        sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> f64: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i32: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i64: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> sqlx::types::Json<&'q Vec<String>>: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> sqlx::types::Json<&'q crate::NetworkScope>: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> sqlx::types::Json<&'q serde_json::Value>: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> sqlx::types::Json<serde_json::Value>: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> usize: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
{
    async fn create_crawl(&self, new: crate::NewCrawl) -> crate::StoreResult<crate::CrawlJob> {
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        let row: crate::crawl_rows::CrawlJobRow = sqlx::query_as(
            "INSERT INTO crawl_jobs (owner_id, project_id, name, config, sources, status, created_at, \
             updated_at) \
             VALUES ($1, COALESCE($6, (SELECT id FROM projects WHERE default_for = $1)), $2, $3, $4, 'queued', $5, $5) \
             RETURNING *",
        )
        .bind(new.owner_id)
        .bind(&new.name)
        .bind(sqlx::types::Json(&new.config))
        .bind(sqlx::types::Json(&new.sources))
        .bind(now)
        .bind(new.project_id)
        .fetch_one(&mut *tx)
        .await?;
        Self::insert_frontier(&mut tx, row.id, &new.seeds, now).await?;
        for session in &new.sessions {
            sqlx::query(
                "INSERT INTO crawl_sources (crawl_id, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(row.id)
            .bind(session)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        crate::CrawlJob::try_from(row)
    }

    async fn set_crawl_job(&self, id: crate::CrawlId, job_id: crate::JobId) -> crate::StoreResult<()> {
        sqlx::query("UPDATE crawl_jobs SET job_id = $2 WHERE id = $1")
            .bind(id)
            .bind(job_id)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn crawl(
        &self,
        viewer: crate::UserId,
        id: crate::CrawlId,
    ) -> crate::StoreResult<Option<crate::CrawlJob>> {
        let row: Option<crate::crawl_rows::CrawlJobRow> =
            sqlx::query_as("SELECT * FROM crawl_jobs WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
                .bind(id)
                .bind(viewer)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::CrawlJob::try_from).transpose()
    }

    async fn list_crawls(
        &self,
        viewer: crate::UserId,
        project: Option<crate::ProjectId>,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::CrawlJob>> {
        let rows: Vec<crate::crawl_rows::CrawlJobRow> = sqlx::query_as(
            "SELECT * FROM crawl_jobs WHERE project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) AND ($2 IS NULL OR id < $2) \
             AND ($4 IS NULL OR project_id = $4) ORDER BY id DESC LIMIT $3",
        )
        .bind(viewer)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter().map(crate::CrawlJob::try_from).collect()
    }

    async fn delete_crawl(&self, viewer: crate::UserId, id: crate::CrawlId) -> crate::StoreResult<()> {
        let done = sqlx::query("DELETE FROM crawl_jobs WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
            .bind(id)
            .bind(viewer)
            .execute(self.sql_pool())
            .await?;
        if B::rows_affected(&done) == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    async fn crawl_for_worker(&self, id: crate::CrawlId) -> crate::StoreResult<Option<crate::CrawlJob>> {
        let row: Option<crate::crawl_rows::CrawlJobRow> =
            sqlx::query_as("SELECT * FROM crawl_jobs WHERE id = $1")
                .bind(id)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::CrawlJob::try_from).transpose()
    }

    async fn set_crawl_status(
        &self,
        id: crate::CrawlId,
        status: crate::CrawlStatus,
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
        sqlx::query(
            "UPDATE crawl_jobs SET status = $2, updated_at = $3, \
             started_at = CASE WHEN $2 = 'running' THEN COALESCE(started_at, $3) ELSE started_at END, \
             finished_at = CASE WHEN $4 THEN $3 ELSE NULL END WHERE id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(now)
        .bind(status.is_terminal())
        .execute(self.sql_pool())
        .await?;
        Ok(())
    }

    async fn requeue_in_flight(&self, crawl: crate::CrawlId) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE crawl_frontier SET state = 'queued', lease_owner = NULL, lease_expires = NULL, \
             updated_at = $2 WHERE crawl_id = $1 AND state = 'fetching'",
        )
        .bind(crawl)
        .bind(crate::rows::now())
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }

    async fn claim_frontier_leased(
        &self,
        crawl: crate::CrawlId,
        claim: &crate::FrontierClaim<'_>,
    ) -> crate::StoreResult<Vec<crate::FrontierItem>> {
        // Frontier leases use the workers' clocks (a lease is tens of seconds; host gates,
        // where milliseconds matter, use the database's).
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        // A dead worker's URLs: back in the queue, so the claim below sees them in order.
        sqlx::query(
            "UPDATE crawl_frontier SET state = 'queued', lease_owner = NULL, lease_expires = NULL, \
             updated_at = $2 WHERE crawl_id = $1 AND state = 'fetching' \
             AND (lease_expires IS NULL OR lease_expires < $2)",
        )
        .bind(crawl)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // The shallowest queued rows (a bounded window, so a claim costs the same on a
        // frontier of any size), then at most `per_site` of each site, rank by rank: one
        // claim interleaves sites instead of queueing one site's rows behind its delay.
        let window = i64::from(claim.limit.max(1)).saturating_mul(8).min(4096);
        let mut sql = sqlx::QueryBuilder::new(
            "WITH candidates AS (SELECT id, site, depth FROM crawl_frontier WHERE crawl_id = ",
        );
        sql.push_bind(crawl).push(" AND state = 'queued'");
        if !claim.skip_sites.is_empty() {
            sql.push(" AND site NOT IN (");
            let mut sites = sql.separated(", ");
            for site in claim.skip_sites {
                sites.push_bind(site.as_str());
            }
            sql.push(")");
        }
        sql.push(" ORDER BY depth, id LIMIT ")
            .push_bind(window)
            .push(B::SKIP_LOCKED)
            .push(
                "), ranked AS (SELECT id, depth, ROW_NUMBER() OVER (PARTITION BY site ORDER BY depth, id) \
                 AS rank FROM candidates) \
                 UPDATE crawl_frontier SET state = 'fetching', lease_owner = ",
            )
            .push_bind(claim.holder)
            .push(", lease_expires = ")
            .push_bind(claim.lease_until)
            .push(", updated_at = ")
            .push_bind(now)
            .push(" WHERE id IN (SELECT id FROM ranked WHERE rank <= ")
            .push_bind(i64::from(claim.per_site.max(1)))
            .push(" ORDER BY rank, depth, id LIMIT ")
            .push_bind(i64::from(claim.limit))
            .push(
                ") AND state = 'queued' \
                 RETURNING id, crawl_id, url, site, depth, parent_url, attempts, lease_owner",
            );
        let mut rows: Vec<crate::crawl_rows::FrontierRow> = sql.build_query_as().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.sort_by_key(|r| (r.depth, r.id));
        Ok(rows.into_iter().map(crate::FrontierItem::from).collect())
    }

    async fn renew_frontier_leases(
        &self,
        crawl: crate::CrawlId,
        holder: &str,
        until: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE crawl_frontier SET lease_expires = $3 \
             WHERE crawl_id = $1 AND state = 'fetching' AND lease_owner = $2",
        )
        .bind(crawl)
        .bind(holder)
        .bind(until)
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }

    async fn release_frontier_leases(&self, crawl: crate::CrawlId, holder: &str) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE crawl_frontier SET state = 'queued', lease_owner = NULL, lease_expires = NULL, \
             updated_at = $3 WHERE crawl_id = $1 AND state = 'fetching' AND lease_owner = $2",
        )
        .bind(crawl)
        .bind(holder)
        .bind(crate::rows::now())
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }

    async fn frontier_activity(
        &self,
        crawl: crate::CrawlId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<crate::FrontierActivity> {
        let (claimable, leased): (i64, i64) = sqlx::query_as(
            "SELECT \
             CAST(COALESCE(SUM(CASE WHEN state = 'queued' OR lease_expires IS NULL OR lease_expires < $2 \
             THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'fetching' AND lease_expires >= $2 THEN 1 ELSE 0 END), 0) \
             AS BIGINT) \
             FROM crawl_frontier WHERE crawl_id = $1 AND state IN ('queued', 'fetching')",
        )
        .bind(crawl)
        .bind(now)
        .fetch_one(self.sql_pool())
        .await?;
        Ok(crate::FrontierActivity { claimable, leased })
    }

    async fn frontier_fetchers(
        &self,
        crawl: crate::CrawlId,
    ) -> crate::StoreResult<Vec<(String, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT url, lease_owner FROM crawl_frontier WHERE crawl_id = $1 AND state IN ('done', 'failed') \
             ORDER BY id",
        )
        .bind(crawl)
        .fetch_all(self.sql_pool())
        .await?)
    }

    async fn crawls_wanting_workers(&self) -> crate::StoreResult<Vec<crate::CrawlId>> {
        Ok(sqlx::query_scalar(
            "SELECT c.id FROM crawl_jobs c WHERE c.status = 'running' AND EXISTS \
             (SELECT 1 FROM crawl_frontier f WHERE f.crawl_id = c.id AND f.state = 'queued') \
             ORDER BY c.id",
        )
        .fetch_all(self.sql_pool())
        .await?)
    }

    async fn finish_frontier_batch(
        &self,
        project: crate::ProjectId,
        finished: &[(&crate::FrontierItem, &crate::FrontierResult)],
    ) -> crate::StoreResult<u64> {
        if finished.is_empty() {
            return Ok(0);
        }
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        let mut links: std::collections::BTreeMap<crate::CrawlId, Vec<crate::NewFrontierUrl>> =
            Default::default();
        for &(item, result) in finished {
            // Only the URL's holder records its outcome: had its lease lapsed and another
            // worker taken the URL, that worker's outcome is the one stored.
            let held = sqlx::query(
                "UPDATE crawl_frontier SET state = $2, reason = $3, attempts = attempts + 1, \
                 lease_expires = NULL, updated_at = $4 \
                 WHERE id = $1 AND state = 'fetching' AND lease_owner = $5",
            )
            .bind(item.id)
            .bind(result.state.as_str())
            .bind(&result.reason)
            .bind(now)
            .bind(&item.holder)
            .execute(&mut *tx)
            .await?;
            if B::rows_affected(&held) == 0 {
                continue;
            }
            if let Some(body) = &result.body {
                sqlx::query(
                    "INSERT INTO page_bodies (hash, size, body_zstd) VALUES ($1, $2, $3) \
                     ON CONFLICT (hash) DO NOTHING",
                )
                .bind(&body.hash)
                .bind(body.size)
                .bind(&body.zstd)
                .execute(&mut *tx)
                .await?;
            }
            let page_id: Option<i64> = match &result.page {
                Some(p) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO pages (crawl_id, owner_id, project_id, frontier_id, url, final_url, host, \
                         domain, depth, \
                         parent_url, redirects, status_code, content_type, headers, content_hash, title, \
                         text, words, \
                         language, language_confidence, description, published, outlinks, extraction_method, \
                         error_reason, fetched_at, rendered, render_error, anchors) VALUES ($1, \
                         (SELECT owner_id FROM crawl_jobs WHERE id = $1), $2, $3, $4, $5, $6, \
                         $7, $8, \
                         $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
                         $25, $26, \
                         $27, $28) RETURNING id",
                    )
                    .bind(item.crawl_id)
                    .bind(project)
                    .bind(item.id)
                    .bind(&p.url)
                    .bind(&p.final_url)
                    .bind(&p.host)
                    .bind(&p.domain)
                    .bind(p.depth)
                    .bind(&p.parent_url)
                    .bind(sqlx::types::Json(&p.redirects))
                    .bind(p.status_code)
                    .bind(&p.content_type)
                    .bind(sqlx::types::Json(&p.headers))
                    .bind(&p.content_hash)
                    .bind(&p.title)
                    .bind(&p.text)
                    .bind(p.words)
                    .bind(&p.language)
                    .bind(p.language_confidence)
                    .bind(&p.description)
                    .bind(&p.published)
                    .bind(sqlx::types::Json(&p.outlinks))
                    .bind(&p.extraction_method)
                    .bind(&p.error_reason)
                    .bind(p.fetched_at.unwrap_or(now))
                    .bind(p.rendered)
                    .bind(&p.render_error)
                    .bind((!p.anchors.is_empty()).then(|| sqlx::types::Json(serde_json::json!(p.anchors))))
                    .fetch_one(&mut *tx)
                    .await?,
                ),
                None => None,
            };
            if let Some(page_id) = page_id {
                sqlx::query("UPDATE crawl_frontier SET page_id = $2 WHERE id = $1")
                    .bind(item.id)
                    .bind(page_id)
                    .execute(&mut *tx)
                    .await?;
            }
            links
                .entry(item.crawl_id)
                .or_default()
                .extend(result.links.iter().cloned());
        }
        let mut added = 0;
        for (crawl_id, urls) in &links {
            added += Self::insert_frontier(&mut tx, *crawl_id, urls, now).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn frontier_counts(
        &self,
        project: crate::ProjectId,
        crawl: crate::CrawlId,
    ) -> crate::StoreResult<Vec<crate::FrontierCount>> {
        let rows: Vec<crate::crawl_rows::FrontierCountRow> = sqlx::query_as(
            // The counters the frontier's triggers keep (migration `frontier_counts`).
            "SELECT n.state, NULLIF(n.reason, '') AS reason, n.urls AS count FROM crawl_frontier_counts n \
             JOIN crawl_jobs c ON c.id = n.crawl_id WHERE n.crawl_id = $1 AND c.project_id = $2 \
             AND n.urls > 0 ORDER BY n.state, NULLIF(n.reason, '')",
        )
        .bind(crawl)
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter().map(crate::FrontierCount::try_from).collect()
    }

    async fn crawl_with_counts(
        &self,
        viewer: crate::UserId,
        id: crate::CrawlId,
    ) -> crate::StoreResult<Option<(crate::CrawlJob, Vec<crate::FrontierCount>)>> {
        let rows: Vec<crate::crawl_rows::CrawlCountRow> = sqlx::query_as(
            "SELECT c.*, n.state, NULLIF(n.reason, '') AS reason, n.urls AS count FROM crawl_jobs c \
             LEFT JOIN crawl_frontier_counts n ON n.crawl_id = c.id AND n.urls > 0 \
             WHERE c.id = $1 AND c.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) ORDER BY n.state, NULLIF(n.reason, '')",
        )
        .bind(id)
        .bind(viewer)
        .fetch_all(self.sql_pool())
        .await?;
        let mut counts = Vec::with_capacity(rows.len());
        let mut crawl = None;
        for row in rows {
            if let (Some(state), Some(count)) = (row.state, row.count) {
                counts.push(crate::FrontierCount::try_from(
                    crate::crawl_rows::FrontierCountRow {
                        state,
                        reason: row.reason,
                        count,
                    },
                )?);
            }
            if crawl.is_none() {
                crawl = Some(crate::CrawlJob::try_from(row.crawl)?);
            }
        }
        Ok(crawl.map(|c| (c, counts)))
    }

    async fn frontier_counts_between(
        &self,
        viewer: crate::UserId,
        lowest: crate::CrawlId,
        highest: crate::CrawlId,
    ) -> crate::StoreResult<Vec<(crate::CrawlId, crate::FrontierCount)>> {
        let rows: Vec<crate::crawl_rows::JobFrontierCountRow> = sqlx::query_as(
            "SELECT n.crawl_id, n.state, NULLIF(n.reason, '') AS reason, n.urls AS count \
             FROM crawl_frontier_counts n JOIN crawl_jobs c ON c.id = n.crawl_id \
             WHERE c.project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) AND n.crawl_id BETWEEN $2 AND $3 AND n.urls > 0 \
             ORDER BY n.crawl_id, n.state, NULLIF(n.reason, '')",
        )
        .bind(viewer)
        .bind(lowest)
        .bind(highest)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let crawl = r.crawl_id;
                crate::FrontierCount::try_from(crate::crawl_rows::FrontierCountRow {
                    state: r.state,
                    reason: r.reason,
                    count: r.count,
                })
                .map(|c| (crawl, c))
            })
            .collect()
    }

    async fn frontier_urls(&self, crawl: crate::CrawlId) -> crate::StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT url FROM crawl_frontier WHERE crawl_id = $1")
                .bind(crawl)
                .fetch_all(self.sql_pool())
                .await?,
        )
    }

    async fn site_load(&self, crawl: crate::CrawlId) -> crate::StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT site, COUNT(*) FROM crawl_frontier WHERE crawl_id = $1 AND state <> 'skipped' \
             GROUP BY site",
        )
        .bind(crawl)
        .fetch_all(self.sql_pool())
        .await?)
    }

    async fn list_pages(
        &self,
        viewer: crate::UserId,
        crawl: crate::CrawlId,
        filter: &crate::PageFilter,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::Page>> {
        let rows: Vec<crate::crawl_rows::PageRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::crawl_sql::page_columns!(),
            " FROM pages WHERE crawl_id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) \
             AND ($3 IS NULL OR (error_reason IS NOT NULL) = $3) AND ($4 IS NULL OR domain = $4) \
             AND ($5 IS NULL OR language = $5) AND ($6 IS NULL OR id > $6) ORDER BY id LIMIT $7"
        ))
        .bind(crawl)
        .bind(viewer)
        .bind(filter.failed)
        .bind(filter.domain.as_deref())
        .bind(filter.language.as_deref())
        .bind(page.after)
        .bind(i64::from(page.limit))
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(crate::Page::from).collect())
    }

    async fn page(
        &self,
        viewer: crate::UserId,
        id: crate::PageId,
    ) -> crate::StoreResult<Option<crate::Page>> {
        let row: Option<crate::crawl_rows::PageRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::crawl_sql::page_columns!(),
            " FROM pages WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)"
        ))
        .bind(id)
        .bind(viewer)
        .fetch_optional(self.sql_pool())
        .await?;
        Ok(row.map(crate::Page::from))
    }

    async fn page_body(
        &self,
        viewer: crate::UserId,
        id: crate::PageId,
    ) -> crate::StoreResult<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar(
            "SELECT b.body_zstd FROM pages p JOIN page_bodies b ON b.hash = p.content_hash \
             WHERE p.id = $1 AND p.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)",
        )
        .bind(id)
        .bind(viewer)
        .fetch_optional(self.sql_pool())
        .await?)
    }

    async fn page_languages(
        &self,
        viewer: crate::UserId,
        crawl: crate::CrawlId,
    ) -> crate::StoreResult<Vec<crate::LanguageCount>> {
        Ok(sqlx::query_as(
            "SELECT language, COUNT(*) AS pages, CAST(COALESCE(SUM(words), 0) AS BIGINT) AS words \
             FROM pages WHERE crawl_id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) AND error_reason IS NULL \
             GROUP BY language ORDER BY COUNT(*) DESC, language",
        )
        .bind(crawl)
        .bind(viewer)
        .fetch_all(self.sql_pool())
        .await?)
    }

    async fn search_pages(
        &self,
        viewer: crate::UserId,
        search: &crate::PageSearch,
        after: Option<crate::HitCursor>,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::PageHit>> {
        let query = B::compile_text_query(&search.query);
        let rows: Vec<crate::crawl_rows::PageHitRow> = sqlx::query_as(B::PAGE_SEARCH_SQL)
            .bind(viewer)
            .bind(query)
            .bind(search.crawl)
            .bind(search.session)
            .bind(search.domain.as_deref())
            .bind(search.language.as_deref())
            .bind(after.map(|c| c.score))
            .bind(after.map(|c| c.id))
            .bind(i64::from(limit))
            .fetch_all(self.sql_pool())
            .await?;
        Ok(rows.into_iter().map(crate::PageHit::from).collect())
    }

    async fn reusable_page(
        &self,
        project: crate::ProjectId,
        url: &str,
        fetched_since: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<Option<crate::Page>> {
        let row: Option<crate::crawl_rows::PageRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::crawl_sql::page_columns!(),
            " FROM pages WHERE project_id = $1 AND url = $2 \
             AND fetched_at >= $3 AND error_reason IS NULL ORDER BY fetched_at DESC LIMIT 1"
        ))
        .bind(project)
        .bind(url)
        .bind(fetched_since)
        .fetch_optional(self.sql_pool())
        .await?;
        Ok(row.map(crate::Page::from))
    }
}

pub(crate) use page_columns;

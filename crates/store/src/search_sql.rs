//! The [`SearchStore`](crate::SearchStore) implementation shared by both backends, in the
//! same portable SQL as `sql_store.rs`. Readers take the owner and never see another
//! user's rows; the worker-side methods act on ids the job system hands them.

/// Stores a query's raw engine pages, then its results pointing at them.
async fn write_query_results<B>(
    tx: &mut sqlx::Transaction<'_, B::Db>,
    session_id: crate::SearchSessionId,
    query_id: crate::SearchQueryId,
    position: i32,
    raw_pages: &[crate::NewRawPage],
    results: &[crate::NewSearchResult],
    now: chrono::DateTime<chrono::Utc>,
) -> crate::StoreResult<()>
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
    let mut page_ids = std::collections::HashMap::new();
    for page in raw_pages {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO search_raw_pages (query_id, page, request, status, body_gzip, fetched_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(query_id)
        .bind(page.page)
        .bind(sqlx::types::Json(&page.request))
        .bind(page.status)
        .bind(&page.body_gzip)
        .bind(page.fetched_at)
        .fetch_one(&mut **tx)
        .await?;
        page_ids.insert(page.page, id);
    }
    B::insert_search_results(tx, session_id, query_id, position, results, &page_ids, now).await
}

#[async_trait::async_trait]
impl<B> crate::SearchStore for B
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
    async fn create_search_session(
        &self,
        new: crate::NewSearchSession,
    ) -> crate::StoreResult<crate::SearchSession> {
        let now = crate::rows::now();
        let manual = new.manual_results.is_some();
        let status = if manual {
            crate::SearchStatus::Done
        } else {
            crate::SearchStatus::Queued
        };
        let mut tx = self.begin_write().await?;
        let row: crate::search_rows::SearchSessionRow = sqlx::query_as(
            "INSERT INTO search_sessions (owner_id, project_id, name, engine, params, status, \
             snapshot_of, created_at, started_at, finished_at, updated_at) \
             VALUES ($1, COALESCE($9, (SELECT id FROM projects WHERE default_for = $1)), $2, $3, $4, $5, $6, $7, $8, $8, \
             $7) RETURNING *",
        )
        .bind(new.owner_id)
        .bind(&new.name)
        .bind(&new.engine)
        .bind(sqlx::types::Json(&new.params))
        .bind(status.as_str())
        .bind(new.snapshot_of)
        .bind(now)
        .bind(manual.then_some(now))
        .bind(new.project_id)
        .fetch_one(&mut *tx)
        .await?;
        for (position, q) in new.queries.iter().enumerate() {
            let query_id: crate::SearchQueryId = sqlx::query_scalar(
                "INSERT INTO search_queries (session_id, position, text, params, status, result_count, \
                 started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(row.id)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .bind(&q.text)
            .bind(sqlx::types::Json(&q.params))
            .bind(status.as_str())
            .bind(
                new.manual_results
                    .as_ref()
                    .map_or(0, |r| i32::try_from(r.len()).unwrap_or(i32::MAX)),
            )
            .bind(manual.then_some(now))
            .fetch_one(&mut *tx)
            .await?;
            if let Some(results) = &new.manual_results {
                let position = i32::try_from(position).unwrap_or(i32::MAX);
                write_query_results::<B>(&mut tx, row.id, query_id, position, &[], results, now).await?;
            }
        }
        tx.commit().await?;
        crate::SearchSession::try_from(row)
    }

    async fn set_search_session_job(
        &self,
        id: crate::SearchSessionId,
        job_id: crate::JobId,
    ) -> crate::StoreResult<()> {
        sqlx::query("UPDATE search_sessions SET job_id = $2 WHERE id = $1")
            .bind(id)
            .bind(job_id)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn search_session(
        &self,
        viewer: crate::UserId,
        id: crate::SearchSessionId,
    ) -> crate::StoreResult<Option<crate::SearchSession>> {
        let row: Option<crate::search_rows::SearchSessionRow> =
            sqlx::query_as("SELECT * FROM search_sessions WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
                .bind(id)
                .bind(viewer)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::SearchSession::try_from).transpose()
    }

    async fn list_search_sessions(
        &self,
        viewer: crate::UserId,
        project: Option<crate::ProjectId>,
        snapshot_of: Option<crate::SearchSessionId>,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::SearchSession>> {
        let rows: Vec<crate::search_rows::SearchSessionRow> = sqlx::query_as(
            "SELECT * FROM search_sessions WHERE project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) \
             AND ($2 IS NULL OR snapshot_of = $2 OR id = $2) \
             AND ($3 IS NULL OR id < $3) AND ($5 IS NULL OR project_id = $5) ORDER BY id DESC LIMIT $4",
        )
        .bind(viewer)
        .bind(snapshot_of)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter().map(crate::SearchSession::try_from).collect()
    }

    async fn delete_search_session(
        &self,
        viewer: crate::UserId,
        id: crate::SearchSessionId,
    ) -> crate::StoreResult<()> {
        let done = sqlx::query("DELETE FROM search_sessions WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
            .bind(id)
            .bind(viewer)
            .execute(self.sql_pool())
            .await?;
        if B::rows_affected(&done) == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    async fn search_queries(
        &self,
        viewer: crate::UserId,
        session: crate::SearchSessionId,
    ) -> crate::StoreResult<Vec<crate::SearchQuery>> {
        let rows: Vec<crate::search_rows::SearchQueryRow> = sqlx::query_as(
            "SELECT q.* FROM search_queries q JOIN search_sessions s ON s.id = q.session_id \
             WHERE q.session_id = $1 AND s.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) ORDER BY q.position",
        )
        .bind(session)
        .bind(viewer)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter().map(crate::SearchQuery::try_from).collect()
    }

    async fn search_session_counts(
        &self,
        project: crate::ProjectId,
        session: crate::SearchSessionId,
    ) -> crate::StoreResult<crate::SessionCounts> {
        // Kept by triggers on the session's queries and results (migration
        // 20261202000003); another user's session reads as empty, like a missing one.
        let row: Option<crate::search_rows::SessionCountsRow> = sqlx::query_as(
            "SELECT c.* FROM search_session_counts c JOIN search_sessions s ON s.id = c.session_id \
             WHERE c.session_id = $1 AND s.project_id = $2",
        )
        .bind(session)
        .bind(project)
        .fetch_optional(self.sql_pool())
        .await?;
        Ok(row.map(crate::SessionCounts::from).unwrap_or_default())
    }

    async fn search_session_counts_many(
        &self,
        viewer: crate::UserId,
        sessions: &[crate::SearchSessionId],
    ) -> crate::StoreResult<std::collections::HashMap<crate::SearchSessionId, crate::SessionCounts>> {
        if sessions.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let mut query = sqlx::QueryBuilder::new(
            "SELECT c.* FROM search_session_counts c JOIN search_sessions s ON s.id = c.session_id \
             WHERE s.project_id IN (SELECT project_id FROM project_members WHERE user_id = ",
        );
        query.push_bind(viewer).push(") AND c.session_id IN (");
        let mut ids = query.separated(", ");
        for id in sessions {
            ids.push_bind(*id);
        }
        query.push(")");
        let rows: Vec<crate::search_rows::SessionCountsRow> =
            query.build_query_as().fetch_all(self.sql_pool()).await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.session_id, crate::SessionCounts::from(row)))
            .collect())
    }

    async fn list_search_results(
        &self,
        viewer: crate::UserId,
        session: crate::SearchSessionId,
        filter: &crate::ResultFilter,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::SearchResult>> {
        let rows: Vec<crate::search_rows::SearchResultRow> = sqlx::query_as(
            "SELECT r.*, q.text AS query_text FROM search_results r \
             JOIN search_queries q ON q.id = r.query_id \
             JOIN search_sessions s ON s.id = r.session_id \
             WHERE r.session_id = $1 AND s.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) \
             AND ($3 IS NULL OR r.query_id = $3) AND ($4 IS NULL OR r.domain = $4) \
             AND ($5 IS NULL OR r.excluded = $5) AND ($6 IS NULL OR r.ordinal > $6) \
             ORDER BY r.ordinal LIMIT $7",
        )
        .bind(session)
        .bind(viewer)
        .bind(filter.query_id)
        .bind(filter.domain.as_deref())
        .bind(filter.excluded)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(crate::SearchResult::from).collect())
    }

    async fn session_urls(
        &self,
        viewer: crate::UserId,
        session: crate::SearchSessionId,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::SessionUrl>> {
        let rows: Vec<crate::search_rows::SessionUrlRow> = sqlx::query_as(
            "SELECT MIN(r.ordinal) AS first_ordinal, r.normalized_url, MIN(r.domain) AS domain, \
             COUNT(DISTINCT r.query_id) AS queries, COUNT(*) AS results, MIN(r.rank) AS best_rank \
             FROM search_results r JOIN search_sessions s ON s.id = r.session_id \
             WHERE r.session_id = $1 AND s.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) AND r.excluded = FALSE \
             GROUP BY r.normalized_url HAVING ($3 IS NULL OR MIN(r.ordinal) > $3) \
             ORDER BY first_ordinal LIMIT $4",
        )
        .bind(session)
        .bind(viewer)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(crate::SessionUrl::from).collect())
    }

    async fn session_domains(
        &self,
        viewer: crate::UserId,
        session: crate::SearchSessionId,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::SessionDomain>> {
        let rows: Vec<crate::search_rows::SessionDomainRow> = sqlx::query_as(
            "SELECT MIN(r.ordinal) AS first_ordinal, r.domain, COUNT(DISTINCT r.normalized_url) AS urls, \
             COUNT(DISTINCT r.query_id) AS queries, COUNT(*) AS results, MIN(r.rank) AS best_rank \
             FROM search_results r JOIN search_sessions s ON s.id = r.session_id \
             WHERE r.session_id = $1 AND s.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) AND r.excluded = FALSE \
             GROUP BY r.domain HAVING ($3 IS NULL OR MIN(r.ordinal) > $3) \
             ORDER BY first_ordinal LIMIT $4",
        )
        .bind(session)
        .bind(viewer)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(crate::SessionDomain::from).collect())
    }

    async fn session_ranked_urls(
        &self,
        viewer: crate::UserId,
        session: crate::SearchSessionId,
    ) -> crate::StoreResult<Vec<crate::RankedUrl>> {
        let rows: Vec<crate::search_rows::RankedUrlRow> = sqlx::query_as(
            "SELECT q.text AS query_text, r.rank, r.normalized_url, r.domain FROM search_results r \
             JOIN search_queries q ON q.id = r.query_id \
             JOIN search_sessions s ON s.id = r.session_id \
             WHERE r.session_id = $1 AND s.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) AND r.excluded = FALSE \
             ORDER BY q.position, r.rank",
        )
        .bind(session)
        .bind(viewer)
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(crate::RankedUrl::from).collect())
    }

    async fn search_raw_page(
        &self,
        viewer: crate::UserId,
        session: crate::SearchSessionId,
        id: i64,
    ) -> crate::StoreResult<Option<crate::RawPageBody>> {
        let row: Option<crate::search_rows::RawPageRow> = sqlx::query_as(
            "SELECT p.* FROM search_raw_pages p JOIN search_queries q ON q.id = p.query_id \
             JOIN search_sessions s ON s.id = q.session_id \
             WHERE p.id = $1 AND q.session_id = $2 AND s.project_id IN (SELECT project_id FROM project_members WHERE user_id = $3)",
        )
        .bind(id)
        .bind(session)
        .bind(viewer)
        .fetch_optional(self.sql_pool())
        .await?;
        Ok(row.map(crate::RawPageBody::from))
    }

    async fn search_session_for_worker(
        &self,
        id: crate::SearchSessionId,
    ) -> crate::StoreResult<Option<(crate::SearchSession, Vec<crate::SearchQuery>)>> {
        let row: Option<crate::search_rows::SearchSessionRow> =
            sqlx::query_as("SELECT * FROM search_sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(self.sql_pool())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let session = crate::SearchSession::try_from(row)?;
        // The worker acts for the project, whoever of its members is still there.
        let rows: Vec<crate::search_rows::SearchQueryRow> =
            sqlx::query_as("SELECT * FROM search_queries WHERE session_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(self.sql_pool())
                .await?;
        let queries = rows
            .into_iter()
            .map(crate::SearchQuery::try_from)
            .collect::<crate::StoreResult<Vec<_>>>()?;
        Ok(Some((session, queries)))
    }

    async fn set_search_session_status(
        &self,
        id: crate::SearchSessionId,
        status: crate::SearchStatus,
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
        sqlx::query(
            "UPDATE search_sessions SET status = $2, updated_at = $3, \
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

    async fn start_search_query(&self, query: crate::SearchQueryId) -> crate::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // A re-run after a crash starts the query afresh: nothing half-written survives.
        sqlx::query("DELETE FROM search_results WHERE query_id = $1")
            .bind(query)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_raw_pages WHERE query_id = $1")
            .bind(query)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE search_queries SET status = 'running', error = NULL, shortfall = NULL, \
             result_count = 0, requests = 0, started_at = $2, finished_at = NULL WHERE id = $1",
        )
        .bind(query)
        .bind(crate::rows::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn finish_search_query(
        &self,
        query: crate::SearchQueryId,
        outcome: &crate::QueryOutcome,
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        let owner: Option<(crate::SearchSessionId, i32)> =
            sqlx::query_as("SELECT session_id, position FROM search_queries WHERE id = $1")
                .bind(query)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((session_id, position)) = owner else {
            // The session was deleted while the query ran.
            return Ok(());
        };
        sqlx::query("DELETE FROM search_results WHERE query_id = $1")
            .bind(query)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM search_raw_pages WHERE query_id = $1")
            .bind(query)
            .execute(&mut *tx)
            .await?;
        write_query_results::<B>(
            &mut tx,
            session_id,
            query,
            position,
            &outcome.raw_pages,
            &outcome.results,
            now,
        )
        .await?;
        sqlx::query(
            "UPDATE search_queries SET status = $2, error = $3, shortfall = $4, result_count = $5, \
             requests = $6, finished_at = $7 WHERE id = $1",
        )
        .bind(query)
        .bind(outcome.status.as_str())
        .bind(&outcome.error)
        .bind(&outcome.shortfall)
        .bind(i32::try_from(outcome.results.len()).unwrap_or(i32::MAX))
        .bind(outcome.requests)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn cancel_unfinished_queries(&self, session: crate::SearchSessionId) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE search_queries SET status = 'cancelled', finished_at = $2 \
             WHERE session_id = $1 AND status IN ('queued', 'running')",
        )
        .bind(session)
        .bind(crate::rows::now())
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }
}

/// The list position of a result: query order, then rank. Ranks stay below 100,000 (200
/// per engine query, 10,000 per manual list).
pub(crate) fn ordinal(position: i32, rank: i32) -> i64 {
    i64::from(position) * 100_000 + i64::from(rank)
}

//! The [`Store`](crate::Store) implementation shared by both backends.
//!
//! The SQL below is portable between SQLite (≥ 3.35) and PostgreSQL: `$N` placeholders,
//! `RETURNING`, `ON CONFLICT`, and timestamps always bound from Rust. What differs per
//! dialect (pool setup, migrations, the queue engine's tables) lives in each backend module
//! as inherent methods that this macro calls.

#[async_trait::async_trait]
impl<B> crate::Store for B
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
    fn backend(&self) -> crate::BackendKind {
        Self::KIND
    }

    fn pool(&self) -> crate::DbPool {
        self.db_pool()
    }

    fn pool_stats(&self) -> crate::PoolStats {
        crate::PoolStats {
            size: self.sql_pool().size(),
            idle: u32::try_from(self.sql_pool().num_idle()).unwrap_or(u32::MAX),
            max: self.sql_pool().options().get_max_connections(),
        }
    }

    async fn migrate(&self) -> crate::StoreResult<()> {
        self.run_migrations().await
    }

    async fn pending_migrations(&self) -> crate::StoreResult<Vec<i64>> {
        let migrator = Self::migrator();
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM observatory_migrations WHERE success = TRUE")
                .fetch_all(self.sql_pool())
                .await
            {
                Ok(v) => v,
                // No bookkeeping table yet: nothing has been applied.
                Err(sqlx::Error::Database(_)) => Vec::new(),
                Err(e) => return Err(e.into()),
            };
        Ok(migrator
            .iter()
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    async fn ping(&self) -> crate::StoreResult<()> {
        sqlx::query("SELECT 1").execute(self.sql_pool()).await?;
        Ok(())
    }

    async fn probe(&self) -> crate::StoreResult<()> {
        self.probe_connection().await
    }

    async fn close(&self) {
        self.sql_pool().close().await;
    }

    async fn create_user(&self, new: crate::NewUser) -> crate::StoreResult<crate::User> {
        let now = crate::rows::now();
        let row: crate::rows::UserRow = sqlx::query_as(
            "INSERT INTO users (username, password_hash, is_admin, disabled, created_at, updated_at) \
             VALUES ($1, $2, $3, FALSE, $4, $4) RETURNING *",
        )
        .bind(&new.username)
        .bind(&new.password_hash)
        .bind(new.is_admin)
        .bind(now)
        .fetch_one(self.sql_pool())
        .await
        .map_err(|e| crate::StoreError::unique_violation(e, "username is already taken"))?;
        Ok(row.into_user())
    }

    async fn user(&self, id: crate::UserId) -> crate::StoreResult<Option<crate::User>> {
        let row: Option<crate::rows::UserRow> = sqlx::query_as("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.sql_pool())
            .await?;
        Ok(row.map(crate::rows::UserRow::into_user))
    }

    async fn credentials(&self, username: &str) -> crate::StoreResult<Option<crate::UserCredentials>> {
        let row: Option<crate::rows::UserRow> = sqlx::query_as("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.sql_pool())
            .await?;
        Ok(row.map(crate::rows::UserRow::into_credentials))
    }

    async fn list_users(&self, page: crate::PageRequest) -> crate::StoreResult<Vec<crate::User>> {
        let rows: Vec<crate::rows::UserRow> =
            sqlx::query_as("SELECT * FROM users WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2")
                .bind(page.after)
                .bind(i64::from(page.limit))
                .fetch_all(self.sql_pool())
                .await?;
        Ok(rows.into_iter().map(crate::rows::UserRow::into_user).collect())
    }

    async fn set_user_disabled(&self, id: crate::UserId, disabled: bool) -> crate::StoreResult<crate::User> {
        let row: Option<crate::rows::UserRow> =
            sqlx::query_as("UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1 RETURNING *")
                .bind(id)
                .bind(disabled)
                .bind(crate::rows::now())
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::rows::UserRow::into_user)
            .ok_or(crate::StoreError::NotFound)
    }

    async fn user_preferences(&self, id: crate::UserId) -> crate::StoreResult<serde_json::Value> {
        let stored: Option<sqlx::types::Json<serde_json::Value>> =
            sqlx::query_scalar("SELECT preferences FROM user_preferences WHERE user_id = $1")
                .bind(id)
                .fetch_optional(self.sql_pool())
                .await?;
        Ok(stored.map_or_else(|| serde_json::json!({}), |json| json.0))
    }

    async fn set_user_preferences(
        &self,
        id: crate::UserId,
        preferences: &serde_json::Value,
    ) -> crate::StoreResult<()> {
        let written = sqlx::query(
            "INSERT INTO user_preferences (user_id, preferences, updated_at) \
             SELECT id, $2, $3 FROM users WHERE id = $1 \
             ON CONFLICT (user_id) DO UPDATE SET preferences = excluded.preferences, \
             updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(sqlx::types::Json(preferences))
        .bind(crate::rows::now())
        .execute(self.sql_pool())
        .await?;
        if B::rows_affected(&written) == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_password_hash(&self, id: crate::UserId, hash: &str) -> crate::StoreResult<()> {
        let done = sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .bind(crate::rows::now())
            .execute(self.sql_pool())
            .await?;
        if B::rows_affected(&done) == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_user(&self, id: crate::UserId) -> crate::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // What the user shares stays with the team: a project with other members keeps
        // an owner (the longest-standing other member, if the user was its only one),
        // stops being the user's default project, and what the user made in it passes to
        // one of its owners. Only what nobody else can see goes with the account.
        let shared: Vec<crate::ProjectId> = sqlx::query_scalar(
            "SELECT m.project_id FROM project_members m WHERE m.user_id = $1 \
             AND EXISTS (SELECT 1 FROM project_members o WHERE o.project_id = m.project_id AND o.user_id <> $1) \
             ORDER BY m.project_id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for project in &shared {
            sqlx::query(
                "UPDATE project_members SET role = 'owner' WHERE project_id = $1 AND user_id = \
                 (SELECT o.user_id FROM project_members o WHERE o.project_id = $1 AND o.user_id <> $2 \
                  ORDER BY o.added_at, o.user_id LIMIT 1) \
                 AND NOT EXISTS (SELECT 1 FROM project_members w WHERE w.project_id = $1 \
                  AND w.user_id <> $2 AND w.role = 'owner')",
            )
            .bind(project)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE projects SET default_for = NULL WHERE id = $1 AND default_for = $2")
                .bind(project)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for table in crate::backend::PROJECT_TABLES {
                let sql = format!(
                    "UPDATE {table} SET owner_id = (SELECT o.user_id FROM project_members o \
                     WHERE o.project_id = $1 AND o.user_id <> $2 AND o.role = 'owner' \
                     ORDER BY o.added_at, o.user_id LIMIT 1) \
                     WHERE project_id = $1 AND owner_id = $2"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(project)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        // Projects only the user is in would be left with nobody to see them.
        sqlx::query(
            "DELETE FROM projects WHERE id IN (SELECT m.project_id FROM project_members m WHERE m.user_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM project_members o WHERE o.project_id = projects.id AND o.user_id <> $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if B::rows_affected(&done) == 0 {
            return Err(crate::StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn count_active_admins(&self) -> crate::StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE is_admin = TRUE AND disabled = FALSE")
                .fetch_one(self.sql_pool())
                .await?,
        )
    }

    async fn create_session(&self, new: crate::NewAuthSession) -> crate::StoreResult<crate::AuthSession> {
        let row: crate::rows::SessionRow = sqlx::query_as(
            "INSERT INTO auth_sessions (id, user_id, created_at, expires_at, user_agent, ip) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING id, user_id, created_at, expires_at, revoked_at",
        )
        .bind(&new.id)
        .bind(new.user_id)
        .bind(crate::rows::now())
        .bind(new.expires_at)
        .bind(&new.user_agent)
        .bind(&new.ip)
        .fetch_one(self.sql_pool())
        .await?;
        Ok(row.into())
    }

    async fn live_session(
        &self,
        id: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<Option<(crate::AuthSession, crate::User)>> {
        let row: Option<crate::rows::LiveSessionRow> = sqlx::query_as(
            "SELECT s.id AS session_id, s.created_at AS session_created_at, s.expires_at, \
             s.revoked_at, u.* FROM auth_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(self.sql_pool())
        .await?;
        Ok(row.map(crate::rows::LiveSessionRow::split))
    }

    async fn revoke_session(&self, id: &str, now: chrono::DateTime<chrono::Utc>) -> crate::StoreResult<()> {
        sqlx::query("UPDATE auth_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn revoke_user_sessions(
        &self,
        user_id: crate::UserId,
        except: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE auth_sessions SET revoked_at = $3 \
             WHERE user_id = $1 AND revoked_at IS NULL AND ($2 IS NULL OR id <> $2)",
        )
        .bind(user_id)
        .bind(except)
        .bind(now)
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }

    async fn enqueue_job(&self, new: crate::NewJob) -> crate::StoreResult<crate::Job> {
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        let row: crate::rows::JobRow = sqlx::query_as(
            "INSERT INTO app_jobs (owner_id, project_id, kind, queue, priority, status, payload, \
             created_at, updated_at) \
             VALUES ($1, $7, $2, $3, $4, 'queued', $5, $6, $6) RETURNING *",
        )
        .bind(new.owner_id)
        .bind(&new.kind)
        .bind(new.queue.as_str())
        .bind(new.priority.value())
        .bind(sqlx::types::Json(&new.payload))
        .bind(now)
        .bind(new.project_id)
        .fetch_one(&mut *tx)
        .await?;
        let job = crate::Job::try_from(row)?;
        Self::push_queue_task(&mut tx, &job).await?;
        tx.commit().await?;
        Ok(job)
    }

    async fn job(&self, viewer: crate::UserId, id: crate::JobId) -> crate::StoreResult<Option<crate::Job>> {
        let row: Option<crate::rows::JobRow> =
            sqlx::query_as("SELECT * FROM app_jobs WHERE id = $1 AND (CASE WHEN project_id IS NULL THEN owner_id = $2 ELSE project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) END)")
                .bind(id)
                .bind(viewer)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::Job::try_from).transpose()
    }

    async fn list_jobs(
        &self,
        viewer: crate::UserId,
        filter: &crate::JobFilter,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::Job>> {
        let rows: Vec<crate::rows::JobRow> = sqlx::query_as(
            "SELECT * FROM app_jobs WHERE (CASE WHEN project_id IS NULL THEN owner_id = $1 ELSE project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) END) \
             AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR queue = $3) \
             AND ($4 IS NULL OR id < $4) ORDER BY id DESC LIMIT $5",
        )
        .bind(viewer)
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter.queue.map(|q| q.as_str()))
        .bind(page.after)
        .bind(i64::from(page.limit))
        .fetch_all(self.sql_pool())
        .await?;
        crate::rows::jobs(rows)
    }

    async fn request_cancel(
        &self,
        viewer: crate::UserId,
        id: crate::JobId,
    ) -> crate::StoreResult<crate::Job> {
        let row: Option<crate::rows::JobRow> = sqlx::query_as(
            "UPDATE app_jobs SET cancel_requested = TRUE, \
             status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, \
             finished_at = CASE WHEN status = 'queued' THEN $3 ELSE finished_at END, \
             updated_at = $3 \
             WHERE id = $1 AND (CASE WHEN project_id IS NULL THEN owner_id = $2 ELSE project_id IN (SELECT project_id FROM project_members WHERE user_id = $2) END) AND status IN ('queued', 'running') RETURNING *",
        )
        .bind(id)
        .bind(viewer)
        .bind(crate::rows::now())
        .fetch_optional(self.sql_pool())
        .await?;
        match row {
            Some(row) => crate::Job::try_from(row),
            None => match crate::Store::job(self, viewer, id).await? {
                Some(job) => Err(crate::StoreError::Conflict(format!(
                    "job has already finished ({})",
                    job.status.as_str()
                ))),
                None => Err(crate::StoreError::NotFound),
            },
        }
    }

    async fn job_counts(&self) -> crate::StoreResult<Vec<crate::JobCount>> {
        let rows: Vec<crate::rows::JobCountRow> =
            sqlx::query_as("SELECT queue, status, COUNT(*) AS count FROM app_jobs GROUP BY queue, status")
                .fetch_all(self.sql_pool())
                .await?;
        rows.into_iter().map(crate::JobCount::try_from).collect()
    }

    async fn claim_job(
        &self,
        id: crate::JobId,
        worker: &str,
        holder_live_since: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<Option<crate::Job>> {
        // A queue worker is named `{process id}:{queue}[:r{restart}]`; its process beats
        // in `app_workers` under the process id.
        let row: Option<crate::rows::JobRow> = sqlx::query_as(
            "UPDATE app_jobs SET status = 'running', worker = $2, attempts = attempts + 1, \
             started_at = COALESCE(started_at, $3), updated_at = $3 \
             WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND (worker IS NULL \
                OR worker = $2 OR NOT EXISTS (SELECT 1 FROM app_workers w \
                    WHERE app_jobs.worker LIKE w.id || ':%' AND w.last_seen >= $4)))) \
             RETURNING *",
        )
        .bind(id)
        .bind(worker)
        .bind(crate::rows::now())
        .bind(holder_live_since)
        .fetch_optional(self.sql_pool())
        .await?;
        row.map(crate::Job::try_from).transpose()
    }

    async fn record_progress(
        &self,
        id: crate::JobId,
        progress: &crate::JobProgress,
    ) -> crate::StoreResult<bool> {
        let cancel: Option<bool> = sqlx::query_scalar(
            "UPDATE app_jobs SET progress_done = $2, progress_total = $3, progress_message = $4, \
             updated_at = $5 WHERE id = $1 RETURNING cancel_requested",
        )
        .bind(id)
        .bind(progress.done)
        .bind(progress.total)
        .bind(&progress.message)
        .bind(crate::rows::now())
        .fetch_optional(self.sql_pool())
        .await?;
        // A job deleted under a running worker (its owner was removed) is as good as cancelled.
        Ok(cancel.unwrap_or(true))
    }

    async fn finish_job(&self, id: crate::JobId, outcome: crate::JobOutcome) -> crate::StoreResult<()> {
        let (status, error, result) = match outcome {
            crate::JobOutcome::Succeeded(v) => {
                (crate::JobStatus::Succeeded, None, Some(sqlx::types::Json(v)))
            }
            crate::JobOutcome::Failed(e) => (crate::JobStatus::Failed, Some(e), None),
            crate::JobOutcome::Cancelled => (crate::JobStatus::Cancelled, None, None),
        };
        sqlx::query(
            "UPDATE app_jobs SET status = $2, error = $3, result = $4, finished_at = $5, \
             updated_at = $5 WHERE id = $1 AND status = 'running'",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(error)
        .bind(result)
        .bind(crate::rows::now())
        .execute(self.sql_pool())
        .await?;
        Ok(())
    }

    async fn worker_heartbeat(
        &self,
        beat: &crate::WorkerBeat,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO app_workers (id, queues, hostname, pid, started_at, last_seen) \
             VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen",
        )
        .bind(&beat.id)
        .bind(&beat.queues)
        .bind(&beat.hostname)
        .bind(beat.pid)
        .bind(now)
        .execute(self.sql_pool())
        .await?;
        Ok(())
    }

    async fn latest_worker_heartbeat(&self) -> crate::StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
        Ok(
            sqlx::query_scalar("SELECT last_seen FROM app_workers ORDER BY last_seen DESC LIMIT 1")
                .fetch_optional(self.sql_pool())
                .await?,
        )
    }

    async fn queue_worker_silence(&self, name: &str) -> crate::StoreResult<Option<f64>> {
        Ok(sqlx::query_scalar(Self::QUEUE_WORKER_SILENCE_SQL)
            .bind(name)
            .fetch_optional(self.sql_pool())
            .await?)
    }

    async fn live_queue_workers(
        &self,
        queue: crate::Queue,
        since: chrono::DateTime<chrono::Utc>,
    ) -> crate::StoreResult<Vec<String>> {
        // `queues` is the comma-separated list a worker subscribed to.
        Ok(sqlx::query_scalar(
            "SELECT id FROM app_workers WHERE last_seen >= $1 AND ',' || queues || ',' LIKE $2 ORDER BY id",
        )
        .bind(since)
        .bind(format!("%,{},%", queue.as_str()))
        .fetch_all(self.sql_pool())
        .await?)
    }

    async fn remove_worker(&self, id: &str) -> crate::StoreResult<()> {
        sqlx::query("DELETE FROM app_workers WHERE id = $1")
            .bind(id)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn purge_sessions(
        &self,
        expired_before: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM auth_sessions WHERE id IN (SELECT id FROM auth_sessions \
             WHERE expires_at < $1 OR revoked_at IS NOT NULL LIMIT $2)",
        )
        .bind(expired_before)
        .bind(i64::from(limit))
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }

    async fn purge_finished_jobs(
        &self,
        before: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> crate::StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM app_jobs WHERE id IN (SELECT id FROM app_jobs \
             WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < $1 LIMIT $2)",
        )
        .bind(before)
        .bind(i64::from(limit))
        .execute(self.sql_pool())
        .await?;
        Ok(B::rows_affected(&done))
    }

    async fn purge_stale_workers(&self, before: chrono::DateTime<chrono::Utc>) -> crate::StoreResult<u64> {
        let done = sqlx::query("DELETE FROM app_workers WHERE last_seen < $1")
            .bind(before)
            .execute(self.sql_pool())
            .await?;
        Ok(B::rows_affected(&done))
    }

    async fn purge_queue_tasks(&self, before: chrono::DateTime<chrono::Utc>) -> crate::StoreResult<u64> {
        self.purge_finished_queue_tasks(before).await
    }
}

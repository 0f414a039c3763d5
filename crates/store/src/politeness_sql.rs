//! The [`PolitenessStore`](crate::PolitenessStore) implementation shared by both backends:
//! host gates and the shared robots.txt cache.

#[async_trait::async_trait]
impl<B> crate::PolitenessStore for B
where
    B: crate::backend::SqlBackend + std::fmt::Debug + 'static,
    for<'c> &'c mut <B::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = B::Db>,
    <B::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<B::Db>,
    for<'q> &'q str: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<String>: sqlx::Decode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> chrono::DateTime<chrono::Utc>:
        sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i32: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i64: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> usize: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
{
    async fn gate_acquire(&self, request: &crate::GateRequest<'_>) -> crate::StoreResult<crate::GateAnswer> {
        let mut tx = self.begin_write().await?;
        // The upsert takes the host's row lock: every other request to this host, from any
        // process, waits here until this one has decided.
        let mut upsert = sqlx::QueryBuilder::new("INSERT INTO host_gates (host, next_start_ms) VALUES (");
        upsert
            .push_bind(request.host)
            .push(
                ", 0) ON CONFLICT (host) DO UPDATE SET next_start_ms = host_gates.next_start_ms \
                 RETURNING next_start_ms, ",
            )
            .push(B::NOW_MS_SQL);
        let (next_start, now): (i64, i64) = upsert.build_query_as().fetch_one(&mut *tx).await?;
        // Slots of requests whose worker died free themselves.
        sqlx::query("DELETE FROM host_gate_leases WHERE host = $1 AND expires_ms < $2")
            .bind(request.host)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let in_flight: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM host_gate_leases WHERE host = $1")
            .bind(request.host)
            .fetch_one(&mut *tx)
            .await?;
        if in_flight >= request.max_in_flight.max(1) {
            tx.commit().await?;
            return Ok(crate::GateAnswer::Busy {
                retry_ms: busy_retry_ms(request.delay_ms),
            });
        }
        let start = next_start.max(now);
        sqlx::query("UPDATE host_gates SET next_start_ms = $2 WHERE host = $1")
            .bind(request.host)
            .bind(start.saturating_add(request.delay_ms.max(0)))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO host_gate_leases (token, host, expires_ms) VALUES ($1, $2, $3)")
            .bind(request.token)
            .bind(request.host)
            .bind(start.saturating_add(request.lease_ms.max(0)))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(crate::GateAnswer::Granted { wait_ms: start - now })
    }

    async fn gate_release(&self, host: &str, token: &str) -> crate::StoreResult<()> {
        sqlx::query("DELETE FROM host_gate_leases WHERE host = $1 AND token = $2")
            .bind(host)
            .bind(token)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn robots_txt(&self, origin: &str) -> crate::StoreResult<Option<crate::StoredRobots>> {
        let row: Option<(i32, Option<String>, chrono::DateTime<chrono::Utc>)> =
            sqlx::query_as("SELECT status, body, fetched_at FROM robots_txt WHERE origin = $1")
                .bind(origin)
                .fetch_optional(self.sql_pool())
                .await?;
        Ok(row.map(|(status, body, fetched_at)| crate::StoredRobots {
            status,
            body,
            fetched_at,
        }))
    }

    async fn put_robots_txt(&self, origin: &str, robots: &crate::StoredRobots) -> crate::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO robots_txt (origin, status, body, fetched_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (origin) DO UPDATE SET status = excluded.status, body = excluded.body, \
             fetched_at = excluded.fetched_at",
        )
        .bind(origin)
        .bind(robots.status)
        .bind(robots.body.as_deref())
        .bind(robots.fetched_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// How long a requester waits before asking a full host's gate again: a slot frees when a
/// request ends, which nobody announces, so it asks again soon, but not in a tight loop.
fn busy_retry_ms(delay_ms: i64) -> i64 {
    (delay_ms / 4).clamp(20, 250)
}

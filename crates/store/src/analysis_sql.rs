//! The [`AnalysisStore`](crate::AnalysisStore) implementation shared by both backends.

#[async_trait::async_trait]
impl<B> crate::AnalysisStore for B
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
    async fn create_analysis(&self, new: crate::NewAnalysis) -> crate::StoreResult<crate::AnalysisRun> {
        let now = crate::rows::now();
        let row: crate::analysis_rows::AnalysisRunRow = sqlx::query_as(
            "INSERT INTO analysis_runs (owner_id, project_id, crawl_id, session_id, options, status, \
             created_at, updated_at) \
             VALUES ($1, COALESCE($6, (SELECT id FROM projects WHERE default_for = $1)), $2, $5, $3, 'queued', $4, $4) \
             RETURNING *",
        )
        .bind(new.owner_id)
        .bind(new.scope.crawl())
        .bind(sqlx::types::Json(&new.options))
        .bind(now)
        .bind(new.scope.session())
        .bind(new.project_id)
        .fetch_one(self.sql_pool())
        .await?;
        crate::AnalysisRun::try_from(row)
    }

    async fn set_analysis_job(&self, id: crate::AnalysisId, job_id: crate::JobId) -> crate::StoreResult<()> {
        sqlx::query("UPDATE analysis_runs SET job_id = $2 WHERE id = $1")
            .bind(id)
            .bind(job_id)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn analysis(
        &self,
        viewer: crate::UserId,
        id: crate::AnalysisId,
    ) -> crate::StoreResult<Option<crate::AnalysisRun>> {
        let row: Option<crate::analysis_rows::AnalysisRunRow> =
            sqlx::query_as("SELECT * FROM analysis_runs WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
                .bind(id)
                .bind(viewer)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::AnalysisRun::try_from).transpose()
    }

    async fn analysis_for_worker(
        &self,
        id: crate::AnalysisId,
    ) -> crate::StoreResult<Option<crate::AnalysisRun>> {
        let row: Option<crate::analysis_rows::AnalysisRunRow> =
            sqlx::query_as("SELECT * FROM analysis_runs WHERE id = $1")
                .bind(id)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::AnalysisRun::try_from).transpose()
    }

    async fn set_analysis_status(
        &self,
        id: crate::AnalysisId,
        status: crate::SearchStatus,
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
        sqlx::query(
            "UPDATE analysis_runs SET status = $2, updated_at = $3, \
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

    async fn pages_to_analyze(
        &self,
        run: &crate::AnalysisRun,
        after: Option<crate::PageId>,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::PageText>> {
        let rows: Vec<crate::analysis_rows::PageTextRow> = sqlx::query_as(
            "SELECT p.id, p.crawl_id, p.url, p.domain, p.language, p.text FROM pages p \
             WHERE p.project_id = $2 AND (p.crawl_id = $1 \
                OR p.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id = $6)) \
             AND p.text IS NOT NULL AND p.error_reason IS NULL AND ($3 IS NULL OR p.id > $3) \
             AND NOT EXISTS (SELECT 1 FROM page_analyses a WHERE a.page_id = p.id AND a.run_id = $4) \
             ORDER BY p.id LIMIT $5",
        )
        .bind(run.scope.crawl())
        .bind(run.project_id)
        .bind(after)
        .bind(run.id)
        .bind(i64::from(limit))
        .bind(run.scope.session())
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(crate::PageText::from).collect())
    }

    async fn write_page_terms(
        &self,
        run: &crate::AnalysisRun,
        pages: &[crate::PageTermsRecord],
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        Self::replace_page_terms(&mut tx, run, pages, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn page_terms(
        &self,
        viewer: crate::UserId,
        page: crate::PageId,
    ) -> crate::StoreResult<Option<crate::PageTermsRecord>> {
        let row: Option<crate::analysis_rows::PageAnalysisRow> = sqlx::query_as(
            "SELECT page_id, crawl_id, domain, language, tokens, skipped FROM page_analyses \
             WHERE page_id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)",
        )
        .bind(page)
        .bind(viewer)
        .fetch_optional(self.sql_pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let nouns: Vec<crate::analysis_rows::NounRow> = sqlx::query_as(
            "SELECT lemma, count, spans FROM page_nouns WHERE page_id = $1 ORDER BY count DESC, lemma",
        )
        .bind(page)
        .fetch_all(self.sql_pool())
        .await?;
        let entities: Vec<crate::analysis_rows::EntityRow> = sqlx::query_as(
            "SELECT normalized, label, surface, count, spans FROM page_entities WHERE page_id = $1 \
             ORDER BY count DESC, normalized, label",
        )
        .bind(page)
        .fetch_all(self.sql_pool())
        .await?;
        let keywords: Vec<crate::analysis_rows::KeywordRow> = sqlx::query_as(
            "SELECT phrase, score, count, spans FROM page_keywords WHERE page_id = $1 ORDER BY score DESC, phrase",
        )
        .bind(page)
        .fetch_all(self.sql_pool())
        .await?;
        Ok(Some(crate::PageTermsRecord {
            page_id: row.page_id,
            crawl_id: row.crawl_id,
            domain: row.domain,
            language: row.language,
            tokens: i64::from(row.tokens),
            skipped: row.skipped,
            nouns: nouns
                .into_iter()
                .map(|n| crate::NounTerm {
                    lemma: n.lemma,
                    count: i64::from(n.count),
                    spans: crate::analysis_model::decode_spans(n.spans.as_deref()),
                })
                .collect(),
            entities: entities
                .into_iter()
                .map(|e| crate::EntityTerm {
                    normalized: e.normalized,
                    label: e.label,
                    surface: e.surface,
                    count: i64::from(e.count),
                    spans: crate::analysis_model::decode_spans(e.spans.as_deref()),
                })
                .collect(),
            keywords: keywords
                .into_iter()
                .map(|k| crate::KeywordTerm {
                    phrase: k.phrase,
                    score: k.score,
                    count: i64::from(k.count),
                    spans: crate::analysis_model::decode_spans(k.spans.as_deref()),
                })
                .collect(),
        }))
    }

    async fn analysis_counts(&self, run: crate::AnalysisId) -> crate::StoreResult<crate::AnalysisCounts> {
        let (analysed, skipped): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN skipped IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN skipped IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) \
             FROM page_analyses WHERE run_id = $1",
        )
        .bind(run)
        .fetch_one(self.sql_pool())
        .await?;
        Ok(crate::AnalysisCounts { analysed, skipped })
    }

    async fn analysable_pages(
        &self,
        project: crate::ProjectId,
        scope: crate::AnalysisScope,
    ) -> crate::StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM pages p WHERE p.project_id = $1 AND (p.crawl_id = $2 \
                OR p.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id = $3)) \
             AND p.text IS NOT NULL AND p.error_reason IS NULL",
        )
        .bind(project)
        .bind(scope.crawl())
        .bind(scope.session())
        .fetch_one(self.sql_pool())
        .await?)
    }

    async fn domain_term_counts(
        &self,
        project: crate::ProjectId,
        scope: crate::AnalysisScope,
        kind: crate::TermKind,
    ) -> crate::StoreResult<Vec<crate::DomainTermCount>> {
        let sql = match kind {
            crate::TermKind::Nouns => {
                "SELECT a.domain, t.lemma AS term, CAST(NULL AS TEXT) AS label, CAST(SUM(t.count) AS \
                 BIGINT) AS count \
                 FROM page_analyses a JOIN page_nouns t ON t.page_id = a.page_id \
                 WHERE a.project_id = $1 AND (a.crawl_id = $2 \
                    OR a.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id = $3)) \
                 GROUP BY a.domain, t.lemma ORDER BY a.domain, t.lemma"
            }
            crate::TermKind::Entities => {
                "SELECT a.domain, t.normalized AS term, t.label AS label, CAST(SUM(t.count) AS BIGINT) AS \
                 count \
                 FROM page_analyses a JOIN page_entities t ON t.page_id = a.page_id \
                 WHERE a.project_id = $1 AND (a.crawl_id = $2 \
                    OR a.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id = $3)) \
                 GROUP BY a.domain, t.normalized, t.label ORDER BY a.domain, t.normalized, t.label"
            }
            crate::TermKind::Keywords => {
                "SELECT a.domain, t.phrase AS term, CAST(NULL AS TEXT) AS label, CAST(SUM(t.count) AS \
                 BIGINT) AS count \
                 FROM page_analyses a JOIN page_keywords t ON t.page_id = a.page_id \
                 WHERE a.project_id = $1 AND (a.crawl_id = $2 \
                    OR a.crawl_id IN (SELECT crawl_id FROM crawl_sources WHERE session_id = $3)) \
                 GROUP BY a.domain, t.phrase ORDER BY a.domain, t.phrase"
            }
        };
        Ok(sqlx::query_as(sql)
            .bind(project)
            .bind(scope.crawl())
            .bind(scope.session())
            .fetch_all(self.sql_pool())
            .await?)
    }
}

//! The [`NetworkStore`](crate::NetworkStore) implementation shared by both backends.

/// `$first, $first+1, …` for an `IN (…)` list of `n` values; `NULL` (matching nothing) when
/// the list is empty.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    if n == 0 {
        return "NULL".to_owned();
    }
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The analysed pages of a set of scraping jobs, one per URL (the latest), as a subquery
/// over `$1` (the project) and the crawl ids from `$2`.
pub(crate) fn analysed_pages_subquery(crawls: usize) -> String {
    format!(
        "SELECT MAX(a.page_id) FROM page_analyses a JOIN pages p ON p.id = a.page_id \
         WHERE a.project_id = $1 AND a.crawl_id IN ({}) AND a.skipped IS NULL GROUP BY p.url",
        placeholders(2, crawls)
    )
}

/// Separates a packed term's fields (unit separator) and the terms (record separator);
/// terms never hold control characters (the analysis job drops them).
const FIELD: char = '\u{1f}';
const ITEM: char = '\u{1e}';

/// A page's terms of one kind in the packed form the network reader sums: what the
/// analysis writer stores beside the term rows, so building a network reads one row per
/// page instead of one per (page, term).
pub(crate) fn pack_terms(page: &crate::PageTermsRecord, kind: crate::TermKind) -> Option<String> {
    let items: Vec<String> = match kind {
        crate::TermKind::Nouns => page
            .nouns
            .iter()
            .map(|n| format!("{}{FIELD}{}", n.lemma, n.count))
            .collect(),
        crate::TermKind::Entities => page
            .entities
            .iter()
            .map(|e| format!("{}{FIELD}{}{FIELD}{}", e.normalized, e.label, e.count))
            .collect(),
        crate::TermKind::Keywords => page
            .keywords
            .iter()
            .map(|k| format!("{}{FIELD}{}", k.phrase, k.count))
            .collect(),
    };
    (!items.is_empty()).then(|| items.join(&ITEM.to_string()))
}

/// The column of `page_analyses` holding a kind's packed terms.
pub(crate) fn packed_column(kind: crate::TermKind) -> &'static str {
    match kind {
        crate::TermKind::Nouns => "a.nouns_packed",
        crate::TermKind::Entities => "a.entities_packed",
        crate::TermKind::Keywords => "a.keywords_packed",
    }
}

/// A correlated subquery over `t` packing one page's terms of a kind into one text, for
/// analyses stored before the packed columns existed.
pub(crate) fn packed_terms(kind: crate::TermKind) -> String {
    let (table, item) = match kind {
        crate::TermKind::Nouns => (
            "page_nouns",
            format!("t.lemma || '{FIELD}' || CAST(t.count AS TEXT)"),
        ),
        crate::TermKind::Entities => (
            "page_entities",
            format!("t.normalized || '{FIELD}' || t.label || '{FIELD}' || CAST(t.count AS TEXT)"),
        ),
        crate::TermKind::Keywords => (
            "page_keywords",
            format!("t.phrase || '{FIELD}' || CAST(t.count AS TEXT)"),
        ),
    };
    format!("SELECT string_agg({item}, '{ITEM}') FROM {table} t WHERE t.page_id = a.page_id")
}

/// Sums packed per-page terms per website, in order of first appearance (the rows come by
/// page id, so the order is the same on every run).
pub(crate) fn sum_packed_terms(
    rows: Vec<(String, Option<String>)>,
    kind: crate::TermKind,
) -> Vec<crate::SiteTermCount> {
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;
    let mut index: HashMap<(&str, &str, Option<&str>), usize> = HashMap::new();
    let mut out: Vec<crate::SiteTermCount> = Vec::new();
    for (site, packed) in &rows {
        let Some(packed) = packed else { continue };
        for item in packed.split(ITEM) {
            let Some((rest, count)) = item.rsplit_once(FIELD) else {
                continue;
            };
            let Ok(count) = count.parse::<i64>() else { continue };
            let (term, label) = match kind {
                crate::TermKind::Entities => match rest.rsplit_once(FIELD) {
                    Some((term, label)) => (term, Some(label)),
                    None => continue,
                },
                _ => (rest, None),
            };
            match index.entry((site.as_str(), term, label)) {
                Entry::Occupied(e) => out[*e.get()].count += count,
                Entry::Vacant(e) => {
                    e.insert(out.len());
                    out.push(crate::SiteTermCount {
                        site: site.clone(),
                        term: term.to_owned(),
                        label: label.map(str::to_owned),
                        count,
                    });
                }
            }
        }
    }
    out
}

#[async_trait::async_trait]
impl<B> crate::NetworkStore for B
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
    async fn create_network(&self, new: crate::NewNetwork) -> crate::StoreResult<crate::Network> {
        let now = crate::rows::now();
        let row: crate::network_rows::NetworkRow = sqlx::query_as(
            "INSERT INTO networks (owner_id, project_id, name, kind, scope, params, status, created_at, \
             updated_at) \
             VALUES ($1, COALESCE($7, (SELECT id FROM projects WHERE default_for = $1)), $2, $3, $4, $5, 'queued', $6, \
             $6) RETURNING *",
        )
        .bind(new.owner_id)
        .bind(&new.name)
        .bind(&new.kind)
        .bind(sqlx::types::Json(&new.scope))
        .bind(sqlx::types::Json(&new.params))
        .bind(now)
        .bind(new.project_id)
        .fetch_one(self.sql_pool())
        .await?;
        crate::Network::try_from(row)
    }

    async fn set_network_job(&self, id: crate::NetworkId, job_id: crate::JobId) -> crate::StoreResult<()> {
        sqlx::query("UPDATE networks SET job_id = $2 WHERE id = $1")
            .bind(id)
            .bind(job_id)
            .execute(self.sql_pool())
            .await?;
        Ok(())
    }

    async fn network(
        &self,
        viewer: crate::UserId,
        id: crate::NetworkId,
    ) -> crate::StoreResult<Option<crate::Network>> {
        let row: Option<crate::network_rows::NetworkRow> =
            sqlx::query_as("SELECT * FROM networks WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
                .bind(id)
                .bind(viewer)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::Network::try_from).transpose()
    }

    async fn network_for_worker(&self, id: crate::NetworkId) -> crate::StoreResult<Option<crate::Network>> {
        let row: Option<crate::network_rows::NetworkRow> =
            sqlx::query_as("SELECT * FROM networks WHERE id = $1")
                .bind(id)
                .fetch_optional(self.sql_pool())
                .await?;
        row.map(crate::Network::try_from).transpose()
    }

    async fn list_networks(
        &self,
        viewer: crate::UserId,
        project: Option<crate::ProjectId>,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<crate::Network>> {
        let rows: Vec<crate::network_rows::NetworkRow> = sqlx::query_as(
            "SELECT * FROM networks WHERE project_id IN (SELECT project_id FROM project_members WHERE user_id = $1) AND ($2 IS NULL OR id < $2) \
             AND ($4 IS NULL OR project_id = $4) ORDER BY id DESC LIMIT $3",
        )
        .bind(viewer)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter().map(crate::Network::try_from).collect()
    }

    async fn delete_network(&self, viewer: crate::UserId, id: crate::NetworkId) -> crate::StoreResult<()> {
        let done = sqlx::query("DELETE FROM networks WHERE id = $1 AND project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)")
            .bind(id)
            .bind(viewer)
            .execute(self.sql_pool())
            .await?;
        if B::rows_affected(&done) == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_network_status(
        &self,
        id: crate::NetworkId,
        status: crate::SearchStatus,
        error: Option<&str>,
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
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
        .execute(self.sql_pool())
        .await?;
        Ok(())
    }

    async fn finish_network(
        &self,
        id: crate::NetworkId,
        outcome: &crate::NetworkOutcome,
    ) -> crate::StoreResult<()> {
        let now = crate::rows::now();
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
        viewer: crate::UserId,
        id: crate::NetworkId,
    ) -> crate::StoreResult<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar(
            "SELECT g.graph_zstd FROM network_graphs g JOIN networks n ON n.id = g.network_id \
             WHERE n.id = $1 AND n.project_id IN (SELECT project_id FROM project_members WHERE user_id = $2)",
        )
        .bind(id)
        .bind(viewer)
        .fetch_optional(self.sql_pool())
        .await?)
    }

    async fn scope_crawls(
        &self,
        project: crate::ProjectId,
        scope: &crate::NetworkScope,
    ) -> crate::StoreResult<Vec<crate::CrawlId>> {
        let n_crawls = scope.crawls.len();
        let sql = format!(
            "SELECT id FROM crawl_jobs WHERE project_id = $1 AND (id IN ({}) \
                OR id IN (SELECT crawl_id FROM crawl_sources WHERE session_id IN ({}))) ORDER BY id",
            crate::network_sql::placeholders(2, n_crawls),
            crate::network_sql::placeholders(2 + n_crawls, scope.sessions.len()),
        );
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(project);
        for crawl in &scope.crawls {
            q = q.bind(*crawl);
        }
        for session in &scope.sessions {
            q = q.bind(*session);
        }
        Ok(q.fetch_all(self.sql_pool()).await?)
    }

    async fn network_search_hits(
        &self,
        project: crate::ProjectId,
        sessions: &[crate::SearchSessionId],
    ) -> crate::StoreResult<Vec<crate::NetworkSearchHit>> {
        let sql = format!(
            "SELECT r.session_id, q.text AS query, CAST(r.rank AS BIGINT) AS rank, r.url, r.host, r.domain \
             FROM search_results r JOIN search_queries q ON q.id = r.query_id \
             JOIN search_sessions s ON s.id = r.session_id \
             WHERE s.project_id = $1 AND r.session_id IN ({}) AND r.excluded = FALSE \
             ORDER BY r.session_id, r.ordinal",
            crate::network_sql::placeholders(2, sessions.len()),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in sessions {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(self.sql_pool()).await?)
    }

    async fn network_term_counts(
        &self,
        project: crate::ProjectId,
        crawls: &[crate::CrawlId],
        kind: crate::TermKind,
        unit: crate::SiteUnit,
        languages: &[String],
    ) -> crate::StoreResult<Vec<crate::SiteTermCount>> {
        let site = match unit {
            crate::SiteUnit::Domain => "a.domain",
            crate::SiteUnit::Host => "p.host",
            crate::SiteUnit::Url => "p.url",
        };
        let language_filter = if languages.is_empty() {
            String::new()
        } else {
            format!(
                " AND a.language IN ({})",
                crate::network_sql::placeholders(2 + crawls.len(), languages.len())
            )
        };
        // One row per page with its terms packed into one text: far fewer rows to
        // decode than one per (page, term); the sums per website are made below.
        let sql = format!(
            "SELECT {site} AS site, CASE WHEN a.packed THEN {column} ELSE ({terms}) END AS terms \
             FROM page_analyses a JOIN pages p ON p.id = a.page_id \
             WHERE a.page_id IN ({pages}){language_filter} ORDER BY a.page_id",
            column = crate::network_sql::packed_column(kind),
            terms = crate::network_sql::packed_terms(kind),
            pages = crate::network_sql::analysed_pages_subquery(crawls.len()),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in crawls {
            q = q.bind(*id);
        }
        for l in languages {
            q = q.bind(l);
        }
        let rows: Vec<(String, Option<String>)> = q.fetch_all(self.sql_pool()).await?;
        Ok(crate::network_sql::sum_packed_terms(rows, kind))
    }

    async fn network_page_links(
        &self,
        project: crate::ProjectId,
        crawls: &[crate::CrawlId],
    ) -> crate::StoreResult<Vec<crate::PageOutlinks>> {
        let sql = format!(
            "SELECT p.url, p.host, p.domain, p.outlinks FROM pages p WHERE p.id IN \
                (SELECT MAX(id) FROM pages WHERE project_id = $1 AND crawl_id IN ({}) \
                 AND error_reason IS NULL AND status_code BETWEEN 200 AND 299 GROUP BY url) \
             ORDER BY p.id",
            crate::network_sql::placeholders(2, crawls.len()),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in crawls {
            q = q.bind(*id);
        }
        let rows: Vec<crate::network_rows::PageOutlinksRow> = q.fetch_all(self.sql_pool()).await?;
        Ok(rows.into_iter().map(crate::PageOutlinks::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_packed_at_write_time_sum_like_those_packed_in_sql() {
        let page = crate::PageTermsRecord {
            page_id: crate::PageId::new(1),
            crawl_id: crate::CrawlId::new(1),
            domain: "ens.dk".into(),
            language: Some("da".into()),
            tokens: 9,
            skipped: None,
            nouns: vec![
                crate::NounTerm {
                    lemma: "vind".into(),
                    count: 2,
                    spans: vec![[0, 4], [9, 13]],
                },
                crate::NounTerm {
                    lemma: "mølle".into(),
                    count: 1,
                    spans: vec![[20, 26]],
                },
            ],
            entities: vec![crate::EntityTerm {
                normalized: "esbjerg".into(),
                label: "LOC".into(),
                surface: "Esbjerg".into(),
                count: 3,
                spans: Vec::new(),
            }],
            keywords: vec![],
        };
        let nouns = pack_terms(&page, crate::TermKind::Nouns);
        let sums = sum_packed_terms(
            vec![("ens.dk".into(), nouns.clone()), ("ens.dk".into(), nouns)],
            crate::TermKind::Nouns,
        );
        let got: Vec<_> = sums.iter().map(|t| (t.term.as_str(), t.count)).collect();
        assert_eq!(got, [("vind", 4), ("mølle", 2)]);
        let entities = sum_packed_terms(
            vec![("ens.dk".into(), pack_terms(&page, crate::TermKind::Entities))],
            crate::TermKind::Entities,
        );
        assert_eq!(entities[0].label.as_deref(), Some("LOC"));
        assert_eq!(entities[0].count, 3);
        assert_eq!(pack_terms(&page, crate::TermKind::Keywords), None);
    }

    #[test]
    fn packed_terms_sum_per_website() {
        let rows = vec![
            (
                "a.dk".to_owned(),
                Some("mette frederiksen\u{1f}PER\u{1f}2\u{1e}vestas\u{1f}ORG\u{1f}1".to_owned()),
            ),
            (
                "a.dk".to_owned(),
                Some("vestas\u{1f}ORG\u{1f}3\u{1e}broken".to_owned()),
            ),
            ("b.dk".to_owned(), None),
        ];
        let out = sum_packed_terms(rows, crate::TermKind::Entities);
        let got: Vec<(&str, &str, Option<&str>, i64)> = out
            .iter()
            .map(|c| (c.site.as_str(), c.term.as_str(), c.label.as_deref(), c.count))
            .collect();
        assert_eq!(
            got,
            [
                ("a.dk", "mette frederiksen", Some("PER"), 2),
                ("a.dk", "vestas", Some("ORG"), 4)
            ]
        );
        let nouns = sum_packed_terms(
            vec![("a.dk".into(), Some("vind\u{1f}2\u{1e}vind\u{1f}3".into()))],
            crate::TermKind::Nouns,
        );
        assert_eq!(nouns[0].count, 5);
    }
}

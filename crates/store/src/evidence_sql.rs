//! The [`EvidenceStore`](crate::EvidenceStore) implementation shared by both backends.

use serde_json::Value;
use sqlx::types::Json;

use crate::network_sql::{analysed_pages_subquery, placeholders};

#[derive(Debug, sqlx::FromRow)]
struct SearchEvidenceRow {
    id: crate::SearchResultId,
    session_id: crate::SearchSessionId,
    query: String,
    rank: i64,
    url: String,
    host: String,
    title: Option<String>,
    snippet: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct TermPageRow {
    page_id: crate::PageId,
    url: String,
    host: String,
    domain: String,
    title: Option<String>,
    count: i64,
    spans: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct LinkPageRow {
    page_id: crate::PageId,
    url: String,
    title: Option<String>,
    outlinks: Json<Value>,
    anchors: Option<Json<Value>>,
}

/// A page's outlink URLs and the anchor text of each. Both lists are stored in parallel;
/// an outlink entry that is not a URL drops with its anchor so the pairs stay aligned.
fn outlinks_with_anchors(outlinks: Value, anchors: Option<Value>) -> (Vec<String>, Vec<String>) {
    let anchors = anchors.map(crate::crawl_rows::anchor_texts).unwrap_or_default();
    let Value::Array(items) = outlinks else {
        return (Vec::new(), Vec::new());
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let url = crate::network_rows::outlink_url(v)?;
            Some((url, anchors.get(i).cloned().unwrap_or_default()))
        })
        .unzip()
}

/// The table, term column and whether it has a label, per kind of term.
fn term_table(kind: crate::TermKind) -> (&'static str, &'static str) {
    match kind {
        crate::TermKind::Nouns => ("page_nouns", "lemma"),
        crate::TermKind::Entities => ("page_entities", "normalized"),
        crate::TermKind::Keywords => ("page_keywords", "phrase"),
    }
}

#[async_trait::async_trait]
impl<B> crate::EvidenceStore for B
where
    B: crate::backend::SqlBackend + std::fmt::Debug + 'static,
    for<'c> &'c mut <B::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = B::Db>,
    <B::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<B::Db>,
    for<'q> &'q str: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
    for<'q> &'q str: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> Option<String>: sqlx::Decode<'q, B::Db>,
    for<'q> String: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i64: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> crate::ProjectId: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> crate::CrawlId: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> crate::PageId: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> crate::SearchResultId: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> crate::SearchSessionId: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> sqlx::types::Json<serde_json::Value>: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> Option<sqlx::types::Json<serde_json::Value>>: sqlx::Decode<'q, B::Db>,
    for<'q> usize: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
{
    async fn search_evidence(
        &self,
        project: crate::ProjectId,
        sessions: &[crate::SearchSessionId],
        domains: &[String],
    ) -> crate::StoreResult<Vec<crate::SearchEvidence>> {
        let sql = format!(
            "SELECT r.id, r.session_id, q.text AS query, CAST(r.rank AS BIGINT) AS rank, r.url, r.host, \
                r.title, r.snippet \
             FROM search_results r JOIN search_queries q ON q.id = r.query_id \
             JOIN search_sessions s ON s.id = r.session_id \
             WHERE s.project_id = $1 AND r.session_id IN ({}) AND r.domain IN ({}) AND r.excluded = FALSE \
             ORDER BY r.session_id, r.ordinal",
            placeholders(2, sessions.len()),
            placeholders(2 + sessions.len(), domains.len()),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in sessions {
            q = q.bind(*id);
        }
        for d in domains {
            q = q.bind(d.as_str());
        }
        let rows: Vec<SearchEvidenceRow> = q.fetch_all(self.sql_pool()).await?;
        Ok(rows
            .into_iter()
            .map(|r| crate::SearchEvidence {
                id: r.id,
                session_id: r.session_id,
                query: r.query,
                rank: r.rank,
                url: r.url,
                host: r.host,
                title: r.title,
                snippet: r.snippet,
            })
            .collect())
    }

    async fn term_pages(
        &self,
        project: crate::ProjectId,
        crawls: &[crate::CrawlId],
        term: crate::TermKey<'_>,
        domains: &[String],
        languages: &[String],
    ) -> crate::StoreResult<Vec<crate::TermPage>> {
        let (table, column) = term_table(term.kind);
        let mut next = 2 + crawls.len();
        let term_at = next;
        next += 1;
        let label_filter = match term.label {
            Some(_) => {
                next += 1;
                format!(" AND t.label = ${}", next - 1)
            }
            None => String::new(),
        };
        let domain_list = placeholders(next, domains.len());
        next += domains.len();
        let language_filter = if languages.is_empty() {
            String::new()
        } else {
            format!(" AND a.language IN ({})", placeholders(next, languages.len()))
        };
        let sql = format!(
            "SELECT p.id AS page_id, p.url, p.host, a.domain, p.title, CAST(t.count AS BIGINT) AS count, t.spans \
             FROM {table} t JOIN page_analyses a ON a.page_id = t.page_id JOIN pages p ON p.id = t.page_id \
             WHERE t.page_id IN ({pages}) AND t.{column} = ${term_at}{label_filter} \
                AND a.domain IN ({domain_list}){language_filter} \
             ORDER BY p.id",
            pages = analysed_pages_subquery(crawls.len()),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in crawls {
            q = q.bind(*id);
        }
        q = q.bind(term.term);
        if let Some(label) = term.label {
            q = q.bind(label);
        }
        for d in domains {
            q = q.bind(d.as_str());
        }
        for l in languages {
            q = q.bind(l.as_str());
        }
        let rows: Vec<TermPageRow> = q.fetch_all(self.sql_pool()).await?;
        Ok(rows
            .into_iter()
            .map(|r| crate::TermPage {
                page_id: r.page_id,
                url: r.url,
                host: r.host,
                domain: r.domain,
                title: r.title,
                count: r.count,
                spans: crate::analysis_model::decode_spans(r.spans.as_deref()),
            })
            .collect())
    }

    async fn link_pages(
        &self,
        project: crate::ProjectId,
        crawls: &[crate::CrawlId],
        domains: &[String],
    ) -> crate::StoreResult<Vec<crate::LinkPage>> {
        let sql = format!(
            "SELECT p.id AS page_id, p.url, p.title, p.outlinks, p.anchors FROM pages p WHERE p.id IN \
                (SELECT MAX(id) FROM pages WHERE project_id = $1 AND crawl_id IN ({}) \
                 AND error_reason IS NULL AND status_code BETWEEN 200 AND 299 GROUP BY url) \
                AND p.domain IN ({}) \
             ORDER BY p.id",
            placeholders(2, crawls.len()),
            placeholders(2 + crawls.len(), domains.len()),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in crawls {
            q = q.bind(*id);
        }
        for d in domains {
            q = q.bind(d.as_str());
        }
        let rows: Vec<LinkPageRow> = q.fetch_all(self.sql_pool()).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let (outlinks, anchors) = outlinks_with_anchors(r.outlinks.0, r.anchors.map(|a| a.0));
                crate::LinkPage {
                    page_id: r.page_id,
                    url: r.url,
                    title: r.title,
                    outlinks,
                    anchors,
                }
            })
            .collect())
    }

    async fn page_texts(
        &self,
        project: crate::ProjectId,
        pages: &[crate::PageId],
    ) -> crate::StoreResult<Vec<(crate::PageId, String)>> {
        let sql = format!(
            "SELECT id, text FROM pages WHERE project_id = $1 AND id IN ({}) ORDER BY id",
            placeholders(2, pages.len())
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(project);
        for id in pages {
            q = q.bind(*id);
        }
        let rows: Vec<(crate::PageId, Option<String>)> = q.fetch_all(self.sql_pool()).await?;
        Ok(rows
            .into_iter()
            .map(|(id, text)| (id, text.unwrap_or_default()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn anchors_stay_with_their_outlinks() {
        let (urls, anchors) = outlinks_with_anchors(
            json!(["https://a.dk/", 7, {"url": "https://b.dk/"}, "https://c.dk/"]),
            Some(json!(["A", "seven", "B"])),
        );
        assert_eq!(urls, ["https://a.dk/", "https://b.dk/", "https://c.dk/"]);
        assert_eq!(anchors, ["A", "B", ""]);
        let (urls, anchors) = outlinks_with_anchors(json!(["https://a.dk/"]), None);
        assert_eq!((urls.len(), anchors), (1, vec![String::new()]));
        assert_eq!(outlinks_with_anchors(json!({"not": "a list"}), None).0.len(), 0);
    }
}

//! SQLite bulk writes: multi-row `INSERT`s of up to [`ROWS_PER_INSERT`] rows
//! inside the caller's transaction. With no network between us and the database, larger
//! statements only save per-statement work; the limit keeps far below SQLite's 32,766
//! parameters.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::analysis_model::encode_spans;
use crate::network_sql::pack_terms;
use crate::rows::saturating_i32;
use crate::{NewFrontierUrl, NewSearchResult, PageTermsRecord, SqliteStore, StoreResult, TermKind};

/// 16 columns × 500 rows stays far below SQLite's 32,766 parameters.
const ROWS_PER_INSERT: usize = 500;

#[async_trait::async_trait]
impl crate::backend::BulkWrites for SqliteStore {
    type Db = Sqlite;

    async fn insert_search_results(
        tx: &mut Transaction<'_, Sqlite>,
        session_id: crate::SearchSessionId,
        query_id: crate::SearchQueryId,
        position: i32,
        results: &[NewSearchResult],
        raw_page_ids: &HashMap<i32, i64>,
        fetched_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        for chunk in results.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO search_results (session_id, query_id, ordinal, rank, page, url, normalized_url, \
                 host, domain, title, snippet, published, excluded, exclusion_reason, raw_page_id, \
                 fetched_at) ",
            );
            insert.push_values(chunk, |mut row, r| {
                row.push_bind(session_id)
                    .push_bind(query_id)
                    .push_bind(crate::search_sql::ordinal(position, r.rank))
                    .push_bind(r.rank)
                    .push_bind(r.page)
                    .push_bind(r.url.as_str())
                    .push_bind(r.normalized_url.as_str())
                    .push_bind(r.host.as_str())
                    .push_bind(r.domain.as_str())
                    .push_bind(r.title.as_deref())
                    .push_bind(r.snippet.as_deref())
                    .push_bind(r.published.as_deref())
                    .push_bind(r.excluded)
                    .push_bind(r.exclusion_reason.as_deref())
                    .push_bind(raw_page_ids.get(&r.page).copied())
                    .push_bind(fetched_at);
            });
            insert.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Adds URLs to a crawl's frontier; a URL already there is left as it is. Returns how
    /// many were new.
    async fn insert_frontier(
        tx: &mut Transaction<'_, Sqlite>,
        crawl_id: crate::CrawlId,
        urls: &[NewFrontierUrl],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut added = 0;
        for chunk in urls.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO crawl_frontier (crawl_id, url, site, depth, parent_url, state, reason, \
                 updated_at) ",
            );
            insert.push_values(chunk, |mut row, u| {
                let state = if u.skipped.is_some() { "skipped" } else { "queued" };
                row.push_bind(crawl_id)
                    .push_bind(u.url.as_str())
                    .push_bind(u.site.as_str())
                    .push_bind(u.depth)
                    .push_bind(u.parent_url.as_deref())
                    .push_bind(state)
                    .push_bind(u.skipped.as_deref())
                    .push_bind(now);
            });
            insert.push(" ON CONFLICT (crawl_id, url) DO NOTHING");
            added += insert.build().execute(&mut **tx).await?.rows_affected();
        }
        Ok(added)
    }

    /// Replaces the analyses of a batch of pages: their earlier analyses (and terms, by
    /// cascade) go, then multi-row statements write every page's rows.
    async fn replace_page_terms(
        tx: &mut Transaction<'_, Sqlite>,
        run: &crate::AnalysisRun,
        pages: &[PageTermsRecord],
        analyzed_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        for chunk in pages.chunks(ROWS_PER_INSERT) {
            let mut delete = QueryBuilder::new("DELETE FROM page_analyses WHERE page_id IN (");
            let mut ids = delete.separated(", ");
            for page in chunk {
                ids.push_bind(page.page_id);
            }
            delete.push(")");
            delete.build().execute(&mut **tx).await?;

            let mut insert = QueryBuilder::new(
                "INSERT INTO page_analyses (page_id, run_id, owner_id, project_id, crawl_id, domain, language, tokens, \
                 skipped, analyzed_at, packed, nouns_packed, entities_packed, keywords_packed) ",
            );
            insert.push_values(chunk, |mut row, p| {
                row.push_bind(p.page_id)
                    .push_bind(run.id)
                    .push_bind(run.owner_id)
                    .push_bind(run.project_id)
                    .push_bind(p.crawl_id)
                    .push_bind(p.domain.as_str())
                    .push_bind(p.language.as_deref())
                    .push_bind(saturating_i32(p.tokens))
                    .push_bind(p.skipped.as_deref())
                    .push_bind(analyzed_at)
                    .push_bind(true)
                    .push_bind(pack_terms(p, TermKind::Nouns))
                    .push_bind(pack_terms(p, TermKind::Entities))
                    .push_bind(pack_terms(p, TermKind::Keywords));
            });
            insert.build().execute(&mut **tx).await?;
        }

        let nouns: Vec<_> = pages
            .iter()
            .flat_map(|p| p.nouns.iter().map(move |n| (p.page_id, n)))
            .collect();
        for chunk in nouns.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new("INSERT INTO page_nouns (page_id, lemma, count, spans) ");
            insert.push_values(chunk, |mut row, (page, n)| {
                row.push_bind(*page)
                    .push_bind(n.lemma.as_str())
                    .push_bind(saturating_i32(n.count))
                    .push_bind(encode_spans(&n.spans));
            });
            insert.build().execute(&mut **tx).await?;
        }

        let entities: Vec<_> = pages
            .iter()
            .flat_map(|p| p.entities.iter().map(move |e| (p.page_id, e)))
            .collect();
        for chunk in entities.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO page_entities (page_id, normalized, label, surface, count, spans) ",
            );
            insert.push_values(chunk, |mut row, (page, e)| {
                row.push_bind(*page)
                    .push_bind(e.normalized.as_str())
                    .push_bind(e.label.as_str())
                    .push_bind(e.surface.as_str())
                    .push_bind(saturating_i32(e.count))
                    .push_bind(encode_spans(&e.spans));
            });
            insert.build().execute(&mut **tx).await?;
        }

        let keywords: Vec<_> = pages
            .iter()
            .flat_map(|p| p.keywords.iter().map(move |k| (p.page_id, k)))
            .collect();
        for chunk in keywords.chunks(ROWS_PER_INSERT) {
            let mut insert =
                QueryBuilder::new("INSERT INTO page_keywords (page_id, phrase, score, count, spans) ");
            insert.push_values(chunk, |mut row, (page, k)| {
                row.push_bind(*page)
                    .push_bind(k.phrase.as_str())
                    .push_bind(k.score)
                    .push_bind(saturating_i32(k.count))
                    .push_bind(encode_spans(&k.spans));
            });
            insert.build().execute(&mut **tx).await?;
        }
        Ok(())
    }
}

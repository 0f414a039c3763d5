//! PostgreSQL bulk writes: one `INSERT … SELECT FROM UNNEST(…)` per table and batch. Each
//! column travels as one array parameter, so a batch of any size is one statement with a
//! fixed text (prepared once per connection) instead of many multi-row `VALUES` texts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

use crate::analysis_model::encode_spans;
use crate::network_sql::pack_terms;
use crate::rows::saturating_i32;
use crate::{NewFrontierUrl, NewSearchResult, PageTermsRecord, PostgresStore, StoreResult, TermKind};

#[async_trait::async_trait]
impl crate::backend::BulkWrites for PostgresStore {
    type Db = Postgres;

    async fn insert_search_results(
        tx: &mut Transaction<'_, Postgres>,
        session_id: crate::SearchSessionId,
        query_id: crate::SearchQueryId,
        position: i32,
        results: &[NewSearchResult],
        raw_page_ids: &HashMap<i32, i64>,
        fetched_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if results.is_empty() {
            return Ok(());
        }
        let ordinal: Vec<i64> = results
            .iter()
            .map(|r| crate::search_sql::ordinal(position, r.rank))
            .collect();
        let rank: Vec<i32> = results.iter().map(|r| r.rank).collect();
        let page: Vec<i32> = results.iter().map(|r| r.page).collect();
        let url: Vec<&str> = results.iter().map(|r| r.url.as_str()).collect();
        let normalized: Vec<&str> = results.iter().map(|r| r.normalized_url.as_str()).collect();
        let host: Vec<&str> = results.iter().map(|r| r.host.as_str()).collect();
        let domain: Vec<&str> = results.iter().map(|r| r.domain.as_str()).collect();
        let title: Vec<Option<&str>> = results.iter().map(|r| r.title.as_deref()).collect();
        let snippet: Vec<Option<&str>> = results.iter().map(|r| r.snippet.as_deref()).collect();
        let published: Vec<Option<&str>> = results.iter().map(|r| r.published.as_deref()).collect();
        let excluded: Vec<bool> = results.iter().map(|r| r.excluded).collect();
        let reason: Vec<Option<&str>> = results.iter().map(|r| r.exclusion_reason.as_deref()).collect();
        let raw_page: Vec<Option<i64>> = results
            .iter()
            .map(|r| raw_page_ids.get(&r.page).copied())
            .collect();
        sqlx::query(
            "INSERT INTO search_results (session_id, query_id, ordinal, rank, page, url, normalized_url, \
             host, domain, title, snippet, published, excluded, exclusion_reason, raw_page_id, fetched_at) \
             SELECT $1, $2, r.*, $16 FROM UNNEST($3::int8[], $4::int4[], $5::int4[], $6::text[], $7::text[], \
             $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bool[], $14::text[], \
             $15::int8[]) AS r",
        )
        .bind(session_id)
        .bind(query_id)
        .bind(ordinal)
        .bind(rank)
        .bind(page)
        .bind(url)
        .bind(normalized)
        .bind(host)
        .bind(domain)
        .bind(title)
        .bind(snippet)
        .bind(published)
        .bind(excluded)
        .bind(reason)
        .bind(raw_page)
        .bind(fetched_at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Adds URLs to a crawl's frontier; a URL already there is left as it is. Returns how
    /// many were new.
    async fn insert_frontier(
        tx: &mut Transaction<'_, Postgres>,
        crawl_id: crate::CrawlId,
        urls: &[NewFrontierUrl],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        if urls.is_empty() {
            return Ok(0);
        }
        let url: Vec<&str> = urls.iter().map(|u| u.url.as_str()).collect();
        let site: Vec<&str> = urls.iter().map(|u| u.site.as_str()).collect();
        let depth: Vec<i32> = urls.iter().map(|u| u.depth).collect();
        let parent: Vec<Option<&str>> = urls.iter().map(|u| u.parent_url.as_deref()).collect();
        let state: Vec<&str> = urls
            .iter()
            .map(|u| if u.skipped.is_some() { "skipped" } else { "queued" })
            .collect();
        let reason: Vec<Option<&str>> = urls.iter().map(|u| u.skipped.as_deref()).collect();
        let added = sqlx::query(
            "INSERT INTO crawl_frontier (crawl_id, url, site, depth, parent_url, state, reason, updated_at) \
             SELECT $1, u.*, $8 FROM UNNEST($2::text[], $3::text[], $4::int4[], $5::text[], $6::text[], \
             $7::text[]) AS u ON CONFLICT (crawl_id, url) DO NOTHING",
        )
        .bind(crawl_id)
        .bind(url)
        .bind(site)
        .bind(depth)
        .bind(parent)
        .bind(state)
        .bind(reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(added.rows_affected())
    }

    /// Replaces the analyses of a batch of pages: their earlier analyses (and terms, by
    /// cascade) go, then one statement per table writes every page's rows.
    async fn replace_page_terms(
        tx: &mut Transaction<'_, Postgres>,
        run: &crate::AnalysisRun,
        pages: &[PageTermsRecord],
        analyzed_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if pages.is_empty() {
            return Ok(());
        }
        let page_id: Vec<i64> = pages.iter().map(|p| p.page_id.get()).collect();
        sqlx::query("DELETE FROM page_analyses WHERE page_id = ANY($1)")
            .bind(&page_id)
            .execute(&mut **tx)
            .await?;
        let crawl_id: Vec<i64> = pages.iter().map(|p| p.crawl_id.get()).collect();
        let domain: Vec<&str> = pages.iter().map(|p| p.domain.as_str()).collect();
        let language: Vec<Option<&str>> = pages.iter().map(|p| p.language.as_deref()).collect();
        let tokens: Vec<i32> = pages.iter().map(|p| saturating_i32(p.tokens)).collect();
        let skipped: Vec<Option<&str>> = pages.iter().map(|p| p.skipped.as_deref()).collect();
        let packed = |kind| -> Vec<Option<String>> { pages.iter().map(|p| pack_terms(p, kind)).collect() };
        sqlx::query(
            "INSERT INTO page_analyses (page_id, run_id, owner_id, project_id, crawl_id, domain, language, tokens, \
             skipped, analyzed_at, packed, nouns_packed, entities_packed, keywords_packed) \
             SELECT a.page_id, $2, $3, $13, a.crawl_id, a.domain, a.language, a.tokens, a.skipped, $9, \
             TRUE, a.nouns, a.entities, a.keywords \
             FROM UNNEST($1::int8[], $4::int8[], $5::text[], $6::text[], $7::int4[], $8::text[], \
             $10::text[], $11::text[], $12::text[]) \
             AS a (page_id, crawl_id, domain, language, tokens, skipped, nouns, entities, keywords)",
        )
        .bind(&page_id)
        .bind(run.id)
        .bind(run.owner_id)
        .bind(crawl_id)
        .bind(domain)
        .bind(language)
        .bind(tokens)
        .bind(skipped)
        .bind(analyzed_at)
        .bind(packed(TermKind::Nouns))
        .bind(packed(TermKind::Entities))
        .bind(packed(TermKind::Keywords))
        .bind(run.project_id)
        .execute(&mut **tx)
        .await?;

        let nouns = pages
            .iter()
            .flat_map(|p| p.nouns.iter().map(move |n| (p.page_id.get(), n)));
        let (noun_page, (lemma, (count, spans))): (Vec<i64>, (Vec<&str>, (Vec<i32>, Vec<Option<String>>))) =
            nouns
                .map(|(page, n)| {
                    (
                        page,
                        (
                            n.lemma.as_str(),
                            (saturating_i32(n.count), encode_spans(&n.spans)),
                        ),
                    )
                })
                .unzip();
        if !noun_page.is_empty() {
            sqlx::query(
                "INSERT INTO page_nouns (page_id, lemma, count, spans) \
                 SELECT * FROM UNNEST($1::int8[], $2::text[], $3::int4[], $4::text[])",
            )
            .bind(noun_page)
            .bind(lemma)
            .bind(count)
            .bind(spans)
            .execute(&mut **tx)
            .await?;
        }

        let entities: Vec<(i64, &crate::EntityTerm)> = pages
            .iter()
            .flat_map(|p| p.entities.iter().map(move |e| (p.page_id.get(), e)))
            .collect();
        if !entities.is_empty() {
            sqlx::query(
                "INSERT INTO page_entities (page_id, normalized, label, surface, count, spans) \
                 SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::text[])",
            )
            .bind(entities.iter().map(|(p, _)| *p).collect::<Vec<i64>>())
            .bind(
                entities
                    .iter()
                    .map(|(_, e)| e.normalized.as_str())
                    .collect::<Vec<&str>>(),
            )
            .bind(
                entities
                    .iter()
                    .map(|(_, e)| e.label.as_str())
                    .collect::<Vec<&str>>(),
            )
            .bind(
                entities
                    .iter()
                    .map(|(_, e)| e.surface.as_str())
                    .collect::<Vec<&str>>(),
            )
            .bind(
                entities
                    .iter()
                    .map(|(_, e)| saturating_i32(e.count))
                    .collect::<Vec<i32>>(),
            )
            .bind(
                entities
                    .iter()
                    .map(|(_, e)| encode_spans(&e.spans))
                    .collect::<Vec<Option<String>>>(),
            )
            .execute(&mut **tx)
            .await?;
        }

        let keywords: Vec<(i64, &crate::KeywordTerm)> = pages
            .iter()
            .flat_map(|p| p.keywords.iter().map(move |k| (p.page_id.get(), k)))
            .collect();
        if !keywords.is_empty() {
            sqlx::query(
                "INSERT INTO page_keywords (page_id, phrase, score, count, spans) \
                 SELECT * FROM UNNEST($1::int8[], $2::text[], $3::float8[], $4::int4[], $5::text[])",
            )
            .bind(keywords.iter().map(|(p, _)| *p).collect::<Vec<i64>>())
            .bind(
                keywords
                    .iter()
                    .map(|(_, k)| k.phrase.as_str())
                    .collect::<Vec<&str>>(),
            )
            .bind(keywords.iter().map(|(_, k)| k.score).collect::<Vec<f64>>())
            .bind(
                keywords
                    .iter()
                    .map(|(_, k)| saturating_i32(k.count))
                    .collect::<Vec<i32>>(),
            )
            .bind(
                keywords
                    .iter()
                    .map(|(_, k)| encode_spans(&k.spans))
                    .collect::<Vec<Option<String>>>(),
            )
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

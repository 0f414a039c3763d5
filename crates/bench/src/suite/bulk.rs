//! Bulk write rates through the store's own write paths (the ones the jobs use): search
//! results per query, crawled pages per batch, and analysed pages' terms per batch.

use std::time::Instant;

use serde_json::json;
use store::{
    EntityTerm, FrontierResult, FrontierState, KeywordTerm, NewAnalysis, NewCrawl, NewFrontierUrl, NewPage,
    NewSearchQuery, NewSearchSession, NewUser, NounTerm, PageTermsRecord, QueryOutcome, SearchStatus, Store,
    User,
};

use super::seed;
use super::{Check, Report, Target, bar};

pub async fn run(store: &dyn Store, report: &mut Report) -> anyhow::Result<()> {
    search_results(store, report).await?;
    pages_and_terms(store, report).await
}

async fn bench_user(store: &dyn Store, what: &str) -> anyhow::Result<User> {
    Ok(store
        .create_user(NewUser {
            username: format!("{what}{}", chrono::Utc::now().timestamp_millis()),
            password_hash: "not a password hash: this account cannot log in".into(),
            is_admin: false,
        })
        .await?)
}

fn rate_check(measure: String, rows: usize, secs: f64) -> Check {
    Check {
        measure,
        value: rows as f64 / secs,
        unit: "rows/s",
        brief: Target::above(1_000.0),
        ours: Target::above(100_000.0),
    }
}

/// Search results written through the search job's own write path (multi-row statements in
/// one transaction per query): 100 queries × 1,000 results.
async fn search_results(store: &dyn Store, report: &mut Report) -> anyhow::Result<()> {
    const QUERIES: usize = 100;
    const PER_QUERY: usize = 1_000;
    let progress = bar(QUERIES as u64, "database: bulk insert, queries written");
    let user = store
        .create_user(NewUser {
            username: format!("bulk{}", chrono::Utc::now().timestamp_millis()),
            password_hash: "not a password hash: this account cannot log in".into(),
            is_admin: false,
        })
        .await?;
    let session = store
        .create_search_session(NewSearchSession {
            owner_id: user.id,
            project_id: None,
            name: "bulk insert".into(),
            engine: "serper".into(),
            params: serde_json::json!({}),
            snapshot_of: None,
            queries: (0..QUERIES)
                .map(|q| NewSearchQuery {
                    text: format!("bulk {q}"),
                    params: serde_json::json!({}),
                })
                .collect(),
            manual_results: None,
        })
        .await?;
    let queries = store.search_queries(user.id, session.id).await?;
    let outcomes: Vec<QueryOutcome> = (0..queries.len())
        .map(|q| QueryOutcome {
            status: SearchStatus::Done,
            error: None,
            shortfall: None,
            requests: 1,
            raw_pages: vec![],
            results: seed::results(q, PER_QUERY),
        })
        .collect();
    let started = Instant::now();
    for (q, outcome) in queries.iter().zip(&outcomes) {
        store.finish_search_query(q.id, outcome).await?;
        progress.inc(1);
    }
    let secs = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    report.checks.push(Check {
        measure: format!("bulk insert, {} search results", QUERIES * PER_QUERY),
        value: (QUERIES * PER_QUERY) as f64 / secs,
        unit: "rows/s",
        brief: Target::above(1_000.0),
        ours: Target::above(100_000.0),
    });
    Ok(())
}

/// 2,000 crawled pages written as the crawl job writes them (batches of what finished,
/// with page, body and frontier update in one transaction), then their analyses as the
/// analysis job writes them (batches of 64 pages: 80 nouns, 12 entities, 12 keywords each).
async fn pages_and_terms(store: &dyn Store, report: &mut Report) -> anyhow::Result<()> {
    const PAGES: usize = 2_000;
    const PAGE_BATCH: u32 = 64;
    const NOUNS: usize = 80;
    const ENTITIES: usize = 12;
    const KEYWORDS: usize = 12;
    let user = bench_user(store, "bulkpages").await?;
    let crawl = store
        .create_crawl(NewCrawl {
            owner_id: user.id,
            project_id: None,
            name: "bulk pages".into(),
            config: json!({}),
            sources: json!({}),
            sessions: vec![],
            seeds: (0..PAGES)
                .map(|p| NewFrontierUrl {
                    url: format!("https://www.site{}.dk/article/{p}", p % 60),
                    site: format!("site{}.dk", p % 60),
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                })
                .collect(),
        })
        .await?;
    let text = "Vindmøller og solceller fylder mere i landskabet, og naboerne vil høres. ".repeat(40);

    let progress = bar(PAGES as u64, "database: bulk insert, pages written");
    let started = Instant::now();
    loop {
        let items = store.claim_frontier(crawl.id, PAGE_BATCH).await?;
        if items.is_empty() {
            break;
        }
        let results: Vec<FrontierResult> = items
            .iter()
            .map(|item| FrontierResult {
                state: FrontierState::Done,
                reason: None,
                page: Some(NewPage {
                    url: item.url.clone(),
                    final_url: Some(item.url.clone()),
                    host: format!("www.{}", item.site),
                    domain: item.site.clone(),
                    status_code: Some(200),
                    headers: json!({"content-type": "text/html; charset=utf-8"}),
                    title: Some(format!("Artikel {}", item.id)),
                    text: Some(text.clone()),
                    words: 480,
                    language: Some("da".into()),
                    language_confidence: Some(0.99),
                    ..NewPage::default()
                }),
                body: None,
                links: vec![],
            })
            .collect();
        let batch: Vec<_> = items.iter().zip(results.iter()).collect();
        store
            .finish_frontier_batch(store.default_project(user.id).await?, &batch)
            .await?;
        progress.inc(items.len() as u64);
    }
    let secs = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    report.checks.push(rate_check(
        format!("bulk insert, {PAGES} crawled pages (3 KB of text each, full-text indexed)"),
        PAGES,
        secs,
    ));

    let run = store
        .create_analysis(NewAnalysis {
            owner_id: user.id,
            project_id: None,
            scope: store::AnalysisScope::Crawl(crawl.id),
            options: json!({}),
        })
        .await?;
    let progress = bar(PAGES as u64, "database: bulk insert, page analyses written");
    let mut rows = 0;
    let mut elapsed = 0.0;
    let mut after = None;
    loop {
        let pages = store.pages_to_analyze(&run, after, PAGE_BATCH).await?;
        let Some(last) = pages.last() else { break };
        after = Some(last.id);
        let records: Vec<PageTermsRecord> = pages
            .iter()
            .map(|p| PageTermsRecord {
                page_id: p.id,
                crawl_id: crawl.id,
                domain: p.domain.clone(),
                language: p.language.clone(),
                tokens: 480,
                skipped: None,
                nouns: (0..NOUNS)
                    .map(|n| NounTerm {
                        lemma: format!("navneord{}", (n * 37 + p.id.get() as usize) % 5_000),
                        count: 1 + (n % 4) as i64,
                        spans: (0..=(n % 3) as u32)
                            .map(|i| [n as u32 * 40 + i * 9, n as u32 * 40 + i * 9 + 8])
                            .collect(),
                    })
                    .collect(),
                entities: (0..ENTITIES)
                    .map(|e| EntityTerm {
                        normalized: format!("person {e}"),
                        label: "PER".into(),
                        surface: format!("Person {e}"),
                        count: 1,
                        spans: vec![[e as u32 * 60, e as u32 * 60 + 8]],
                    })
                    .collect(),
                keywords: (0..KEYWORDS)
                    .map(|k| KeywordTerm {
                        phrase: format!("nøgleord {k}"),
                        score: 1.0 / (k + 1) as f64,
                        count: 1,
                        spans: vec![[k as u32 * 70, k as u32 * 70 + 10]],
                    })
                    .collect(),
            })
            .collect();
        // One row per page analysis plus its terms.
        rows += records.len() * (1 + NOUNS + ENTITIES + KEYWORDS);
        let started = Instant::now();
        store.write_page_terms(&run, &records).await?;
        elapsed += started.elapsed().as_secs_f64();
        progress.inc(records.len() as u64);
    }
    progress.finish_and_clear();
    report.checks.push(rate_check(
        format!("bulk insert, {rows} page terms (nouns, entities, keywords)"),
        rows,
        elapsed,
    ));
    Ok(())
}

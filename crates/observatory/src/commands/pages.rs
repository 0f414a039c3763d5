//! `observatory pages`: full-text search over a user's pages, and a job's pages exported
//! as JSON Lines or CSV with a progress bar.

use std::io::Write;

use anyhow::Context;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use store::{PageFilter, PageSearch, Store, TextQuery};

use crate::cli::{PagesAction, PagesArgs};
use crate::settings::Settings;
use crate::startup::open_store;

pub async fn run(settings: &Settings, args: &PagesArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let result = pages(args, store.clone()).await;
    store.close().await;
    result
}

async fn pages(args: &PagesArgs, store: std::sync::Arc<dyn Store>) -> anyhow::Result<()> {
    let name = args
        .as_user
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("say whose pages these are with --as USER"))?;
    let user = crate::commands::active_user(store.as_ref(), name).await?;
    match &args.action {
        PagesAction::Search {
            query,
            job,
            session,
            domain,
            language,
            limit,
            json,
        } => {
            if !(1..=500).contains(limit) {
                anyhow::bail!("--limit must be between 1 and 500");
            }
            let query = TextQuery::parse(query).map_err(|e| anyhow::anyhow!("the query {e}"))?;
            let search = PageSearch {
                query,
                crawl: *job,
                session: *session,
                domain: domain.as_deref().map(|d| d.trim().to_ascii_lowercase()),
                language: language.as_deref().map(|l| l.trim().to_ascii_lowercase()),
            };
            let hits = store.search_pages(user.id, &search, None, *limit).await?;
            let mut out = std::io::stdout().lock();
            for hit in &hits {
                if *json {
                    writeln!(out, "{}", serde_json::to_string(hit)?)?;
                } else {
                    writeln!(
                        out,
                        "{:>8.3}  page {:<6} job {:<4} {}\n          {}\n          {}",
                        hit.score,
                        hit.id,
                        hit.crawl_id,
                        hit.url,
                        hit.title.as_deref().unwrap_or("(no title)"),
                        terminal_snippet(&hit.snippet),
                    )?;
                }
            }
            if !*json {
                eprintln!("{} hit(s)", hits.len());
            }
            Ok(())
        }
        PagesAction::Export {
            job,
            format,
            out,
            failed,
            domain,
            language,
        } => {
            let crawl = store
                .crawl(user.id, *job)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no scraping job {job} belongs to {}", user.username))?;
            let filter = PageFilter {
                failed: *failed,
                domain: domain.as_deref().map(|d| d.trim().to_ascii_lowercase()),
                language: language.as_deref().map(|l| l.trim().to_ascii_lowercase()),
            };
            let counts = store.frontier_counts(crawl.project_id, crawl.id).await?;
            let stored: i64 = counts
                .iter()
                .filter(|c| matches!(c.state, store::FrontierState::Done | store::FrontierState::Failed))
                .map(|c| c.count)
                .sum();
            let mut sink: Box<dyn Write> = match out {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let bar = ProgressBar::new(u64::try_from(stored).unwrap_or(0));
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} pages")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let mut written = 0usize;
            let mut chunks = crawl::export::stream(store.clone(), user.id, crawl.id, filter, *format);
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk?;
                sink.write_all(&chunk.bytes)?;
                written += chunk.pages;
                bar.inc(chunk.pages as u64);
            }
            sink.flush()?;
            bar.finish_and_clear();
            match out {
                Some(path) => eprintln!("{written} page(s) of job {job} written to {}", path.display()),
                None => eprintln!("{written} page(s) of job {job} exported"),
            }
            Ok(())
        }
    }
}

/// The API's HTML snippet for a terminal: matches in bold, entities decoded.
fn terminal_snippet(html: &str) -> String {
    html.replace("<mark>", "\u{1b}[1m")
        .replace("</mark>", "\u{1b}[0m")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

//! `observatory crawl`: a scraping job from the terminal, with a progress bar and a summary.

use anyhow::Context;
use contract::ServiceError;
use crawl::service::CrawlRequest;
use crawl::{CrawlConfig, SiteScope};
use store::{Queue, Store, UserId};

use crate::cli::CrawlArgs;
use crate::commands::follow_job;
use crate::settings::Settings;
use crate::startup::{job_registry, open_store};

pub async fn run(settings: &Settings, args: &CrawlArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let result = crawl(settings, args, store.as_ref(), store.clone()).await;
    store.close().await;
    result
}

fn service_error(e: ServiceError) -> anyhow::Error {
    super::service_error(super::Subject::new("the scraping job", "no such scraping job"), e)
}

async fn crawl(
    settings: &Settings,
    args: &CrawlArgs,
    store: &dyn Store,
    shared: std::sync::Arc<dyn Store>,
) -> anyhow::Result<()> {
    let user = crate::commands::active_user(store, &args.as_user).await?;
    let (registry, _) = job_registry(settings)?;
    let crawl = match args.resume {
        Some(id) => crawl::service::resume_crawl(store, &registry, user.id, id)
            .await
            .map_err(service_error)?,
        None => {
            let mut urls = args.urls.clone();
            if let Some(path) = &args.urls_file {
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                urls.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                );
            }
            let config = CrawlConfig {
                depth: args.depth,
                max_pages_per_site: args.max_pages_per_site,
                max_pages: args.max_pages,
                scope: if args.host_scope {
                    SiteScope::Host
                } else {
                    SiteScope::Domain
                },
                include_domains: args.include_domains.clone(),
                exclude_domains: args.exclude_domains.clone(),
                recollect: args.recollect,
                delay_secs: args.delay,
                render: args.render,
                render_min_words: args.render_min_words,
                ..CrawlConfig::default()
            };
            let request = CrawlRequest {
                project_id: args.project,
                name: args
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("crawl {}", chrono::Utc::now().format("%Y-%m-%d %H:%M"))),
                session_ids: args.sessions.clone(),
                urls,
                config: Some(serde_json::to_value(&config)?),
            };
            crawl::service::create_crawl(store, &registry, user.id, &request)
                .await
                .map_err(service_error)?
        }
    };
    let job_id = crawl.job_id.context("the scraping job was not queued")?;
    let mut options = settings.worker_options();
    options.queues = vec![Queue::Crawl];
    options.concurrency = 1;
    options.cache = crate::startup::worker_cache(settings).await?;
    let workers = jobs::start_workers(shared, registry, options);
    let followed = follow_job(store, user.id, job_id).await;
    workers.shutdown().await;
    let job = followed?;
    summary(store, user.id, crawl.id).await?;
    if job.status != store::JobStatus::Succeeded {
        anyhow::bail!(
            "scraping job {} ended {}: {}",
            crawl.id,
            job.status.as_str(),
            job.error.unwrap_or_default()
        );
    }
    Ok(())
}

async fn summary(store: &dyn Store, owner: UserId, id: store::CrawlId) -> anyhow::Result<()> {
    let (crawl, c) = crawl::service::crawl_with_counters(store, owner, id)
        .await
        .map_err(service_error)?;
    println!(
        "scraping job {} “{}”: {}",
        crawl.id,
        crawl.name,
        crawl.status.as_str()
    );
    println!(
        "fetched {} ({} reused), failed {}, skipped {}, left {}",
        c.fetched,
        c.reused,
        c.failed,
        c.skipped,
        c.queued + c.fetching
    );
    for (reason, n) in &c.skipped_by_reason {
        println!("  skipped {reason}: {n}");
    }
    for (reason, n) in &c.failed_by_reason {
        println!("  failed {reason}: {n}");
    }
    let languages = store.page_languages(owner, id).await?;
    let pages: i64 = languages.iter().map(|l| l.pages).sum();
    let words: i64 = languages.iter().map(|l| l.words).sum();
    let by_language: Vec<String> = languages
        .iter()
        .map(|l| format!("{} {}", l.language.as_deref().unwrap_or("?"), l.pages))
        .collect();
    println!(
        "{pages} pages with text, {words} words; languages: {}",
        by_language.join(", ")
    );
    Ok(())
}

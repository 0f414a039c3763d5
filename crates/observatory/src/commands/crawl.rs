//! `observatory crawl`: a scraping job from the terminal, with a progress bar and a summary.

use anyhow::Context;
use crawl::service::{CrawlRequest, CrawlServiceError};
use crawl::{CrawlConfig, SiteScope};
use store::{PageFilter, PageRequest, Queue, Store, UserId};

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

fn service_error(e: CrawlServiceError) -> anyhow::Error {
    match e {
        CrawlServiceError::Invalid(issues) => crate::commands::search::invalid("the scraping job", &issues),
        CrawlServiceError::NotFound => anyhow::anyhow!("no such scraping job"),
        other => other.into(),
    }
}

async fn crawl(
    settings: &Settings,
    args: &CrawlArgs,
    store: &dyn Store,
    shared: std::sync::Arc<dyn Store>,
) -> anyhow::Result<()> {
    let name = web::auth::normalize_username(&args.as_user).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = store
        .credentials(&name)
        .await?
        .map(|c| c.user)
        .filter(|u| !u.disabled)
        .ok_or_else(|| anyhow::anyhow!("`{name}` is not an active user"))?;
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
                ..CrawlConfig::default()
            };
            let request = CrawlRequest {
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

async fn summary(store: &dyn Store, owner: UserId, id: i64) -> anyhow::Result<()> {
    let crawl = crawl::service::current_crawl(store, owner, id)
        .await
        .map_err(service_error)?;
    let c = crawl::service::counters(&store.frontier_counts(owner, id).await?);
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
    let pages = store
        .list_pages(
            owner,
            id,
            &PageFilter {
                failed: Some(false),
                ..PageFilter::default()
            },
            PageRequest {
                after: None,
                limit: 100_000,
            },
        )
        .await?;
    let words: i64 = pages.iter().map(|p| i64::from(p.words)).sum();
    let mut languages = std::collections::BTreeMap::new();
    for p in &pages {
        *languages
            .entry(p.language.clone().unwrap_or_else(|| "?".into()))
            .or_insert(0) += 1;
    }
    println!(
        "{} pages with text, {words} words; languages: {languages:?}",
        pages.len()
    );
    Ok(())
}

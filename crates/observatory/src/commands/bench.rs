//! `observatory bench`: hands each workload to the benchmark harness (the `bench` crate).

use crate::cli::BenchCommand;
use crate::settings::Settings;

pub async fn run(settings: &Settings, command: &BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Crawl {
            pages,
            database_url,
            workers: None,
            ..
        } => bench::crawl::run(settings, pages.unwrap_or(10_000), database_url.as_deref())
            .await
            .map(drop),
        BenchCommand::Crawl {
            pages,
            database_url,
            workers: Some(workers),
            latency_ms,
            page_kb,
            sites,
            concurrency,
        } => bench::crawl_workers::run(
            settings,
            &bench::crawl_workers::ScaleOut {
                workers: *workers,
                latency_ms: *latency_ms,
                page_kb: *page_kb,
                sites: *sites,
                pages: pages.unwrap_or(3_000),
                concurrency: *concurrency,
                database_url: database_url.clone(),
            },
        )
        .await
        .map(drop),
        BenchCommand::Nlp { data, rounds } => bench::nlp::run(data, *rounds).map(drop),
        BenchCommand::Graph {
            database_url,
            no_large,
        } => bench::graph::run(settings, database_url.as_deref(), *no_large).await,
    }
}

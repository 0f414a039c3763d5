//! `observatory bench`: hands each workload to the benchmark harness (the `bench` crate).

use crate::cli::BenchCommand;
use crate::settings::Settings;

pub async fn run(settings: &Settings, command: &BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Crawl { pages, database_url } => {
            bench::crawl::run(settings, *pages, database_url.as_deref())
                .await
                .map(drop)
        }
        BenchCommand::Nlp { data, rounds } => bench::nlp::run(data, *rounds).map(drop),
        BenchCommand::Graph {
            database_url,
            no_large,
        } => bench::graph::run(settings, database_url.as_deref(), *no_large).await,
    }
}

#![forbid(unsafe_code)]

use clap::Parser;
use observatory::cli::{Cli, Command};
use observatory::commands;
use observatory::settings::Settings;
use tracing_subscriber::EnvFilter;

fn init_logging(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config.as_deref())?;
    let prints_a_report = matches!(cli.command, Command::Demo(_) | Command::Bench(_));
    if prints_a_report && settings.log.filter == Settings::default().log.filter {
        // These print their own progress and summary; per-job log lines would bury them.
        settings.log.filter = "warn,sqlx::query=error".into();
    }
    init_logging(&settings);
    match &cli.command {
        Command::Serve(args) => commands::serve::run(&settings, args).await,
        Command::Demo(args) => {
            commands::demo::run(
                &settings,
                commands::demo::DemoOptions {
                    out: args.out.clone(),
                    serve: !args.no_serve,
                    bind: args.bind.clone(),
                },
            )
            .await
        }
        Command::Worker(args) => commands::worker::run(&settings, args).await,
        Command::Migrate => {
            let store = observatory::startup::open_store(&settings).await?;
            store.close().await;
            println!(
                "migrations applied to {}",
                store::redact_url(&settings.database_url)
            );
            Ok(())
        }
        Command::Config => {
            print!("{}", settings.redacted_toml()?);
            Ok(())
        }
        Command::User(command) => commands::user::run(&settings, command).await,
        Command::Cleanup(args) => commands::cleanup::run(&settings, args).await,
        Command::Search(args) => commands::search::run(&settings, args).await,
        Command::Crawl(args) => commands::crawl::run(&settings, args).await,
        Command::Pages(args) => commands::pages::run(&settings, args).await,
        Command::Analyze(args) => commands::analyze::run(&settings, args).await,
        Command::Network(args) => commands::network::run(&settings, args).await,
        Command::Graph(command) => commands::graph::run(command),
        Command::Extract(args) => commands::extract::run(args),
        Command::Eval(command) => commands::eval::run(command),
        Command::Bench(args) => match &args.command {
            Some(command) => commands::bench::run(&settings, command).await,
            None => commands::bench_suite::run(&settings, &args.suite).await,
        },
        Command::Train(command) => commands::nlp::train(command),
        Command::Nlp(command) => commands::nlp::run(command),
    }
}

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
        // Colour only for a person at a terminal: a log file or journal keeps plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if settings.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Whether a failure is only the reader of our output having gone away (`… | head`).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// `print!` panics when standard output is a closed pipe (Rust ignores SIGPIPE); a command
/// whose reader stopped reading has nothing left to do, so it ends quietly instead.
fn exit_quietly_on_broken_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> std::process::ExitCode {
    exit_quietly_on_broken_stdout();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", error_report(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes, for a person: never a backtrace (anyhow's `{:?}` adds one
/// whenever `RUST_BACKTRACE` is set, which a researcher's shell may well have).
fn error_report(error: &anyhow::Error) -> String {
    let mut out = format!("Error: {error}\n");
    let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
    if !causes.is_empty() {
        out.push_str("\nCaused by:\n");
        for (i, cause) in causes.iter().enumerate() {
            out.push_str(&format!("    {i}: {cause}\n"));
        }
    }
    out
}

async fn run() -> anyhow::Result<()> {
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
                    allow_remote: args.allow_remote,
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
        Command::Project(args) => commands::project::run(&settings, args).await,
        Command::Graph(command) => commands::graph::run(command),
        Command::Extract(args) => commands::extract::run(args),
        Command::Eval(command) => commands::eval::run(command),
        Command::Bench(args) => match &args.command {
            Some(command) => commands::bench::run(&settings, command).await,
            None => bench::suite::run(&settings, &args.suite).await,
        },
        Command::Train(command) => commands::nlp::train(command),
        Command::Nlp(command) => commands::nlp::run(command),
    }
}

#[cfg(test)]
mod tests {
    use super::error_report;

    #[test]
    fn an_error_report_lists_its_causes_and_no_backtrace() {
        let error = anyhow::anyhow!("the file is not there")
            .context("reading observatory.toml")
            .context("loading the settings");
        let report = error_report(&error);
        assert_eq!(
            report,
            "Error: loading the settings\n\nCaused by:\n    0: reading observatory.toml\n    1: the file is not there\n"
        );
        assert_eq!(error_report(&anyhow::anyhow!("plain")), "Error: plain\n");
    }
}

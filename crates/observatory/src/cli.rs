use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use store::Queue;

/// Issue Observatory: from search queries to issue networks.
#[derive(Debug, Parser)]
#[command(name = "observatory", version, about, propagate_version = true)]
pub struct Cli {
    /// Configuration file (default: ./observatory.toml if present).
    #[arg(long, global = true, env = "OBSERVATORY_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web API (and, unless --no-workers, the background workers).
    Serve(ServeArgs),
    /// Run background workers only, for some or all queues.
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Print the effective configuration, secrets redacted.
    Config,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Remove expired sessions and old finished jobs now, showing progress.
    Cleanup(CleanupArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve the API only; run workers with `observatory worker` elsewhere.
    #[arg(long)]
    pub no_workers: bool,
    /// Demo mode: allows the built-in development secret key. Never for real data.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Queues to work on, comma-separated (default: all of search,crawl,analysis,network).
    #[arg(long, value_delimiter = ',')]
    pub queues: Vec<Queue>,
    /// Jobs run at once per queue.
    #[arg(long)]
    pub concurrency: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is prompted for, or read from stdin.
    Add {
        name: String,
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Disable a user and sign them out everywhere.
    Disable { name: String },
    /// Re-enable a disabled user.
    Enable { name: String },
    /// Set a new password for a user and sign them out everywhere.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// The administrator the job runs as.
    #[arg(long = "as", value_name = "ADMIN")]
    pub as_user: String,
    /// Keep finished jobs for this many days.
    #[arg(long, default_value_t = 90)]
    pub keep_days: u32,
}

//! `observatory bench` without a subcommand: the platform's own benchmark, in the spirit of
//! the brief's script but measured honestly. It drives a fresh embedded instance seeded as
//! the brief describes (or a running deployment with `--base-url`), and prints every
//! measure against the brief's target and against ours.

mod bulk;
mod load;
mod parts;
mod seed;

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use app::settings::Settings;

pub use seed::parse_duration;

#[derive(Debug, Args)]
pub struct SuiteArgs {
    /// Benchmark a running deployment instead of a fresh embedded instance (API parts only);
    /// authenticate with --token.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Bearer token for --base-url (its owner's quotas apply).
    #[arg(long, env = "OBSERVATORY_BENCH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Session id of the token's owner for detail routes with --base-url.
    #[arg(long)]
    pub session: Option<i64>,
    /// Concurrent users (connections) for the API parts.
    #[arg(long, default_value_t = 100)]
    pub users: usize,
    /// How long each load runs (30s, 2m, 500ms).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Embedded instance database (default: a throwaway SQLite file), e.g. postgres://…
    #[arg(long)]
    pub database_url: Option<String>,
    /// Per-endpoint latency and throughput.
    #[arg(long)]
    pub api: bool,
    /// A mixed workload at --users and at twice as many.
    #[arg(long)]
    pub concurrent: bool,
    /// Bulk insert rate through the store's write path.
    #[arg(long)]
    pub database: bool,
    /// Cache hit versus miss latency.
    #[arg(long)]
    pub cache: bool,
    /// Crawl + extract + store pages/s against the fixture web.
    #[arg(long)]
    pub crawl: bool,
    /// NLP tokens/s (needs the treebanks in --nlp-data).
    #[arg(long)]
    pub nlp: bool,
    /// A ~1,000-node network from stored analysis.
    #[arg(long)]
    pub network: bool,
    /// Every part (the default when none is chosen).
    #[arg(long)]
    pub all: bool,
    /// Pages for the crawl part.
    #[arg(long, default_value_t = 2_000)]
    pub crawl_pages: u32,
    #[arg(long, default_value = "../shared/data/nlp")]
    pub nlp_data: PathBuf,
    /// Also write the results as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

impl SuiteArgs {
    fn wants(&self, part: bool) -> bool {
        let none = !(self.api
            || self.concurrent
            || self.database
            || self.cache
            || self.crawl
            || self.nlp
            || self.network);
        self.all || none || part
    }
}

/// One measure checked against a target.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub measure: String,
    pub value: f64,
    pub unit: &'static str,
    pub brief: Option<Target>,
    pub ours: Option<Target>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Target {
    pub limit: f64,
    /// `true`: the value must be at most `limit`; `false`: at least.
    pub at_most: bool,
}

impl Target {
    pub const fn below(limit: f64) -> Option<Self> {
        Some(Self { limit, at_most: true })
    }

    pub const fn above(limit: f64) -> Option<Self> {
        Some(Self {
            limit,
            at_most: false,
        })
    }

    fn passes(&self, value: f64) -> bool {
        if value.is_nan() {
            return false;
        }
        if self.at_most {
            value < self.limit
        } else {
            value >= self.limit
        }
    }

    fn show(&self, unit: &str) -> String {
        format!(
            "{} {} {unit}",
            if self.at_most { "<" } else { "≥" },
            number(self.limit)
        )
    }
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "—".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub machine: Machine,
    pub users: usize,
    pub duration_secs: f64,
    pub backend: String,
    pub loads: Vec<load::LoadStats>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Default, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub os: String,
}

impl Machine {
    fn here() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find_map(|l| l.strip_prefix("model name"))
                    .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        Self {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            os: std::env::consts::OS.into(),
        }
    }
}

pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg} {pos}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

pub async fn run(settings: &Settings, args: &SuiteArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=10_000).contains(&args.users),
        "--users must be between 1 and 10000"
    );
    let mut report = Report {
        machine: Machine::here(),
        users: args.users,
        duration_secs: args.duration.as_secs_f64(),
        ..Report::default()
    };
    eprintln!(
        "machine: {} cores, {}; {} users, {:.0} s per load",
        report.machine.cores,
        report.machine.cpu,
        args.users,
        args.duration.as_secs_f64()
    );
    parts::run_all(settings, args, &mut report).await?;
    print_table(&report);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn print_table(report: &Report) {
    if !report.loads.is_empty() {
        println!(
            "\n{:<34} {:>6} {:>9} {:>10} {:>8} {:>8} {:>8} {:>7}",
            "load", "users", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"
        );
        for l in &report.loads {
            println!(
                "{:<34} {:>6} {:>9} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>7}",
                l.route, l.users, l.requests, l.requests_per_sec, l.p50_ms, l.p95_ms, l.p99_ms, l.errors
            );
        }
    }
    let width = report
        .checks
        .iter()
        .map(|c| c.measure.chars().count())
        .max()
        .unwrap_or(0)
        .max(52);
    println!(
        "\n{:<width$} {:>12} {:<9} {:<16} {:<16}",
        "measure", "value", "unit", "brief", "ours"
    );
    let verdict = |t: &Option<Target>, v: f64, unit: &str| match t {
        Some(t) => format!("{} {}", if t.passes(v) { "PASS" } else { "FAIL" }, t.show(unit)),
        None => "—".into(),
    };
    for c in &report.checks {
        println!(
            "{:<width$} {:>12} {:<9} {:<16} {:<16}",
            c.measure,
            number(c.value),
            c.unit,
            verdict(&c.brief, c.value, ""),
            verdict(&c.ours, c.value, ""),
        );
    }
}

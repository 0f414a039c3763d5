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
    /// Run a whole issue map on a built-in corpus with nothing to configure: search,
    /// crawl, analysis, networks and exports, then serve the API (unless --no-serve).
    Demo(DemoArgs),
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
    /// Run a search session with a progress bar, or list, show, re-run and compare sessions.
    Search(Box<SearchArgs>),
    /// Scrape the URLs of search sessions and/or a URL list, with a progress bar.
    Crawl(Box<CrawlArgs>),
    /// Analyse a scraping job's pages (nouns, entities, keywords) with a progress bar, then
    /// show its top terms by TF-IDF.
    Analyze(AnalyzeArgs),
    /// Search the text of your stored pages, or export a scraping job's pages.
    Pages(PagesArgs),
    /// Projects for research teams: list, create, show; add members with a role, change
    /// roles, remove; the audit trail.
    Project(crate::cli_project::ProjectArgs),
    /// Build networks (query–website, website–noun/entity/keyword, hyperlink) with
    /// backboning, communities and layout; list, show, download and delete them.
    Network(crate::cli_network::NetworkArgs),
    /// Network tools that work on plain files, such as backboning an edge list.
    #[command(subcommand)]
    Graph(crate::cli_network::GraphCommand),
    /// Extract the main text, title, language and links of one HTML document, as JSON.
    Extract(ExtractArgs),
    /// Measure quality against the shared evaluation sets.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Train the NLP models from the shared treebanks (deterministic: fixed seeds).
    #[command(subcommand)]
    Train(TrainCommand),
    /// Tag text with the NLP models: CoNLL-U out.
    #[command(subcommand)]
    Nlp(NlpCommand),
    /// Measure the platform: API latency and throughput, cache, bulk writes, crawl, NLP and
    /// networks against the brief's targets and ours; or one workload in detail.
    Bench(BenchArgs),
}

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// The UPOS tagger: en and da on train + dev (test held out), de on dev.
    Pos {
        #[arg(long)]
        lang: nlp::Lang,
        /// The shared data folder (holding ud/ and ner/).
        #[arg(long, default_value = "../shared/data/nlp")]
        data: PathBuf,
        /// Where to write `pos-<lang>.bin`.
        #[arg(long, default_value = "crates/nlp/models")]
        out: PathBuf,
        /// Train on train only (for measuring on dev).
        #[arg(long)]
        no_dev: bool,
    },
    /// The named-entity recognizer (en, da): UNER train (+ dev), Brown clusters for en.
    Ner {
        #[arg(long)]
        lang: nlp::Lang,
        #[arg(long, default_value = "../shared/data/nlp")]
        data: PathBuf,
        /// Where to write `ner-<lang>.bin`.
        #[arg(long, default_value = "crates/nlp/models")]
        out: PathBuf,
        #[arg(long)]
        no_dev: bool,
    },
    /// The lemmatizer: a lexicon learned from the treebank, spaCy's lookup tables (and the
    /// English rule tables), and learned suffix rules.
    Lemma {
        #[arg(long)]
        lang: nlp::Lang,
        #[arg(long, default_value = "../shared/data/nlp")]
        data: PathBuf,
        /// Where to write `lemma-<lang>.bin`.
        #[arg(long, default_value = "crates/nlp/models")]
        out: PathBuf,
        #[arg(long)]
        no_dev: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NlpCommand {
    /// A page's terms as JSON: noun lemmas, entities and keyword phrases with counts.
    Terms {
        /// en, da or de; or `auto` to identify it (among en, da, de).
        #[arg(long, default_value = "auto")]
        lang: String,
        /// Count proper nouns as nouns too.
        #[arg(long)]
        propn: bool,
        /// A text file, or `-` / nothing for standard input.
        file: Option<PathBuf>,
    },
    /// Tokenize and tag text (or pre-tokenized CoNLL-U) and print CoNLL-U.
    Tag {
        #[arg(long)]
        lang: nlp::Lang,
        /// The input is CoNLL-U: keep its tokens and sentences.
        #[arg(long)]
        conllu: bool,
        /// A text file, or `-` / nothing for standard input.
        file: Option<PathBuf>,
    },
}

/// With a subcommand: one workload in detail. Without: the platform benchmark, every part
/// checked against the brief's targets and ours (`--api`, `--concurrent`, … or `--all`).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    #[command(flatten)]
    pub suite: bench::SuiteArgs,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Model load time, tagging speed and full analysis speed (tokenize, tag, lemmatize,
    /// entities) on one core, over the running text of the test treebanks.
    Nlp {
        /// The shared data folder (holding ud/).
        #[arg(long, default_value = "../shared/data/nlp")]
        data: PathBuf,
        /// Passes over the text.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// A scraping job of N pages (depth 3, politeness off) against the in-process fixture
    /// web: pages/s end to end (robots, fetch, extract, language, zstd, store) and peak
    /// memory. Uses a throwaway SQLite database unless --database-url is given.
    ///
    /// With --workers N, the crawler as a shared service instead: one job fetched by 1, 2
    /// … N `observatory worker` processes in turn over a fixture web of --sites hosts with
    /// --latency-ms per response and --page-kb pages (pages/s and the speed-up), then one
    /// job with a 1 s delay over 40 hosts against its politeness budget.
    Crawl {
        /// Pages to store [default: 10000; 3000 with --workers].
        #[arg(long)]
        pages: Option<u32>,
        /// e.g. postgres://… (a database the benchmark may write to).
        #[arg(long)]
        database_url: Option<String>,
        /// Worker processes of the real binary (runs with 1 … N of them).
        #[arg(long)]
        workers: Option<usize>,
        /// With --workers: each response's latency, LOW-HIGH milliseconds.
        #[arg(long, default_value = "100-300", value_parser = parse_range::<u64>)]
        latency_ms: (u64, u64),
        /// With --workers: article page weight, LOW-HIGH KB.
        #[arg(long, default_value = "100-300", value_parser = parse_range::<usize>)]
        page_kb: (usize, usize),
        /// With --workers: fixture hosts of the scaling job.
        #[arg(long, default_value_t = 500)]
        sites: usize,
        /// With --workers: the job's requests in flight per worker process.
        #[arg(long, default_value_t = 32)]
        concurrency: u32,
    },
    /// Networks: a ~1,000-node website–noun network from stored analysis through the job
    /// system; 1,000 websites × 20,000 nouns (≈ 50k edges) built, backboned, clustered,
    /// laid out and written; and a 1M-edge network with peak memory. Synthetic, seeded data.
    Graph {
        /// e.g. postgres://… for the stored-analysis part (default: a throwaway SQLite).
        #[arg(long)]
        database_url: Option<String>,
        /// Skip the 1M-edge part.
        #[arg(long)]
        no_large: bool,
    },
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The page's address: resolves relative links and helps metadata.
    #[arg(long)]
    pub url: Option<String>,
    /// `best` (trafilatura, readability when it finds nothing), `trafilatura` or `readability`.
    #[arg(long, default_value = "best")]
    pub extractor: extract::Strategy,
    /// Languages to choose between (ISO 639-1), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub languages: Vec<String>,
    /// An HTML file (`.gz` accepted), or `-` / nothing for standard input.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Precision, recall, F1 and ms/page of main-text extraction on the trafilatura
    /// evaluation set (e.g. ../shared/data/extraction/trafilatura-eval).
    Extraction {
        dir: PathBuf,
        /// `best`, `trafilatura`, `readability`, or `all` to compare them.
        #[arg(long, default_value = "all")]
        extractor: String,
    },
    /// Tagging accuracy on the held-out test splits, against the quality floors; exits
    /// non-zero when a floor is missed.
    Nlp {
        /// The shared data folder (holding ud/ and ner/).
        #[arg(long, default_value = "../shared/data/nlp")]
        data: PathBuf,
        /// Evaluate the model files in this folder instead of the built-in ones.
        #[arg(long)]
        models: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve the API only; run workers with `observatory worker` elsewhere.
    #[arg(long)]
    pub no_workers: bool,
    /// Demo mode: allows the built-in development secret key and signs browsers on this
    /// machine in as `demo`. Never for real data. Serves loopback addresses only.
    #[arg(long)]
    pub demo: bool,
    /// With `--demo`: serve a non-loopback `bind` address anyway (others then need the
    /// demo password; only browsers on this machine are signed in).
    #[arg(long, requires = "demo")]
    pub allow_remote_demo: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Working directory for the database and the exported networks.
    #[arg(long, default_value = "observatory-demo")]
    pub out: PathBuf,
    /// Stop after the pipeline instead of serving the API.
    #[arg(long)]
    pub no_serve: bool,
    /// Where to serve the API afterwards (a loopback address unless `--allow-remote`).
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub bind: String,
    /// Serve a non-loopback `--bind` address anyway (others then need the demo password;
    /// only browsers on this machine are signed in).
    #[arg(long)]
    pub allow_remote: bool,
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
    /// Show a user's interface preferences as JSON, or change some of them.
    Preferences {
        name: String,
        /// A field and its new value, such as `theme=dark`, `page_size=50` or
        /// `default_engine=null`; repeat for several.
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
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

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The user the session belongs to.
    #[arg(long = "as", value_name = "USER", global = true)]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub action: Option<SearchAction>,
    #[command(flatten)]
    pub run: SearchRunArgs,
}

#[derive(Debug, Args)]
pub struct SearchRunArgs {
    /// The project it goes into (see `observatory project list`); by default your own.
    #[arg(long, value_name = "ID")]
    pub project: Option<store::ProjectId>,
    /// serper, serpapi, google_cse, brave, searxng, or manual (with --urls-file).
    #[arg(long)]
    pub engine: Option<search::EngineKind>,
    /// One query per line; a `.csv` file needs a `query` column and may add max_results,
    /// language, country, date_from, date_to per query.
    #[arg(long)]
    pub queries_file: Option<PathBuf>,
    /// One URL per line (engine `manual`).
    #[arg(long)]
    pub urls_file: Option<PathBuf>,
    /// Results per query, 1–200.
    #[arg(long, default_value_t = 10)]
    pub max_results: u32,
    #[arg(long)]
    pub name: Option<String>,
    /// ISO 639-1 language, e.g. da.
    #[arg(long)]
    pub language: Option<String>,
    /// ISO 3166-1 alpha-2 country, e.g. dk.
    #[arg(long)]
    pub country: Option<String>,
    /// Free-text location (Serper, SerpApi).
    #[arg(long)]
    pub location: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long)]
    pub date_from: Option<chrono::NaiveDate>,
    /// YYYY-MM-DD (default today when --date-from is given).
    #[arg(long)]
    pub date_to: Option<chrono::NaiveDate>,
    /// Keep only these top-level domains, comma-separated (e.g. .dk,.de).
    #[arg(long, value_delimiter = ',')]
    pub allowed_tlds: Vec<String>,
    /// Mark results from these domains excluded, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub exclude_domains: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SearchAction {
    /// The engines and whether they are configured.
    Engines,
    /// The sessions of your projects, newest first.
    List {
        /// Only this project's sessions.
        #[arg(long, value_name = "ID")]
        project: Option<store::ProjectId>,
    },
    /// A session's queries, counts and top domains.
    Show { id: store::SearchSessionId },
    /// Run a session again as a new snapshot, with a progress bar.
    Rerun { id: store::SearchSessionId },
    /// Compare two sessions: URL/domain Jaccard and RBO per shared query.
    Compare {
        a: store::SearchSessionId,
        b: store::SearchSessionId,
    },
    /// Delete a session and everything it holds.
    Delete { id: store::SearchSessionId },
}

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// The user the scraping job belongs to.
    #[arg(long = "as", value_name = "USER")]
    pub as_user: String,
    /// A search session whose unique URLs are seeds (repeatable).
    #[arg(long = "session")]
    pub sessions: Vec<store::SearchSessionId>,
    /// A seed URL (repeatable).
    #[arg(long = "url")]
    pub urls: Vec<String>,
    /// A file of seed URLs, one per line.
    #[arg(long)]
    pub urls_file: Option<PathBuf>,
    /// The project it goes into (see `observatory project list`); by default its search
    /// sessions' project, else your own.
    #[arg(long, value_name = "ID")]
    pub project: Option<store::ProjectId>,
    /// Continue a cancelled or failed scraping job instead of starting one.
    #[arg(long, conflicts_with_all = ["sessions", "urls", "urls_file"])]
    pub resume: Option<store::CrawlId>,
    #[arg(long)]
    pub name: Option<String>,
    /// 1 = the listed URLs; 2 = also pages they link to on the same site; 3 = keep following.
    #[arg(long, default_value_t = 1)]
    pub depth: u8,
    #[arg(long)]
    pub max_pages_per_site: Option<u32>,
    #[arg(long, default_value_t = 10_000)]
    pub max_pages: u32,
    /// Follow links within the same host rather than the same registrable domain.
    #[arg(long)]
    pub host_scope: bool,
    #[arg(long, value_delimiter = ',')]
    pub include_domains: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    pub exclude_domains: Vec<String>,
    /// Fetch again even what you fetched in the last 30 days.
    #[arg(long)]
    pub recollect: bool,
    /// Seconds between requests to one site (raised to robots Crawl-delay).
    #[arg(long, default_value_t = 1.0)]
    pub delay: f64,
    /// JavaScript rendering in headless Chromium: off, always, or auto (pages whose static
    /// HTML yields fewer than --render-min-words words).
    #[arg(long, default_value = "off")]
    pub render: crawl::Rendering,
    #[arg(long, default_value_t = 50)]
    pub render_min_words: u32,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The user the scraping job belongs to.
    #[arg(long = "as", value_name = "USER")]
    pub as_user: String,
    /// The scraping job whose pages to analyse.
    #[arg(long, conflicts_with = "session")]
    pub job: Option<store::CrawlId>,
    /// Or: the pages of every scraping job started from this search session.
    #[arg(long)]
    pub session: Option<store::SearchSessionId>,
    /// Count proper nouns as nouns too.
    #[arg(long)]
    pub propn: bool,
    /// Top terms to show afterwards.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct PagesArgs {
    /// The user whose pages these are (required).
    #[arg(long = "as", value_name = "USER", global = true)]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub action: PagesAction,
}

#[derive(Debug, Subcommand)]
pub enum PagesAction {
    /// Full-text search, most relevant first: words must all appear; "exact phrase",
    /// prefix* and -excluded also work.
    Search {
        /// The query, quoted when it has several words (a leading `-word` is fine).
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// Only pages of this scraping job.
        #[arg(long)]
        job: Option<store::CrawlId>,
        /// Only pages of scraping jobs started from this search session.
        #[arg(long)]
        session: Option<store::SearchSessionId>,
        #[arg(long)]
        domain: Option<String>,
        /// ISO 639-1, e.g. da.
        #[arg(long)]
        language: Option<String>,
        /// Hits to show, 1–500.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print JSON Lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write a scraping job's pages (text and metadata) as JSON Lines or CSV.
    Export {
        /// The scraping job.
        #[arg(long)]
        job: store::CrawlId,
        /// jsonl or csv.
        #[arg(long, default_value = "jsonl")]
        format: crawl::ExportFormat,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only failed (true) or only fetched (false) pages.
        #[arg(long)]
        failed: Option<bool>,
        #[arg(long)]
        domain: Option<String>,
        #[arg(long)]
        language: Option<String>,
    },
}

/// `LOW-HIGH` (or one number for both).
fn parse_range<T>(s: &str) -> Result<(T, T), String>
where
    T: std::str::FromStr + PartialOrd + Copy,
{
    let number = |part: &str| {
        part.trim()
            .parse::<T>()
            .map_err(|_| format!("`{part}` is not a whole number (expected LOW-HIGH, e.g. 100-300)"))
    };
    let (low, high) = match s.split_once('-') {
        Some((low, high)) => (number(low)?, number(high)?),
        None => {
            let n = number(s)?;
            (n, n)
        }
    };
    if low > high {
        return Err(format!("{s}: LOW must not be above HIGH"));
    }
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn ranges_are_low_dash_high() {
        assert_eq!(super::parse_range::<u64>("100-300"), Ok((100, 300)));
        assert_eq!(super::parse_range::<u64>(" 5 "), Ok((5, 5)));
        assert_eq!(super::parse_range::<usize>("0-0"), Ok((0, 0)));
        for bad in ["300-100", "a-b", "-5", "1-2-3", "", "100-"] {
            assert!(super::parse_range::<u64>(bad).is_err(), "{bad:?} accepted");
        }
    }
}

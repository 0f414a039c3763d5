//! Arguments of `observatory network` and `observatory graph`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// The user the network belongs to (required).
    #[arg(long = "as", value_name = "USER", global = true)]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub action: NetworkAction,
}

#[derive(Debug, Subcommand)]
pub enum NetworkAction {
    /// Build a network with a progress bar, print its statistics and communities, and
    /// write it to files (format from each --out's extension).
    Build(Box<BuildArgs>),
    /// The networks of your projects, newest first.
    List {
        /// Only this project's networks.
        #[arg(long, value_name = "ID")]
        project: Option<store::ProjectId>,
    },
    /// A network's parameters, statistics and backbone report.
    Show { id: store::NetworkId },
    /// Write a built network to a file (format from the extension, or --format).
    Download {
        id: store::NetworkId,
        #[arg(long)]
        out: PathBuf,
        /// gexf, graphml, csv (zip) or json; default from --out's extension.
        #[arg(long)]
        format: Option<String>,
        /// Colour nodes by type or community.
        #[arg(long, default_value = "type")]
        color: ColorArg,
    },
    /// Compare network A (before) with B (after), both of one type: a summary, then the
    /// nodes and edges added and removed, weight changes, community churn, the biggest risers
    /// and fallers (tab-separated), or everything as JSON.
    Compare {
        a: store::NetworkId,
        b: store::NetworkId,
        /// Entries per list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// The whole comparison as one JSON object.
        #[arg(long)]
        json: bool,
        /// Also write both networks as one GEXF: every node and edge with `change`
        /// (added, removed, kept), or with --dynamic one spell per network.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write --out as a dynamic GEXF (Gephi's timeline).
        #[arg(long, requires = "out")]
        dynamic: bool,
    },
    /// Why an edge (--source and --target) or a node (--node) is there: search results,
    /// the pages using a term with marked snippets ([[like this]]), linking pages with their
    /// anchors, shared neighbours, or a node's heaviest edges; one tab-separated line each
    /// (the heading and the next cursor go to stderr), or --json as the API answers.
    Evidence {
        id: store::NetworkId,
        #[arg(long, requires = "target", conflicts_with = "node")]
        source: Option<String>,
        #[arg(long, requires = "source", conflicts_with = "node")]
        target: Option<String>,
        #[arg(long)]
        node: Option<String>,
        /// Items per page (1–200).
        #[arg(long, default_value_t = networks::evidence::DEFAULT_LIMIT)]
        limit: usize,
        /// The cursor a previous page printed.
        #[arg(long)]
        cursor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete a network.
    Delete { id: store::NetworkId },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Type,
    Community,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BackboneArg {
    Disparity,
    NoiseCorrected,
    Threshold,
    Topk,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project it goes into; by default its scope's project (`--project` is the
    /// projection).
    #[arg(long, value_name = "ID")]
    pub in_project: Option<store::ProjectId>,
    /// query-website, website-noun, website-entity, website-keyword or hyperlink.
    #[arg(long = "type")]
    pub kind: networks::spec::NetworkType,
    /// A search session in the scope (repeatable).
    #[arg(long = "session")]
    pub sessions: Vec<store::SearchSessionId>,
    /// A scraping job in the scope (repeatable).
    #[arg(long = "job")]
    pub jobs: Vec<store::CrawlId>,
    #[arg(long)]
    pub name: Option<String>,
    /// What a website is: domain (the project's actors: registrable domains unless curated
    /// finer or merged), host or url.
    #[arg(long, default_value = "domain")]
    pub unit: String,
    /// Which websites: in (the project's IN websites) or all.
    #[arg(long, default_value = "in")]
    pub corpus: String,
    /// query-website weight: inverse_rank, exponential_decay, linear or hits.
    #[arg(long, default_value = "inverse_rank")]
    pub weight: String,
    /// Terms per website: a whole number, or a share in (0, 1).
    #[arg(long, default_value_t = 10.0)]
    pub top: f64,
    /// Websites a term must appear on.
    #[arg(long, default_value_t = 2)]
    pub min_df: u32,
    /// Largest share of websites a term may appear on.
    #[arg(long, default_value_t = 1.0)]
    pub max_df: f64,
    /// Count pages in this language only (repeatable: en, da, de).
    #[arg(long = "language")]
    pub languages: Vec<String>,
    /// Keep this entity type only (repeatable: PER, ORG, LOC, MISC).
    #[arg(long = "entity-type")]
    pub entity_types: Vec<String>,
    /// Hyperlinks to websites that were not crawled too.
    #[arg(long)]
    pub all_links: bool,
    /// Project onto one side: websites or terms.
    #[arg(long)]
    pub project: Option<String>,
    /// Projection weight: shared, cosine or jaccard.
    #[arg(long, default_value = "shared")]
    pub measure: String,
    #[arg(long)]
    pub backbone: Option<BackboneArg>,
    /// Disparity filter significance level.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Noise-corrected threshold in standard deviations.
    #[arg(long, default_value_t = 1.64)]
    pub delta: f64,
    /// Global weight threshold.
    #[arg(long, default_value_t = 0.0)]
    pub threshold: f64,
    /// Edges kept per node (top-k).
    #[arg(long, default_value_t = 3)]
    pub k: u32,
    /// Keep only the largest connected component.
    #[arg(long)]
    pub giant: bool,
    /// Keep nodes without edges.
    #[arg(long)]
    pub keep_isolates: bool,
    #[arg(long)]
    pub no_communities: bool,
    /// Louvain resolution.
    #[arg(long, default_value_t = 1.0)]
    pub resolution: f64,
    #[arg(long)]
    pub no_layout: bool,
    /// ForceAtlas2 iterations.
    #[arg(long, default_value_t = 100)]
    pub iterations: u32,
    /// ForceAtlas2 LinLog mode.
    #[arg(long)]
    pub linlog: bool,
    /// Seed for communities and layout.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output file (repeatable): .gexf, .graphml, .zip/.csv (nodes + edges) or .json.
    #[arg(long)]
    pub out: Vec<PathBuf>,
    /// Colour nodes by type or community in the files.
    #[arg(long, default_value = "type")]
    pub color: ColorArg,
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Backbone any weighted edge list (CSV with source,target,weight): the kept edges with
    /// the method's score column.
    Backbone(BackboneArgs),
}

#[derive(Debug, Args)]
pub struct BackboneArgs {
    #[arg(long)]
    pub method: BackboneArg,
    /// Disparity filter: keep edges with α below this.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Noise-corrected: keep edges whose score exceeds this many standard deviations.
    #[arg(long)]
    pub delta: Option<f64>,
    /// Threshold: keep edges with weight ≥ this.
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Top-k: keep each node's k heaviest edges.
    #[arg(long)]
    pub k: Option<u32>,
    /// The edge list (`-` for standard input).
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the result (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Treat edges as directed (source → target).
    #[arg(long)]
    pub directed: bool,
    /// Write every edge with a `kept` column instead of only the kept ones.
    #[arg(long)]
    pub all: bool,
}

//! `observatory project`: a team's shared projects, their members and their audit trail.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The user acting (required).
    #[arg(long = "as", value_name = "USER", global = true)]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub action: ProjectAction,
}

#[derive(Debug, Subcommand)]
pub enum ProjectAction {
    /// Your projects, newest first, with your role (tab-separated: id, role, members, name).
    List,
    /// Create a project; you become its owner. Prints its id.
    Create {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// A project's settings and members.
    Show { id: store::ProjectId },
    /// Add an existing user by name (owners only).
    Add {
        id: store::ProjectId,
        username: String,
        /// owner, editor or viewer.
        #[arg(long, default_value = "editor")]
        role: String,
    },
    /// Change a member's role (owners only).
    Role {
        id: store::ProjectId,
        username: String,
        /// owner, editor or viewer.
        role: String,
    },
    /// Remove a member (owners), or yourself to leave.
    Remove { id: store::ProjectId, username: String },
    /// Who did what in the project, newest first (tab-separated: time, user, action, subject).
    Activity {
        id: store::ProjectId,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Delete a project and everything in it (owners only).
    Delete { id: store::ProjectId },
    /// The project's websites (tab-separated: id, status, unit, actor, results, pages
    /// crawled, inlinks from IN websites, categories).
    Websites {
        id: store::ProjectId,
        /// in, out or undecided.
        #[arg(long)]
        status: Option<String>,
        /// search, crawl, link or curated.
        #[arg(long)]
        origin: Option<String>,
        /// Text in the unit or the name.
        #[arg(long)]
        q: Option<String>,
        /// `sector` or `sector:government`.
        #[arg(long)]
        category: Option<String>,
        /// results, inlinks, pages, unit, first_seen or last_seen.
        #[arg(long, default_value = "results")]
        sort: String,
        /// At most this many (all by default).
        #[arg(long)]
        limit: Option<usize>,
        /// One JSON object per line instead of columns.
        #[arg(long)]
        json: bool,
    },
    /// Prospection: undecided actors, most linked from IN websites first (tab-separated:
    /// id, inlinks, unit, linking IN websites, snippet).
    Prospects {
        id: store::ProjectId,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Curate websites (by unit or id): status, name, categories, merges. All or nothing.
    Curate {
        id: store::ProjectId,
        /// Units (`tv2.dk`, `nyheder.tv2.dk`, `tv2.dk/sport`) or website ids. A host or
        /// prefix the project does not have yet is added.
        #[arg(required = true)]
        websites: Vec<String>,
        /// in, out, undecided, or `default` for the project's default.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// `key=value` to set, `key=` to remove (repeatable).
        #[arg(long = "category", value_name = "KEY=VALUE")]
        categories: Vec<String>,
        /// Merge the websites into this one's actor (a unit or id).
        #[arg(long, value_name = "WEBSITE", conflicts_with = "unmerge")]
        merge_into: Option<String>,
        /// Make merged websites their own actors again.
        #[arg(long)]
        unmerge: bool,
    },
    /// The actor table as CSV on stdout, or `--import FILE` (`-` for stdin) to apply one.
    Table {
        id: store::ProjectId,
        #[arg(long, value_name = "FILE")]
        import: Option<std::path::PathBuf>,
    },
}

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
}

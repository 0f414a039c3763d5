//! One module per CLI command.

pub mod analyze;
pub mod bench;
pub mod cleanup;
pub mod crawl;
pub mod demo;
pub mod demo_curation;
pub mod demo_evidence;
pub mod demo_over_time;
pub mod eval;
pub mod extract;
pub mod graph;
pub mod network;
mod network_evidence;
pub mod nlp;
pub mod pages;
pub mod project;
pub mod project_websites;
pub mod search;
pub mod serve;
pub mod user;
pub mod worker;

pub use app::follow_job;

/// The account a command acts for: it must exist and be enabled.
pub(crate) async fn active_user(store: &dyn store::Store, name: &str) -> anyhow::Result<store::User> {
    let name =
        accounts::normalize_username(name).map_err(|e| service_error(Subject::new("the username", ""), e))?;
    store
        .credentials(&name)
        .await?
        .map(|c| c.user)
        .filter(|u| !u.disabled)
        .ok_or_else(|| {
            anyhow::anyhow!("`{name}` is not an active user (create one with `observatory user add`)")
        })
}

/// What a request was about, for the one mapping of service errors to messages.
pub(crate) struct Subject<'a> {
    /// `the scraping job`, as in "the scraping job is invalid".
    pub what: &'a str,
    /// What to say when it is not found (or not the caller's).
    pub not_found: String,
}

impl<'a> Subject<'a> {
    pub fn new(what: &'a str, not_found: impl Into<String>) -> Self {
        Self {
            what,
            not_found: not_found.into(),
        }
    }
}

/// The one mapping of the service contract onto what the command line says.
pub(crate) fn service_error(subject: Subject<'_>, e: contract::ServiceError) -> anyhow::Error {
    match e {
        contract::ServiceError::Invalid(issues) => invalid(subject.what, &issues),
        contract::ServiceError::NotFound => anyhow::anyhow!(subject.not_found),
        other => other.into(),
    }
}

/// Field-named issues as one readable error.
pub(crate) fn invalid(what: &str, issues: &[contract::FieldIssue]) -> anyhow::Error {
    let lines: Vec<String> = issues
        .iter()
        .map(|i| format!("  {}: {}", i.field, i.message))
        .collect();
    anyhow::anyhow!("{what} is invalid:\n{}", lines.join("\n"))
}

//! One module per CLI command.

pub mod analyze;
pub mod bench;
mod bench_graph;
pub mod bench_suite;
pub mod cleanup;
pub mod crawl;
pub mod demo;
pub mod eval;
pub mod extract;
pub mod graph;
pub mod network;
pub mod nlp;
pub mod pages;
mod progress;
pub mod search;
pub mod serve;
pub mod user;
pub mod worker;

pub use progress::follow_job;

/// The account a command acts for: it must exist and be enabled.
pub(crate) async fn active_user(store: &dyn store::Store, name: &str) -> anyhow::Result<store::User> {
    let name = web::auth::normalize_username(name).map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .credentials(&name)
        .await?
        .map(|c| c.user)
        .filter(|u| !u.disabled)
        .ok_or_else(|| {
            anyhow::anyhow!("`{name}` is not an active user (create one with `observatory user add`)")
        })
}

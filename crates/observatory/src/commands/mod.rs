//! One module per CLI command.

pub mod cleanup;
pub mod crawl;
pub mod eval;
pub mod extract;
mod progress;
pub mod search;
pub mod serve;
pub mod user;
pub mod worker;

pub use progress::follow_job;

//! One module per CLI command.

pub mod cleanup;
mod progress;
pub mod search;
pub mod serve;
pub mod user;
pub mod worker;

pub use progress::follow_job;

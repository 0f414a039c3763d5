//! The `observatory` binary's library half: settings, wiring and commands, so that
//! integration tests start exactly what `observatory serve` starts.
#![forbid(unsafe_code)]

pub mod cli;
pub mod cli_network;
pub mod cli_project;
pub mod commands;

pub use app::{settings, startup};

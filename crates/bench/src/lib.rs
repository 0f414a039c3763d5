//! The platform benchmark harness behind `observatory bench`: workloads measured end to end
//! on this machine, apart from the product's commands.
//!
//! - [`suite`]: `observatory bench` without a subcommand (API latency and throughput, a
//!   concurrent mix, bulk inserts, cache hits, crawl, NLP, networks), each part checked
//!   against the brief's targets and ours;
//! - [`crawl`], [`nlp`], [`graph`]: one workload in detail (`observatory bench crawl|nlp|graph`);
//! - [`crawl_workers`]: the crawler as a shared service, with worker processes of the real
//!   binary (`observatory bench crawl --workers N`).
//!
//! Numbers and the machine they were measured on go in `docs/benchmarks.md`.
#![forbid(unsafe_code)]

pub mod crawl;
pub mod crawl_workers;
pub mod graph;
pub mod nlp;
pub mod suite;

pub use suite::SuiteArgs;

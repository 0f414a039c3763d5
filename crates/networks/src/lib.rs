//! Networks as a platform capability: what a researcher asks for ([`spec`]), reading the
//! scope from the store ([`load`]), the `network` job that builds and refines the graph
//! ([`job`]), and the operations the API and the CLI share ([`service`], [`export`]).

#![forbid(unsafe_code)]

pub mod compare;
pub mod curated;
pub mod evidence;
pub mod export;
pub mod job;
pub mod load;
pub mod service;
pub mod spec;

pub use job::RunNetwork;

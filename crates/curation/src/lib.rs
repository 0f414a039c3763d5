//! A project's corpus as its researchers curate it, like Hyphe's web entities: which
//! websites are IN, OUT or still undecided, what counts as one actor (a registrable
//! domain, a host, a URL prefix, or several merged), and the categories that travel into
//! every network built from the corpus.
//!
//! [`actors`], [`catalogue`], [`rules`] and [`table`] are pure; [`service`] reads and
//! writes the store for the API and the CLI, and [`corpus`] is what crawls, analyses and
//! networks ask.

#![forbid(unsafe_code)]

pub mod actors;
pub mod catalogue;
pub mod corpus;
pub mod rules;
pub mod service;
pub mod table;

pub use catalogue::{Catalogue, Defaults, Origin, Resolved};
pub use corpus::{Corpus, CorpusChoice};

//! The analysis stage of the pipeline: a job on queue `analysis` turns a scraping job's
//! pages into stored terms (noun lemmas, entities, keywords) with our own NLP, and the
//! service ranks a scope's terms by TF-IDF over websites.
#![forbid(unsafe_code)]

pub mod job;
pub mod service;

pub use job::{AnalysisOptions, RunAnalysis};

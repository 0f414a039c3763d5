//! Search: engines behind one trait, the shared transport (retries, spacing, paging),
//! URL normalization and registrable domains (reused by crawling), search sessions as
//! background jobs, and snapshot comparison.
#![forbid(unsafe_code)]

pub mod client;
pub mod compare;
pub mod config;
pub mod engine;
pub mod engines;
pub mod urlnorm;

pub use client::{EngineClient, QueryRun, RankedHit, RawPage, RetryPolicy};
pub use config::{EngineInfo, EngineSettings, Engines, GoogleCseSettings, SearchSettings};
pub use engine::{Engine, EngineError, EngineKind, Hit, Limits, QueryParams, Unsupported};
pub mod csv_input;
pub mod job;
pub mod request;
pub mod service;

pub use job::RunSearchSession;
pub use request::{SessionParams, SessionRequest};
pub use service::Comparison;

//! Crawling: job configuration (`config`), site scope (`scope`), host gates shared by every
//! job and process (`gate`) and each run's politeness over them (`politeness`),
//! SSRF-guarded fetching with redirects, body caps and retries (`fetch`, `ssrf`),
//! robots.txt (`robots`), JavaScript rendering in Chromium (`render`), the `crawl` job over
//! the persistent frontier (`job`: fetch, extract within bounds, store, follow links), the
//! scraping-job service shared by the API and the CLI (`service`), and page exports as
//! JSON Lines or CSV (`export`).
#![forbid(unsafe_code)]

pub mod config;
pub mod export;
pub mod fetch;
pub mod gate;
pub mod job;
pub mod politeness;
pub mod render;
pub mod robots;
mod run;
pub mod scope;
pub mod service;
pub mod ssrf;
mod worklist;

pub use config::{CrawlConfig, Rendering, SiteScope};
pub use export::ExportFormat;
pub use fetch::{FetchConfig, FetchError, Fetched, Fetcher, user_agent};
pub use gate::{FailoverGate, HostGate, RedisGate, StoreGate, politeness_key};
pub use job::{CrawlerSettings, RedisTarget, RunCrawl};
pub use politeness::{HostFloor, Permit, Politeness, PolitenessWaits};
pub use render::{RenderError, Renderer};
pub use robots::{RobotsCache, RobotsDecision};
pub use ssrf::{AddressPolicy, is_public};

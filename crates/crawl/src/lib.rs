//! Crawling: job configuration, site scope, politeness, SSRF-guarded fetching with
//! redirects, body caps and retries, and robots.txt. (The persistent frontier and the
//! `crawl` job kind build on these.)
#![forbid(unsafe_code)]

pub mod config;
pub mod export;
pub mod fetch;
pub mod job;
pub mod politeness;
pub mod render;
pub mod robots;
pub mod scope;
pub mod service;
pub mod ssrf;

pub use config::{CrawlConfig, Rendering, SiteScope};
pub use export::ExportFormat;
pub use fetch::{FetchConfig, FetchError, Fetched, Fetcher, user_agent};
pub use job::{CrawlerSettings, RunCrawl};
pub use politeness::{Permit, Politeness};
pub use render::{RenderError, Renderer};
pub use robots::{RobotsCache, RobotsDecision};
pub use ssrf::{AddressPolicy, is_public};

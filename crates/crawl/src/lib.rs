//! Crawling: SSRF-guarded fetching with redirects, body caps and retries, and robots.txt.
#![forbid(unsafe_code)]

pub mod fetch;
pub mod robots;
pub mod ssrf;

pub use fetch::{FetchConfig, FetchError, Fetched, Fetcher, user_agent};
pub use robots::{RobotsCache, RobotsDecision};
pub use ssrf::{AddressPolicy, is_public};

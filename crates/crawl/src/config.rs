//! A scraping job's configuration, with the documented defaults and validation.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What counts as "the same site" when following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteScope {
    /// The registrable domain (`dr.dk` covers `www.dr.dk` and `nyheder.dr.dk`).
    #[default]
    Domain,
    /// The exact host.
    Host,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rendering {
    #[default]
    Off,
    Always,
    /// Render when the static HTML yields too little text.
    Auto,
}

impl std::str::FromStr for Rendering {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "off" => Ok(Rendering::Off),
            "always" => Ok(Rendering::Always),
            "auto" => Ok(Rendering::Auto),
            other => Err(format!("unknown rendering `{other}`: use off, always or auto")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrawlConfig {
    /// 1 = the listed URLs; 2 = also pages they link to within the site; 3 = keep following.
    pub depth: u8,
    /// Pages per site; default 10 at depth 2 and 200 at depth 3.
    pub max_pages_per_site: Option<u32>,
    /// Pages in the whole job.
    pub max_pages: u32,
    pub scope: SiteScope,
    /// Only follow links into these domains (empty = the seed's own site only).
    pub include_domains: Vec<String>,
    /// Never fetch these domains or their subdomains.
    pub exclude_domains: Vec<String>,
    /// Fetch again even if this user fetched the URL within `reuse_within_days`.
    pub recollect: bool,
    pub reuse_within_days: u32,
    pub robots: bool,
    /// Seconds between requests to one site (raised to the robots Crawl-delay).
    pub delay_secs: f64,
    pub per_site_concurrency: u32,
    pub global_concurrency: u32,
    pub timeout_secs: u64,
    pub retries: u32,
    pub max_body_bytes: u64,
    pub render: Rendering,
    /// With `render: auto`, pages whose static HTML yields fewer words are rendered.
    pub render_min_words: u32,
    /// `in`: seeds on the project's IN websites only [default]; `all`: every seed. Seeds
    /// left out are skipped as `curated_out` (an OUT website) or `not_in_corpus`.
    pub corpus: curation::CorpusChoice,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        Self {
            depth: 1,
            max_pages_per_site: None,
            max_pages: 10_000,
            scope: SiteScope::Domain,
            include_domains: Vec::new(),
            exclude_domains: Vec::new(),
            recollect: false,
            reuse_within_days: 30,
            robots: true,
            delay_secs: 1.0,
            per_site_concurrency: 1,
            global_concurrency: 32,
            timeout_secs: 20,
            retries: 2,
            max_body_bytes: 5 * 1024 * 1024,
            render: Rendering::Off,
            render_min_words: 50,
            corpus: curation::CorpusChoice::In,
        }
    }
}

/// A configuration problem, named by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub field: &'static str,
    pub message: String,
}

impl CrawlConfig {
    /// The per-site cap in force: the explicit one, else the depth's default.
    pub fn site_cap(&self) -> u32 {
        self.max_pages_per_site.unwrap_or(match self.depth {
            0 | 1 => u32::MAX,
            2 => 10,
            _ => 200,
        })
    }

    pub fn delay(&self) -> Duration {
        Duration::try_from_secs_f64(self.delay_secs).unwrap_or_default()
    }

    pub fn validate(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        let mut bad = |field, message: &str| {
            issues.push(ConfigIssue {
                field,
                message: message.to_owned(),
            })
        };
        if !(1..=3).contains(&self.depth) {
            bad("depth", "must be 1, 2 or 3");
        }
        if self.max_pages_per_site == Some(0) {
            bad("max_pages_per_site", "must be at least 1");
        }
        if !(1..=1_000_000).contains(&self.max_pages) {
            bad("max_pages", "must be between 1 and 1,000,000");
        }
        if !(0.0..=3600.0).contains(&self.delay_secs) || self.delay_secs.is_nan() {
            bad("delay_secs", "must be between 0 and 3600");
        }
        if !(1..=16).contains(&self.per_site_concurrency) {
            bad("per_site_concurrency", "must be between 1 and 16");
        }
        if !(1..=512).contains(&self.global_concurrency) {
            bad("global_concurrency", "must be between 1 and 512");
        }
        if !(1..=300).contains(&self.timeout_secs) {
            bad("timeout_secs", "must be between 1 and 300");
        }
        if self.retries > 10 {
            bad("retries", "must be at most 10");
        }
        if !(1024..=100 * 1024 * 1024).contains(&self.max_body_bytes) {
            bad("max_body_bytes", "must be between 1 KiB and 100 MiB");
        }
        if self.reuse_within_days > 3650 {
            bad("reuse_within_days", "must be at most 3650");
        }
        if self.render_min_words > 100_000 {
            bad("render_min_words", "must be at most 100000");
        }
        issues
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_issue_and_caps_follow_depth() {
        let c = CrawlConfig::default();
        assert!(c.validate().is_empty());
        assert_eq!(
            (c.depth, c.max_pages, c.robots, c.global_concurrency),
            (1, 10_000, true, 32)
        );
        assert_eq!(c.delay(), Duration::from_secs(1));
        assert_eq!(
            CrawlConfig {
                depth: 2,
                ..c.clone()
            }
            .site_cap(),
            10
        );
        assert_eq!(
            CrawlConfig {
                depth: 3,
                ..c.clone()
            }
            .site_cap(),
            200
        );
        assert_eq!(
            CrawlConfig {
                depth: 3,
                max_pages_per_site: Some(5),
                ..c
            }
            .site_cap(),
            5
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        let c = CrawlConfig {
            depth: 4,
            delay_secs: f64::NAN,
            global_concurrency: 0,
            render: Rendering::Auto,
            render_min_words: 1_000_000,
            ..CrawlConfig::default()
        };
        let fields: Vec<_> = c.validate().into_iter().map(|i| i.field).collect();
        assert_eq!(
            fields,
            vec!["depth", "delay_secs", "global_concurrency", "render_min_words"]
        );
        let parsed: Result<CrawlConfig, _> = serde_json::from_str(r#"{"depth": 2, "colour": 1}"#);
        assert!(parsed.is_err());
    }
}

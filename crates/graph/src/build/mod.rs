//! One module per network type. Each builder is a pure function from rows the store reads
//! to a [`Graph`](crate::Graph); adding a builder touches nothing else.

mod hyperlink;
mod projection;
mod query_website;
mod website_terms;

pub use hyperlink::{HyperlinkOptions, PageLinks, hyperlink};
pub use projection::{Measure, Side, project};
pub use query_website::{QueryWebsiteOptions, RankWeight, SearchHit, query_key, query_website};
pub use website_terms::{TermCount, TermKind, TermOptions, TopN, website_terms};

use serde::{Deserialize, Serialize};

/// What counts as one website.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebsiteUnit {
    /// The registrable domain (Public Suffix List): `www.dr.dk` and `nyheder.dr.dk` are `dr.dk`.
    #[default]
    Domain,
    Host,
    Url,
}

impl WebsiteUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            WebsiteUnit::Domain => "domain",
            WebsiteUnit::Host => "host",
            WebsiteUnit::Url => "url",
        }
    }
}

/// The id every builder gives a website node, so networks of one scope line up.
pub fn website_id(site: &str) -> String {
    format!("site:{site}")
}

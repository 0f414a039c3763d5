//! A network request: its type, scope and parameters, with defaults and validation.

use contract::FieldIssue;
use graph::backbone::Method;
use graph::build::{Measure, RankWeight, Side, TopN, WebsiteUnit};
use graph::layout::LayoutOptions;
use graph::stats::Filters;
use graph::{CommunityOptions, Refinement};
use serde::{Deserialize, Serialize};
use store::NetworkScope;

/// The network types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkType {
    /// Queries and the websites their results lead to (search sessions).
    QueryWebsite,
    /// Websites and the nouns they use (scraping jobs, analysed).
    WebsiteNoun,
    /// Websites and the named entities they mention.
    WebsiteEntity,
    /// Websites and their keyword phrases.
    WebsiteKeyword,
    /// Websites linking to websites (scraping jobs; directed).
    Hyperlink,
}

impl NetworkType {
    pub const ALL: [NetworkType; 5] = [
        NetworkType::QueryWebsite,
        NetworkType::WebsiteNoun,
        NetworkType::WebsiteEntity,
        NetworkType::WebsiteKeyword,
        NetworkType::Hyperlink,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NetworkType::QueryWebsite => "query-website",
            NetworkType::WebsiteNoun => "website-noun",
            NetworkType::WebsiteEntity => "website-entity",
            NetworkType::WebsiteKeyword => "website-keyword",
            NetworkType::Hyperlink => "hyperlink",
        }
    }

    pub fn is_bipartite(self) -> bool {
        !matches!(self, NetworkType::Hyperlink)
    }
}

impl std::str::FromStr for NetworkType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            let names: Vec<_> = Self::ALL.iter().map(|t| t.as_str()).collect();
            format!("unknown network type `{s}`: use one of {}", names.join(", "))
        })
    }
}

/// One side of a two-sided network, linked by what its nodes share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Projection {
    /// `websites` (linked by shared terms or queries) or `terms` (terms or queries linked
    /// by shared websites).
    #[schema(value_type = String)]
    pub onto: Side,
    /// `shared` (count), `cosine` or `jaccard` [shared].
    #[serde(default)]
    #[schema(value_type = String)]
    pub measure: Measure,
}

/// Every parameter, each with its default; unknown fields are refused by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkParams {
    /// `in`: only the project's IN websites [default]; `all`: every website, whatever its
    /// status.
    #[schema(value_type = String)]
    pub corpus: curation::CorpusChoice,
    /// `domain` [default]: the project's actors (a registrable domain unless the project
    /// refined it into hosts or URL prefixes, or merged several into one); `host` or `url`.
    #[schema(value_type = String)]
    pub website_unit: WebsiteUnit,
    /// query–website edge weight: `inverse_rank` [default], `exponential_decay`, `linear`, `hits`.
    #[schema(value_type = String)]
    pub weight: RankWeight,
    /// Terms kept per website: a whole number, or a share in (0, 1) [10].
    #[schema(value_type = f64)]
    pub top: TopN,
    /// Websites a term must appear on [2].
    pub min_df: u32,
    /// Largest share of websites a term may appear on [1.0].
    pub max_df_share: f64,
    /// Page languages counted (`en`, `da`, `de`); empty counts all.
    pub languages: Vec<String>,
    /// Entity types kept (PER, ORG, LOC, MISC); empty keeps all.
    pub entity_types: Vec<String>,
    /// Hyperlinks only between crawled websites [true].
    pub crawled_only: bool,
    pub projection: Option<Projection>,
    /// `{"method": "disparity", "alpha": 0.05}`, `noise_corrected` + `delta`,
    /// `threshold` + `threshold`, `top_k` + `k`; none by default.
    #[schema(value_type = Option<Object>)]
    pub backbone: Option<Method>,
    pub filters: Filters,
    pub communities: CommunityOptions,
    pub layout: LayoutOptions,
}

impl Default for NetworkParams {
    fn default() -> Self {
        let terms = graph::build::TermOptions::default();
        Self {
            corpus: curation::CorpusChoice::In,
            website_unit: WebsiteUnit::Domain,
            weight: RankWeight::InverseRank,
            top: terms.top,
            min_df: terms.min_df,
            max_df_share: terms.max_df_share,
            languages: Vec::new(),
            entity_types: Vec::new(),
            crawled_only: true,
            projection: None,
            backbone: None,
            filters: Filters {
                giant_component_only: false,
                drop_isolates: true,
            },
            communities: CommunityOptions::default(),
            layout: LayoutOptions::default(),
        }
    }
}

impl NetworkParams {
    pub fn term_options(&self) -> graph::build::TermOptions {
        graph::build::TermOptions {
            top: self.top,
            min_df: self.min_df,
            max_df_share: self.max_df_share,
            entity_types: self.entity_types.clone(),
        }
    }

    pub fn refinement(&self) -> Refinement {
        Refinement {
            backbone: self.backbone,
            filters: self.filters,
            communities: self.communities,
            layout: self.layout,
        }
    }
}

/// A request to build a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkRequest {
    /// The project the network goes into: by default its scope's project.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<store::ProjectId>,
    /// A name for the list [the type and the date].
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: NetworkType,
    pub scope: NetworkScope,
    #[serde(default)]
    pub params: NetworkParams,
}

/// At most this many sessions and scraping jobs in one scope.
pub const MAX_SCOPE: usize = 200;

impl NetworkRequest {
    /// Everything wrong with the request, by field.
    pub fn problems(&self) -> Vec<FieldIssue> {
        let mut out = Vec::new();
        let mut issue = |field: &str, message: &str| {
            out.push(FieldIssue {
                field: field.to_owned(),
                message: message.to_owned(),
            })
        };
        if let Some(name) = &self.name
            && (name.trim().is_empty() || name.chars().count() > 200)
        {
            issue("name", "must be 1 to 200 characters");
        }
        let scope = &self.scope;
        if scope.sessions.len() + scope.crawls.len() > MAX_SCOPE {
            issue("scope", "at most 200 search sessions and scraping jobs together");
        }
        match self.kind {
            NetworkType::QueryWebsite => {
                if scope.sessions.is_empty() {
                    issue(
                        "scope.sessions",
                        "a query–website network needs at least one search session",
                    );
                }
                if !scope.crawls.is_empty() {
                    issue(
                        "scope.crawls",
                        "a query–website network is built from search sessions only",
                    );
                }
            }
            _ => {
                if scope.sessions.is_empty() && scope.crawls.is_empty() {
                    issue("scope", "name at least one search session or scraping job");
                }
            }
        }
        let p = &self.params;
        if !p.top.is_valid() {
            issue(
                "params.top",
                "must be a whole number ≥ 1 or a share between 0 and 1",
            );
        }
        if !(p.max_df_share > 0.0 && p.max_df_share <= 1.0) {
            issue("params.max_df_share", "must be in (0, 1]");
        }
        for l in &p.languages {
            if !matches!(l.as_str(), "en" | "da" | "de") {
                issue("params.languages", "languages are en, da and de");
                break;
            }
        }
        for t in &p.entity_types {
            if !matches!(t.to_ascii_uppercase().as_str(), "PER" | "ORG" | "LOC" | "MISC") {
                issue("params.entity_types", "entity types are PER, ORG, LOC and MISC");
                break;
            }
        }
        if !p.entity_types.is_empty() && self.kind != NetworkType::WebsiteEntity {
            issue("params.entity_types", "only for website-entity networks");
        }
        if p.projection.is_some() && !self.kind.is_bipartite() {
            issue("params.projection", "only two-sided networks can be projected");
        }
        if let Some((field, message)) = p.backbone.as_ref().and_then(Method::problem) {
            issue(&format!("params.backbone.{field}"), message);
        }
        if !(p.communities.resolution.is_finite() && p.communities.resolution > 0.0) {
            issue("params.communities.resolution", "must be a number > 0");
        }
        for (field, message) in p.layout.problems() {
            issue(&format!("params.layout.{field}"), message);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_field_named_problems() {
        let r: NetworkRequest = serde_json::from_value(json!({
            "type": "website-noun",
            "scope": {"sessions": [1]}
        }))
        .unwrap();
        assert_eq!(r.params.top, TopN::Count(10));
        assert_eq!(r.params.min_df, 2);
        assert!(r.problems().is_empty());

        let r: NetworkRequest = serde_json::from_value(json!({
            "type": "query-website",
            "scope": {"crawls": [1]},
            "params": {"top": 0, "backbone": {"method": "disparity", "alpha": 2}, "layout": {"gravity": -1}}
        }))
        .unwrap();
        let fields: Vec<_> = r.problems().into_iter().map(|i| i.field).collect();
        assert_eq!(
            fields,
            [
                "scope.sessions",
                "scope.crawls",
                "params.top",
                "params.backbone.alpha",
                "params.layout.gravity"
            ]
        );

        let e = serde_json::from_value::<NetworkRequest>(json!({
            "type": "website-noun", "scope": {}, "params": {"topp": 3}
        }))
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `topp`"), "{e}");
        let r: NetworkRequest = serde_json::from_value(json!({
            "type": "website-noun", "scope": {"crawls": [2]}, "params": {"top": 0.25}
        }))
        .unwrap();
        assert_eq!(r.params.top, TopN::Share(0.25));
    }
}

//! What a researcher submits to start a session, and its validation into the parameters
//! each query runs with. Everything is checked before anything is stored; every problem is
//! reported with the field (or CSV line) it belongs to.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use contract::FieldIssue;
use serde::{Deserialize, Serialize};

use crate::config::Engines;
use crate::engine::{EngineKind, QueryParams};
use crate::urlnorm;

pub const MAX_RESULTS_LIMIT: u32 = 200;
pub const MAX_QUERIES: usize = 1_000;
pub const MAX_MANUAL_URLS: usize = 10_000;
const MAX_QUERY_CHARS: usize = 500;
const MAX_NAME_CHARS: usize = 200;

/// A new search session.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// The project the session goes into; the user's default project when omitted.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<store::ProjectId>,
    pub name: String,
    pub engine: EngineKind,
    /// One query per entry (not for `manual`).
    #[serde(default)]
    pub queries: Vec<String>,
    /// The URL list of a `manual` session.
    #[serde(default)]
    pub urls: Vec<String>,
    /// Results per query, 1–200.
    pub max_results: Option<u32>,
    /// ISO 639-1 language, e.g. `da`.
    pub language: Option<String>,
    /// ISO 3166-1 alpha-2 country, e.g. `dk`.
    pub country: Option<String>,
    /// Free-text location (Serper and SerpApi only).
    pub location: Option<String>,
    pub date_from: Option<NaiveDate>,
    /// Defaults to today when only `date_from` is given.
    pub date_to: Option<NaiveDate>,
    /// Keep only results whose host ends in one of these (`.dk`, `.de`); others are stored as excluded.
    #[serde(default)]
    pub allowed_tlds: Vec<String>,
    /// Results from these domains (and their subdomains) are stored as excluded.
    #[serde(default)]
    pub excluded_domains: Vec<String>,
}

/// Per-query overrides, as a CSV row gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOverrides {
    pub max_results: Option<u32>,
    pub language: Option<String>,
    pub country: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

/// A query and where it came from, so errors can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryInput {
    pub text: String,
    pub overrides: QueryOverrides,
    /// `queries[3]` or `file line 4`.
    pub origin: String,
}

/// Session-wide parameters as stored with the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionParams {
    pub max_results: u32,
    pub language: Option<String>,
    pub country: Option<String>,
    pub location: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub allowed_tlds: Vec<String>,
    pub excluded_domains: Vec<String>,
}

/// A request that passed validation.
#[derive(Debug, Clone)]
pub struct ValidSession {
    pub name: String,
    pub engine: EngineKind,
    pub params: SessionParams,
    pub queries: Vec<QueryParams>,
    /// For `manual`: the normalized URLs in the order given.
    pub urls: Vec<urlnorm::WebUrl>,
}

impl SessionRequest {
    /// The JSON `queries` as inputs without overrides.
    pub fn query_inputs(&self) -> Vec<QueryInput> {
        self.queries
            .iter()
            .enumerate()
            .map(|(i, q)| QueryInput {
                text: q.clone(),
                overrides: QueryOverrides::default(),
                origin: format!("queries[{i}]"),
            })
            .collect()
    }

    /// Checks everything and resolves defaults. `queries` replaces the JSON list when the
    /// queries came from a CSV file.
    pub fn validate(
        &self,
        engines: &Engines,
        queries: Vec<QueryInput>,
    ) -> Result<ValidSession, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            issues.push(FieldIssue::new("name", "must not be empty"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            issues.push(FieldIssue::new(
                "name",
                format!("must be at most {MAX_NAME_CHARS} characters"),
            ));
        }

        let max_results = match self.max_results {
            Some(n) => check_max_results("max_results", n, &mut issues),
            None if self.engine == EngineKind::Manual => 0,
            None => {
                issues.push(FieldIssue::new(
                    "max_results",
                    "is required (1–200 results per query)",
                ));
                0
            }
        };
        let language = self
            .language
            .as_deref()
            .or(engines.default_language.as_deref())
            .and_then(|l| check_language("language", l, &mut issues));
        let country = self
            .country
            .as_deref()
            .or(engines.default_country.as_deref())
            .and_then(|c| check_country("country", c, &mut issues));
        let location = self
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned);
        let (date_from, date_to) = check_dates("date_from", self.date_from, self.date_to, &mut issues);
        let allowed_tlds = self
            .allowed_tlds
            .iter()
            .enumerate()
            .filter_map(|(i, t)| check_tld(&format!("allowed_tlds[{i}]"), t, &mut issues))
            .collect();
        let excluded_domains = self
            .excluded_domains
            .iter()
            .enumerate()
            .filter_map(|(i, d)| check_domain(&format!("excluded_domains[{i}]"), d, &mut issues))
            .collect();
        let params = SessionParams {
            max_results,
            language,
            country,
            location,
            date_from,
            date_to,
            allowed_tlds,
            excluded_domains,
        };

        let mut valid = ValidSession {
            name: name.to_owned(),
            engine: self.engine,
            params,
            queries: Vec::new(),
            urls: Vec::new(),
        };

        if self.engine == EngineKind::Manual {
            if !queries.is_empty() {
                issues.push(FieldIssue::new(
                    "queries",
                    "a manual session takes `urls`, not queries",
                ));
            }
            if self.urls.is_empty() {
                issues.push(FieldIssue::new("urls", "list at least one URL"));
            } else if self.urls.len() > MAX_MANUAL_URLS {
                issues.push(FieldIssue::new(
                    "urls",
                    format!("at most {MAX_MANUAL_URLS} URLs per session"),
                ));
            }
            for (i, u) in self.urls.iter().enumerate() {
                match urlnorm::normalize(u) {
                    Ok(url) => valid.urls.push(url),
                    Err(e) => issues.push(FieldIssue::new(format!("urls[{i}]"), e.to_string())),
                }
            }
            return if issues.is_empty() { Ok(valid) } else { Err(issues) };
        }

        if !self.urls.is_empty() {
            issues.push(FieldIssue::new(
                "urls",
                "only a `manual` session takes a URL list",
            ));
        }
        let client = match engines.client(self.engine) {
            Ok(c) => Some(c),
            Err(message) => {
                issues.push(FieldIssue::new("engine", message));
                None
            }
        };
        if queries.is_empty() {
            issues.push(FieldIssue::new("queries", "list at least one query"));
        } else if queries.len() > MAX_QUERIES {
            issues.push(FieldIssue::new(
                "queries",
                format!("at most {MAX_QUERIES} queries per session"),
            ));
        }
        let mut seen: HashMap<String, String> = HashMap::new();
        for input in &queries {
            let at = |field: &str| {
                if field.is_empty() {
                    input.origin.clone()
                } else if input.origin.starts_with("queries[") {
                    field.to_owned()
                } else {
                    format!("{}: {field}", input.origin)
                }
            };
            let text = input.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                issues.push(FieldIssue::new(at(""), "query must not be empty"));
                continue;
            }
            if text.chars().count() > MAX_QUERY_CHARS {
                issues.push(FieldIssue::new(
                    at(""),
                    format!("query must be at most {MAX_QUERY_CHARS} characters"),
                ));
                continue;
            }
            if let Some(first) = seen.insert(text.to_lowercase(), input.origin.clone()) {
                issues.push(FieldIssue::new(at(""), format!("repeats the query in {first}")));
                continue;
            }
            let o = &input.overrides;
            let max_results = o.max_results.map_or(valid.params.max_results, |n| {
                check_max_results(&at("max_results"), n, &mut issues)
            });
            let language = match &o.language {
                Some(l) => check_language(&at("language"), l, &mut issues),
                None => valid.params.language.clone(),
            };
            let country = match &o.country {
                Some(c) => check_country(&at("country"), c, &mut issues),
                None => valid.params.country.clone(),
            };
            let (date_from, date_to) = if o.date_from.is_some() || o.date_to.is_some() {
                check_dates(&at("date_from"), o.date_from, o.date_to, &mut issues)
            } else {
                (valid.params.date_from, valid.params.date_to)
            };
            let params = QueryParams {
                text,
                max_results,
                language,
                country,
                location: valid.params.location.clone(),
                date_from,
                date_to,
            };
            if let Some(client) = client
                && let Err(unsupported) = client.engine().check(&params)
            {
                let field = if input.origin.starts_with("queries[") {
                    unsupported.field.to_owned()
                } else {
                    at(unsupported.field)
                };
                if !issues.iter().any(|i| i.field == field) {
                    issues.push(FieldIssue::new(field, unsupported.message));
                }
            }
            valid.queries.push(params);
        }
        if issues.is_empty() { Ok(valid) } else { Err(issues) }
    }
}

fn check_max_results(field: &str, n: u32, issues: &mut Vec<FieldIssue>) -> u32 {
    if !(1..=MAX_RESULTS_LIMIT).contains(&n) {
        issues.push(FieldIssue::new(
            field,
            format!("must be between 1 and {MAX_RESULTS_LIMIT}"),
        ));
    }
    n
}

fn check_language(field: &str, value: &str, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    if (2..=3).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_lowercase()) {
        Some(v)
    } else {
        issues.push(FieldIssue::new(
            field,
            "must be an ISO 639-1 language code such as `da` or `en`",
        ));
        None
    }
}

fn check_country(field: &str, value: &str, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_lowercase()) {
        Some(v)
    } else {
        issues.push(FieldIssue::new(
            field,
            "must be an ISO 3166-1 alpha-2 country code such as `dk`",
        ));
        None
    }
}

fn check_dates(
    from_field: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    issues: &mut Vec<FieldIssue>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let today = Utc::now().date_naive();
    match (from, to) {
        (None, None) => (None, None),
        (None, Some(_)) => {
            issues.push(FieldIssue::new(from_field, "is required when date_to is given"));
            (None, None)
        }
        (Some(f), to) => {
            let t = to.unwrap_or(today);
            if f > t {
                issues.push(FieldIssue::new(
                    from_field,
                    format!("must not be after date_to ({t})"),
                ));
            }
            if f > today {
                issues.push(FieldIssue::new(from_field, "must not be in the future"));
            }
            (Some(f), Some(t))
        }
    }
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn check_tld(field: &str, value: &str, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let v = value.trim().trim_start_matches('.').to_ascii_lowercase();
    if !v.is_empty() && v.split('.').all(is_label) {
        Some(format!(".{v}"))
    } else {
        issues.push(FieldIssue::new(
            field,
            format!("`{value}` is not a top-level domain such as `.dk` or `.co.uk`"),
        ));
        None
    }
}

fn check_domain(field: &str, value: &str, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let v = value.trim().trim_end_matches('.').to_ascii_lowercase();
    if v.contains('.') && v.split('.').all(is_label) {
        Some(v)
    } else {
        issues.push(FieldIssue::new(
            field,
            format!("`{value}` is not a domain such as `example.com`"),
        ));
        None
    }
}

/// Why a result is excluded by the session's domain filters, if it is.
pub fn exclusion_reason(params: &SessionParams, url: &urlnorm::WebUrl) -> Option<String> {
    if let Some(domain) = params
        .excluded_domains
        .iter()
        .find(|d| urlnorm::host_within(&url.host, d))
    {
        return Some(format!("domain {domain} is excluded"));
    }
    if !params.allowed_tlds.is_empty() && !params.allowed_tlds.iter().any(|t| url.host.ends_with(t.as_str()))
    {
        return Some(format!(
            "top-level domain not in {}",
            params.allowed_tlds.join(", ")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EngineSettings, SearchSettings};

    fn engines() -> Engines {
        let settings = SearchSettings {
            serper: EngineSettings {
                base_url: Some("http://127.0.0.1:9".into()),
                api_key: Some("k".into()),
                requests_per_second: 0.0,
            },
            searxng: EngineSettings {
                base_url: Some("http://127.0.0.1:9".into()),
                api_key: None,
                requests_per_second: 0.0,
            },
            ..SearchSettings::default()
        };
        Engines::from_settings(&settings).unwrap()
    }

    fn request(engine: EngineKind, queries: &[&str]) -> SessionRequest {
        SessionRequest {
            project_id: None,
            name: "n".into(),
            engine,
            queries: queries.iter().map(|q| (*q).to_owned()).collect(),
            urls: vec![],
            max_results: Some(10),
            language: None,
            country: None,
            location: None,
            date_from: None,
            date_to: None,
            allowed_tlds: vec![],
            excluded_domains: vec![],
        }
    }

    fn fields(r: Result<ValidSession, Vec<FieldIssue>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|i| i.field).collect()
    }

    #[test]
    fn a_good_request_resolves_per_query_parameters() {
        let mut r = request(EngineKind::Serper, &["  wind   power ", "solar"]);
        r.language = Some("DA".into());
        r.country = Some("dk".into());
        r.date_from = NaiveDate::from_ymd_opt(2024, 1, 1);
        r.allowed_tlds = vec!["dk".into(), ".co.uk".into()];
        let v = r.validate(&engines(), r.query_inputs()).unwrap();
        assert_eq!(v.queries[0].text, "wind power");
        assert_eq!(v.queries[0].language.as_deref(), Some("da"));
        assert_eq!(
            v.queries[1].date_to,
            Some(Utc::now().date_naive()),
            "open range ends today"
        );
        assert_eq!(v.params.allowed_tlds, vec![".dk", ".co.uk"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut r = request(EngineKind::Serper, &["a", "", "A"]);
        r.name = " ".into();
        r.max_results = Some(500);
        r.language = Some("danish".into());
        r.date_to = NaiveDate::from_ymd_opt(2024, 1, 1);
        r.excluded_domains = vec!["not a domain".into()];
        let got = fields(r.validate(&engines(), r.query_inputs()));
        for want in [
            "name",
            "max_results",
            "language",
            "date_from",
            "excluded_domains[0]",
            "queries[1]",
            "queries[2]",
        ] {
            assert!(got.contains(&want.to_owned()), "{want} missing from {got:?}");
        }
    }

    #[test]
    fn unconfigured_engines_and_unsupported_parameters_are_refused() {
        let r = request(EngineKind::Brave, &["q"]);
        let issues = r.validate(&engines(), r.query_inputs()).unwrap_err();
        assert_eq!(issues[0].field, "engine");
        assert!(
            issues[0].message.contains("OBSERVATORY_SEARCH__BRAVE__API_KEY"),
            "{}",
            issues[0].message
        );

        let mut r = request(EngineKind::Searxng, &["q"]);
        r.date_from = NaiveDate::from_ymd_opt(2024, 1, 1);
        assert_eq!(
            fields(r.validate(&engines(), r.query_inputs())),
            vec!["date_from"]
        );
    }

    #[test]
    fn manual_lists_take_urls_only() {
        let mut r = request(EngineKind::Manual, &[]);
        r.max_results = None;
        r.urls = vec!["https://www.dr.dk/x#y".into(), "ftp://nope".into()];
        assert_eq!(fields(r.validate(&engines(), vec![])), vec!["urls[1]"]);
        r.urls.pop();
        let v = r.validate(&engines(), vec![]).unwrap();
        assert_eq!(v.urls[0].normalized, "https://www.dr.dk/x");
    }

    #[test]
    fn exclusions_name_their_reason() {
        let params = SessionParams {
            max_results: 10,
            language: None,
            country: None,
            location: None,
            date_from: None,
            date_to: None,
            allowed_tlds: vec![".dk".into()],
            excluded_domains: vec!["tv2.dk".into()],
        };
        let url = |u| urlnorm::normalize(u).unwrap();
        assert_eq!(exclusion_reason(&params, &url("https://www.dr.dk/")), None);
        assert_eq!(
            exclusion_reason(&params, &url("https://nyheder.tv2.dk/")).as_deref(),
            Some("domain tv2.dk is excluded")
        );
        assert_eq!(
            exclusion_reason(&params, &url("https://bbc.co.uk/")).as_deref(),
            Some("top-level domain not in .dk")
        );
    }
}

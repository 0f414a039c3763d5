//! Actors: what a project counts as one website. By default every registrable domain is one
//! (`tv2.dk`); a project may refine that, as Hyphe's web entities do, with a host
//! (`nyheder.tv2.dk` apart from `tv2.dk`) or a URL prefix (`tv2.dk/sport`), and may give
//! several units to one actor (a merged actor). A URL belongs to the most specific unit that
//! covers it: the longest path prefix on its host, then its host, then its domain.
//!
//! Pure: parsing and matching only; the store keeps the units and the networks read them.

use std::collections::HashMap;

use search::urlnorm::{WebUrl, host_within, normalize, registrable_domain};
use thiserror::Error;

/// The longest unit text accepted (a URL prefix, say).
pub const MAX_UNIT_CHARS: usize = 2_048;

/// One unit an actor is made of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActorUnit {
    /// A registrable domain and every host under it: `tv2.dk`.
    Domain(String),
    /// One host (and its `www.` twin): `nyheder.tv2.dk`.
    Host(String),
    /// A path on a host and everything below it: `tv2.dk/sport`.
    Prefix { host: String, path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActorUnitError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_UNIT_CHARS} characters")]
    TooLong,
    #[error("is not a domain, host or URL prefix: {0}")]
    NotAUrl(String),
    #[error("a URL prefix has no query or fragment")]
    QueryOrFragment,
}

/// `www.` is the same website as the host without it.
fn without_www(host: &str) -> &str {
    host.strip_prefix("www.")
        .filter(|rest| rest.contains('.'))
        .unwrap_or(host)
}

impl ActorUnit {
    /// Parses `tv2.dk`, `nyheder.tv2.dk`, `tv2.dk/sport` or a whole http(s) URL.
    pub fn parse(input: &str) -> Result<ActorUnit, ActorUnitError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ActorUnitError::Empty);
        }
        if input.chars().count() > MAX_UNIT_CHARS {
            return Err(ActorUnitError::TooLong);
        }
        let url = if input.contains("://") {
            input.to_owned()
        } else {
            format!("http://{input}")
        };
        if url.contains('?') || url.contains('#') {
            return Err(ActorUnitError::QueryOrFragment);
        }
        let web = normalize(&url).map_err(|e| ActorUnitError::NotAUrl(e.to_string()))?;
        let host = without_www(&web.host).to_owned();
        let path = path_of(&web);
        Ok(if !path.is_empty() {
            ActorUnit::Prefix { host, path }
        } else if registrable_domain(&host) == host {
            ActorUnit::Domain(host)
        } else {
            ActorUnit::Host(host)
        })
    }

    /// The unit as written back: `tv2.dk`, `nyheder.tv2.dk`, `tv2.dk/sport`.
    pub fn key(&self) -> String {
        match self {
            ActorUnit::Domain(d) => d.clone(),
            ActorUnit::Host(h) => h.clone(),
            ActorUnit::Prefix { host, path } => format!("{host}{path}"),
        }
    }

    /// The registrable domain the unit lies in.
    pub fn domain(&self) -> String {
        match self {
            ActorUnit::Domain(d) => d.clone(),
            ActorUnit::Host(h) | ActorUnit::Prefix { host: h, .. } => registrable_domain(h),
        }
    }

    /// `domain`, `host` or `prefix`.
    pub fn kind(&self) -> &'static str {
        match self {
            ActorUnit::Domain(_) => "domain",
            ActorUnit::Host(_) => "host",
            ActorUnit::Prefix { .. } => "prefix",
        }
    }

    /// Whether the unit covers `url`.
    pub fn covers(&self, url: &WebUrl) -> bool {
        let host = without_www(&url.host);
        match self {
            ActorUnit::Domain(d) => host_within(host, d),
            ActorUnit::Host(h) => host == h,
            ActorUnit::Prefix { host: h, path } => host == h && path_within(&path_of(url), path),
        }
    }
}

/// The URL's path without a trailing slash (`""` for the root).
fn path_of(url: &WebUrl) -> String {
    let path = url::Url::parse(&url.normalized)
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

/// Whether `path` is `prefix` or below it, at a segment boundary (`/sport` covers
/// `/sport/fodbold`, not `/sportsvogne`).
fn path_within(path: &str, prefix: &str) -> bool {
    path == prefix || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// Units with what they stand for (an actor's id), resolved most specific first.
#[derive(Debug, Clone)]
pub struct ActorMap<T> {
    /// Per host, its prefixes, longest path first.
    prefixes: HashMap<String, Vec<(String, T)>>,
    hosts: HashMap<String, T>,
    domains: HashMap<String, T>,
}

impl<T> Default for ActorMap<T> {
    fn default() -> Self {
        Self {
            prefixes: HashMap::new(),
            hosts: HashMap::new(),
            domains: HashMap::new(),
        }
    }
}

impl<T> ActorMap<T> {
    /// A map of units; a unit given twice keeps its last owner.
    pub fn new(units: impl IntoIterator<Item = (ActorUnit, T)>) -> Self {
        let mut map = Self::default();
        for (unit, value) in units {
            match unit {
                ActorUnit::Domain(d) => {
                    map.domains.insert(d, value);
                }
                ActorUnit::Host(h) => {
                    map.hosts.insert(h, value);
                }
                ActorUnit::Prefix { host, path } => {
                    let list = map.prefixes.entry(host).or_default();
                    list.retain(|(p, _)| *p != path);
                    list.push((path, value));
                }
            }
        }
        for list in map.prefixes.values_mut() {
            list.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        }
        map
    }

    /// What the most specific unit covering `url` stands for.
    pub fn resolve(&self, url: &WebUrl) -> Option<&T> {
        let host = without_www(&url.host);
        if let Some(list) = self.prefixes.get(host) {
            let path = path_of(url);
            if let Some((_, value)) = list.iter().find(|(prefix, _)| path_within(&path, prefix)) {
                return Some(value);
            }
        }
        self.hosts
            .get(host)
            .or_else(|| self.domains.get(&registrable_domain(host)))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn url(s: &str) -> WebUrl {
        normalize(s).unwrap()
    }

    #[test]
    fn units_parse_as_domain_host_or_prefix() {
        assert_eq!(ActorUnit::parse("tv2.dk"), Ok(ActorUnit::Domain("tv2.dk".into())));
        assert_eq!(
            ActorUnit::parse("www.TV2.dk/"),
            Ok(ActorUnit::Domain("tv2.dk".into()))
        );
        assert_eq!(
            ActorUnit::parse("bbc.co.uk"),
            Ok(ActorUnit::Domain("bbc.co.uk".into()))
        );
        assert_eq!(
            ActorUnit::parse("nyheder.tv2.dk"),
            Ok(ActorUnit::Host("nyheder.tv2.dk".into()))
        );
        assert_eq!(
            ActorUnit::parse("https://tv2.dk/sport/"),
            Ok(ActorUnit::Prefix {
                host: "tv2.dk".into(),
                path: "/sport".into()
            })
        );
        assert_eq!(ActorUnit::parse("tv2.dk/sport").unwrap().key(), "tv2.dk/sport");
        assert_eq!(ActorUnit::parse(""), Err(ActorUnitError::Empty));
        assert_eq!(
            ActorUnit::parse("tv2.dk/?q=1"),
            Err(ActorUnitError::QueryOrFragment)
        );
        assert!(matches!(
            ActorUnit::parse("ftp://tv2.dk"),
            Err(ActorUnitError::NotAUrl(_))
        ));
        assert!(matches!(
            ActorUnit::parse("http://"),
            Err(ActorUnitError::NotAUrl(_))
        ));
        assert_eq!(ActorUnit::parse(&"a".repeat(3000)), Err(ActorUnitError::TooLong));
    }

    #[test]
    fn the_longest_prefix_wins() {
        let map = ActorMap::new([
            (ActorUnit::parse("tv2.dk").unwrap(), "tv2"),
            (ActorUnit::parse("nyheder.tv2.dk").unwrap(), "tv2 nyheder"),
            (ActorUnit::parse("tv2.dk/sport").unwrap(), "tv2 sport"),
            (ActorUnit::parse("tv2.dk/sport/fodbold").unwrap(), "tv2 fodbold"),
            // A merged actor: two domains, one value.
            (ActorUnit::parse("dr.dk").unwrap(), "dr"),
            (ActorUnit::parse("drtv.dk").unwrap(), "dr"),
        ]);
        for (u, want) in [
            ("https://tv2.dk/", Some("tv2")),
            ("https://www.tv2.dk/politik/x", Some("tv2")),
            ("https://vejr.tv2.dk/", Some("tv2")),
            ("https://nyheder.tv2.dk/samfund", Some("tv2 nyheder")),
            ("https://tv2.dk/sport", Some("tv2 sport")),
            ("https://tv2.dk/sport/haandbold/1", Some("tv2 sport")),
            ("https://tv2.dk/sport/fodbold/2?x=1", Some("tv2 fodbold")),
            ("https://tv2.dk/sportsvogne", Some("tv2")),
            ("https://www.drtv.dk/a", Some("dr")),
            ("https://politiken.dk/", None),
        ] {
            assert_eq!(map.resolve(&url(u)).copied(), want, "{u}");
        }
    }

    fn arbitrary_unit() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["", "a.", "b.", "www."]),
            prop::sample::select(vec!["x.dk", "y.co.uk"]),
            prop::collection::vec(prop::sample::select(vec!["s", "t", "st"]), 0..3),
        )
            .prop_map(|(sub, domain, segments)| {
                let path: String = segments.iter().map(|s| format!("/{s}")).collect();
                format!("{sub}{domain}{path}")
            })
    }

    proptest! {
        /// The map answers what a brute-force search for the most specific covering unit
        /// answers, and whatever it answers covers the URL.
        #[test]
        fn resolution_is_the_most_specific_covering_unit(
            units in prop::collection::vec(arbitrary_unit(), 0..8),
            target in arbitrary_unit(),
        ) {
            let units: Vec<ActorUnit> = units.iter().map(|u| ActorUnit::parse(u).unwrap()).collect();
            let map = ActorMap::new(units.iter().cloned().map(|u| (u.clone(), u)));
            let target = url(&format!("http://{target}/"));
            let specificity = |u: &ActorUnit| match u {
                ActorUnit::Prefix { path, .. } => 2 + path.len(),
                ActorUnit::Host(_) => 1,
                ActorUnit::Domain(_) => 0,
            };
            let expected = units.iter().filter(|u| u.covers(&target)).max_by_key(|u| specificity(u));
            let got = map.resolve(&target);
            prop_assert_eq!(got.map(specificity), expected.map(specificity));
            if let Some(unit) = got {
                prop_assert!(unit.covers(&target));
            }
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panicking(input in "\\PC{0,300}") {
            let _ = ActorUnit::parse(&input);
        }
    }
}

//! URL normalization and the "website" unit, shared by search and crawling.
//!
//! Two results are the same page when their normalized URLs are equal; two pages belong to
//! the same website when their registrable domains (Public Suffix List) are equal.

use thiserror::Error;
use url::{Host, Url};

/// A URL as the platform stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    /// The URL as parsed (serialized by the WHATWG rules, otherwise untouched).
    pub url: String,
    /// Lowercase scheme and host, no default port, no fragment, no tracking parameters.
    pub normalized: String,
    /// Lowercase host, IDNs in punycode.
    pub host: String,
    /// The registrable domain (`dr.dk` for `www.dr.dk`, `bbc.co.uk`); the host itself
    /// for IP addresses and hosts that are a public suffix.
    pub domain: String,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum UrlError {
    #[error("not a URL: {0}")]
    Unparsable(String),
    #[error("only http and https URLs are supported, not `{0}`")]
    Scheme(String),
    #[error("URL has no host")]
    NoHost,
}

/// Query parameters that identify a click or campaign, not content.
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || name.starts_with("mc_")
        || matches!(
            name.as_str(),
            "gclid" | "fbclid" | "dclid" | "gbraid" | "wbraid" | "msclkid" | "yclid" | "igshid"
        )
}

/// Parses and normalizes an http(s) URL.
pub fn normalize(input: &str) -> Result<WebUrl, UrlError> {
    let trimmed = input.trim();
    let parsed =
        Url::parse(trimmed).map_err(|e| UrlError::Unparsable(format!("{e}: `{}`", clip(trimmed))))?;
    match parsed.scheme() {
        "http" | "https" => {}
        other => return Err(UrlError::Scheme(other.to_owned())),
    }
    let host = match parsed.host() {
        Some(Host::Domain(d)) if !d.is_empty() => d.trim_end_matches('.').to_ascii_lowercase(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => format!("[{ip}]"),
        _ => return Err(UrlError::NoHost),
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }

    let mut normalized = parsed.clone();
    normalized.set_fragment(None);
    // The url crate already drops a port equal to the scheme's default.
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if parsed.query().is_some() {
        let removed_any = kept.len() != parsed.query_pairs().count();
        if kept.is_empty() {
            normalized.set_query(None);
        } else if removed_any {
            normalized.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    if host != parsed.host_str().unwrap_or_default() && matches!(parsed.host(), Some(Host::Domain(_))) {
        // A trailing dot is the same host; dropping it keeps one node per website.
        let _ = normalized.set_host(Some(&host));
    }

    Ok(WebUrl {
        url: parsed.to_string(),
        normalized: normalized.to_string(),
        domain: registrable_domain(&host),
        host,
    })
}

/// The registrable domain of a lowercase host (eTLD+1 by the Public Suffix List).
pub fn registrable_domain(host: &str) -> String {
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host.to_owned();
    }
    match psl::domain_str(host) {
        Some(d) => d.to_owned(),
        None => host.to_owned(),
    }
}

/// Whether `host` is `domain` or one of its subdomains.
pub fn host_within(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

fn clip(s: &str) -> String {
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lowercases_scheme_and_host_and_strips_defaults() {
        let u = normalize("HTTPS://WWW.DR.DK:443/Nyheder/Indland?id=7#top").unwrap();
        assert_eq!(u.normalized, "https://www.dr.dk/Nyheder/Indland?id=7");
        assert_eq!(u.host, "www.dr.dk");
        assert_eq!(u.domain, "dr.dk");
        assert_eq!(
            normalize("http://example.com:80").unwrap().normalized,
            "http://example.com/"
        );
        assert_eq!(
            normalize("http://example.com:8080/a").unwrap().normalized,
            "http://example.com:8080/a"
        );
    }

    #[test]
    fn strips_tracking_parameters_but_keeps_meaningful_ones() {
        let u = normalize("https://x.org/p?utm_source=a&id=3&gclid=z&UTM_Medium=b&fbclid=q&mc_cid=1&page=2")
            .unwrap();
        assert_eq!(u.normalized, "https://x.org/p?id=3&page=2");
        assert_eq!(
            normalize("https://x.org/p?utm_source=a").unwrap().normalized,
            "https://x.org/p"
        );
        // Untouched when nothing is removed: encoding and order stay as sent.
        assert_eq!(
            normalize("https://x.org/s?q=a+b&z=1").unwrap().normalized,
            "https://x.org/s?q=a+b&z=1"
        );
        // The original URL is kept verbatim (as parsed) for provenance.
        assert!(u.url.contains("utm_source=a"));
    }

    #[test]
    fn registrable_domains_follow_the_public_suffix_list() {
        assert_eq!(registrable_domain("www.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("news.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("dr.dk"), "dr.dk");
        assert_eq!(registrable_domain("a.b.github.io"), "b.github.io");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(normalize("http://[::1]:3000/").unwrap().domain, "[::1]");
        assert_eq!(
            normalize("https://Www.Example.COM./").unwrap().host,
            "www.example.com"
        );
        assert_eq!(
            normalize("https://bücher.de/").unwrap().domain,
            "xn--bcher-kva.de"
        );
    }

    #[test]
    fn rejects_what_is_not_a_web_url() {
        assert!(matches!(normalize("ftp://x.org/"), Err(UrlError::Scheme(_))));
        assert!(matches!(normalize("not a url"), Err(UrlError::Unparsable(_))));
        assert!(matches!(normalize("mailto:a@b.dk"), Err(UrlError::Scheme(_))));
        assert!(normalize("").is_err());
    }

    #[test]
    fn host_within_matches_whole_labels_only() {
        assert!(host_within("www.dr.dk", "dr.dk"));
        assert!(host_within("dr.dk", "dr.dk"));
        assert!(!host_within("notdr.dk", "dr.dk"));
    }

    fn web_url() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just("http"), Just("https"), Just("HTTPS")],
            // `xn--` starts a punycode label, which must decode; random letters do not.
            "[a-zA-Z][a-zA-Z0-9-]{0,10}(\\.[a-zA-Z][a-zA-Z0-9-]{0,10}){0,2}\\.(dk|com|co\\.uk|org)"
                .prop_filter("no punycode labels", |host: &String| {
                    !host
                        .split('.')
                        .any(|label| label.to_ascii_lowercase().starts_with("xn--"))
                }),
            prop_oneof![
                Just(String::new()),
                Just(":80".to_owned()),
                Just(":443".to_owned()),
                Just(":8080".to_owned())
            ],
            "(/[a-zA-Z0-9._~-]{0,8}){0,3}",
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("utm_source"),
                        Just("gclid"),
                        Just("id"),
                        Just("q"),
                        Just("mc_eid")
                    ],
                    "[a-z0-9]{0,5}",
                ),
                0..4,
            ),
            proptest::option::of("[a-z]{1,6}"),
        )
            .prop_map(|(scheme, host, port, path, params, fragment)| {
                let mut s = format!("{scheme}://{host}{port}{path}");
                if !params.is_empty() {
                    let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    s.push('?');
                    s.push_str(&q.join("&"));
                }
                if let Some(f) = fragment {
                    s.push('#');
                    s.push_str(&f);
                }
                s
            })
    }

    proptest! {
        #[test]
        fn normalization_is_idempotent(input in web_url()) {
            let once = normalize(&input).unwrap();
            let twice = normalize(&once.normalized).unwrap();
            prop_assert_eq!(&once.normalized, &twice.normalized);
            prop_assert_eq!(&once.domain, &twice.domain);
        }

        #[test]
        fn normalized_urls_carry_no_fragment_tracking_or_uppercase_host(input in web_url()) {
            let u = normalize(&input).unwrap();
            let parsed = Url::parse(&u.normalized).unwrap();
            prop_assert!(parsed.fragment().is_none());
            prop_assert!(parsed.query_pairs().all(|(k, _)| !is_tracking_param(&k)));
            prop_assert_eq!(parsed.host_str().unwrap(), u.host.as_str());
            prop_assert_eq!(u.host.to_ascii_lowercase(), u.host.clone());
            let default_port = if parsed.scheme() == "https" { 443 } else { 80 };
            prop_assert_ne!(parsed.port(), Some(default_port));
        }

        #[test]
        fn the_registrable_domain_contains_the_host_suffix(input in web_url()) {
            let u = normalize(&input).unwrap();
            prop_assert!(host_within(&u.host, &u.domain), "{} not within {}", u.host, u.domain);
            prop_assert_eq!(registrable_domain(&u.domain), u.domain.clone());
        }

        #[test]
        fn arbitrary_input_never_panics(input in ".{0,80}") {
            let _ = normalize(&input);
        }
    }
}

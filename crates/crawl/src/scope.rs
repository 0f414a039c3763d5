//! Which discovered links a job follows: same site (registrable domain or host), include
//! and exclude lists.

use search::urlnorm::{WebUrl, host_within};

use crate::config::{CrawlConfig, SiteScope};

/// The key that groups URLs into one site for caps and politeness.
pub fn site_key(url: &WebUrl, scope: SiteScope) -> String {
    match scope {
        SiteScope::Domain => url.domain.clone(),
        SiteScope::Host => url.host.clone(),
    }
}

/// Why a discovered link is not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkVerdict {
    Follow,
    /// Another site, not in the include list.
    OffSite,
    /// In the exclude list.
    Excluded,
}

/// Whether to follow `link`, found on a page of `parent_site`.
pub fn judge_link(config: &CrawlConfig, parent_site: &str, link: &WebUrl) -> LinkVerdict {
    if is_excluded(config, link) {
        return LinkVerdict::Excluded;
    }
    if site_key(link, config.scope) == parent_site
        || config.include_domains.iter().any(|d| host_within(&link.host, d))
    {
        LinkVerdict::Follow
    } else {
        LinkVerdict::OffSite
    }
}

/// Whether the exclude list covers `url` (seeds included).
pub fn is_excluded(config: &CrawlConfig, url: &WebUrl) -> bool {
    config.exclude_domains.iter().any(|d| host_within(&url.host, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use search::urlnorm::normalize;

    #[test]
    fn same_site_follows_the_scope() {
        let c = CrawlConfig::default();
        let page = normalize("https://www.dr.dk/nyheder").unwrap();
        let site = site_key(&page, c.scope);
        assert_eq!(site, "dr.dk");
        let url = |u| normalize(u).unwrap();
        assert_eq!(
            judge_link(&c, &site, &url("https://nyheder.dr.dk/a")),
            LinkVerdict::Follow
        );
        assert_eq!(
            judge_link(&c, &site, &url("https://tv2.dk/a")),
            LinkVerdict::OffSite
        );

        let host_scope = CrawlConfig {
            scope: SiteScope::Host,
            ..CrawlConfig::default()
        };
        let site = site_key(&page, host_scope.scope);
        assert_eq!(
            judge_link(&host_scope, &site, &url("https://nyheder.dr.dk/a")),
            LinkVerdict::OffSite
        );
        assert_eq!(
            judge_link(&host_scope, &site, &url("https://www.dr.dk/b")),
            LinkVerdict::Follow
        );
    }

    #[test]
    fn include_and_exclude_lists() {
        let c = CrawlConfig {
            include_domains: vec!["ens.dk".into()],
            exclude_domains: vec!["shop.dr.dk".into()],
            ..CrawlConfig::default()
        };
        let url = |u| normalize(u).unwrap();
        assert_eq!(
            judge_link(&c, "dr.dk", &url("https://www.ens.dk/x")),
            LinkVerdict::Follow
        );
        assert_eq!(
            judge_link(&c, "dr.dk", &url("https://shop.dr.dk/x")),
            LinkVerdict::Excluded
        );
        assert!(is_excluded(&c, &url("https://a.shop.dr.dk/")));
    }
}

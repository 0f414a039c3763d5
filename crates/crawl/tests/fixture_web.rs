//! The crawler's parts against the fixture web: real-looking hostnames mapped to loopback
//! through the address policy's allow-list.

use std::sync::Arc;
use std::time::Duration;

use crawl::robots::RobotsRule;
use crawl::{AddressPolicy, FetchConfig, FetchError, Fetcher, RobotsCache};
use testkit::{FixtureConfig, FixtureWeb};
use url::Url;

async fn setup() -> (FixtureWeb, Fetcher) {
    let web = FixtureWeb::start(FixtureConfig::default()).await.unwrap();
    let mut policy = AddressPolicy::default();
    for host in web.hosts() {
        policy.overrides.insert(host.clone(), vec![web.addr().ip()]);
        policy.private_hosts.insert(host);
    }
    let mut config = FetchConfig::new(crawl::user_agent("https://example.org/about"));
    config.policy = Arc::new(policy);
    config.retry_base = Duration::from_millis(10);
    config.timeout = Duration::from_secs(1);
    let fetcher = Fetcher::new(config).unwrap();
    (web, fetcher)
}

fn url(web: &FixtureWeb, host: &str, path: &str) -> Url {
    Url::parse(&web.url(host, path)).unwrap()
}

#[tokio::test]
async fn articles_extract_cleanly_and_link_as_a_tree() {
    let (web, fetcher) = setup().await;
    let f = fetcher.fetch(&url(&web, "site2.test", "/p/1")).await.unwrap();
    assert_eq!(f.status, 200);
    let decoded = extract::decode_html(f.body.as_deref().unwrap(), f.content_type.as_deref());
    let page = extract::extract(&decoded.text, Some(&f.final_url), extract::Strategy::Best).unwrap();
    assert_eq!(page.title.as_deref(), Some("Site 2, artikel 1"));
    assert!(page.text.split_whitespace().count() > 100, "{}", page.text);
    assert!(!page.text.contains("Vi bruger cookies"), "{}", page.text);
    assert!(!page.text.contains("Ophavsret"), "{}", page.text);
    for link in ["/p/3", "/p/4", "/rapport.pdf"] {
        assert!(
            page.links.contains(&web.url("site2.test", link)),
            "{link} in {:?}",
            page.links
        );
    }
    assert!(page.links.contains(&web.url("site3.test", "/")));
}

#[tokio::test]
async fn redirects_cross_hosts_but_never_into_loopback() {
    let (web, fetcher) = setup().await;
    let f = fetcher
        .fetch(&url(&web, "redirect.test", "/start"))
        .await
        .unwrap();
    assert_eq!(f.final_url, url(&web, "site0.test", "/p/0"));
    assert_eq!(f.redirects.len(), 2);
    let err = fetcher
        .fetch(&url(&web, "redirect.test", "/to-loopback"))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), "refused_address");
    assert_eq!(
        fetcher
            .fetch(&url(&web, "redirect.test", "/loop"))
            .await
            .unwrap_err(),
        FetchError::TooManyRedirects(10)
    );
}

#[tokio::test]
async fn robots_variants_are_decided_per_host() {
    let (web, fetcher) = setup().await;
    let robots = RobotsCache::new("IssueObservatory", Duration::from_secs(60));
    let decide = |host: &'static str, path: &'static str| {
        let u = url(&web, host, path);
        let (robots, fetcher) = (&robots, &fetcher);
        async move { robots.check(fetcher, &u).await }
    };
    assert_eq!(
        decide("robots-disallow.test", "/private/x").await.rule,
        RobotsRule::Disallowed
    );
    assert_eq!(
        decide("robots-disallow.test", "/public").await.rule,
        RobotsRule::Allowed
    );
    assert!(!decide("robots-wildcard.test", "/a/report.pdf").await.allowed);
    assert!(!decide("robots-wildcard.test", "/archive/2020").await.allowed);
    assert!(decide("robots-wildcard.test", "/archive/open/1").await.allowed);
    assert_eq!(
        decide("robots-delay.test", "/").await.crawl_delay,
        Some(Duration::from_secs(2))
    );
    assert_eq!(decide("robots-5xx.test", "/").await.rule, RobotsRule::Unavailable);
    assert_eq!(
        decide("robots-missing.test", "/").await.rule,
        RobotsRule::NoRobots
    );
    assert_eq!(decide("site1.test", "/admin").await.rule, RobotsRule::Disallowed);
}

#[tokio::test]
async fn hostile_responses_are_contained() {
    let (web, fetcher) = setup().await;
    assert_eq!(
        fetcher.fetch(&url(&web, "huge.test", "/")).await.unwrap_err(),
        FetchError::TooLarge {
            limit: 5 * 1024 * 1024
        }
    );
    assert_eq!(
        fetcher.fetch(&url(&web, "slow.test", "/")).await.unwrap_err(),
        FetchError::Timeout
    );
    let failing = fetcher.fetch(&url(&web, "failing.test", "/")).await.unwrap();
    assert_eq!((failing.status, failing.attempts), (500, 3));
    let pdf = fetcher
        .fetch(&url(&web, "binary.test", "/doc.pdf"))
        .await
        .unwrap();
    assert_eq!(
        (pdf.content_type.as_deref(), pdf.body.is_none()),
        (Some("application/pdf"), true)
    );
    let junk = fetcher.fetch(&url(&web, "binary.test", "/junk")).await.unwrap();
    assert_eq!(junk.content_type.as_deref(), Some("text/html"));
    assert!(
        extract::looks_binary(junk.body.as_deref().unwrap()),
        "mislabelled binary is recognised"
    );
    let html = fetcher.fetch(&url(&web, "site0.test", "/")).await.unwrap();
    assert!(!extract::looks_binary(html.body.as_deref().unwrap()));
    let empty = fetcher.fetch(&url(&web, "empty.test", "/")).await.unwrap();
    let decoded = extract::decode_html(empty.body.as_deref().unwrap(), None);
    assert_eq!(
        extract::extract(&decoded.text, None, extract::Strategy::Best)
            .unwrap()
            .method,
        extract::Method::None
    );
}

#[tokio::test]
async fn legacy_charsets_decode_with_and_without_a_declaration() {
    let (web, fetcher) = setup().await;
    for host in ["latin1.test", "nometa.test"] {
        let f = fetcher.fetch(&url(&web, host, "/")).await.unwrap();
        let decoded = extract::decode_html(f.body.as_deref().unwrap(), f.content_type.as_deref());
        assert_eq!(decoded.encoding, "windows-1252", "{host}");
        let page = extract::extract(&decoded.text, None, extract::Strategy::Best).unwrap();
        assert!(
            page.text.contains("vindmøller på land") && page.text.contains("Århus"),
            "{host}: {}",
            page.text
        );
    }
}

#[tokio::test]
async fn the_calendar_trap_never_ends() {
    let (web, fetcher) = setup().await;
    let mut next = url(&web, "trap.test", "/calendar/2026/11");
    for _ in 0..30 {
        let f = fetcher.fetch(&next).await.unwrap();
        let decoded = extract::decode_html(f.body.as_deref().unwrap(), None);
        let page = extract::extract(&decoded.text, Some(&f.final_url), extract::Strategy::Best).unwrap();
        let link = page
            .links
            .iter()
            .find(|l| l.contains("/calendar/"))
            .unwrap()
            .clone();
        next = Url::parse(&link).unwrap();
    }
    assert_eq!(next.path(), "/calendar/2029/05", "30 months on, and still going");
}

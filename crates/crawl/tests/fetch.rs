//! Fetching against local servers: the SSRF guard (literal addresses, names resolving to
//! private addresses, redirects into the private network), redirects, caps, content types,
//! retries, and robots.txt decisions.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crawl::robots::RobotsRule;
use crawl::{AddressPolicy, FetchConfig, FetchError, Fetcher, RobotsCache};
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UA: &str = "IssueObservatory/test (+https://example.org/about)";

/// A fetcher that may reach `fixture.test` (mapped to the mock server's loopback address)
/// and nothing else that is not public.
fn fixture_fetcher(server: &MockServer, configure: impl FnOnce(&mut FetchConfig)) -> Fetcher {
    let addr: SocketAddr = *server.address();
    let mut policy = AddressPolicy::default();
    policy.overrides.insert("fixture.test".into(), vec![addr.ip()]);
    policy
        .overrides
        .insert("evil.test".into(), vec!["10.0.0.7".parse().unwrap()]);
    policy.private_hosts.insert("fixture.test".into());
    let mut config = FetchConfig::new(UA);
    config.policy = Arc::new(policy);
    config.retry_base = Duration::from_millis(10);
    configure(&mut config);
    Fetcher::new(config).unwrap()
}

fn fixture_url(server: &MockServer, p: &str) -> Url {
    Url::parse(&format!("http://fixture.test:{}{p}", server.address().port())).unwrap()
}

#[tokio::test]
async fn private_addresses_are_refused_by_default() {
    let server = MockServer::start().await;
    let fetcher = Fetcher::new(FetchConfig::new(UA)).unwrap();
    let literal = Url::parse(&format!("{}/", server.uri())).unwrap();
    let err = fetcher.fetch(&literal).await.unwrap_err();
    assert_eq!(
        err,
        FetchError::Refused("refused: 127.0.0.1 is not a public address".into())
    );
    let err = fetcher
        .fetch(&Url::parse(&format!("http://localhost:{}/", server.address().port())).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Refused(m) if m.contains("localhost resolves only to non-public")),
        "{err:?}"
    );
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://10.0.0.1/",
    ] {
        let err = fetcher.fetch(&Url::parse(url).unwrap()).await.unwrap_err();
        assert_eq!(err.reason(), "refused_address", "{url}");
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing reached the server"
    );
}

#[tokio::test]
async fn a_name_resolving_to_a_private_address_and_a_redirect_into_one_are_refused() {
    let server = MockServer::start().await;
    let port = server.address().port();
    Mock::given(path("/hop"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", format!("http://127.0.0.1:{port}/secret")),
        )
        .mount(&server)
        .await;
    let fetcher = fixture_fetcher(&server, |_| {});
    let err = fetcher
        .fetch(&Url::parse("http://evil.test/").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::Refused("refused: evil.test resolves only to non-public addresses (10.0.0.7)".into())
    );
    let err = fetcher.fetch(&fixture_url(&server, "/hop")).await.unwrap_err();
    assert_eq!(err.reason(), "refused_address");
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, vec!["/hop"], "the redirect target was never contacted");
}

#[tokio::test]
async fn redirects_are_followed_recorded_and_capped() {
    let server = MockServer::start().await;
    let page = "<html><body><p>Hej</p></body></html>";
    Mock::given(path("/a"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/b"))
        .mount(&server)
        .await;
    Mock::given(path("/b"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/final?x=1"))
        .mount(&server)
        .await;
    Mock::given(path("/final"))
        .and(header("user-agent", UA))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Last-Modified", "Wed, 01 Jan 2025 00:00:00 GMT")
                .set_body_raw(page.as_bytes().to_vec(), "text/html; charset=utf-8"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/loop"))
        .mount(&server)
        .await;

    let fetcher = fixture_fetcher(&server, |c| c.max_redirects = 3);
    let f = fetcher.fetch(&fixture_url(&server, "/a")).await.unwrap();
    assert_eq!(f.status, 200);
    assert_eq!(f.final_url, fixture_url(&server, "/final?x=1"));
    assert_eq!(
        f.redirects,
        vec![
            fixture_url(&server, "/b").to_string(),
            fixture_url(&server, "/final?x=1").to_string()
        ]
    );
    assert_eq!(f.body.as_deref(), Some(page.as_bytes()));
    assert!(
        f.headers
            .iter()
            .any(|(k, v)| k == "last-modified" && v.starts_with("Wed"))
    );
    let err = fetcher.fetch(&fixture_url(&server, "/loop")).await.unwrap_err();
    assert_eq!(err, FetchError::TooManyRedirects(3));
}

#[tokio::test]
async fn bodies_are_capped_and_non_html_is_not_downloaded() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("x".repeat(4096).into_bytes(), "text/html"))
        .mount(&server)
        .await;
    Mock::given(path("/doc.pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"%PDF-1.7 ...".to_vec(), "application/pdf"))
        .mount(&server)
        .await;
    let fetcher = fixture_fetcher(&server, |c| c.max_body_bytes = 1000);
    assert_eq!(
        fetcher.fetch(&fixture_url(&server, "/big")).await.unwrap_err(),
        FetchError::TooLarge { limit: 1000 }
    );
    let pdf = fetcher.fetch(&fixture_url(&server, "/doc.pdf")).await.unwrap();
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(pdf.body, None);
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"<p>ok</p>".to_vec(), "text/html"))
        .mount(&server)
        .await;
    let fetcher = fixture_fetcher(&server, |_| {});
    let f = fetcher.fetch(&fixture_url(&server, "/")).await.unwrap();
    assert_eq!((f.status, f.attempts), (200, 2));

    let slow = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&slow)
        .await;
    let fetcher = fixture_fetcher(&slow, |c| {
        c.timeout = Duration::from_millis(200);
        c.retries = 1;
    });
    assert_eq!(
        fetcher.fetch(&fixture_url(&slow, "/")).await.unwrap_err(),
        FetchError::Timeout
    );
    assert_eq!(slow.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn robots_txt_is_read_once_per_origin_with_google_semantics() {
    let server = MockServer::start().await;
    Mock::given(path("/robots.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            b"User-agent: *\nDisallow: /\n\nUser-agent: IssueObservatory\nDisallow: /private\nAllow: /private/open\nDisallow: /*.pdf$\nCrawl-delay: 2\n"
                .to_vec(),
            "text/plain",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let fetcher = fixture_fetcher(&server, |_| {});
    let robots = RobotsCache::new("IssueObservatory", Duration::from_secs(60));
    let check = |p: &'static str| {
        let url = fixture_url(&server, p);
        let robots = &robots;
        let fetcher = &fetcher;
        async move { robots.check(fetcher, &url).await }
    };
    let open = check("/news/1").await;
    assert!(open.allowed);
    assert_eq!(open.rule, RobotsRule::Allowed);
    assert_eq!(open.crawl_delay, Some(Duration::from_secs(2)));
    assert_eq!(check("/private/x").await.rule, RobotsRule::Disallowed);
    assert!(check("/private/open/y").await.allowed, "the longer Allow wins");
    assert!(!check("/files/report.pdf").await.allowed);
    assert!(
        check("/files/report.pdf?download=1").await.allowed,
        "`$` anchors the end"
    );
}

#[tokio::test]
async fn missing_robots_allow_all_and_failing_robots_disallow_for_now() {
    let missing = MockServer::start().await;
    Mock::given(path("/robots.txt"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&missing)
        .await;
    let fetcher = fixture_fetcher(&missing, |_| {});
    let robots = RobotsCache::new("IssueObservatory", Duration::from_secs(60));
    let d = robots.check(&fetcher, &fixture_url(&missing, "/any")).await;
    assert_eq!((d.allowed, d.rule), (true, RobotsRule::NoRobots));

    let failing = MockServer::start().await;
    Mock::given(path("/robots.txt"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&failing)
        .await;
    let fetcher = fixture_fetcher(&failing, |c| c.retries = 0);
    let robots = RobotsCache::new("IssueObservatory", Duration::from_millis(100));
    let d = robots.check(&fetcher, &fixture_url(&failing, "/any")).await;
    assert_eq!((d.allowed, d.rule), (false, RobotsRule::Unavailable));
    // Asked again once the retry interval has passed.
    failing.reset().await;
    Mock::given(path("/robots.txt"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(b"User-agent: *\nAllow: /\n".to_vec(), "text/plain"),
        )
        .mount(&failing)
        .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        robots
            .check(&fetcher, &fixture_url(&failing, "/any"))
            .await
            .allowed
    );
}

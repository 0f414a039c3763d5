//! Each engine against a local mock server replaying its documented request and response
//! shapes: request method, path, headers and parameters; parsing; paging; errors; retries.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use search::client::{EngineClient, NoProgress, RequestSpacing, RetryPolicy};
use search::engines::{Brave, GoogleCse, Searxng, Serpapi, Serper};
use search::{Engine, EngineError, QueryParams, QueryRun};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "test-key-5f2b9c";

fn params(text: &str, max_results: u32) -> QueryParams {
    QueryParams {
        text: text.into(),
        max_results,
        language: Some("da".into()),
        country: Some("dk".into()),
        location: None,
        date_from: None,
        date_to: None,
    }
}

fn url(server: &MockServer, p: &str) -> url::Url {
    url::Url::parse(&format!("{}{p}", server.uri())).unwrap()
}

fn client(engine: impl Engine) -> EngineClient {
    EngineClient::new(
        Arc::new(engine),
        reqwest::Client::new(),
        RequestSpacing::per_second(0.0),
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(5),
        },
    )
}

async fn run(client: &EngineClient, p: &QueryParams) -> QueryRun {
    client.run_query(p, &mut NoProgress).await.unwrap()
}

fn serper(server: &MockServer) -> EngineClient {
    client(Serper {
        endpoint: url(server, "/search"),
        api_key: KEY.into(),
    })
}

/// Serves `total` results, `per_page` at a time, for a page number read from the request.
struct Pages {
    total: usize,
    per_page: usize,
    page_of: fn(&Request) -> usize,
    render: fn(usize) -> Value,
    wrap: fn(Vec<Value>) -> Value,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page = (self.page_of)(request);
        let start = page * self.per_page;
        let items: Vec<Value> = (start..(start + self.per_page).min(self.total))
            .map(|i| (self.render)(i + 1))
            .collect();
        ResponseTemplate::new(200).set_body_json((self.wrap)(items))
    }
}

fn query_number(request: &Request, name: &str) -> Option<usize> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
}

#[tokio::test]
async fn serper_posts_json_with_the_key_header_and_parses_organic() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(header("X-API-KEY", KEY))
        .and(header("content-type", "application/json"))
        .and(body_partial_json(json!({
            "q": "vindmøller", "num": 10, "page": 1, "gl": "dk", "hl": "da",
            "tbs": "cdr:1,cd_min:1/2/2024,cd_max:3/4/2024"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "searchParameters": {"q": "vindmøller"},
            "organic": [
                {"position": 1, "title": "Vindmøller", "link": "https://www.dr.dk/a", "snippet": "s1", "date": "3 days ago"},
                {"position": 2, "link": "https://ens.dk/b"},
                {"position": 3, "title": "no link"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut p = params("vindmøller", 2);
    p.date_from = NaiveDate::from_ymd_opt(2024, 1, 2);
    p.date_to = NaiveDate::from_ymd_opt(2024, 3, 4);
    let out = run(&serper(&server), &p).await;
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.hits.len(), 2, "an entry without a link is dropped");
    assert_eq!(out.hits[0].hit.title.as_deref(), Some("Vindmøller"));
    assert_eq!(out.hits[0].hit.date.as_deref(), Some("3 days ago"));
    assert_eq!(out.hits[1].hit.title, None);
    assert_eq!(out.hits[1].rank, 2);
    assert_eq!(out.pages.len(), 1);
    let recorded = out.pages[0].request.to_string();
    assert!(
        !recorded.contains(KEY),
        "the key must not be recorded: {recorded}"
    );
    assert!(out.shortfall.is_none());
}

#[tokio::test]
async fn serper_pages_to_200_results_with_absolute_ranks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .respond_with(Pages {
            total: 1000,
            per_page: 10,
            page_of: |r| {
                let body: Value = serde_json::from_slice(&r.body).unwrap();
                body["page"].as_u64().unwrap() as usize - 1
            },
            render: |i| json!({"position": i, "title": format!("t{i}"), "link": format!("https://site{i}.dk/")}),
            wrap: |items| json!({"organic": items}),
        })
        .expect(20)
        .mount(&server)
        .await;
    let out = run(&serper(&server), &params("q", 200)).await;
    assert_eq!(out.hits.len(), 200);
    assert_eq!(out.pages.len(), 20);
    assert!(out.shortfall.is_none());
    for (i, h) in out.hits.iter().enumerate() {
        assert_eq!(h.rank as usize, i + 1);
        assert_eq!(h.hit.url, format!("https://site{}.dk/", i + 1));
        assert_eq!(h.page as usize, i / 10);
    }
}

#[tokio::test]
async fn paging_stops_at_an_empty_page_and_says_why() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Pages {
            total: 25,
            per_page: 10,
            page_of: |r| {
                let body: Value = serde_json::from_slice(&r.body).unwrap();
                body["page"].as_u64().unwrap() as usize - 1
            },
            render: |i| json!({"link": format!("https://s{i}.dk/")}),
            wrap: |items| json!({"organic": items}),
        })
        .expect(4)
        .mount(&server)
        .await;
    let out = run(&serper(&server), &params("q", 100)).await;
    assert_eq!(out.hits.len(), 25);
    assert!(out.shortfall.unwrap().contains("no more results after 25"));
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"organic": [{"link": "https://a.dk/"}]})),
        )
        .mount(&server)
        .await;
    let out = run(&serper(&server), &params("q", 1)).await;
    assert!(out.error.is_none());
    assert_eq!(out.hits.len(), 1);
    assert_eq!(out.requests, 2);
    assert_eq!(
        out.waits,
        vec![Duration::from_secs(1)],
        "the server's Retry-After, not our backoff"
    );
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .expect(3)
        .mount(&server)
        .await;
    let out = run(&serper(&server), &params("q", 10)).await;
    assert_eq!(out.requests, 3, "first try and two retries");
    assert_eq!(out.waits.len(), 2);
    let err = out.error.unwrap();
    assert!(matches!(err, EngineError::Server { status: 503, .. }));
    assert!(err.to_string().contains("upstream down"), "{err}");
}

#[tokio::test]
async fn auth_errors_fail_at_once_with_a_readable_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized.", "statusCode": 401})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run(&serper(&server), &params("q", 10)).await;
    let err = out.error.unwrap();
    assert!(matches!(err, EngineError::Auth { status: 401, .. }));
    assert_eq!(
        err.to_string(),
        "serper rejected the credentials (HTTP 401): Unauthorized."
    );
    assert!(!err.to_string().contains(KEY));
    assert_eq!(out.requests, 1, "not retried");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "Not enough credits"})))
        .mount(&server)
        .await;
    let err = run(&serper(&server), &params("q", 10)).await.error.unwrap();
    assert!(matches!(err, EngineError::Quota { .. }), "{err}");
}

#[tokio::test]
async fn serpapi_sends_the_documented_query_and_parses_organic_results() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search.json"))
        .and(query_param("engine", "google"))
        .and(query_param("q", "grøn omstilling"))
        .and(query_param("api_key", KEY))
        .and(query_param("num", "10"))
        .and(query_param("gl", "dk"))
        .and(query_param("hl", "da"))
        .and(query_param("tbs", "cdr:1,cd_min:1/1/2025,cd_max:6/30/2025"))
        .respond_with(Pages {
            total: 15,
            per_page: 10,
            page_of: |r| query_number(r, "start").unwrap() / 10,
            render: |i| json!({"position": i, "title": "T", "link": format!("https://x{i}.dk/"), "snippet": "S", "date": "Jan 3, 2025"}),
            wrap: |items| json!({"search_metadata": {"status": "Success"}, "organic_results": items}),
        })
        .expect(2)
        .mount(&server)
        .await;
    let mut p = params("grøn omstilling", 15);
    p.date_from = NaiveDate::from_ymd_opt(2025, 1, 1);
    p.date_to = NaiveDate::from_ymd_opt(2025, 6, 30);
    let c = client(Serpapi {
        endpoint: url(&server, "/search.json"),
        api_key: KEY.into(),
    });
    let out = run(&c, &p).await;
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.hits.len(), 15);
    assert_eq!(out.hits[14].hit.url, "https://x15.dk/");
    assert_eq!(out.hits[0].hit.date.as_deref(), Some("Jan 3, 2025"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(query_number(&requests[1], "start"), Some(10));
    let recorded = out.pages[0].request["url"].as_str().unwrap().to_owned();
    assert!(
        recorded.contains("api_key=***") && !recorded.contains(KEY),
        "{recorded}"
    );
}

#[tokio::test]
async fn serpapi_error_fields_and_empty_results() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"error": "Google hasn't returned any results for this query."})),
        )
        .mount(&server)
        .await;
    let c = client(Serpapi {
        endpoint: url(&server, "/search.json"),
        api_key: KEY.into(),
    });
    let out = run(&c, &params("zzz", 10)).await;
    assert!(out.error.is_none());
    assert!(out.hits.is_empty());
    assert!(out.shortfall.is_some());

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key"})))
        .mount(&server)
        .await;
    let c = client(Serpapi {
        endpoint: url(&server, "/search.json"),
        api_key: KEY.into(),
    });
    let err = run(&c, &params("q", 10)).await.error.unwrap();
    assert!(err.to_string().contains("Invalid API key"), "{err}");
}

#[tokio::test]
async fn google_cse_pages_by_start_and_stops_at_its_ceiling_of_100() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customsearch/v1"))
        .and(query_param("key", KEY))
        .and(query_param("cx", "engine-id"))
        .and(query_param("gl", "dk"))
        .and(query_param("hl", "da"))
        .and(query_param("lr", "lang_da"))
        .and(query_param_is_missing("sort"))
        .respond_with(Pages {
            total: 1000,
            per_page: 10,
            page_of: |r| (query_number(r, "start").unwrap() - 1) / 10,
            render: |i| json!({"title": "T", "link": format!("https://g{i}.dk/"), "snippet": "S", "displayLink": "g.dk"}),
            wrap: |items| json!({"kind": "customsearch#search", "items": items}),
        })
        .expect(10)
        .mount(&server)
        .await;
    let c = client(GoogleCse {
        endpoint: url(&server, "/customsearch/v1"),
        api_key: KEY.into(),
        cx: "engine-id".into(),
    });
    let out = run(&c, &params("q", 150)).await;
    assert_eq!(out.hits.len(), 100);
    assert!(out.shortfall.unwrap().contains("at most 100"));
    let requests = server.received_requests().await.unwrap();
    let last = requests.last().unwrap();
    assert_eq!(query_number(last, "start"), Some(91));
    assert_eq!(query_number(last, "num"), Some(10));
}

#[tokio::test]
async fn google_cse_date_sort_and_quota_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("sort", "date:r:20240101:20241231"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "customsearch#search"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(GoogleCse {
        endpoint: url(&server, "/customsearch/v1"),
        api_key: KEY.into(),
        cx: "cx".into(),
    });
    let mut p = params("q", 10);
    p.date_from = NaiveDate::from_ymd_opt(2024, 1, 1);
    p.date_to = NaiveDate::from_ymd_opt(2024, 12, 31);
    let out = run(&c, &p).await;
    assert!(
        out.hits.is_empty() && out.error.is_none(),
        "no `items` is an empty page"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429).set_body_json(json!({"error": {"code": 429,
            "message": "Quota exceeded for quota metric 'Queries' and limit 'Queries per day'",
            "errors": [{"reason": "rateLimitExceeded"}]}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(GoogleCse {
        endpoint: url(&server, "/customsearch/v1"),
        api_key: KEY.into(),
        cx: "cx".into(),
    });
    let err = run(&c, &params("q", 10)).await.error.unwrap();
    assert!(matches!(err, EngineError::Quota { status: 429, .. }), "{err}");
    assert!(err.to_string().contains("Quota exceeded"));
}

#[tokio::test]
async fn brave_uses_its_header_page_offsets_and_freshness() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/res/v1/web/search"))
        .and(header("X-Subscription-Token", KEY))
        .and(query_param("count", "20"))
        .and(query_param("country", "DK"))
        .and(query_param("search_lang", "da"))
        .and(query_param("freshness", "2024-01-01to2024-02-01"))
        .respond_with(Pages {
            total: 1000,
            per_page: 20,
            page_of: |r| query_number(r, "offset").unwrap(),
            render: |i| json!({"title": "T", "url": format!("https://b{i}.dk/"), "description": "D", "page_age": "2024-01-05T00:00:00"}),
            wrap: |items| json!({"type": "search", "web": {"type": "search", "results": items}}),
        })
        .expect(10)
        .mount(&server)
        .await;
    let c = client(Brave {
        endpoint: url(&server, "/res/v1/web/search"),
        api_key: KEY.into(),
    });
    let mut p = params("q", 200);
    p.date_from = NaiveDate::from_ymd_opt(2024, 1, 1);
    p.date_to = NaiveDate::from_ymd_opt(2024, 2, 1);
    let out = run(&c, &p).await;
    assert_eq!(out.hits.len(), 200);
    assert_eq!(out.hits[199].hit.url, "https://b200.dk/");
    assert_eq!(out.hits[0].hit.snippet.as_deref(), Some("D"));
    assert_eq!(out.hits[0].hit.date.as_deref(), Some("2024-01-05T00:00:00"));
    let offsets: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| query_number(r, "offset").unwrap())
        .collect();
    assert_eq!(
        offsets,
        (0..10).collect::<Vec<_>>(),
        "offset counts pages and stops at 9"
    );
}

#[tokio::test]
async fn brave_without_web_results_is_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"type": "search", "query": {"original": "q"}})),
        )
        .mount(&server)
        .await;
    let c = client(Brave {
        endpoint: url(&server, "/res/v1/web/search"),
        api_key: KEY.into(),
    });
    let out = run(&c, &params("q", 20)).await;
    assert!(out.hits.is_empty() && out.error.is_none());
}

#[tokio::test]
async fn searxng_pages_by_pageno_and_parses_results() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/searx/search"))
        .and(query_param("format", "json"))
        .and(query_param("language", "da-DK"))
        .respond_with(Pages {
            total: 33,
            per_page: 15,
            page_of: |r| query_number(r, "pageno").unwrap() - 1,
            render: |i| {
                json!({"url": format!("https://sx{i}.dk/"), "title": "T", "content": "C",
                "engine": "bing", "engines": ["bing", "duckduckgo"], "positions": [i], "score": 1.5,
                "publishedDate": null})
            },
            wrap: |items| json!({"query": "q", "number_of_results": 0, "results": items}),
        })
        .mount(&server)
        .await;
    let c = client(Searxng {
        endpoint: url(&server, "/searx/search"),
    });
    let out = run(&c, &params("q", 50)).await;
    assert!(out.error.is_none());
    assert_eq!(out.hits.len(), 33);
    assert_eq!(out.hits[32].hit.snippet.as_deref(), Some("C"));
    assert_eq!(out.hits[0].hit.date, None);
}

#[tokio::test]
async fn searxng_sends_a_window_ending_today_as_its_time_range() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("time_range", "month"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"results": [{"url": "https://a.dk/"}]})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let c = client(Searxng {
        endpoint: url(&server, "/search"),
    });
    let today = chrono::Utc::now().date_naive();
    let mut p = params("q", 2);
    p.date_from = today.checked_sub_months(chrono::Months::new(1));
    p.date_to = Some(today);
    c.engine().check(&p).unwrap();
    let out = run(&c, &p).await;
    assert_eq!(out.hits.len(), 2);
}

#[tokio::test]
async fn searxng_without_json_says_exactly_that() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<html>403 Forbidden</html>"))
        .mount(&server)
        .await;
    let c = client(Searxng {
        endpoint: url(&server, "/search"),
    });
    let err = run(&c, &params("q", 10)).await.error.unwrap();
    assert_eq!(err, EngineError::JsonDisabled);
    assert!(err.to_string().contains("does not serve JSON"));
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_clear_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>captive portal</html>"))
        .mount(&server)
        .await;
    let err = run(&serper(&server), &params("q", 10)).await.error.unwrap();
    assert!(matches!(err, EngineError::BadResponse { .. }), "{err}");
}

#[test]
fn engines_refuse_parameters_they_cannot_honour() {
    let endpoint = url::Url::parse("http://127.0.0.1:1/search").unwrap();
    let mut p = params("q", 10);
    p.date_from = NaiveDate::from_ymd_opt(2024, 1, 1);
    p.date_to = NaiveDate::from_ymd_opt(2024, 2, 1);
    let sx = Searxng {
        endpoint: endpoint.clone(),
    };
    assert_eq!(sx.check(&p).unwrap_err().field, "date_from");
    let mut p = params("q", 10);
    p.location = Some("Aarhus, Denmark".into());
    let brave = Brave {
        endpoint: endpoint.clone(),
        api_key: KEY.into(),
    };
    assert_eq!(brave.check(&p).unwrap_err().field, "location");
    let serper = Serper {
        endpoint,
        api_key: KEY.into(),
    };
    assert!(serper.check(&p).is_ok());
}

/// Two processes' clients of one engine, each allowed 2 requests/s, share one quota when
/// their spacing is shared: after the first spends the burst, the second waits its turn.
#[tokio::test]
async fn processes_sharing_a_quota_wait_for_each_other() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "organic": [{"position": 1, "title": "t", "link": "https://example.dk/", "snippet": "s"}]
        })))
        .mount(&server)
        .await;
    let make = || {
        EngineClient::new(
            Arc::new(Serper {
                endpoint: url(&server, "/search"),
                api_key: KEY.into(),
            }),
            reqwest::Client::new(),
            RequestSpacing::per_second(2.0),
            RetryPolicy::default(),
        )
    };
    let (first, second) = (make(), make());
    match redislink::test_url() {
        Some(url) => {
            let prefix = format!("obs-test-{}:", uuid::Uuid::new_v4().simple());
            for client in [&first, &second] {
                let limiter = ratelimit::RedisLimiter::connect(&url, &prefix).await.unwrap();
                client.share_quota(Arc::new(limiter));
            }
        }
        None => {
            let limiter: Arc<dyn ratelimit::RateLimiter> = Arc::new(ratelimit::MemoryLimiter::new());
            first.share_quota(limiter.clone());
            second.share_quota(limiter);
        }
    }
    let p = params("quota", 1);
    run(&first, &p).await;
    run(&first, &p).await;
    let waited = std::time::Instant::now();
    run(&second, &p).await;
    // One request every 500 ms once the burst of two is spent (the first may have refilled a
    // little while it ran).
    assert!(
        waited.elapsed() >= Duration::from_millis(300),
        "the second process did not wait: {:?}",
        waited.elapsed()
    );
}

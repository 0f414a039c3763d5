//! Search hot paths: URL normalization with the Public Suffix List, RBO, parsing an engine
//! page, and one 100-result query paged through a local mock Serper.

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use search::client::{EngineClient, NoProgress, RequestSpacing, RetryPolicy};
use search::compare::rbo_ext;
use search::engines::Serper;
use search::urlnorm::normalize;
use search::{Engine, QueryParams};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn urls() -> Vec<String> {
    (0..1000)
        .map(|i| match i % 4 {
            0 => format!("https://www.site{i}.dk/nyheder/artikel-{i}?utm_source=x&id={i}#top"),
            1 => format!("http://News.Site{i}.co.uk:80/a/b/c"),
            2 => format!("https://sub.domain{i}.github.io/path?gclid=abc"),
            _ => format!("https://example{i}.com/search?q=vind+m%C3%B8ller&page=2"),
        })
        .collect()
}

fn page_body() -> Vec<u8> {
    let organic: Vec<_> = (1..=10)
        .map(|i| json!({"position": i, "title": format!("Title {i}"), "link": format!("https://www.site{i}.dk/a/{i}"),
            "snippet": "Danmarks energiomstilling handler om vindmøller, solceller og fjernvarme.", "date": "3 days ago"}))
        .collect();
    serde_json::to_vec(&json!({"searchParameters": {"q": "x"}, "organic": organic})).unwrap()
}

fn benches(c: &mut Criterion) {
    let inputs = urls();
    let mut group = c.benchmark_group("search");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("normalize_1000_urls", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|u| normalize(u).unwrap().domain.len())
                .sum::<usize>()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("search");
    let a: Vec<String> = (0..100).map(|i| format!("u{i}")).collect();
    let b_list: Vec<String> = (0..100).map(|i| format!("u{}", (i * 7) % 120)).collect();
    group.bench_function("rbo_ext_100_vs_100", |b| b.iter(|| rbo_ext(&a, &b_list, 0.9)));

    let serper = Serper {
        endpoint: url::Url::parse("http://127.0.0.1:9/search").unwrap(),
        api_key: "k".into(),
    };
    let body = page_body();
    group.bench_function("parse_serper_page_10", |b| {
        b.iter(|| serper.parse(&body).unwrap().len())
    });

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (server, client) = rt.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        let body = page_body();
        Mock::given(method("POST"))
            .respond_with(move |_: &Request| {
                ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json")
            })
            .mount(&server)
            .await;
        let client = EngineClient::new(
            Arc::new(Serper {
                endpoint: url::Url::parse(&format!("{}/search", server.uri())).unwrap(),
                api_key: "k".into(),
            }),
            reqwest::Client::new(),
            RequestSpacing::per_second(0.0),
            RetryPolicy {
                max_retries: 0,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(1),
                max_retry_after: Duration::from_secs(1),
            },
        );
        (server, client)
    });
    let params = QueryParams {
        text: "vindmøller".into(),
        max_results: 100,
        language: Some("da".into()),
        country: Some("dk".into()),
        location: None,
        date_from: None,
        date_to: None,
    };
    group.bench_function("run_query_100_results_10_pages_loopback", |b| {
        b.to_async(&rt).iter(|| async {
            client
                .run_query(&params, &mut NoProgress)
                .await
                .unwrap()
                .hits
                .len()
        })
    });
    group.finish();
    drop(server);
}

criterion_group!(search_benches, benches);
criterion_main!(search_benches);

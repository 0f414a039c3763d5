//! Criterion benchmarks of the website catalogue, which every website list, curation and
//! network build computes from the project's data: a seeded synthetic project of 2,000
//! websites with 10,000 search results and 20,000 crawled pages of 40 outlinks each
//! (800,000 links), with 200 curated units (hosts, prefixes, merges).

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use curation::{Catalogue, Defaults};
use store::{ProjectPage, ProjectSearchResult, ProjectWebsite, WebsiteId, WebsiteStatus};

const SITES: usize = 2_000;

fn next(state: &mut u64) -> usize {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 33) as usize
}

fn site(i: usize) -> String {
    format!("site{i}.dk")
}

fn project() -> (Vec<ProjectWebsite>, Vec<ProjectSearchResult>, Vec<ProjectPage>) {
    let mut state = 11u64;
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let results = (0..10_000)
        .map(|i| ProjectSearchResult {
            session_id: store::SearchSessionId::new(1),
            query: format!("query {}", i % 50),
            rank: (i % 100) as i64 + 1,
            url: format!("https://www.{}/a/{i}", site(next(&mut state) % SITES)),
            title: Some(format!("result {i}")),
            snippet: None,
            fetched_at: at,
        })
        .collect();
    let pages = (0..20_000)
        .map(|i| {
            let own = next(&mut state) % SITES;
            ProjectPage {
                url: format!("https://{}/p/{i}", site(own)),
                title: Some(format!("page {i}")),
                description: None,
                outlinks: (0..40)
                    .map(|k| {
                        // Half the links stay on the site, half go anywhere (a skewed few).
                        let target = if k % 2 == 0 {
                            own
                        } else {
                            (next(&mut state) % SITES).pow(2) / SITES
                        };
                        format!("https://{}/x/{k}", site(target))
                    })
                    .collect(),
                fetched_at: at,
            }
        })
        .collect();
    let stored = (0..200)
        .map(|i| {
            let unit = match i % 3 {
                0 => format!("news.{}", site(i)),
                1 => format!("{}/p", site(i)),
                _ => site(i),
            };
            ProjectWebsite {
                id: WebsiteId::new(i as i64 + 1),
                project_id: store::ProjectId::new(1),
                kind: match i % 3 {
                    0 => "host",
                    1 => "prefix",
                    _ => "domain",
                }
                .into(),
                unit,
                status: (i % 5 == 0).then_some(WebsiteStatus::Out),
                name: Some(format!("Actor {i}")),
                categories: BTreeMap::from([("sector".to_owned(), format!("s{}", i % 6))]),
                merged_into: (i % 7 == 6).then(|| WebsiteId::new(1)),
                created_at: at,
                updated_at: at,
            }
        })
        .collect();
    (stored, results, pages)
}

fn catalogue(c: &mut Criterion) {
    let (stored, results, pages) = project();
    let defaults = Defaults {
        search: WebsiteStatus::In,
        link: WebsiteStatus::Undecided,
    };
    let mut group = c.benchmark_group("catalogue");
    group.sample_size(10);
    group.bench_function("build 10k results, 20k pages, 800k links", |b| {
        b.iter(|| Catalogue::build(defaults, &stored, &results, &pages))
    });
    let built = Catalogue::build(defaults, &stored, &results, &pages);
    group.bench_function("inlinks from IN for every website", |b| {
        b.iter(|| {
            (0..built.len())
                .map(|i| built.inlinks_from_in(i).len())
                .sum::<usize>()
        })
    });
    group.bench_function("resolve 20k page URLs to actors", |b| {
        b.iter(|| pages.iter().filter_map(|p| built.resolve_url(&p.url)).count())
    });
    group.finish();
}

criterion_group!(benches, catalogue);
criterion_main!(benches);

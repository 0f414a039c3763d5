//! Criterion benchmarks of the pure network pipeline on a seeded synthetic corpus of
//! 1,000 websites over 20,000 nouns (top 50 per website: 50,000 edges). The end-to-end
//! numbers, including the store and a 1M-edge network, come from `observatory bench graph`.

use criterion::{Criterion, criterion_group, criterion_main};
use graph::backbone::{Method, apply};
use graph::build::{TermCount, TermKind, TermOptions, TopN, website_terms};
use graph::export::{ColorBy, ExportMeta, gexf};
use graph::{community, stats};

fn corpus() -> Vec<TermCount> {
    let mut state = 7u64;
    let mut unit = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut rows = Vec::new();
    for w in 0..1_000 {
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..300 {
            let t = if unit() < 0.5 {
                (4_000.0 * unit().powf(2.5)) as usize
            } else {
                4_000 + (w % 20) * 800 + (800.0 * unit().powf(2.5)) as usize
            };
            *counts.entry(t).or_insert(0i64) += 1;
        }
        for (t, c) in counts {
            rows.push(TermCount {
                website: format!("site{w}.dk"),
                term: format!("noun{t}"),
                label: None,
                count: c,
            });
        }
    }
    rows
}

fn pipeline(c: &mut Criterion) {
    let rows = corpus();
    let options = TermOptions {
        top: TopN::Count(50),
        ..TermOptions::default()
    };
    let built = website_terms(&rows, TermKind::Noun, &options);
    let mut group = c.benchmark_group("website-noun 50k edges");
    group.sample_size(10);
    group.bench_function("build", |b| {
        b.iter(|| website_terms(&rows, TermKind::Noun, &options))
    });
    group.bench_function("disparity", |b| {
        b.iter(|| {
            let mut g = built.clone();
            apply(&mut g, Method::Disparity { alpha: 0.05 })
        })
    });
    group.bench_function("louvain", |b| b.iter(|| community::louvain(&built, 42, 1.0)));
    let mut with_degrees = built.clone();
    stats::compute_degrees(&mut with_degrees);
    group.bench_function("gexf", |b| {
        b.iter(|| gexf(&with_degrees, &ExportMeta::default(), ColorBy::Kind).len())
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);

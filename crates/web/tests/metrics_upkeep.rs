//! Histogram samples do not pile up when nobody scrapes `/metrics`. Its own test binary, so
//! the process's resident memory is this test's alone.

use std::time::Duration;

use metrics::Recorder;
use metrics_exporter_prometheus::PrometheusBuilder;

/// Resident memory of this process in bytes (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn memory_stays_flat_without_a_scrape() {
    let recorder = PrometheusBuilder::new().build_recorder();
    web::metrics::spawn_upkeep(recorder.handle(), Duration::from_millis(5));
    let key = metrics::Key::from_static_name("observatory_http_request_duration_seconds");
    let metadata = metrics::Metadata::new("test", metrics::Level::INFO, None);
    let histogram = recorder.register_histogram(&key, &metadata);

    // Warm up the allocator and the first buckets, then measure 40 rounds of 100,000
    // samples (4 million requests' worth; 32 MB if they were all kept).
    for _ in 0..4 {
        (0..100_000).for_each(|i| histogram.record(f64::from(i % 97) / 1000.0));
        std::thread::sleep(Duration::from_millis(30));
    }
    let before = resident_bytes();
    for _ in 0..40 {
        (0..100_000).for_each(|i| histogram.record(f64::from(i % 97) / 1000.0));
        std::thread::sleep(Duration::from_millis(30));
    }
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 8 * 1024 * 1024,
        "resident memory grew by {} KiB over 4 million samples with no scrape",
        grown / 1024
    );
}

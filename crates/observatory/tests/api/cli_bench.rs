//! `observatory bench` end to end, briefly: it seeds, loads, and reports every measure with
//! a verdict, and writes the same as JSON.

use serde_json::Value;

use crate::cli::{observatory, text};

#[test]
fn the_platform_benchmark_reports_measures_against_both_targets() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = observatory(
        dir.path(),
        &[
            "bench",
            "--api",
            "--concurrent",
            "--cache",
            "--users",
            "2",
            "--duration",
            "300ms",
            "--json",
            json.to_str().unwrap(),
        ],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    for expected in [
        "session list",
        "mixed p95 at 2 users",
        "mixed p99 at 4 users",
        "cache hit p99",
        "PASS",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["users"], 2);
    let loads = report["loads"].as_array().unwrap();
    assert!(loads.iter().all(|l| l["errors"] == 0), "{loads:#?}");
    assert!(
        loads.iter().all(|l| l["requests"].as_u64().unwrap() > 0),
        "{loads:#?}"
    );
    let checks = report["checks"].as_array().unwrap();
    let throughput = checks
        .iter()
        .find(|c| {
            c["measure"]
                .as_str()
                .unwrap()
                .starts_with("session list throughput")
        })
        .expect("a throughput check");
    assert!(throughput["value"].as_f64().unwrap() > 0.0);
    assert_eq!(throughput["ours"]["limit"], 3400.0);

    let refused = observatory(dir.path(), &["bench", "--users", "0"], None);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("--users must be between 1 and 10000"));
    let bad = observatory(dir.path(), &["bench", "--duration", "soon"], None);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("not a duration"),
        "{}",
        text(&bad.stderr)
    );
}

//! `observatory graph backbone` on a plain edge list, as researchers use it on its own.

use crate::cli::{observatory, text};

/// The hand-computed disparity example of the `graph` crate's tests: A–B 10, A–C 1, A–D 1,
/// B–C 1, D–E 5. At α = 0.2 only A–B (α = 1/36 from A) and D–E (α = 1/6 from D; E has
/// degree 1 and decides nothing) are kept.
#[test]
fn an_edge_list_is_backboned_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("edges.csv"),
        "source,target,weight\nA,B,10\nA,C,1\nA,D,1\nB,C,1\nD,E,5\n",
    )
    .unwrap();
    let out = observatory(
        dir.path(),
        &[
            "graph",
            "backbone",
            "--method",
            "disparity",
            "--alpha",
            "0.2",
            "--input",
            "edges.csv",
            "--output",
            "kept.csv",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("kept 2 of 5 edges"),
        "{}",
        text(&out.stderr)
    );
    let kept = std::fs::read_to_string(dir.path().join("kept.csv")).unwrap();
    let rows: Vec<&str> = kept.lines().collect();
    assert_eq!(rows[0], "source,target,weight,alpha");
    assert!(rows[1].starts_with("A,B,10,0.0277777"), "{kept}");
    assert!(rows[2].starts_with("D,E,5,0.1666666"), "{kept}");
    assert_eq!(rows.len(), 3);

    // Noise-corrected at δ = 1.28 keeps A–B, B–C and D–E (scores in the graph crate's tests).
    let out = observatory(
        dir.path(),
        &[
            "graph",
            "backbone",
            "--method",
            "noise-corrected",
            "--delta",
            "1.28",
            "--input",
            "edges.csv",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let kept: Vec<String> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(""))
        .collect();
    assert_eq!(kept, ["AB", "BC", "DE"], "{stdout}");
    assert!(
        stdout.starts_with("source,target,weight,score,sdev\n"),
        "{stdout}"
    );

    // Directed top-1 from standard input, every edge with its verdict.
    let out = observatory(
        dir.path(),
        &[
            "graph",
            "backbone",
            "--method",
            "topk",
            "--k",
            "1",
            "--directed",
            "--all",
            "--input",
            "-",
        ],
        Some("source,target,weight\nA,B,4\nA,C,1\nB,A,2\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "source,target,weight,rank,kept\nA,B,4,1,true\nA,C,1,1,true\nB,A,2,1,true\n"
    );

    let out = observatory(
        dir.path(),
        &[
            "graph",
            "backbone",
            "--method",
            "disparity",
            "--input",
            "edges.csv",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("this method needs --alpha"));
    std::fs::write(dir.path().join("bad.csv"), "source,target,weight\nA,B,-1\n").unwrap();
    let out = observatory(
        dir.path(),
        &[
            "graph",
            "backbone",
            "--method",
            "threshold",
            "--threshold",
            "1",
            "--input",
            "bad.csv",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("line 2: weight `-1` is not a finite number ≥ 0"),
        "{}",
        text(&out.stderr)
    );
}

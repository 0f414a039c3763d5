//! Backboning on small graphs whose kept and dropped edges are computed by hand.

use graph::backbone::{Method, apply, read_edge_list, write_scored_edge_list};
use graph::{GraphBuilder, NodeKind};

/// Undirected: A–B 10, A–C 1, A–D 1, B–C 1, D–E 5.
/// Strengths and degrees: A s=12 k=3; B s=11 k=2; C s=2 k=2; D s=6 k=2; E s=5 k=1.
const UNDIRECTED: &str = "source,target,weight\nA,B,10\nA,C,1\nA,D,1\nB,C,1\nD,E,5\n";

/// Directed: A→B 4, A→C 1, C→B 1, B→A 2, D→B 1, A→D 1, C→A 3, B→C 1.
const DIRECTED: &str = "source,target,weight\nA,B,4\nA,C,1\nC,B,1\nB,A,2\nD,B,1\nA,D,1\nC,A,3\nB,C,1\n";

fn run(input: &str, directed: bool, method: Method) -> Vec<(String, String, bool, f64, Option<f64>)> {
    let list = read_edge_list(input.as_bytes(), directed).expect("valid list");
    let scores = method.score(list.names.len(), &list.edges, directed);
    list.edges
        .iter()
        .zip(scores)
        .map(|(&(a, b, _), s)| {
            (
                list.names[a as usize].clone(),
                list.names[b as usize].clone(),
                s.keep,
                s.score,
                s.sdev,
            )
        })
        .collect()
}

fn kept(rows: &[(String, String, bool, f64, Option<f64>)]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.2)
        .map(|r| format!("{}{}", r.0, r.1))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn disparity_undirected_keeps_edges_significant_from_either_end() {
    let rows = run(UNDIRECTED, false, Method::Disparity { alpha: 0.05 });
    // A–B: from A (1 − 10/12)² = 1/36 ≈ 0.0278, from B (1 − 10/11)¹ = 1/11 ≈ 0.0909.
    // Kept at 0.05 because A finds it significant, although B does not (OR, not AND).
    assert!(close(rows[0].3, 1.0 / 36.0));
    // A–C: A (11/12)² ≈ 0.840, C (1 − 1/2) = 0.5 → 0.5.
    assert!(close(rows[1].3, 0.5));
    // A–D: A 0.840, D (1 − 1/6) ≈ 0.833.
    assert!(close(rows[2].3, 5.0 / 6.0));
    // B–C: B 10/11, C 0.5.
    assert!(close(rows[3].3, 0.5));
    // D–E: D (1 − 5/6) = 1/6; E has degree 1 and decides nothing.
    assert!(close(rows[4].3, 1.0 / 6.0));
    assert_eq!(kept(&rows), ["AB"]);

    // At α = 0.2, D–E stands by D's verdict alone.
    assert_eq!(
        kept(&run(UNDIRECTED, false, Method::Disparity { alpha: 0.2 })),
        ["AB", "DE"]
    );
    // At α = 0.1 it falls: E's single edge does not keep it.
    assert_eq!(
        kept(&run(UNDIRECTED, false, Method::Disparity { alpha: 0.1 })),
        ["AB"]
    );
}

#[test]
fn disparity_directed_uses_out_strength_at_the_source_and_in_strength_at_the_target() {
    let rows = run(DIRECTED, true, Method::Disparity { alpha: 0.15 });
    // Out: A s=6 k=3 (B 4, C 1, D 1); B s=3 k=2; C s=4 k=2; D s=1 k=1.
    // In:  B s=6 k=3 (A 4, C 1, D 1); A s=5 k=2 (B 2, C 3); C s=2 k=2; D s=1 k=1.
    // A→B: out (1 − 4/6)² = 1/9, in (1 − 4/6)² = 1/9.
    assert!(close(rows[0].3, 1.0 / 9.0));
    // A→C: out (5/6)², in (1 − 1/2) = 0.5 → 0.5.
    assert!(close(rows[1].3, 0.5));
    // C→B: out (1 − 1/4) = 0.75, in (5/6)² ≈ 0.694.
    assert!(close(rows[2].3, 25.0 / 36.0));
    // B→A: out (1 − 2/3) = 1/3, in (1 − 2/5) = 0.6.
    assert!(close(rows[3].3, 1.0 / 3.0));
    // D→B: D's single out-edge decides nothing; in at B (5/6)².
    assert!(close(rows[4].3, 25.0 / 36.0));
    // A→D: out (5/6)²; D's single in-edge decides nothing.
    assert!(close(rows[5].3, 25.0 / 36.0));
    // C→A: out (1 − 3/4) = 0.25, in (1 − 3/5) = 0.4.
    assert!(close(rows[6].3, 0.25));
    // B→C: out (1 − 1/3) = 2/3, in (1 − 1/2) = 0.5.
    assert!(close(rows[7].3, 0.5));
    assert_eq!(kept(&rows), ["AB"]);
    assert_eq!(
        kept(&run(DIRECTED, true, Method::Disparity { alpha: 0.3 })),
        ["AB", "CA"]
    );
}

#[test]
fn noise_corrected_undirected() {
    // N.. = 2 · 18 = 36 (each edge counted both ways); κ = N.. / (N_i. N_.j);
    // score = (κ n_ij − 1) / (κ n_ij + 1). The standard deviations follow Coscia & Neffke's
    // reference formulas (beta prior from the binomial's mean and variance).
    let rows = run(UNDIRECTED, false, Method::NoiseCorrected { delta: 1.28 });
    let expected = [
        // A–B: κ = 36/132, κ·10 = 2.727 → 0.463415; sdev 0.038434.
        (0.463415, 0.038434, true),
        // A–C: κ = 36/24, κ·1 = 1.5 → 0.2; sdev 0.186708; 0.2 − 1.28·0.1867 < 0.
        (0.2, 0.186708, false),
        // A–D: κ = 36/72 = 0.5 → −1/3: fewer than expected.
        (-0.333333, 0.416193, false),
        // B–C: κ = 36/22 → 0.241379; sdev 0.176948; 0.2414 − 0.2265 > 0.
        (0.241379, 0.176948, true),
        // D–E: κ = 36/30, κ·5 = 6 → 5/7.
        (0.714286, 0.052635, true),
    ];
    for (row, (score, sdev, keep)) in rows.iter().zip(expected) {
        assert!((row.3 - score).abs() < 1e-6, "{row:?}");
        assert!((row.4.expect("sdev") - sdev).abs() < 1e-6, "{row:?}");
        assert_eq!(row.2, keep, "{row:?}");
    }
    // With δ = 1 the A–C edge survives too (0.2 − 0.1867 > 0).
    assert_eq!(
        kept(&run(UNDIRECTED, false, Method::NoiseCorrected { delta: 1.0 })),
        ["AB", "AC", "BC", "DE"]
    );
}

#[test]
fn noise_corrected_directed() {
    // N.. = 14; N_i. is the source's out-strength, N_.j the target's in-strength.
    let rows = run(DIRECTED, true, Method::NoiseCorrected { delta: 1.64 });
    let expected = [
        (0.217391, 0.007977),  // A→B: κ = 14/36, κ·4 = 1.556
        (0.076923, 0.178982),  // A→C: κ = 14/12
        (-0.263158, 0.326228), // C→B: κ = 14/24
        (0.302326, 0.018773),  // B→A: κ = 14/15, κ·2 = 1.867
        (0.4, 0.03083),        // D→B: κ = 14/6
        (0.4, 0.03083),        // A→D: κ = 14/6
        (0.354839, 0.024544),  // C→A: κ = 14/20, κ·3 = 2.1
        (0.4, 0.079137),       // B→C: κ = 14/6
    ];
    for (row, (score, sdev)) in rows.iter().zip(expected) {
        assert!((row.3 - score).abs() < 1e-6, "{row:?}");
        assert!((row.4.expect("sdev") - sdev).abs() < 1e-6, "{row:?}");
    }
    assert_eq!(kept(&rows), ["AB", "BA", "DB", "AD", "CA", "BC"]);
}

#[test]
fn threshold_and_top_k() {
    assert_eq!(
        kept(&run(UNDIRECTED, false, Method::Threshold { threshold: 5.0 })),
        ["AB", "DE"]
    );
    // Top-1 per node: A's heaviest A–B, B's A–B, C's A–C (tie with B–C, first listed), D's D–E,
    // E's D–E.
    assert_eq!(
        kept(&run(UNDIRECTED, false, Method::TopK { k: 1 })),
        ["AB", "AC", "DE"]
    );
    // Directed top-1: out-edges at the source, in-edges at the target.
    // Out: A→B, B→A, C→A, D→B. In: B←A→B, A←C, C←A (tie with B→C; first listed), D←A.
    assert_eq!(
        kept(&run(DIRECTED, true, Method::TopK { k: 1 })),
        ["AB", "AC", "BA", "DB", "AD", "CA"]
    );
}

#[test]
fn the_scored_edge_list_keeps_the_input_columns() {
    let list = read_edge_list(
        "source,target,weight,note\nA,B,10,x\nA,C,1,y\nA,D,1,z\nB,C,1,\nD,E,5,w\n".as_bytes(),
        false,
    )
    .expect("list");
    let method = Method::Disparity { alpha: 0.2 };
    let scores = method.score(list.names.len(), &list.edges, false);
    let mut out = Vec::new();
    write_scored_edge_list(&list, method, &scores, false, &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf8");
    assert_eq!(
        text,
        "source,target,weight,note,alpha\nA,B,10,x,0.027777777777777766\nD,E,5,w,0.16666666666666663\n"
    );
}

#[test]
fn apply_reports_before_and_after() {
    let mut b = GraphBuilder::new(false);
    let list = read_edge_list(UNDIRECTED.as_bytes(), false).expect("list");
    let ids: Vec<u32> = list
        .names
        .iter()
        .map(|n| b.node(n, n, NodeKind::Website))
        .collect();
    for &(s, t, w) in &list.edges {
        b.edge(ids[s as usize], ids[t as usize]).weight = w;
    }
    let mut g = b.finish();
    let report = apply(&mut g, Method::Disparity { alpha: 0.2 });
    assert_eq!((report.nodes_before, report.edges_before), (5, 5));
    // C loses both its edges and goes; A, B, D, E keep one each.
    assert_eq!((report.nodes_after, report.edges_after), (4, 2));
    assert_eq!(report.edge_retention, 0.4);
    assert_eq!(report.node_retention, 0.8);
    assert!(g.edges.iter().all(|e| e.attrs.contains_key("backbone_alpha")));
}

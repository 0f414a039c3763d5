//! Two networks of the same type compared: which nodes and edges came and went, which edges
//! changed weight, how the communities correspond (matched one to one by the Jaccard
//! overlap of their members) and which nodes rose or fell most in weighted degree. Nodes
//! are the same node when their ids are equal, which builders keep stable across builds of
//! the same data (`site:dr.dk`, `query:…`, `noun:…`).
//!
//! Pure: two graphs in, the comparison out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::{Graph, NodeKind};

/// Weights closer than this (relative to the larger) are the same weight.
const SAME_WEIGHT: f64 = 1e-9;

/// A node, as a comparison names it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NodeRef {
    pub id: String,
    pub label: String,
    #[schema(value_type = String)]
    pub kind: NodeKind,
}

/// An edge in either network: its weights before (`a`) and after (`b`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EdgeChange {
    pub source: String,
    pub target: String,
    pub weight_a: Option<f64>,
    pub weight_b: Option<f64>,
    /// `weight_b − weight_a` for an edge in both.
    pub change: Option<f64>,
}

/// A community of one network and its counterpart in the other.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CommunityMatch {
    /// The community in network `a` (`None`: only in `b`).
    pub a: Option<u32>,
    pub b: Option<u32>,
    pub size_a: usize,
    pub size_b: usize,
    /// Jaccard overlap of the members (0 when unmatched).
    pub jaccard: f64,
    /// Members of `b`'s community that were not in `a`'s.
    pub joined: usize,
    /// Members of `a`'s community that are not in `b`'s.
    pub left: usize,
}

/// A node's weighted degree in both networks.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DegreeChange {
    pub id: String,
    pub label: String,
    pub before: f64,
    pub after: f64,
    pub change: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub nodes_a: usize,
    pub nodes_b: usize,
    pub edges_a: usize,
    pub edges_b: usize,
    pub nodes_added: usize,
    pub nodes_removed: usize,
    pub nodes_kept: usize,
    pub edges_added: usize,
    pub edges_removed: usize,
    /// Edges in both whose weight changed.
    pub edges_changed: usize,
    /// Edges in both with the same weight.
    pub edges_unchanged: usize,
    /// |A ∩ B| / |A ∪ B| of the node ids (1 when both are empty).
    pub node_jaccard: f64,
    /// The same for the edges (by their endpoints).
    pub edge_jaccard: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub summary: Summary,
    pub nodes_added: Vec<NodeRef>,
    pub nodes_removed: Vec<NodeRef>,
    pub edges_added: Vec<EdgeChange>,
    pub edges_removed: Vec<EdgeChange>,
    /// Largest change first.
    pub edges_changed: Vec<EdgeChange>,
    pub communities: Vec<CommunityMatch>,
    /// Nodes in both, largest rise in weighted degree first.
    pub rising: Vec<DegreeChange>,
    /// Nodes in both, largest fall first.
    pub falling: Vec<DegreeChange>,
}

impl Comparison {
    /// Keeps at most `n` entries in every list (the summary still counts them all).
    pub fn truncate(&mut self, n: usize) {
        self.nodes_added.truncate(n);
        self.nodes_removed.truncate(n);
        self.edges_added.truncate(n);
        self.edges_removed.truncate(n);
        self.edges_changed.truncate(n);
        self.communities.truncate(n);
        self.rising.truncate(n);
        self.falling.truncate(n);
    }
}

fn jaccard(shared: usize, union: usize) -> f64 {
    if union == 0 {
        1.0
    } else {
        shared as f64 / union as f64
    }
}

/// An edge's endpoints by node id, in a fixed order for undirected graphs, so the same
/// edge in two graphs has the same key.
pub(crate) fn edge_key(graph: &Graph, source: u32, target: u32) -> Option<(String, String)> {
    let s = graph.nodes.get(source as usize)?.id.clone();
    let t = graph.nodes.get(target as usize)?.id.clone();
    Some(if graph.directed || s <= t { (s, t) } else { (t, s) })
}

/// Edge weights by [`edge_key`] (parallel edges summed).
pub(crate) fn edges(graph: &Graph) -> BTreeMap<(String, String), f64> {
    let mut out = BTreeMap::new();
    for e in &graph.edges {
        if let Some(key) = edge_key(graph, e.source, e.target) {
            *out.entry(key).or_insert(0.0) += e.weight;
        }
    }
    out
}

fn node_ref(node: &crate::Node) -> NodeRef {
    NodeRef {
        id: node.id.clone(),
        label: node.label.clone(),
        kind: node.kind,
    }
}

fn same_weight(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_WEIGHT * a.abs().max(b.abs()).max(1.0)
}

/// Communities matched greedily by Jaccard, best pair first, each used once.
fn match_communities(a: &Graph, b: &Graph) -> Vec<CommunityMatch> {
    let groups = |g: &Graph| {
        let mut out: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
        for n in &g.nodes {
            if let Some(c) = n.community {
                out.entry(c).or_default().insert(n.id.clone());
            }
        }
        out
    };
    let (ga, gb) = (groups(a), groups(b));
    let mut pairs = Vec::new();
    for (ca, ma) in &ga {
        for (cb, mb) in &gb {
            let shared = ma.intersection(mb).count();
            if shared > 0 {
                pairs.push((jaccard(shared, ma.len() + mb.len() - shared), *ca, *cb));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let (mut used_a, mut used_b) = (BTreeSet::new(), BTreeSet::new());
    let mut out = Vec::new();
    for (j, ca, cb) in pairs {
        if used_a.contains(&ca) || used_b.contains(&cb) {
            continue;
        }
        used_a.insert(ca);
        used_b.insert(cb);
        let (ma, mb) = (&ga[&ca], &gb[&cb]);
        out.push(CommunityMatch {
            a: Some(ca),
            b: Some(cb),
            size_a: ma.len(),
            size_b: mb.len(),
            jaccard: j,
            joined: mb.difference(ma).count(),
            left: ma.difference(mb).count(),
        });
    }
    for (ca, ma) in ga.iter().filter(|(c, _)| !used_a.contains(*c)) {
        out.push(CommunityMatch {
            a: Some(*ca),
            b: None,
            size_a: ma.len(),
            size_b: 0,
            jaccard: 0.0,
            joined: 0,
            left: ma.len(),
        });
    }
    for (cb, mb) in gb.iter().filter(|(c, _)| !used_b.contains(*c)) {
        out.push(CommunityMatch {
            a: None,
            b: Some(*cb),
            size_a: 0,
            size_b: mb.len(),
            jaccard: 0.0,
            joined: mb.len(),
            left: 0,
        });
    }
    out
}

/// `a` (before) compared with `b` (after).
pub fn compare(a: &Graph, b: &Graph) -> Comparison {
    let nodes_a: HashMap<&str, &crate::Node> = a.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let nodes_b: HashMap<&str, &crate::Node> = b.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut nodes_added: Vec<NodeRef> = b
        .nodes
        .iter()
        .filter(|n| !nodes_a.contains_key(n.id.as_str()))
        .map(node_ref)
        .collect();
    let mut nodes_removed: Vec<NodeRef> = a
        .nodes
        .iter()
        .filter(|n| !nodes_b.contains_key(n.id.as_str()))
        .map(node_ref)
        .collect();
    nodes_added.sort_by(|x, y| x.id.cmp(&y.id));
    nodes_removed.sort_by(|x, y| x.id.cmp(&y.id));
    let nodes_kept = a.nodes.len() - nodes_removed.len();

    let (ea, eb) = (edges(a), edges(b));
    let change = |(s, t): &(String, String), wa: Option<f64>, wb: Option<f64>| EdgeChange {
        source: s.clone(),
        target: t.clone(),
        weight_a: wa,
        weight_b: wb,
        change: wa.zip(wb).map(|(x, y)| y - x),
    };
    let edges_added: Vec<EdgeChange> = eb
        .iter()
        .filter(|(k, _)| !ea.contains_key(*k))
        .map(|(k, w)| change(k, None, Some(*w)))
        .collect();
    let edges_removed: Vec<EdgeChange> = ea
        .iter()
        .filter(|(k, _)| !eb.contains_key(*k))
        .map(|(k, w)| change(k, Some(*w), None))
        .collect();
    let mut edges_changed = Vec::new();
    let mut edges_unchanged = 0;
    for (k, wa) in &ea {
        if let Some(wb) = eb.get(k) {
            if same_weight(*wa, *wb) {
                edges_unchanged += 1;
            } else {
                edges_changed.push(change(k, Some(*wa), Some(*wb)));
            }
        }
    }
    edges_changed.sort_by(|x, y| {
        let size = |e: &EdgeChange| e.change.unwrap_or(0.0).abs();
        size(y)
            .total_cmp(&size(x))
            .then_with(|| (&x.source, &x.target).cmp(&(&y.source, &y.target)))
    });

    let mut degrees: Vec<DegreeChange> = a
        .nodes
        .iter()
        .filter_map(|n| {
            let after = nodes_b.get(n.id.as_str())?;
            Some(DegreeChange {
                id: n.id.clone(),
                label: after.label.clone(),
                before: n.weighted_degree,
                after: after.weighted_degree,
                change: after.weighted_degree - n.weighted_degree,
            })
        })
        .filter(|d| !same_weight(d.before, d.after))
        .collect();
    degrees.sort_by(|x, y| y.change.total_cmp(&x.change).then_with(|| x.id.cmp(&y.id)));
    let rising: Vec<DegreeChange> = degrees.iter().filter(|d| d.change > 0.0).cloned().collect();
    let mut falling: Vec<DegreeChange> = degrees.into_iter().filter(|d| d.change < 0.0).collect();
    falling.reverse();

    let kept_edges = edges_changed.len() + edges_unchanged;
    let summary = Summary {
        nodes_a: a.nodes.len(),
        nodes_b: b.nodes.len(),
        edges_a: ea.len(),
        edges_b: eb.len(),
        nodes_added: nodes_added.len(),
        nodes_removed: nodes_removed.len(),
        nodes_kept,
        edges_added: edges_added.len(),
        edges_removed: edges_removed.len(),
        edges_changed: edges_changed.len(),
        edges_unchanged,
        node_jaccard: jaccard(nodes_kept, a.nodes.len() + b.nodes.len() - nodes_kept),
        edge_jaccard: jaccard(kept_edges, ea.len() + eb.len() - kept_edges),
    };
    Comparison {
        summary,
        nodes_added,
        nodes_removed,
        edges_added,
        edges_removed,
        edges_changed,
        communities: match_communities(a, b),
        rising,
        falling,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::GraphBuilder;

    /// A small query–website network; `weights` per edge, `None` leaves the edge out.
    fn network(edges: &[(&str, &str, f64)], communities: &[(&str, u32)]) -> Graph {
        let mut b = GraphBuilder::new(false);
        for (s, t, w) in edges {
            let kind = |id: &str| {
                if id.starts_with("q") {
                    NodeKind::Query
                } else {
                    NodeKind::Website
                }
            };
            let s = b.node(s, s, kind(s));
            let t = b.node(t, t, kind(t));
            b.edge(s, t).weight += w;
        }
        let mut g = b.finish();
        crate::stats::compute_degrees(&mut g);
        for n in &mut g.nodes {
            n.community = communities.iter().find(|(id, _)| *id == n.id).map(|(_, c)| *c);
        }
        g
    }

    #[test]
    fn a_network_compared_with_itself_has_no_changes() {
        let g = network(
            &[("q1", "a", 1.0), ("q1", "b", 0.5), ("q2", "b", 1.0)],
            &[("q1", 0), ("a", 0), ("b", 1), ("q2", 1)],
        );
        let c = compare(&g, &g);
        assert_eq!(
            (
                c.summary.nodes_added,
                c.summary.nodes_removed,
                c.summary.edges_added,
                c.summary.edges_removed,
                c.summary.edges_changed
            ),
            (0, 0, 0, 0, 0)
        );
        assert_eq!((c.summary.node_jaccard, c.summary.edge_jaccard), (1.0, 1.0));
        assert!(c.rising.is_empty() && c.falling.is_empty());
        assert!(
            c.communities
                .iter()
                .all(|m| m.jaccard == 1.0 && m.joined == 0 && m.left == 0)
        );
        assert_eq!(c.communities.len(), 2);
    }

    #[test]
    fn a_hand_made_variant_lists_exactly_its_changes() {
        let before = network(
            &[
                ("q1", "a", 1.0),
                ("q1", "b", 0.5),
                ("q2", "b", 1.0),
                ("q2", "c", 1.0),
            ],
            &[("q1", 0), ("a", 0), ("b", 1), ("q2", 1), ("c", 1)],
        );
        // c leaves, d arrives (q2–d), q1–b doubles; q1–a and q2–b stay.
        let after = network(
            &[
                ("q1", "a", 1.0),
                ("q1", "b", 1.0),
                ("q2", "b", 1.0),
                ("q2", "d", 2.0),
            ],
            &[("q1", 0), ("a", 0), ("b", 1), ("q2", 1), ("d", 1)],
        );
        let c = compare(&before, &after);
        let ids = |v: &[NodeRef]| v.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&c.nodes_added), ["d"]);
        assert_eq!(ids(&c.nodes_removed), ["c"]);
        let pair = |e: &EdgeChange| (e.source.clone(), e.target.clone());
        assert_eq!(
            c.edges_added.iter().map(pair).collect::<Vec<_>>(),
            [("d".into(), "q2".into())]
        );
        assert_eq!(
            c.edges_removed.iter().map(pair).collect::<Vec<_>>(),
            [("c".into(), "q2".into())]
        );
        assert_eq!(c.edges_changed.len(), 1);
        assert_eq!(pair(&c.edges_changed[0]), ("b".into(), "q1".into()));
        assert_eq!(c.edges_changed[0].change, Some(0.5));
        assert_eq!(c.summary.edges_unchanged, 2);
        assert_eq!((c.summary.nodes_kept, c.summary.node_jaccard), (4, 4.0 / 6.0));
        assert_eq!(c.summary.edge_jaccard, 3.0 / 5.0);
        // q1's weighted degree rose by 0.5 and q2's by 1 (c: 1 → d: 2); b rose by 0.5.
        let rising: Vec<(&str, f64)> = c.rising.iter().map(|d| (d.id.as_str(), d.change)).collect();
        assert_eq!(rising, [("q2", 1.0), ("b", 0.5), ("q1", 0.5)]);
        assert!(c.falling.is_empty());
        // Community 1 lost c and gained d: {b, q2, c} vs {b, q2, d}.
        let one = c.communities.iter().find(|m| m.a == Some(1)).unwrap();
        assert_eq!((one.b, one.joined, one.left, one.jaccard), (Some(1), 1, 1, 0.5));
    }

    #[test]
    fn unmatched_communities_are_listed_on_their_side() {
        let before = network(&[("q1", "a", 1.0)], &[("q1", 0), ("a", 0)]);
        let after = network(&[("q9", "z", 1.0)], &[("q9", 3), ("z", 3)]);
        let c = compare(&before, &after);
        assert_eq!(c.communities.len(), 2);
        assert!(
            c.communities
                .iter()
                .any(|m| m.a == Some(0) && m.b.is_none() && m.left == 2)
        );
        assert!(
            c.communities
                .iter()
                .any(|m| m.b == Some(3) && m.a.is_none() && m.joined == 2)
        );
        assert_eq!(c.summary.node_jaccard, 0.0);
    }

    proptest! {
        /// Whatever the two networks, the counts add up.
        #[test]
        fn the_counts_add_up(
            ea in prop::collection::vec((0u8..6, 0u8..6, 1u8..4), 0..20),
            eb in prop::collection::vec((0u8..6, 0u8..6, 1u8..4), 0..20),
        ) {
            let build = |edges: &[(u8, u8, u8)]| {
                let names: Vec<(String, String, f64)> = edges
                    .iter()
                    .map(|(s, t, w)| (format!("q{s}"), format!("w{t}"), f64::from(*w)))
                    .collect();
                let refs: Vec<(&str, &str, f64)> = names.iter().map(|(s, t, w)| (s.as_str(), t.as_str(), *w)).collect();
                network(&refs, &[])
            };
            let (a, b) = (build(&ea), build(&eb));
            let c = compare(&a, &b);
            let s = &c.summary;
            prop_assert_eq!(s.nodes_kept + s.nodes_removed, s.nodes_a);
            prop_assert_eq!(s.nodes_kept + s.nodes_added, s.nodes_b);
            prop_assert_eq!(s.edges_changed + s.edges_unchanged + s.edges_removed, s.edges_a);
            prop_assert_eq!(s.edges_changed + s.edges_unchanged + s.edges_added, s.edges_b);
            prop_assert!((0.0..=1.0).contains(&s.node_jaccard) && (0.0..=1.0).contains(&s.edge_jaccard));
            let back = compare(&b, &a);
            prop_assert_eq!(back.summary.nodes_added, s.nodes_removed);
            prop_assert_eq!(back.summary.edges_changed, s.edges_changed);
        }
    }
}

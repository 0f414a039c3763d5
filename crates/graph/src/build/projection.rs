//! One side of a bipartite network, linked by what its nodes share on the other side.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{AttrDecl, AttrType, AttrValue, Graph, NodeKind};

/// Which side is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Websites, linked by shared terms (or shared queries).
    Websites,
    /// The other side (terms, or queries), linked by shared websites.
    Terms,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// How many neighbours the two share.
    #[default]
    Shared,
    /// Cosine of the two nodes' weighted neighbour vectors.
    Cosine,
    /// Shared neighbours over the union of their neighbours.
    Jaccard,
}

pub fn project(bipartite: &Graph, side: Side, measure: Measure) -> Graph {
    let kept = |k: NodeKind| (k == NodeKind::Website) == (side == Side::Websites);
    let mut new_index = vec![u32::MAX; bipartite.nodes.len()];
    let mut nodes = Vec::new();
    for (i, n) in bipartite.nodes.iter().enumerate() {
        if kept(n.kind) {
            new_index[i] = nodes.len() as u32;
            let mut n = n.clone();
            n.community = None;
            n.position = None;
            nodes.push(n);
        }
    }

    // Each node on the other side, with its kept neighbours and their weights.
    let mut via: Vec<Vec<(u32, f64)>> = vec![Vec::new(); bipartite.nodes.len()];
    let mut norm = vec![0.0f64; nodes.len()];
    let mut neighbours = vec![0u32; nodes.len()];
    for e in &bipartite.edges {
        let (s, t) = (e.source as usize, e.target as usize);
        let (keep, other) = match (new_index[s], new_index[t]) {
            (u32::MAX, k) if k != u32::MAX => (k, s),
            (k, u32::MAX) if k != u32::MAX => (k, t),
            _ => continue,
        };
        via[other].push((keep, e.weight));
        norm[keep as usize] += e.weight * e.weight;
        neighbours[keep as usize] += 1;
    }

    let mut pairs: HashMap<(u32, u32), (u32, f64)> = HashMap::new();
    for list in &mut via {
        list.sort_unstable_by_key(|&(k, _)| k);
        for (a, &(i, wi)) in list.iter().enumerate() {
            for &(j, wj) in &list[a + 1..] {
                if i == j {
                    continue;
                }
                let p = pairs.entry((i, j)).or_insert((0, 0.0));
                p.0 += 1;
                p.1 += wi * wj;
            }
        }
    }
    let mut keys: Vec<(u32, u32)> = pairs.keys().copied().collect();
    keys.sort_unstable();

    let edges = keys
        .into_iter()
        .map(|(i, j)| {
            let (shared, dot) = pairs[&(i, j)];
            let weight = match measure {
                Measure::Shared => f64::from(shared),
                Measure::Cosine => {
                    let d = (norm[i as usize] * norm[j as usize]).sqrt();
                    if d > 0.0 { dot / d } else { 0.0 }
                }
                Measure::Jaccard => {
                    let union = neighbours[i as usize] + neighbours[j as usize] - shared;
                    f64::from(shared) / f64::from(union.max(1))
                }
            };
            crate::Edge {
                source: i,
                target: j,
                weight,
                attrs: [("shared".to_owned(), AttrValue::Integer(i64::from(shared)))].into(),
            }
        })
        .collect();

    Graph {
        directed: false,
        node_attrs: bipartite.node_attrs.clone(),
        edge_attrs: vec![AttrDecl::new("shared", "Shared neighbours", AttrType::Integer)],
        nodes,
        edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphBuilder;

    /// a–x (1), a–y (2), b–x (3), b–y (1), c–y (1).
    fn bipartite() -> Graph {
        let mut g = GraphBuilder::new(false);
        let a = g.node("site:a", "a", NodeKind::Website);
        let b = g.node("site:b", "b", NodeKind::Website);
        let c = g.node("site:c", "c", NodeKind::Website);
        let x = g.node("noun:x", "x", NodeKind::Noun);
        let y = g.node("noun:y", "y", NodeKind::Noun);
        for (s, t, w) in [(a, x, 1.0), (a, y, 2.0), (b, x, 3.0), (b, y, 1.0), (c, y, 1.0)] {
            g.edge(s, t).weight = w;
        }
        g.finish()
    }

    fn weight(g: &Graph, a: &str, b: &str) -> Option<f64> {
        let i = g.nodes.iter().position(|n| n.label == a)? as u32;
        let j = g.nodes.iter().position(|n| n.label == b)? as u32;
        g.edges
            .iter()
            .find(|e| (e.source, e.target) == (i, j) || (e.source, e.target) == (j, i))
            .map(|e| e.weight)
    }

    #[test]
    fn websites_by_shared_terms() {
        let g = project(&bipartite(), Side::Websites, Measure::Shared);
        assert_eq!(g.nodes.len(), 3);
        assert_eq!(weight(&g, "a", "b"), Some(2.0));
        assert_eq!(weight(&g, "a", "c"), Some(1.0));
        // cos(a, b) = (1·3 + 2·1) / (√5 · √10) = 5 / √50.
        let g = project(&bipartite(), Side::Websites, Measure::Cosine);
        assert!((weight(&g, "a", "b").unwrap() - 5.0 / 50f64.sqrt()).abs() < 1e-12);
        // Jaccard(b, c) = |{y}| / |{x, y}| = 0.5.
        let g = project(&bipartite(), Side::Websites, Measure::Jaccard);
        assert_eq!(weight(&g, "b", "c"), Some(0.5));
    }

    #[test]
    fn terms_by_shared_websites() {
        let g = project(&bipartite(), Side::Terms, Measure::Shared);
        assert_eq!(g.nodes.len(), 2);
        assert_eq!(weight(&g, "x", "y"), Some(2.0));
    }
}

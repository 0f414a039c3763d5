//! The numbers a researcher checks before trusting a network, and the filters that go
//! with them (giant component only, no isolates).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Graph, NodeKind};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Keep only the largest connected component [false].
    pub giant_component_only: bool,
    /// Drop nodes without edges [true].
    pub drop_isolates: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DegreeCount {
    pub degree: u32,
    pub nodes: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Statistics {
    pub nodes: usize,
    pub edges: usize,
    pub directed: bool,
    /// Edges over possible edges: m / (n(n−1)/2), or m / (n(n−1)) when directed.
    pub density: f64,
    /// For a two-sided network: m / (n₁·n₂).
    pub bipartite_density: Option<f64>,
    pub nodes_by_kind: BTreeMap<String, usize>,
    pub mean_degree: f64,
    pub max_degree: u32,
    pub mean_weighted_degree: f64,
    /// How many nodes have each degree, by degree.
    pub degree_distribution: Vec<DegreeCount>,
    /// Connected components (weakly connected when directed).
    pub components: usize,
    pub giant_component_nodes: usize,
    pub giant_component_share: f64,
    pub isolates: usize,
    pub communities: Option<usize>,
    pub modularity: Option<f64>,
}

/// Fills in each node's degree and weighted degree (in + out when directed).
pub fn compute_degrees(graph: &mut Graph) {
    for n in &mut graph.nodes {
        n.degree = 0;
        n.weighted_degree = 0.0;
    }
    for e in &graph.edges {
        for end in [e.source, e.target] {
            let n = &mut graph.nodes[end as usize];
            n.degree += 1;
            n.weighted_degree += e.weight;
        }
    }
}

/// Component id per node, largest component first (ties by lowest node index).
pub fn components(graph: &Graph) -> Vec<u32> {
    let n = graph.nodes.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for e in &graph.edges {
        let (a, b) = (find(&mut parent, e.source), find(&mut parent, e.target));
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            parent[hi as usize] = lo;
        }
    }
    let roots: Vec<u32> = (0..n as u32).map(|i| find(&mut parent, i)).collect();
    let mut size = vec![0usize; n];
    for &r in &roots {
        size[r as usize] += 1;
    }
    let mut order: Vec<u32> = (0..n as u32).filter(|&i| roots[i as usize] == i).collect();
    order.sort_by(|&a, &b| size[b as usize].cmp(&size[a as usize]).then(a.cmp(&b)));
    let mut id = vec![0u32; n];
    for (c, &r) in order.iter().enumerate() {
        id[r as usize] = c as u32;
    }
    roots.iter().map(|&r| id[r as usize]).collect()
}

pub fn apply_filters(graph: &mut Graph, filters: Filters) {
    if filters.giant_component_only && !graph.nodes.is_empty() {
        let comp = components(graph);
        let keep: Vec<bool> = comp.iter().map(|&c| c == 0).collect();
        graph.retain_nodes(&keep);
    }
    if filters.drop_isolates {
        let mut has_edge = vec![false; graph.nodes.len()];
        for e in &graph.edges {
            has_edge[e.source as usize] = true;
            has_edge[e.target as usize] = true;
        }
        graph.retain_nodes(&has_edge);
    }
}

/// Statistics of the graph as it is; degrees must be computed. Communities and modularity
/// come from [`crate::community`] and are passed in.
pub fn statistics(graph: &Graph, communities: Option<(usize, f64)>) -> Statistics {
    let n = graph.nodes.len();
    let m = graph.edges.len();
    let nf = n as f64;
    let possible = if graph.directed {
        nf * (nf - 1.0)
    } else {
        nf * (nf - 1.0) / 2.0
    };
    let density = if possible > 0.0 { m as f64 / possible } else { 0.0 };

    let mut nodes_by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for node in &graph.nodes {
        *nodes_by_kind.entry(node.kind.as_str().to_owned()).or_default() += 1;
    }
    let bipartite_density = bipartite_sides(graph).map(|(a, b)| {
        let possible = (a * b) as f64;
        if possible > 0.0 { m as f64 / possible } else { 0.0 }
    });

    let mut distribution: BTreeMap<u32, usize> = BTreeMap::new();
    let mut max_degree = 0;
    let mut isolates = 0;
    for node in &graph.nodes {
        *distribution.entry(node.degree).or_default() += 1;
        max_degree = max_degree.max(node.degree);
        if node.degree == 0 {
            isolates += 1;
        }
    }
    let comp = components(graph);
    let count = comp.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let giant = comp.iter().filter(|&&c| c == 0).count();
    let mean = |f: &dyn Fn(&crate::Node) -> f64| {
        if n == 0 {
            0.0
        } else {
            graph.nodes.iter().map(f).sum::<f64>() / nf
        }
    };

    Statistics {
        nodes: n,
        edges: m,
        directed: graph.directed,
        density,
        bipartite_density,
        nodes_by_kind,
        mean_degree: mean(&|n| f64::from(n.degree)),
        max_degree,
        mean_weighted_degree: mean(&|n| n.weighted_degree),
        degree_distribution: distribution
            .into_iter()
            .map(|(degree, nodes)| DegreeCount { degree, nodes })
            .collect(),
        components: count,
        giant_component_nodes: giant,
        giant_component_share: if n == 0 { 0.0 } else { giant as f64 / nf },
        isolates,
        communities: communities.map(|c| c.0),
        modularity: communities.map(|c| c.1),
    }
}

/// The sizes of the two sides when every edge joins a website to a non-website.
fn bipartite_sides(graph: &Graph) -> Option<(usize, usize)> {
    let is_site = |i: u32| graph.nodes[i as usize].kind == NodeKind::Website;
    if graph.edges.is_empty() || graph.edges.iter().any(|e| is_site(e.source) == is_site(e.target)) {
        return None;
    }
    let sites = graph.nodes.iter().filter(|n| n.kind == NodeKind::Website).count();
    Some((sites, graph.nodes.len() - sites))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphBuilder;

    fn sample() -> Graph {
        // Triangle a-b-c, a pair d-e, an isolate f.
        let mut b = GraphBuilder::new(false);
        let ids: Vec<u32> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|s| b.node(s, s, NodeKind::Website))
            .collect();
        for (s, t, w) in [(0, 1, 1.0), (1, 2, 2.0), (0, 2, 3.0), (3, 4, 1.0)] {
            b.edge(ids[s], ids[t]).weight = w;
        }
        let mut g = b.finish();
        compute_degrees(&mut g);
        g
    }

    #[test]
    fn counts_density_components() {
        let g = sample();
        let s = statistics(&g, None);
        assert_eq!((s.nodes, s.edges, s.components, s.isolates), (6, 4, 3, 1));
        assert_eq!(s.density, 4.0 / 15.0);
        assert_eq!(s.giant_component_nodes, 3);
        assert_eq!(s.giant_component_share, 0.5);
        assert_eq!(s.max_degree, 2);
        assert_eq!(
            s.degree_distribution,
            vec![
                DegreeCount { degree: 0, nodes: 1 },
                DegreeCount { degree: 1, nodes: 2 },
                DegreeCount { degree: 2, nodes: 3 }
            ]
        );
        assert_eq!(g.nodes[2].weighted_degree, 5.0);
        assert_eq!(s.bipartite_density, None);
    }

    #[test]
    fn filters() {
        let mut g = sample();
        apply_filters(
            &mut g,
            Filters {
                giant_component_only: false,
                drop_isolates: true,
            },
        );
        assert_eq!(g.nodes.len(), 5);
        apply_filters(
            &mut g,
            Filters {
                giant_component_only: true,
                drop_isolates: false,
            },
        );
        assert_eq!(
            g.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(g.edges.len(), 3);
    }
}

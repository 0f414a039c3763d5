//! Louvain communities (Blondel et al. 2008), seeded so the same network and seed always
//! give the same partition. Directed networks are treated as undirected.

use crate::Graph;
use crate::rng::Rng;

#[derive(Debug, Clone, PartialEq)]
pub struct Communities {
    /// Community per node; 0 is the largest community.
    pub assignment: Vec<u32>,
    pub count: usize,
    pub modularity: f64,
}

/// Weighted adjacency in the matrix convention: A_ij for each neighbour, and A_ii (twice
/// the internal weight) for a self loop.
struct Level {
    adj: Vec<Vec<(u32, f64)>>,
    degree: Vec<f64>,
}

impl Level {
    fn from_graph(graph: &Graph) -> Self {
        let n = graph.nodes.len();
        let mut adj: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        for e in &graph.edges {
            let w = e.weight.max(0.0);
            if e.source == e.target {
                adj[e.source as usize].push((e.source, 2.0 * w));
            } else {
                adj[e.source as usize].push((e.target, w));
                adj[e.target as usize].push((e.source, w));
            }
        }
        let degree = adj.iter().map(|l| l.iter().map(|&(_, w)| w).sum()).collect();
        Level { adj, degree }
    }

    /// Moves nodes between communities while modularity rises; returns each node's
    /// community (renumbered 0..k) and whether anything moved.
    fn local_moving(&self, total: f64, resolution: f64, rng: &mut Rng) -> (Vec<u32>, bool) {
        let n = self.adj.len();
        let mut community: Vec<u32> = (0..n as u32).collect();
        let mut tot: Vec<f64> = self.degree.clone();
        let mut order: Vec<u32> = (0..n as u32).collect();
        rng.shuffle(&mut order);
        let mut to_comm = vec![0.0f64; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut moved_any = false;

        for _pass in 0..64 {
            let mut moves = 0usize;
            for &i in &order {
                let i = i as usize;
                let own = community[i];
                let k_i = self.degree[i];
                for &(j, w) in &self.adj[i] {
                    if j as usize == i {
                        continue;
                    }
                    let c = community[j as usize];
                    if to_comm[c as usize] == 0.0 {
                        touched.push(c);
                    }
                    to_comm[c as usize] += w;
                }
                tot[own as usize] -= k_i;
                let gain = |c: u32, to: f64, tot: &[f64]| to - resolution * tot[c as usize] * k_i / total;
                let mut best = own;
                let mut best_gain = gain(own, to_comm[own as usize], &tot);
                for &c in &touched {
                    let g = gain(c, to_comm[c as usize], &tot);
                    if g > best_gain + 1e-12 {
                        best = c;
                        best_gain = g;
                    }
                }
                tot[best as usize] += k_i;
                if best != own {
                    community[i] = best;
                    moves += 1;
                }
                for &c in &touched {
                    to_comm[c as usize] = 0.0;
                }
                touched.clear();
            }
            if moves == 0 {
                break;
            }
            moved_any = true;
        }

        let mut renumber = vec![u32::MAX; n];
        let mut next = 0;
        for c in &mut community {
            if renumber[*c as usize] == u32::MAX {
                renumber[*c as usize] = next;
                next += 1;
            }
            *c = renumber[*c as usize];
        }
        (community, moved_any)
    }

    fn aggregate(&self, community: &[u32]) -> Level {
        let k = community.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let mut adj: Vec<Vec<(u32, f64)>> = vec![Vec::new(); k];
        let mut row = vec![0.0f64; k];
        let mut touched: Vec<u32> = Vec::new();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (i, &c) in community.iter().enumerate() {
            members[c as usize].push(i);
        }
        for (c, list) in members.iter().enumerate() {
            for &i in list {
                for &(j, w) in &self.adj[i] {
                    let d = community[j as usize];
                    if row[d as usize] == 0.0 {
                        touched.push(d);
                    }
                    row[d as usize] += w;
                }
            }
            touched.sort_unstable();
            for &d in &touched {
                adj[c].push((d, row[d as usize]));
                row[d as usize] = 0.0;
            }
            touched.clear();
        }
        let degree = adj.iter().map(|l| l.iter().map(|&(_, w)| w).sum()).collect();
        Level { adj, degree }
    }
}

/// Louvain with the given resolution (1.0 is classic modularity).
pub fn louvain(graph: &Graph, seed: u64, resolution: f64) -> Communities {
    let n = graph.nodes.len();
    let mut level = Level::from_graph(graph);
    let total: f64 = level.degree.iter().sum();
    if n == 0 || total <= 0.0 {
        let assignment: Vec<u32> = (0..n as u32).collect();
        return finish(graph, assignment, resolution);
    }
    let mut rng = Rng::new(seed);
    let mut assignment: Vec<u32> = (0..n as u32).collect();
    for _ in 0..32 {
        let (community, moved) = level.local_moving(total, resolution, &mut rng);
        if !moved {
            break;
        }
        for a in &mut assignment {
            *a = community[*a as usize];
        }
        level = level.aggregate(&community);
    }
    finish(graph, assignment, resolution)
}

/// Renumbers communities by size (largest first, ties by first member) and scores them.
fn finish(graph: &Graph, assignment: Vec<u32>, resolution: f64) -> Communities {
    let n = assignment.len();
    let k = assignment.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &c) in assignment.iter().enumerate() {
        size[c as usize] += 1;
        first[c as usize] = first[c as usize].min(i);
    }
    let mut order: Vec<usize> = (0..k).filter(|&c| size[c] > 0).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(first[a].cmp(&first[b])));
    let mut new_id = vec![0u32; k];
    for (rank, &c) in order.iter().enumerate() {
        new_id[c] = rank as u32;
    }
    let assignment: Vec<u32> = assignment.iter().map(|&c| new_id[c as usize]).collect();
    let modularity = modularity(graph, &assignment, resolution);
    Communities {
        count: if n == 0 { 0 } else { order.len() },
        assignment,
        modularity,
    }
}

/// Each community's nodes, heaviest (by weighted degree) first, communities in id order
/// (0 is the largest). Nodes without a community are left out.
pub fn members(graph: &Graph) -> Vec<(u32, Vec<&crate::Node>)> {
    let mut by_id: std::collections::BTreeMap<u32, Vec<&crate::Node>> = Default::default();
    for node in &graph.nodes {
        if let Some(c) = node.community {
            by_id.entry(c).or_default().push(node);
        }
    }
    by_id
        .into_iter()
        .map(|(c, mut nodes)| {
            nodes.sort_by(|a, b| b.weighted_degree.total_cmp(&a.weighted_degree));
            (c, nodes)
        })
        .collect()
}

/// Q = Σ_c [ in_c / 2m − γ (tot_c / 2m)² ].
pub fn modularity(graph: &Graph, assignment: &[u32], resolution: f64) -> f64 {
    let k = assignment.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut inside = vec![0.0f64; k];
    let mut tot = vec![0.0f64; k];
    let mut two_m = 0.0;
    for e in &graph.edges {
        let w = e.weight.max(0.0);
        let (a, b) = (assignment[e.source as usize], assignment[e.target as usize]);
        tot[a as usize] += w;
        tot[b as usize] += w;
        two_m += 2.0 * w;
        if a == b {
            inside[a as usize] += 2.0 * w;
        }
    }
    if two_m <= 0.0 {
        return 0.0;
    }
    (0..k)
        .map(|c| inside[c] / two_m - resolution * (tot[c] / two_m).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, NodeKind};

    /// Two 4-cliques joined by one light edge.
    fn two_cliques() -> Graph {
        let mut b = GraphBuilder::new(false);
        let ids: Vec<u32> = (0..8)
            .map(|i| b.node(&i.to_string(), "n", NodeKind::Website))
            .collect();
        for group in [[0, 1, 2, 3], [4, 5, 6, 7]] {
            for x in 0..4 {
                for y in x + 1..4 {
                    b.edge(ids[group[x]], ids[group[y]]).weight = 1.0;
                }
            }
        }
        b.edge(ids[3], ids[4]).weight = 0.1;
        b.finish()
    }

    #[test]
    fn finds_the_two_cliques_deterministically() {
        let g = two_cliques();
        let c = louvain(&g, 7, 1.0);
        assert_eq!(c.count, 2);
        assert_eq!(&c.assignment[..4], &[0, 0, 0, 0]);
        assert_eq!(&c.assignment[4..], &[1, 1, 1, 1]);
        // Hand computation: 2m = 24.2; each side has in = 12, tot = 12.1.
        let expected = 2.0 * (12.0 / 24.2 - (12.1f64 / 24.2).powi(2));
        assert!((c.modularity - expected).abs() < 1e-12);
        for seed in 0..20 {
            assert_eq!(louvain(&g, seed, 1.0).assignment, c.assignment);
        }
    }

    #[test]
    fn empty_and_edgeless_graphs() {
        let g = Graph::default();
        assert_eq!(louvain(&g, 1, 1.0).count, 0);
        let mut b = GraphBuilder::new(false);
        b.node("a", "a", NodeKind::Noun);
        b.node("b", "b", NodeKind::Noun);
        let c = louvain(&b.finish(), 1, 1.0);
        assert_eq!(c.count, 2);
        assert_eq!(c.modularity, 0.0);
    }
}

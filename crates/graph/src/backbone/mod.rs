//! Backboning: which edges of a weighted network carry more than noise.
//!
//! Every method scores each edge and says whether it stays. The statistics are computed
//! on the network as given: on a bipartite network a website's strength is the sum of its
//! weights to terms and a term's the sum of its weights to websites, so each side is judged
//! by its own weights.

mod disparity;
mod edgelist;
mod noise_corrected;
mod simple;

pub use edgelist::{EdgeListError, read_edge_list, write_scored_edge_list};

use serde::{Deserialize, Serialize};

use crate::Graph;

/// A method and its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Method {
    /// Serrano, Boguñá & Vespignani (2009): keep an edge when α_ij = (1 − w_ij/s_i)^(k_i − 1)
    /// is below `alpha` from at least one endpoint of degree > 1.
    Disparity { alpha: f64 },
    /// Coscia & Neffke (2017): keep an edge when its transformed lift exceeds `delta`
    /// standard deviations.
    NoiseCorrected { delta: f64 },
    /// Keep edges of weight ≥ `threshold`.
    Threshold { threshold: f64 },
    /// Keep each node's `k` heaviest edges (an edge stays when either endpoint keeps it).
    TopK { k: u32 },
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::Disparity { .. } => "disparity",
            Method::NoiseCorrected { .. } => "noise_corrected",
            Method::Threshold { .. } => "threshold",
            Method::TopK { .. } => "topk",
        }
    }

    pub fn parameter(&self) -> f64 {
        match *self {
            Method::Disparity { alpha } => alpha,
            Method::NoiseCorrected { delta } => delta,
            Method::Threshold { threshold } => threshold,
            Method::TopK { k } => f64::from(k),
        }
    }

    /// What is wrong with the parameter, if anything.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        match *self {
            Method::Disparity { alpha } if !(alpha > 0.0 && alpha <= 1.0) => {
                Some(("alpha", "must be in (0, 1]"))
            }
            Method::NoiseCorrected { delta } if !(delta.is_finite() && delta >= 0.0) => {
                Some(("delta", "must be a number ≥ 0"))
            }
            Method::Threshold { threshold } if !threshold.is_finite() => {
                Some(("threshold", "must be a number"))
            }
            Method::TopK { k: 0 } => Some(("k", "must be ≥ 1")),
            _ => None,
        }
    }

    /// Scores every edge of `edges` (source, target, weight) over `nodes` nodes.
    pub fn score(&self, nodes: usize, edges: &[(u32, u32, f64)], directed: bool) -> Vec<EdgeScore> {
        match *self {
            Method::Disparity { alpha } => disparity::score(nodes, edges, directed, alpha),
            Method::NoiseCorrected { delta } => noise_corrected::score(nodes, edges, directed, delta),
            Method::Threshold { threshold } => simple::threshold(edges, threshold),
            Method::TopK { k } => simple::top_k(nodes, edges, directed, k),
        }
    }

    /// The name of the score column in edge-list output.
    pub fn score_column(&self) -> &'static str {
        match self {
            Method::Disparity { .. } => "alpha",
            Method::NoiseCorrected { .. } => "score",
            Method::Threshold { .. } => "weight_kept",
            Method::TopK { .. } => "rank",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeScore {
    pub keep: bool,
    /// Disparity: the smaller α of the deciding endpoints (1 when none decides).
    /// Noise-corrected: the transformed lift in (−1, 1). Threshold: the weight.
    /// Top-k: the edge's best rank among its endpoints' edges (1 = heaviest).
    pub score: f64,
    /// Noise-corrected only: the standard deviation of the score.
    pub sdev: Option<f64>,
}

/// What backboning did to a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BackboneReport {
    pub method: String,
    pub parameter: f64,
    pub nodes_before: usize,
    pub edges_before: usize,
    pub nodes_after: usize,
    pub edges_after: usize,
    /// edges_after / edges_before (1 for an empty network).
    pub edge_retention: f64,
    pub node_retention: f64,
}

/// Drops the edges the method rejects, then the nodes that lost all their edges. Each
/// kept edge records its score as an attribute.
pub fn apply(graph: &mut Graph, method: Method) -> BackboneReport {
    let nodes_before = graph.nodes.len();
    let edges_before = graph.edges.len();
    let triples: Vec<(u32, u32, f64)> = graph
        .edges
        .iter()
        .map(|e| (e.source, e.target, e.weight))
        .collect();
    let scores = method.score(graph.nodes.len(), &triples, graph.directed);
    let had_edge = touched(graph);

    let column = format!("backbone_{}", method.score_column());
    graph.edge_attrs.push(crate::AttrDecl::new(
        &column,
        &format!("Backbone {} ({})", method.score_column(), method.name()),
        if matches!(method, Method::TopK { .. }) {
            crate::AttrType::Integer
        } else {
            crate::AttrType::Double
        },
    ));
    graph.retain_edges(|i, _| scores[i].keep);
    let kept: Vec<&EdgeScore> = scores.iter().filter(|s| s.keep).collect();
    for (e, s) in graph.edges.iter_mut().zip(kept) {
        let v = if matches!(method, Method::TopK { .. }) {
            crate::AttrValue::Integer(s.score as i64)
        } else {
            crate::AttrValue::Double(s.score)
        };
        e.attrs.insert(column.clone(), v);
    }

    let has_edge = touched(graph);
    let keep: Vec<bool> = had_edge
        .iter()
        .zip(&has_edge)
        .map(|(had, has)| *has || !*had)
        .collect();
    graph.retain_nodes(&keep);

    let ratio = |after: usize, before: usize| {
        if before == 0 {
            1.0
        } else {
            after as f64 / before as f64
        }
    };
    BackboneReport {
        method: method.name().to_owned(),
        parameter: method.parameter(),
        nodes_before,
        edges_before,
        nodes_after: graph.nodes.len(),
        edges_after: graph.edges.len(),
        edge_retention: ratio(graph.edges.len(), edges_before),
        node_retention: ratio(graph.nodes.len(), nodes_before),
    }
}

fn touched(graph: &Graph) -> Vec<bool> {
    let mut t = vec![false; graph.nodes.len()];
    for e in &graph.edges {
        t[e.source as usize] = true;
        t[e.target as usize] = true;
    }
    t
}

/// Strength and degree per node: out and in separately when directed, otherwise the same
/// numbers in both.
pub(crate) struct Strengths {
    pub out_strength: Vec<f64>,
    pub out_degree: Vec<u32>,
    pub in_strength: Vec<f64>,
    pub in_degree: Vec<u32>,
}

impl Strengths {
    pub(crate) fn new(nodes: usize, edges: &[(u32, u32, f64)], directed: bool) -> Self {
        let mut s = Strengths {
            out_strength: vec![0.0; nodes],
            out_degree: vec![0; nodes],
            in_strength: vec![0.0; nodes],
            in_degree: vec![0; nodes],
        };
        for &(a, b, w) in edges {
            let (a, b) = (a as usize, b as usize);
            s.out_strength[a] += w;
            s.out_degree[a] += 1;
            s.in_strength[b] += w;
            s.in_degree[b] += 1;
            if !directed {
                s.out_strength[b] += w;
                s.out_degree[b] += 1;
                s.in_strength[a] += w;
                s.in_degree[a] += 1;
            }
        }
        s
    }
}

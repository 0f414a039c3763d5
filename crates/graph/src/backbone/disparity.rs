use super::{EdgeScore, Strengths};

/// α from one endpoint, or `None` when that endpoint has degree 1 and so decides nothing:
/// its only edge carries all its weight whatever the edge's importance.
fn alpha_at(weight: f64, strength: f64, degree: u32) -> Option<f64> {
    if degree <= 1 || strength <= 0.0 {
        return None;
    }
    let p = (weight / strength).clamp(0.0, 1.0);
    Some((1.0 - p).powi(degree as i32 - 1))
}

/// An edge is kept when it is significant (α < `alpha`) from at least one endpoint; from
/// the source's outgoing and the target's incoming edges when directed.
pub(super) fn score(nodes: usize, edges: &[(u32, u32, f64)], directed: bool, alpha: f64) -> Vec<EdgeScore> {
    let s = Strengths::new(nodes, edges, directed);
    edges
        .iter()
        .map(|&(a, b, w)| {
            let (a, b) = (a as usize, b as usize);
            let from_source = alpha_at(w, s.out_strength[a], s.out_degree[a]);
            let from_target = alpha_at(w, s.in_strength[b], s.in_degree[b]);
            let score = match (from_source, from_target) {
                (Some(x), Some(y)) => x.min(y),
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => 1.0,
            };
            EdgeScore {
                keep: score < alpha,
                score,
                sdev: None,
            }
        })
        .collect()
}

use super::{EdgeScore, Strengths};

/// The noise-corrected backbone as in Coscia & Neffke's reference implementation: a
/// Bayesian estimate of each edge's lift over what the endpoints' strengths predict, and
/// its standard deviation. An undirected network counts each edge in both directions, so
/// N_i. is node i's strength and N.. twice the total weight.
pub(super) fn score(nodes: usize, edges: &[(u32, u32, f64)], directed: bool, delta: f64) -> Vec<EdgeScore> {
    let s = Strengths::new(nodes, edges, directed);
    let total: f64 = edges.iter().map(|e| e.2).sum::<f64>() * if directed { 1.0 } else { 2.0 };
    edges
        .iter()
        .map(|&(a, b, nij)| {
            let ni = s.out_strength[a as usize];
            let nj = s.in_strength[b as usize];
            let (score, sdev) = lift(nij, ni, nj, total);
            EdgeScore {
                keep: score - delta * sdev > 0.0,
                score,
                sdev: Some(sdev),
            }
        })
        .collect()
}

fn lift(nij: f64, ni: f64, nj: f64, n: f64) -> (f64, f64) {
    if ni <= 0.0 || nj <= 0.0 || n <= 0.0 {
        return (-1.0, 0.0);
    }
    let kappa = n / (ni * nj);
    let score = (kappa * nij - 1.0) / (kappa * nij + 1.0);

    let prior_mean = (ni * nj) / n / n;
    let prior_var = (ni * nj * (n - ni) * (n - nj)) / (n * n * n * n * (n - 1.0));
    let alpha_prior = (prior_mean * prior_mean / prior_var) * (1.0 - prior_mean) - prior_mean;
    let beta_prior = (prior_mean / prior_var) * (1.0 - prior_mean * prior_mean) - (1.0 - prior_mean);
    let alpha_post = alpha_prior + nij;
    let beta_post = n - nij + beta_prior;
    let expected_p = alpha_post / (alpha_post + beta_post);
    let variance_nij = expected_p * (1.0 - expected_p) * n;
    let d = 1.0 / (ni * nj) - n * ((ni + nj) / ((ni * nj) * (ni * nj)));
    let variance_cij =
        variance_nij * ((2.0 * (kappa + nij * d)) / ((kappa * nij + 1.0) * (kappa * nij + 1.0))).powi(2);
    let sdev = variance_cij.sqrt();
    // A degenerate prior (one edge holding all the weight, say) has no spread to test.
    (score, if sdev.is_finite() { sdev } else { 0.0 })
}

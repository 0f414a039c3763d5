use super::EdgeScore;

pub(super) fn threshold(edges: &[(u32, u32, f64)], threshold: f64) -> Vec<EdgeScore> {
    edges
        .iter()
        .map(|&(_, _, w)| EdgeScore {
            keep: w >= threshold,
            score: w,
            sdev: None,
        })
        .collect()
}

/// Each edge's rank among the edges of its endpoints (outgoing at the source and incoming
/// at the target when directed), heaviest first, ties by input order.
pub(super) fn top_k(nodes: usize, edges: &[(u32, u32, f64)], directed: bool, k: u32) -> Vec<EdgeScore> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut inc: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    for (i, &(a, b, _)) in edges.iter().enumerate() {
        out[a as usize].push(i);
        if directed {
            inc[b as usize].push(i);
        } else if a != b {
            out[b as usize].push(i);
        }
    }
    let mut best = vec![u32::MAX; edges.len()];
    for list in out.iter_mut().chain(inc.iter_mut()) {
        list.sort_by(|&x, &y| edges[y].2.total_cmp(&edges[x].2).then(x.cmp(&y)));
        for (rank, &e) in list.iter().enumerate() {
            best[e] = best[e].min(rank as u32 + 1);
        }
    }
    best.into_iter()
        .map(|rank| EdgeScore {
            keep: rank <= k,
            score: f64::from(rank),
            sdev: None,
        })
        .collect()
}

//! Set and ranking similarity between two result lists: Jaccard overlap and rank-biased
//! overlap (Webber, Moffat & Zobel 2010).

use std::collections::HashSet;
use std::hash::Hash;

/// |A ∩ B| / |A ∪ B|; two empty sets are identical (1.0).
pub fn jaccard<T: Eq + Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// Extrapolated rank-biased overlap, RBO_ext (eq. 32 of the paper), for two rankings that
/// may differ in length. Items after their first occurrence are ignored. `p` in (0, 1) is the
/// persistence: with p = 0.9 the top 10 carry about 86% of the weight.
///
/// Two empty rankings are identical (1.0); one empty ranking shares nothing (0.0).
pub fn rbo_ext<T: Eq + Hash + Clone>(a: &[T], b: &[T], p: f64) -> f64 {
    let a = dedup(a);
    let b = dedup(b);
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let (s, l) = (short.len(), long.len());
    if l == 0 {
        return 1.0;
    }
    if s == 0 {
        return 0.0;
    }

    // X_d: overlap of the two prefixes of depth d (the short list stops growing at s).
    let mut seen_short = HashSet::new();
    let mut seen_long = HashSet::new();
    let mut overlap = 0usize;
    let mut x = Vec::with_capacity(l + 1);
    x.push(0usize);
    for d in 1..=l {
        let from_long = &long[d - 1];
        if d <= s {
            let from_short = &short[d - 1];
            if from_short == from_long {
                overlap += 1;
            } else {
                if seen_long.contains(from_short) {
                    overlap += 1;
                }
                if seen_short.contains(from_long) {
                    overlap += 1;
                }
            }
            seen_short.insert(from_short.clone());
        } else if seen_short.contains(from_long) {
            overlap += 1;
        }
        seen_long.insert(from_long.clone());
        x.push(overlap);
    }

    let x_s = x[s] as f64;
    let x_l = x[l] as f64;
    let mut sum = 0.0;
    let mut p_d = 1.0;
    for (d, &x_d) in x.iter().enumerate().skip(1) {
        p_d *= p;
        sum += x_d as f64 / d as f64 * p_d;
        if d > s {
            sum += x_s * (d - s) as f64 / (s * d) as f64 * p_d;
        }
    }
    (1.0 - p) / p * sum + ((x_l - x_s) / l as f64 + x_s / s as f64) * p_d
}

fn dedup<T: Eq + Hash + Clone>(items: &[T]) -> Vec<T> {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|i| seen.insert((*i).clone()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn jaccard_of_sets() {
        let a: HashSet<_> = ["x", "y", "z"].into();
        let b: HashSet<_> = ["y", "z", "w"].into();
        assert!(close(jaccard(&a, &b), 0.5));
        assert!(close(jaccard::<&str>(&HashSet::new(), &HashSet::new()), 1.0));
        assert!(close(jaccard(&a, &HashSet::new()), 0.0));
    }

    #[test]
    fn identical_rankings_score_one_and_disjoint_zero() {
        let a = ["a", "b", "c", "d"];
        assert!(close(rbo_ext(&a, &a, 0.9), 1.0));
        assert!(close(rbo_ext(&a, &["w", "x", "y", "z"], 0.9), 0.0));
        assert!(close(rbo_ext::<&str>(&[], &[], 0.9), 1.0));
        assert!(close(rbo_ext(&a, &[], 0.9), 0.0));
    }

    #[test]
    fn equal_length_swap_matches_hand_computation() {
        // X = 1, 1, 3 → A = 1, 1/2, 1.
        // RBO_ext = (3/3)·0.9³ + (0.1/0.9)·(1·0.9 + 0.5·0.81 + 1·0.729) = 0.729 + 0.226
        let got = rbo_ext(&["a", "b", "c"], &["a", "c", "b"], 0.9);
        let want = 0.729 + (0.1 / 0.9) * (0.9 + 0.405 + 0.729);
        assert!(close(got, want), "{got} vs {want}");
        assert!(close(got, 0.955), "{got}");
    }

    #[test]
    fn uneven_lengths_match_hand_computation() {
        // S = [a, b] (s = 2), L = [b, c, a] (l = 3), p = 0.5.
        // X1 = 0, X2 = 1, X3 = 2 (X_s = 1, X_l = 2).
        // Σ X_d/d p^d = 0 + ½·¼ + ⅔·⅛ = 1/8 + 1/12 = 5/24
        // Σ_{d=3} X_s (d−s)/(s d) p^d = 1·1/6·⅛ = 1/48
        // (1−p)/p = 1 → 5/24 + 1/48 = 11/48
        // ((X_l − X_s)/l + X_s/s) p^l = (1/3 + 1/2)·⅛ = 5/48
        // RBO_ext = 16/48 = 1/3
        let got = rbo_ext(&["a", "b"], &["b", "c", "a"], 0.5);
        assert!(close(got, 1.0 / 3.0), "{got}");
        // Symmetric in its arguments.
        assert!(close(rbo_ext(&["b", "c", "a"], &["a", "b"], 0.5), got));
    }

    #[test]
    fn prefix_of_a_longer_list_is_fully_consistent() {
        // A shorter list that is a prefix of the longer one extrapolates to agreement.
        let got = rbo_ext(&["a", "b"], &["a", "b", "c", "d"], 0.9);
        assert!(close(got, 1.0), "{got}");
    }

    #[test]
    fn duplicates_count_once() {
        assert!(close(
            rbo_ext(&["a", "a", "b"], &["a", "b"], 0.9),
            rbo_ext(&["a", "b"], &["a", "b"], 0.9)
        ));
    }
}

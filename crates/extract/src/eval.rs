//! Scoring of the trafilatura evaluation set: each `with` snippet found in the
//! whitespace-normalized output is a true positive (else a false negative); each `without`
//! snippet found is a false positive (else a true negative). Summed over pages.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub true_negatives: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
        self.true_negatives += other.true_negatives;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    pub fn accuracy(&self) -> f64 {
        ratio(
            self.true_positives + self.true_negatives,
            self.true_positives + self.true_negatives + self.false_positives + self.false_negatives,
        )
    }

    pub fn f1(&self) -> f64 {
        ratio(
            2 * self.true_positives,
            2 * self.true_positives + self.false_positives + self.false_negatives,
        )
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Each run of whitespace becomes one space; ends trimmed.
pub fn normalize_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Scores one page's extracted text against its snippets.
pub fn score_page(output: &str, with: &[String], without: &[String]) -> Counts {
    let text = normalize_whitespace(output);
    let mut c = Counts::default();
    for snippet in with {
        if !text.is_empty() && text.contains(&normalize_whitespace(snippet)) {
            c.true_positives += 1;
        } else {
            c.false_negatives += 1;
        }
    }
    for snippet in without {
        if !text.is_empty() && text.contains(&normalize_whitespace(snippet)) {
            c.false_positives += 1;
        } else {
            c.true_negatives += 1;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_the_upstream_definitions() {
        let with = vec!["main  text".to_owned(), "missing".to_owned()];
        let without = vec!["Menu".to_owned(), "Footer".to_owned()];
        let c = score_page("Menu\nmain text here", &with, &without);
        assert_eq!(
            c,
            Counts {
                true_positives: 1,
                false_positives: 1,
                false_negatives: 1,
                true_negatives: 1
            }
        );
        assert!((c.f1() - 0.5).abs() < 1e-12);
        let empty = score_page("", &with, &without);
        assert_eq!((empty.false_negatives, empty.true_negatives), (2, 2));
        assert_eq!(Counts::default().f1(), 0.0);
    }
}

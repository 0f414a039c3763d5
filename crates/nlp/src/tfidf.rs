//! TF-IDF over websites, defined once for every network that weighs terms.
//!
//! - A **document** is a website: all analysed pages of one registrable domain within the
//!   network's scope, their term counts summed.
//! - **tf** = the term's count / all term counts of the document.
//! - **idf** = ln((1 + N) / (1 + df)) + 1, with N documents in the scope and df of them
//!   using the term, counted over the scope at build time (never per page).
//! - Optionally each document's vector is scaled to unit L2 length.

use std::collections::HashMap;

/// A term's weight in one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub term: String,
    pub count: u64,
    pub tf: f64,
    pub idf: f64,
    pub tfidf: f64,
}

/// Document frequencies and N for a scope.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub documents: usize,
    pub df: HashMap<String, usize>,
}

impl Corpus {
    pub fn new<'a>(documents: impl IntoIterator<Item = &'a HashMap<String, u64>>) -> Self {
        let mut corpus = Corpus::default();
        for doc in documents {
            corpus.documents += 1;
            for (term, count) in doc {
                if *count > 0 {
                    *corpus.df.entry(term.clone()).or_default() += 1;
                }
            }
        }
        corpus
    }

    pub fn idf(&self, term: &str) -> f64 {
        let df = self.df.get(term).copied().unwrap_or(0);
        ((1.0 + self.documents as f64) / (1.0 + df as f64)).ln() + 1.0
    }

    /// The weights of one document's terms, heaviest first (ties by term).
    pub fn weigh(&self, document: &HashMap<String, u64>, l2: bool) -> Vec<Weighted> {
        let total: u64 = document.values().sum();
        if total == 0 {
            return Vec::new();
        }
        let mut out: Vec<Weighted> = document
            .iter()
            .filter(|(_, c)| **c > 0)
            .map(|(term, count)| {
                let tf = *count as f64 / total as f64;
                let idf = self.idf(term);
                Weighted {
                    term: term.clone(),
                    count: *count,
                    tf,
                    idf,
                    tfidf: tf * idf,
                }
            })
            .collect();
        if l2 {
            let norm = out.iter().map(|w| w.tfidf * w.tfidf).sum::<f64>().sqrt();
            if norm > 0.0 {
                out.iter_mut().for_each(|w| w.tfidf /= norm);
            }
        }
        out.sort_by(|a, b| b.tfidf.total_cmp(&a.tfidf).then_with(|| a.term.cmp(&b.term)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(terms: &[(&str, u64)]) -> HashMap<String, u64> {
        terms.iter().map(|(t, c)| ((*t).to_owned(), *c)).collect()
    }

    #[test]
    fn hand_computed_values() {
        // Three websites. "vindmølle" is used by two, "biogas" by one.
        let a = doc(&[("vindmølle", 3), ("biogas", 1)]);
        let b = doc(&[("vindmølle", 1), ("nabo", 1)]);
        let c = doc(&[("nabo", 2)]);
        let corpus = Corpus::new([&a, &b, &c]);
        assert_eq!(corpus.documents, 3);
        // idf(vindmølle) = ln(4/3) + 1 = 1.287682072451781
        assert!((corpus.idf("vindmølle") - 1.287_682_072_451_781).abs() < 1e-12);
        // idf(biogas) = ln(4/2) + 1 = 1.6931471805599454
        assert!((corpus.idf("biogas") - 1.693_147_180_559_945_4).abs() < 1e-12);
        // A term no website uses: ln(4/1) + 1.
        assert!((corpus.idf("brint") - (4f64.ln() + 1.0)).abs() < 1e-12);

        let w = corpus.weigh(&a, false);
        // tf(vindmølle) = 3/4; tfidf = 0.75 × 1.287682… = 0.9657615543388358
        assert_eq!(w[0].term, "vindmølle");
        assert!((w[0].tf - 0.75).abs() < 1e-12);
        assert!((w[0].tfidf - 0.965_761_554_338_835_8).abs() < 1e-12);
        // tf(biogas) = 1/4; tfidf = 0.25 × 1.693147… = 0.42328679513998635
        assert!((w[1].tfidf - 0.423_286_795_139_986_35).abs() < 1e-12);

        let unit = corpus.weigh(&a, true);
        let norm: f64 = unit.iter().map(|w| w.tfidf * w.tfidf).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-12);
        assert!(corpus.weigh(&doc(&[]), true).is_empty());
    }

    #[test]
    fn idf_is_never_the_same_for_every_term_when_df_differs() {
        // The Python reference computed idf per page, so it was always 1; here it is not.
        let a = doc(&[("x", 1), ("y", 1)]);
        let b = doc(&[("x", 1)]);
        let corpus = Corpus::new([&a, &b]);
        assert!(corpus.idf("y") > corpus.idf("x"));
    }
}

//! Accuracy and per-tag F1 of predicted tags against gold ones.

use crate::{Lang, Upos};

/// A quality floor for tagging on a language's held-out test split. CI retrains the
/// models and fails when one is missed.
#[derive(Debug, Clone, Copy)]
pub struct PosFloor {
    pub lang: Lang,
    pub upos: f64,
    pub noun_f1: f64,
}

pub const POS_FLOORS: [PosFloor; 2] = [
    PosFloor {
        lang: Lang::En,
        upos: 0.945,
        noun_f1: 0.91,
    },
    PosFloor {
        lang: Lang::Da,
        upos: 0.935,
        noun_f1: 0.955,
    },
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagScores {
    pub tokens: usize,
    pub correct: usize,
    /// Per tag: (true positives, false positives, false negatives).
    pub per_tag: [(usize, usize, usize); Upos::COUNT],
}

impl TagScores {
    pub fn add(&mut self, gold: &[Upos], predicted: &[Upos]) {
        for (g, p) in gold.iter().zip(predicted) {
            self.tokens += 1;
            if g == p {
                self.correct += 1;
                self.per_tag[g.index()].0 += 1;
            } else {
                self.per_tag[p.index()].1 += 1;
                self.per_tag[g.index()].2 += 1;
            }
        }
    }

    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.tokens.max(1) as f64
    }

    pub fn f1(&self, tag: Upos) -> f64 {
        let (tp, fp, fn_) = self.per_tag[tag.index()];
        let denominator = 2 * tp + fp + fn_;
        if denominator == 0 {
            0.0
        } else {
            2.0 * tp as f64 / denominator as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Upos::*;

    #[test]
    fn hand_computed_scores() {
        let mut s = TagScores::default();
        s.add(&[Noun, Noun, Verb, Det], &[Noun, Propn, Verb, Det]);
        assert!((s.accuracy() - 0.75).abs() < 1e-12);
        // NOUN: tp 1, fp 0, fn 1 → 2/3.
        assert!((s.f1(Noun) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.f1(Propn), 0.0);
        assert_eq!(s.f1(Adj), 0.0);
    }
}

/// A lemma floor: accuracy on gold NOUN tokens, with predicted tags, on the test split.
#[derive(Debug, Clone, Copy)]
pub struct LemmaFloor {
    pub lang: Lang,
    pub noun: f64,
}

pub const LEMMA_FLOORS: [LemmaFloor; 1] = [LemmaFloor {
    lang: Lang::Da,
    noun: 0.96,
}];

/// Lemma accuracy, overall and on gold nouns. Lemmas compare case-insensitively: UD
/// treebanks differ on the case of sentence-initial lemmas, which no term count cares about.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LemmaScores {
    pub tokens: usize,
    pub correct: usize,
    pub nouns: usize,
    pub nouns_correct: usize,
}

impl LemmaScores {
    pub fn add(&mut self, gold: &str, predicted: &str, is_noun: bool) {
        let right = gold == predicted || gold.to_lowercase() == predicted.to_lowercase();
        self.tokens += 1;
        self.correct += usize::from(right);
        if is_noun {
            self.nouns += 1;
            self.nouns_correct += usize::from(right);
        }
    }

    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.tokens.max(1) as f64
    }

    pub fn noun_accuracy(&self) -> f64 {
        self.nouns_correct as f64 / self.nouns.max(1) as f64
    }
}

/// An NER floor: exact-span F1 on PER/ORG/LOC on the test split.
#[derive(Debug, Clone, Copy)]
pub struct NerFloor {
    pub lang: Lang,
    pub f1: f64,
}

pub const NER_FLOORS: [NerFloor; 2] = [
    NerFloor {
        lang: Lang::En,
        f1: 0.66,
    },
    NerFloor {
        lang: Lang::Da,
        f1: 0.68,
    },
];

/// Exact-span entity scores. MISC is left out (English dev/test have none), as the
/// published UNER numbers do.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EntityScores {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
}

impl EntityScores {
    pub fn add(&mut self, gold: &[crate::Label], predicted: &[crate::Label]) {
        let keep = |s: &crate::Span| s.kind != crate::EntityType::Misc;
        let g: std::collections::HashSet<crate::Span> =
            crate::ner::spans(gold).into_iter().filter(keep).collect();
        let p: Vec<crate::Span> = crate::ner::spans(predicted).into_iter().filter(keep).collect();
        self.gold += g.len();
        self.predicted += p.len();
        self.matched += p.iter().filter(|s| g.contains(*s)).count();
    }

    pub fn precision(&self) -> f64 {
        self.matched as f64 / self.predicted.max(1) as f64
    }

    pub fn recall(&self) -> f64 {
        self.matched as f64 / self.gold.max(1) as f64
    }

    pub fn f1(&self) -> f64 {
        let d = self.gold + self.predicted;
        if d == 0 {
            0.0
        } else {
            2.0 * self.matched as f64 / d as f64
        }
    }
}

/// Span precision/recall of tokenization against a treebank sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpanScores {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
}

impl SpanScores {
    /// Adds one sentence: `gold` word forms are located in `text` in order; a sentence whose
    /// words cannot all be found verbatim (e.g. German `zum` → `zu dem`) is skipped and
    /// `false` returned.
    pub fn add(&mut self, text: &str, gold: &[&str], predicted: &[(usize, usize)]) -> bool {
        let mut spans = Vec::with_capacity(gold.len());
        let mut at = 0;
        for form in gold {
            let Some(found) = text[at..].find(form) else {
                return false;
            };
            let start = at + found;
            spans.push((start, start + form.len()));
            at = start + form.len();
        }
        let gold_set: std::collections::HashSet<(usize, usize)> = spans.into_iter().collect();
        self.gold += gold_set.len();
        self.predicted += predicted.len();
        self.matched += predicted.iter().filter(|s| gold_set.contains(s)).count();
        true
    }

    pub fn f1(&self) -> f64 {
        let denominator = self.gold + self.predicted;
        if denominator == 0 {
            0.0
        } else {
            2.0 * self.matched as f64 / denominator as f64
        }
    }
}

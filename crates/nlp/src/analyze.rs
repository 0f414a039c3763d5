//! One page's terms: noun lemmas, named entities and keyword phrases, counted. This is
//! what analysis jobs store and what the networks are built from.

use std::collections::HashMap;

use crate::ner::spans;
use crate::stopwords::is_stopword;
use crate::{EntityType, Lang, LemmaModel, NerModel, PosModel, Upos};

#[derive(Debug, Clone)]
pub struct TermOptions {
    /// Count proper nouns (PROPN) as nouns too.
    pub include_propn: bool,
    /// Shortest noun lemma kept, in characters.
    pub min_length: usize,
    /// Keyword phrases kept per page.
    pub max_keywords: usize,
}

impl Default for TermOptions {
    fn default() -> Self {
        Self {
            include_propn: false,
            min_length: 2,
            max_keywords: 20,
        }
    }
}

/// Where a term occurs: byte offsets `[start, end)` into the analysed text.
pub type TextSpan = [u32; 2];

/// How many occurrences of a term a page keeps the place of: enough for the three
/// keyword-in-context snippets the evidence of an edge shows per page, and small enough
/// that the store barely grows.
pub const MAX_SPANS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NounCount {
    /// Lowercased lemma: the grouping key.
    pub lemma: String,
    pub count: u32,
    /// The first [`MAX_SPANS`] occurrences (the inflected forms, as written).
    pub spans: Vec<TextSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityCount {
    /// The most frequent surface form on the page.
    pub surface: String,
    /// Lowercased, whitespace-collapsed, English possessive removed: the grouping key.
    pub normalized: String,
    pub label: EntityType,
    pub count: u32,
    /// The first [`MAX_SPANS`] mentions, whatever their surface form.
    pub spans: Vec<TextSpan>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    /// Lowercased lemmas joined by spaces.
    pub phrase: String,
    /// RAKE score (sum over its words of degree / frequency); higher is more key.
    pub score: f64,
    pub count: u32,
    /// The first [`MAX_SPANS`] occurrences, from the phrase's first word to its last.
    pub spans: Vec<TextSpan>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageTerms {
    pub tokens: usize,
    pub nouns: Vec<NounCount>,
    pub entities: Vec<EntityCount>,
    pub keywords: Vec<Keyword>,
}

/// The models of one language, loaded once and shared.
#[derive(Debug, Clone)]
pub struct Analyzer {
    pub lang: Lang,
    pub pos: PosModel,
    pub lemma: LemmaModel,
    pub ner: Option<NerModel>,
}

/// A word that can be a term: has a letter, is not a URL or e-mail, not a stop word.
fn termlike(lang: Lang, word: &str, min_length: usize) -> bool {
    word.chars().count() >= min_length
        && word.chars().any(char::is_alphabetic)
        && !word.contains("://")
        && !word.starts_with("www.")
        && !word.contains('@')
        && !is_stopword(lang, word)
}

fn span(start: usize, end: usize) -> TextSpan {
    [
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    ]
}

fn remember(spans: &mut Vec<TextSpan>, at: TextSpan) {
    if spans.len() < MAX_SPANS {
        spans.push(at);
    }
}

fn normalize_entity(lang: Lang, surface: &str) -> String {
    let mut s = surface
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if lang == Lang::En {
        for possessive in [" 's", "'s", "’s", " ’s"] {
            if let Some(stripped) = s.strip_suffix(possessive) {
                s = stripped.to_owned();
                break;
            }
        }
    }
    s.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

impl Analyzer {
    pub fn analyze(&self, text: &str, options: &TermOptions) -> PageTerms {
        let mut nouns: HashMap<String, (u32, Vec<TextSpan>)> = HashMap::new();
        // normalized → (labels in order of appearance with counts, surface forms with counts)
        let mut entities: HashMap<String, EntityMentions> = HashMap::new();
        // RAKE: candidate phrases are runs of ADJ* (NOUN|PROPN)+ lemmas.
        let mut phrases: Vec<(Vec<String>, TextSpan)> = Vec::new();
        let mut tokens = 0;
        for sentence in crate::sentences(text, self.lang) {
            let words: Vec<&str> = sentence.iter().map(|t| t.text.as_str()).collect();
            tokens += words.len();
            let tags = self.pos.tag(&words);
            let lemmas: Vec<String> = words
                .iter()
                .zip(&tags)
                .map(|(w, t)| self.lemma.lemma(w, *t).to_lowercase())
                .collect();
            for (((tag, lemma), word), token) in tags.iter().zip(&lemmas).zip(&words).zip(&sentence) {
                let counted = *tag == Upos::Noun || (options.include_propn && *tag == Upos::Propn);
                if counted && termlike(self.lang, word, 1) && termlike(self.lang, lemma, options.min_length) {
                    let entry = nouns.entry(lemma.clone()).or_default();
                    entry.0 += 1;
                    remember(&mut entry.1, span(token.start, token.end));
                }
            }
            if let Some(ner) = &self.ner {
                for span in spans(&ner.label(&words, &tags)) {
                    let (from, to) = (sentence[span.start].start, sentence[span.end - 1].end);
                    let surface = &text[from..to];
                    let normalized = normalize_entity(self.lang, surface);
                    if normalized.is_empty() {
                        continue;
                    }
                    let entry = entities.entry(normalized).or_default();
                    remember(&mut entry.spans, self::span(from, to));
                    match entry.labels.iter_mut().find(|(l, _)| *l == span.kind) {
                        Some((_, n)) => *n += 1,
                        None => entry.labels.push((span.kind, 1)),
                    }
                    *entry
                        .surfaces
                        .entry(surface.split_whitespace().collect::<Vec<_>>().join(" "))
                        .or_default() += 1;
                }
            }
            let mut run: Vec<String> = Vec::new();
            let mut run_span: TextSpan = [0, 0];
            let mut has_noun = false;
            for (((tag, lemma), word), token) in tags.iter().zip(&lemmas).zip(&words).zip(&sentence) {
                let content = matches!(tag, Upos::Noun | Upos::Propn | Upos::Adj)
                    && termlike(self.lang, word, 1)
                    && termlike(self.lang, lemma, options.min_length);
                let noun = matches!(tag, Upos::Noun | Upos::Propn);
                let at = span(token.start, token.end);
                if content && (noun || !has_noun) {
                    if run.is_empty() {
                        run_span = at;
                    }
                    run.push(lemma.clone());
                    run_span[1] = at[1];
                    has_noun |= noun;
                } else {
                    if has_noun {
                        phrases.push((std::mem::take(&mut run), run_span));
                    }
                    run.clear();
                    has_noun = false;
                    if content {
                        run.push(lemma.clone());
                        run_span = at;
                    }
                }
            }
            if has_noun {
                phrases.push((run, run_span));
            }
        }
        PageTerms {
            tokens,
            nouns: sorted_nouns(nouns),
            entities: sorted_entities(entities),
            keywords: rake(phrases, options.max_keywords),
        }
    }
}

fn sorted_nouns(nouns: HashMap<String, (u32, Vec<TextSpan>)>) -> Vec<NounCount> {
    let mut out: Vec<NounCount> = nouns
        .into_iter()
        .map(|(lemma, (count, spans))| NounCount { lemma, count, spans })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.lemma.cmp(&b.lemma)));
    out
}

#[derive(Default)]
struct EntityMentions {
    /// Labels in order of first appearance, with counts.
    labels: Vec<(EntityType, u32)>,
    surfaces: HashMap<String, u32>,
    spans: Vec<TextSpan>,
}

/// One entity per normalized form and page: the recognizer may label `Shell` ORG in one
/// sentence and PER in the next, but a page means one thing by it. The majority label wins;
/// on a tie, the first one seen.
fn sorted_entities(entities: HashMap<String, EntityMentions>) -> Vec<EntityCount> {
    let mut out: Vec<EntityCount> = entities
        .into_iter()
        .map(|(normalized, mentions)| {
            let count = mentions.labels.iter().map(|(_, n)| n).sum();
            let label = mentions
                .labels
                .iter()
                .rev()
                .max_by_key(|(_, n)| *n)
                .map_or(EntityType::Misc, |(l, _)| *l);
            let surface = mentions
                .surfaces
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_else(|| normalized.clone());
            EntityCount {
                surface,
                normalized,
                label,
                count,
                spans: mentions.spans,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.normalized.cmp(&b.normalized))
            .then_with(|| a.label.cmp(&b.label))
    });
    out
}

/// RAKE (Rose et al. 2010) over noun-phrase candidates: a word's score is its degree (the
/// summed lengths of the phrases it occurs in) over its frequency; a phrase scores the sum
/// of its words'. Phrases are ranked by score, then count, then text.
fn rake(phrases: Vec<(Vec<String>, TextSpan)>, keep: usize) -> Vec<Keyword> {
    let mut frequency: HashMap<&str, f64> = HashMap::new();
    let mut degree: HashMap<&str, f64> = HashMap::new();
    for (p, _) in &phrases {
        for w in p {
            *frequency.entry(w).or_default() += 1.0;
            *degree.entry(w).or_default() += p.len() as f64;
        }
    }
    let mut counts: HashMap<String, (u32, f64, Vec<TextSpan>)> = HashMap::new();
    for (p, at) in &phrases {
        let score: f64 = p.iter().map(|w| degree[w.as_str()] / frequency[w.as_str()]).sum();
        let entry = counts.entry(p.join(" ")).or_insert((0, score, Vec::new()));
        entry.0 += 1;
        remember(&mut entry.2, *at);
    }
    let mut out: Vec<Keyword> = counts
        .into_iter()
        .map(|(phrase, (count, score, spans))| Keyword {
            phrase,
            score,
            count,
            spans,
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.phrase.cmp(&b.phrase))
    });
    out.truncate(keep);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rake_prefers_longer_recurring_phrases() {
        let p = |s: &str| (s.split(' ').map(str::to_owned).collect::<Vec<_>>(), [0, 0]);
        let k = rake(
            vec![
                p("grøn omstilling"),
                p("omstilling"),
                p("grøn omstilling"),
                p("vindmølle"),
            ],
            10,
        );
        // degree(grøn)=4, freq 2 → 2; degree(omstilling)=5, freq 3 → 5/3; vindmølle 1.
        assert_eq!(k[0].phrase, "grøn omstilling");
        assert!((k[0].score - (2.0 + 5.0 / 3.0)).abs() < 1e-12);
        assert_eq!(k[0].count, 2);
        assert_eq!(k.last().unwrap().phrase, "vindmølle");
    }

    #[test]
    fn a_page_gives_each_entity_its_majority_label_and_the_first_on_a_tie() {
        let mentions = |labels: Vec<(EntityType, u32)>| EntityMentions {
            labels,
            surfaces: HashMap::from([("Shell".to_owned(), 2)]),
            spans: Vec::new(),
        };
        let one = |labels| sorted_entities(HashMap::from([("shell".to_owned(), mentions(labels))]));
        let tie = one(vec![(EntityType::Org, 1), (EntityType::Per, 1)]);
        assert_eq!((tie[0].label, tie[0].count), (EntityType::Org, 2));
        let majority = one(vec![(EntityType::Per, 1), (EntityType::Org, 3)]);
        assert_eq!((majority[0].label, majority[0].count), (EntityType::Org, 4));
    }

    #[test]
    fn entity_normal_forms() {
        assert_eq!(normalize_entity(Lang::En, "Shell 's"), "shell");
        assert_eq!(normalize_entity(Lang::En, "The  Guardian’s"), "the guardian");
        assert_eq!(
            normalize_entity(Lang::Da, "Mette Frederiksen"),
            "mette frederiksen"
        );
        assert!(!termlike(Lang::Da, "https://ens.dk", 2));
        assert!(!termlike(Lang::Da, "2030", 2));
        assert!(!termlike(Lang::Da, "også", 2));
        assert!(termlike(Lang::Da, "vindmølle", 2));
    }
}

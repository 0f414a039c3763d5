//! Named entities: an averaged structured perceptron over BIO labels (PER, ORG, LOC, MISC)
//! with Viterbi decoding under BIO constraints. Features: the word and its neighbours,
//! shapes and affixes, predicted UPOS tags, Brown-cluster prefixes where the tables exist
//! (en, de), and a gazetteer of words seen inside entities in the training data.

use std::collections::HashMap;

use crate::codec::{ModelError, Reader, SparseWeights, put_sparse, put_str, read_sparse};
use crate::features::{Fnv, prefix, shape, suffix};
use crate::perceptron::{Rng, Trainer, Weights};
use crate::{Lang, Upos};

const MAGIC: &[u8; 8] = b"IONER\0\x01\0";

/// Entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Per,
    Org,
    Loc,
    Misc,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [
        EntityType::Per,
        EntityType::Org,
        EntityType::Loc,
        EntityType::Misc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Misc => "MISC",
        }
    }
}

/// A BIO label: `O`, or `B-`/`I-` with a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    O,
    B(EntityType),
    I(EntityType),
}

const LABELS: usize = 9;
/// The "previous label" before the first token.
const START: usize = LABELS;

impl Label {
    pub fn index(self) -> usize {
        match self {
            Label::O => 0,
            Label::B(t) => 1 + 2 * t as usize,
            Label::I(t) => 2 + 2 * t as usize,
        }
    }

    pub fn from_index(i: usize) -> Label {
        match i {
            0 => Label::O,
            i => {
                let t = EntityType::ALL[((i - 1) / 2).min(3)];
                if i % 2 == 1 { Label::B(t) } else { Label::I(t) }
            }
        }
    }

    pub fn parse(s: &str) -> Option<Label> {
        if s == "O" {
            return Some(Label::O);
        }
        let (bio, t) = s.split_once('-')?;
        let t = EntityType::ALL.into_iter().find(|e| e.as_str() == t)?;
        match bio {
            "B" => Some(Label::B(t)),
            "I" => Some(Label::I(t)),
            _ => None,
        }
    }

    pub fn entity_type(self) -> Option<EntityType> {
        match self {
            Label::O => None,
            Label::B(t) | Label::I(t) => Some(t),
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::O => f.write_str("O"),
            Label::B(t) => write!(f, "B-{}", t.as_str()),
            Label::I(t) => write!(f, "I-{}", t.as_str()),
        }
    }
}

/// An `I-X` may only continue an entity of type X.
fn allowed(prev: usize, cur: usize) -> bool {
    match Label::from_index(cur) {
        Label::I(t) => prev != START && Label::from_index(prev).entity_type() == Some(t),
        _ => true,
    }
}

/// One annotated sentence of an IOB2 file.
#[derive(Debug, Clone, PartialEq)]
pub struct NerSentence {
    pub tokens: Vec<String>,
    pub labels: Vec<Label>,
}

/// Parses IOB2 (`token<TAB>label`, blank line between sentences, `#` comments).
pub fn parse_iob2(text: &str) -> Result<Vec<NerSentence>, String> {
    let mut out = Vec::new();
    let mut current = NerSentence {
        tokens: Vec::new(),
        labels: Vec::new(),
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.tokens.is_empty() {
                out.push(std::mem::replace(
                    &mut current,
                    NerSentence {
                        tokens: Vec::new(),
                        labels: Vec::new(),
                    },
                ));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (token, label) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: expected `token<TAB>label`", n + 1))?;
        let label =
            Label::parse(label.trim()).ok_or_else(|| format!("line {}: bad label `{label}`", n + 1))?;
        current.tokens.push(token.to_owned());
        current.labels.push(label);
    }
    if !current.tokens.is_empty() {
        out.push(current);
    }
    Ok(out)
}

/// An entity found in a sentence: tokens `start..end`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
}

/// The entity spans a label sequence describes.
pub fn spans(labels: &[Label]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<Span> = None;
    for (i, l) in labels.iter().enumerate() {
        match l {
            Label::B(t) => {
                out.extend(open.take());
                open = Some(Span {
                    start: i,
                    end: i + 1,
                    kind: *t,
                });
            }
            Label::I(t) if open.as_ref().is_some_and(|s| s.kind == *t) => {
                if let Some(s) = open.as_mut() {
                    s.end = i + 1;
                }
            }
            Label::I(t) => {
                out.extend(open.take());
                open = Some(Span {
                    start: i,
                    end: i + 1,
                    kind: *t,
                });
            }
            Label::O => out.extend(open.take()),
        }
    }
    out.extend(open);
    out
}

#[derive(Debug, Clone)]
pub struct NerTrainOptions {
    pub epochs: usize,
    pub seed: u64,
    pub min_weight: f32,
    /// A word joins the gazetteer after this many sightings inside entities.
    pub gazetteer_min_count: u32,
}

impl Default for NerTrainOptions {
    fn default() -> Self {
        Self {
            epochs: 12,
            seed: 20_261_128,
            min_weight: 0.05,
            gazetteer_min_count: 2,
        }
    }
}

/// A trained entity recognizer.
#[derive(Debug, Clone)]
pub struct NerModel {
    pub lang: Lang,
    weights: Weights,
    sparse: SparseWeights,
    clusters: HashMap<String, u32>,
    /// Word → entity types it appeared in (bits), from the training data.
    gazetteer: HashMap<String, u8>,
}

trait Score {
    fn scores(&self, features: &[u64], out: &mut [f32]);
}

impl Score for Trainer {
    fn scores(&self, features: &[u64], out: &mut [f32]) {
        Trainer::scores(self, features, out);
    }
}

impl Score for Weights {
    fn scores(&self, features: &[u64], out: &mut [f32]) {
        Weights::scores(self, features, out);
    }
}

fn transition(prev: usize) -> u64 {
    Fnv::template(100).u32(prev as u32).finish()
}

struct Extractor<'a> {
    clusters: &'a HashMap<String, u32>,
    gazetteer: &'a HashMap<String, u8>,
}

impl Extractor<'_> {
    fn sentence(&self, tokens: &[&str], tags: &[Upos]) -> Vec<Vec<u64>> {
        let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
        let word = |i: isize| -> &str {
            if i < 0 {
                "-START-"
            } else {
                lower.get(i as usize).map_or("-END-", String::as_str)
            }
        };
        let raw = |i: isize| -> &str {
            if i < 0 {
                "-START-"
            } else {
                tokens.get(i as usize).copied().unwrap_or("-END-")
            }
        };
        let tag = |i: isize| -> &str {
            if i < 0 {
                "-START-"
            } else {
                tags.get(i as usize).map_or("-END-", |t| t.as_str())
            }
        };
        let cluster = |i: isize| -> Option<u32> {
            let w = raw(i);
            self.clusters
                .get(w)
                .or_else(|| self.clusters.get(word(i)))
                .copied()
        };
        let f = Fnv::template;
        (0..tokens.len() as isize)
            .map(|i| {
                let w = word(i);
                let r = raw(i);
                let mut v = vec![
                    f(0).finish(),
                    f(1).str(w).finish(),
                    f(2).str(r).finish(),
                    f(3).str(word(i - 1)).finish(),
                    f(4).str(word(i + 1)).finish(),
                    f(5).str(word(i - 2)).finish(),
                    f(6).str(word(i + 2)).finish(),
                    f(7).str(&shape(r)).finish(),
                    f(8).str(&shape(raw(i - 1))).finish(),
                    f(9).str(&shape(raw(i + 1))).finish(),
                    f(10).str(prefix(w, 3)).finish(),
                    f(11).str(suffix(w, 3)).finish(),
                    f(12).str(suffix(w, 4)).finish(),
                    f(13).str(tag(i)).finish(),
                    f(14).str(tag(i - 1)).str(tag(i)).finish(),
                    f(15).str(tag(i)).str(tag(i + 1)).finish(),
                    f(16).str(word(i - 1)).str(w).finish(),
                    f(17).str(w).str(word(i + 1)).finish(),
                    f(18)
                        .str(if i == 0 { "first" } else { "later" })
                        .str(&shape(r))
                        .finish(),
                    f(19).str(&shape(r)).str(tag(i)).finish(),
                ];
                if let Some(c) = cluster(i) {
                    for bits in [4u32, 8, 12, 16, 20] {
                        v.push(f(20).u32(bits).u32(c & ((1 << bits) - 1)).finish());
                    }
                }
                for (j, template) in [(i - 1, 21u8), (i + 1, 22)] {
                    if let Some(c) = cluster(j) {
                        v.push(f(template).u32(c & 0xff).finish());
                    }
                }
                for (j, template) in [(i, 23u8), (i - 1, 24), (i + 1, 25)] {
                    if let Some(bits) = self.gazetteer.get(raw(j)) {
                        v.push(f(template).u32(u32::from(*bits)).finish());
                    }
                }
                v
            })
            .collect()
    }
}

/// The best label sequence (Viterbi over emission + transition scores, BIO-constrained).
fn decode(scorer: &dyn Score, features: &[Vec<u64>]) -> Vec<usize> {
    let n = features.len();
    if n == 0 {
        return Vec::new();
    }
    let mut trans = [[0f32; LABELS]; LABELS + 1];
    for (prev, row) in trans.iter_mut().enumerate() {
        scorer.scores(&[transition(prev)], row);
    }
    let mut emission = [0f32; LABELS];
    let mut best = vec![[f32::NEG_INFINITY; LABELS]; n];
    let mut back = vec![[0usize; LABELS]; n];
    for (i, f) in features.iter().enumerate() {
        scorer.scores(f, &mut emission);
        for cur in 0..LABELS {
            if i == 0 {
                if allowed(START, cur) {
                    best[0][cur] = emission[cur] + trans[START][cur];
                }
                continue;
            }
            for prev in 0..LABELS {
                if !allowed(prev, cur) || best[i - 1][prev] == f32::NEG_INFINITY {
                    continue;
                }
                let s = best[i - 1][prev] + trans[prev][cur] + emission[cur];
                if s > best[i][cur] {
                    best[i][cur] = s;
                    back[i][cur] = prev;
                }
            }
        }
    }
    let mut last = 0;
    for cur in 0..LABELS {
        if best[n - 1][cur] > best[n - 1][last] {
            last = cur;
        }
    }
    let mut out = vec![0; n];
    out[n - 1] = last;
    for i in (1..n).rev() {
        out[i - 1] = back[i][out[i]];
    }
    out
}

impl NerModel {
    /// Trains on sentences with their (predicted) UPOS tags. `clusters` maps words to Brown
    /// cluster ids (empty where no table exists).
    pub fn train(
        lang: Lang,
        data: &[(NerSentence, Vec<Upos>)],
        clusters: HashMap<String, u32>,
        options: &NerTrainOptions,
    ) -> Self {
        let mut seen: HashMap<&str, (u32, u8)> = HashMap::new();
        for (s, _) in data {
            for (t, l) in s.tokens.iter().zip(&s.labels) {
                if let Some(kind) = l.entity_type() {
                    let e = seen.entry(t.as_str()).or_insert((0, 0));
                    e.0 += 1;
                    e.1 |= 1 << kind as u8;
                }
            }
        }
        let gazetteer: HashMap<String, u8> = seen
            .into_iter()
            .filter(|(_, (n, _))| *n >= options.gazetteer_min_count)
            .map(|(w, (_, bits))| (w.to_owned(), bits))
            .collect();
        let extractor = Extractor {
            clusters: &clusters,
            gazetteer: &gazetteer,
        };
        let prepared: Vec<(Vec<Vec<u64>>, Vec<usize>)> = data
            .iter()
            .map(|(s, tags)| {
                let tokens: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
                (
                    extractor.sentence(&tokens, tags),
                    s.labels.iter().map(|l| l.index()).collect(),
                )
            })
            .collect();
        let mut trainer = Trainer::new(LABELS);
        let mut order: Vec<usize> = (0..prepared.len()).collect();
        let mut rng = Rng(options.seed | 1);
        for _ in 0..options.epochs {
            rng.shuffle(&mut order);
            for &k in &order {
                let (features, gold) = &prepared[k];
                let predicted = decode(&trainer, features);
                if &predicted != gold {
                    for i in 0..gold.len() {
                        let (g, p) = (gold[i], predicted[i]);
                        let gp = if i == 0 { START } else { gold[i - 1] };
                        let pp = if i == 0 { START } else { predicted[i - 1] };
                        if g != p {
                            trainer.adjust(&features[i], g, 1.0);
                            trainer.adjust(&features[i], p, -1.0);
                        }
                        if (gp, g) != (pp, p) {
                            trainer.adjust(&[transition(gp)], g, 1.0);
                            trainer.adjust(&[transition(pp)], p, -1.0);
                        }
                    }
                }
                trainer.tick();
            }
        }
        let sparse = trainer.averaged(options.min_weight);
        NerModel {
            lang,
            weights: Weights::from_sparse(LABELS, &sparse),
            sparse,
            clusters,
            gazetteer,
        }
    }

    /// BIO labels for one sentence's tokens with their UPOS tags.
    pub fn label(&self, tokens: &[&str], tags: &[Upos]) -> Vec<Label> {
        let extractor = Extractor {
            clusters: &self.clusters,
            gazetteer: &self.gazetteer,
        };
        decode(&self.weights, &extractor.sentence(tokens, tags))
            .into_iter()
            .map(Label::from_index)
            .collect()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(self.lang.code().as_bytes());
        put_sparse(&mut out, &self.sparse);
        let mut clusters: Vec<_> = self.clusters.iter().collect();
        clusters.sort();
        out.extend_from_slice(&(clusters.len() as u32).to_le_bytes());
        for (w, c) in clusters {
            put_str(&mut out, w);
            out.extend_from_slice(&c.to_le_bytes());
        }
        let mut gazetteer: Vec<_> = self.gazetteer.iter().collect();
        gazetteer.sort();
        out.extend_from_slice(&(gazetteer.len() as u32).to_le_bytes());
        for (w, bits) in gazetteer {
            put_str(&mut out, w);
            out.push(*bits);
        }
        zstd::encode_all(out.as_slice(), 19).unwrap_or_default()
    }

    pub fn from_bytes(compressed: &[u8]) -> Result<Self, ModelError> {
        let bytes = zstd::decode_all(compressed).map_err(|e| ModelError::Compression(e.to_string()))?;
        let mut r = Reader::new(&bytes);
        if r.take(8)? != MAGIC {
            return Err(ModelError::Magic);
        }
        let lang = std::str::from_utf8(r.take(2)?)
            .ok()
            .and_then(|c| c.parse().ok())
            .ok_or(ModelError::Corrupt("language"))?;
        let sparse = read_sparse(&mut r, LABELS)?;
        let n = u32::from_le_bytes(r.array()?);
        let mut clusters = HashMap::with_capacity((n as usize).min(1 << 21));
        for _ in 0..n {
            let w = r.string()?;
            clusters.insert(w, u32::from_le_bytes(r.array()?));
        }
        let n = u32::from_le_bytes(r.array()?);
        let mut gazetteer = HashMap::with_capacity((n as usize).min(1 << 20));
        for _ in 0..n {
            let w = r.string()?;
            gazetteer.insert(w, r.take(1)?[0]);
        }
        Ok(NerModel {
            lang,
            weights: Weights::from_sparse(LABELS, &sparse),
            sparse,
            clusters,
            gazetteer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_spans_follow_bio() {
        for i in 0..LABELS {
            let l = Label::from_index(i);
            assert_eq!(l.index(), i);
            assert_eq!(Label::parse(&l.to_string()), Some(l));
        }
        use EntityType::*;
        let labels = [
            Label::B(Per),
            Label::I(Per),
            Label::O,
            Label::I(Loc),
            Label::B(Org),
            Label::B(Org),
        ];
        assert_eq!(
            spans(&labels),
            vec![
                Span {
                    start: 0,
                    end: 2,
                    kind: Per
                },
                Span {
                    start: 3,
                    end: 4,
                    kind: Loc
                },
                Span {
                    start: 4,
                    end: 5,
                    kind: Org
                },
                Span {
                    start: 5,
                    end: 6,
                    kind: Org
                },
            ]
        );
        assert!(!allowed(START, Label::I(Per).index()));
        assert!(!allowed(Label::B(Org).index(), Label::I(Per).index()));
        assert!(allowed(Label::B(Per).index(), Label::I(Per).index()));
    }

    #[test]
    fn learns_toy_entities_and_round_trips() {
        let text = "# sent_id = 1\nKjeld\tB-PER\nChristensen\tI-PER\nbor\tO\ni\tO\nAarhus\tB-LOC\n.\tO\n\n\
                    # sent_id = 2\nMette\tB-PER\nHansen\tI-PER\narbejder\tO\ni\tO\nOdense\tB-LOC\n.\tO\n\n\
                    # sent_id = 3\nSID\tB-ORG\nholder\tO\nmøde\tO\ni\tO\nAarhus\tB-LOC\n.\tO\n";
        let sentences = parse_iob2(text).unwrap();
        let data: Vec<(NerSentence, Vec<Upos>)> = sentences
            .into_iter()
            .map(|s| {
                let tags = s
                    .tokens
                    .iter()
                    .map(|t| {
                        if t.chars().next().is_some_and(char::is_uppercase) {
                            Upos::Propn
                        } else {
                            Upos::Verb
                        }
                    })
                    .collect();
                (s, tags)
            })
            .collect();
        let options = NerTrainOptions {
            min_weight: 0.0,
            gazetteer_min_count: 1,
            ..NerTrainOptions::default()
        };
        let model = NerModel::train(Lang::Da, &data, HashMap::new(), &options);
        let tokens = ["Mette", "Hansen", "bor", "i", "Aarhus", "."];
        let tags = [
            Upos::Propn,
            Upos::Propn,
            Upos::Verb,
            Upos::Adp,
            Upos::Propn,
            Upos::Punct,
        ];
        let labels = model.label(&tokens, &tags);
        assert_eq!(
            spans(&labels),
            vec![
                Span {
                    start: 0,
                    end: 2,
                    kind: EntityType::Per
                },
                Span {
                    start: 4,
                    end: 5,
                    kind: EntityType::Loc
                }
            ],
            "{labels:?}"
        );
        let bytes = model.to_bytes();
        let loaded = NerModel::from_bytes(&bytes).unwrap();
        assert_eq!(loaded.label(&tokens, &tags), labels);
        assert_eq!(loaded.to_bytes(), bytes);
        assert!(NerModel::from_bytes(&bytes[..10]).is_err());
        assert!(model.label(&[], &[]).is_empty());
        assert!(parse_iob2("a\tB-XYZ\n").is_err());
    }
}

//! Lemmatization: a lexicon learned from the treebank (form + UPOS → lemma), then the
//! lookup tables shipped with the model (spaCy's, plus the English rule tables), then
//! per-UPOS suffix rules learned from the treebank, then the form itself.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::codec::{ModelError, Reader, put_str};
use crate::{Lang, Sentence, Upos};

const MAGIC: &[u8; 8] = b"IOLEM\0\x01\0";
/// The longest suffix a learned rule looks at.
const MAX_SUFFIX: usize = 6;

/// External tables the caller read (spaCy lookups): form → lemma, and for English the
/// rule lemmatizer's exceptions, index and suffix rules per coarse POS.
#[derive(Debug, Clone, Default)]
pub struct LemmaTables {
    pub lookup: HashMap<String, String>,
    pub english: Option<EnglishRules>,
}

/// spaCy's English rule lemmatizer: exceptions first, then suffix rules whose result is a
/// known lemma (the index).
#[derive(Debug, Clone, Default)]
pub struct EnglishRules {
    /// (pos, form) → lemma.
    pub exceptions: HashMap<(Upos, String), String>,
    /// (pos, lemma) known to WordNet.
    pub index: std::collections::HashSet<(Upos, String)>,
    /// pos → [(suffix, replacement)].
    pub rules: HashMap<Upos, Vec<(String, String)>>,
}

impl EnglishRules {
    fn lemma(&self, lower: &str, upos: Upos) -> Option<String> {
        if let Some(l) = self.exceptions.get(&(upos, lower.to_owned())) {
            return Some(l.clone());
        }
        for (suffix, replacement) in self.rules.get(&upos)? {
            if let Some(stem) = lower.strip_suffix(suffix.as_str()) {
                let candidate = format!("{stem}{replacement}");
                if !candidate.is_empty() && self.index.contains(&(upos, candidate.clone())) {
                    return Some(candidate);
                }
            }
        }
        None
    }
}

/// A learned rewrite: drop `strip` characters, append `append`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Rewrite {
    strip: u8,
    append: String,
}

fn rewrite_for(form: &str, lemma: &str) -> Option<Rewrite> {
    let common = form
        .chars()
        .zip(lemma.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let strip = form.chars().count() - common;
    let append: String = lemma.chars().skip(common).collect();
    (strip <= MAX_SUFFIX && append.chars().count() <= MAX_SUFFIX).then_some(Rewrite {
        strip: strip as u8,
        append,
    })
}

fn apply(form: &str, rewrite: &Rewrite) -> String {
    let keep = form.chars().count().saturating_sub(usize::from(rewrite.strip));
    let mut out: String = form.chars().take(keep).collect();
    out.push_str(&rewrite.append);
    out
}

/// A large form → lemma table kept as one sorted blob of `form\0lemma\0` entries and
/// searched by bisection: loading it is a copy and one scan, not half a million inserts.
#[derive(Debug, Clone, Default)]
struct SortedTable {
    blob: Vec<u8>,
    starts: Vec<u32>,
}

impl SortedTable {
    fn from_map(map: HashMap<String, String>) -> Self {
        let mut entries: Vec<(String, String)> = map
            .into_iter()
            .filter(|(f, l)| !f.contains('\0') && !l.contains('\0'))
            .collect();
        entries.sort();
        let mut blob = Vec::new();
        for (form, lemma) in entries {
            blob.extend_from_slice(form.as_bytes());
            blob.push(0);
            blob.extend_from_slice(lemma.as_bytes());
            blob.push(0);
        }
        Self::from_blob(blob)
    }

    fn from_blob(blob: Vec<u8>) -> Self {
        let mut starts = Vec::new();
        let mut at = 0usize;
        while at < blob.len() {
            starts.push(at as u32);
            // Skip the form and the lemma.
            for _ in 0..2 {
                match blob[at..].iter().position(|b| *b == 0) {
                    Some(end) => at += end + 1,
                    None => at = blob.len(),
                }
            }
        }
        Self { blob, starts }
    }

    fn entry(&self, i: usize) -> (&[u8], &[u8]) {
        let start = self.starts[i] as usize;
        let rest = &self.blob[start..];
        let form_end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
        let after = (form_end + 1).min(rest.len());
        let lemma_end = rest[after..]
            .iter()
            .position(|b| *b == 0)
            .map_or(rest.len(), |e| after + e);
        (&rest[..form_end], &rest[after..lemma_end])
    }

    fn get(&self, form: &str) -> Option<&str> {
        let (mut lo, mut hi) = (0usize, self.starts.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (key, lemma) = self.entry(mid);
            match key.cmp(form.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return std::str::from_utf8(lemma).ok(),
            }
        }
        None
    }
}

#[derive(Debug, Clone)]
pub struct LemmaModel {
    pub lang: Lang,
    /// Per tag, form → lemma: looked up by `&str`, so tagging a token allocates nothing.
    lexicon: [HashMap<String, String>; Upos::COUNT],
    lookup: SortedTable,
    english: Option<EnglishRules>,
    suffixes: HashMap<(Upos, String), Rewrite>,
}

fn lowercase(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Tags whose lemma is the form itself in UD.
fn keeps_form(upos: Upos) -> bool {
    matches!(upos, Upos::Propn | Upos::Num | Upos::Punct | Upos::Sym | Upos::X)
}

impl LemmaModel {
    pub fn train(lang: Lang, sentences: &[Sentence], tables: LemmaTables) -> Self {
        let mut seen: HashMap<(Upos, String), HashMap<String, u32>> = HashMap::new();
        let mut rules: HashMap<(Upos, String), HashMap<Rewrite, u32>> = HashMap::new();
        for s in sentences {
            for w in &s.words {
                let Some(upos) = w.upos else { continue };
                if w.lemma == "_" || w.lemma.is_empty() {
                    continue;
                }
                *seen
                    .entry((upos, w.form.clone()))
                    .or_default()
                    .entry(w.lemma.clone())
                    .or_default() += 1;
                let lower = w.form.to_lowercase();
                if let Some(rw) = rewrite_for(&lower, &w.lemma.to_lowercase()) {
                    let chars: Vec<char> = lower.chars().collect();
                    for k in 1..=MAX_SUFFIX.min(chars.len()) {
                        let suffix: String = chars[chars.len() - k..].iter().collect();
                        *rules
                            .entry((upos, suffix))
                            .or_default()
                            .entry(rw.clone())
                            .or_default() += 1;
                    }
                }
            }
        }
        let mut lexicon: [HashMap<String, String>; Upos::COUNT] = Default::default();
        for ((upos, form), lemmas) in seen {
            if let Some((lemma, _)) = lemmas
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            {
                lexicon[upos.index()].insert(form, lemma);
            }
        }
        let suffixes = rules
            .into_iter()
            .filter_map(|(key, counts)| {
                let total: u32 = counts.values().sum();
                let (rw, n) = counts
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
                // A suffix decides only when it was seen twice and agrees with itself.
                (n >= 2 && f64::from(n) / f64::from(total) >= 0.5).then_some((key, rw))
            })
            .collect();
        // Identity entries stay: "this form is its own lemma" stops a suffix rule from
        // mangling it (`murbrækker` is not `murbrække`).
        let lookup = SortedTable::from_map(tables.lookup);
        LemmaModel {
            lang,
            lexicon,
            lookup,
            english: tables.english,
            suffixes,
        }
    }

    /// The lemma of `form` tagged `upos`.
    pub fn lemma<'a>(&self, form: &'a str, upos: Upos) -> Cow<'a, str> {
        let lexicon = &self.lexicon[upos.index()];
        if let Some(l) = lexicon.get(form) {
            return Cow::Owned(l.clone());
        }
        if keeps_form(upos) {
            return Cow::Borrowed(form);
        }
        let lower = lowercase(form);
        if let Some(l) = lexicon.get(lower.as_ref()) {
            return Cow::Owned(l.clone());
        }
        if let Some(rules) = &self.english
            && let Some(l) = rules.lemma(&lower, upos)
        {
            return Cow::Owned(l);
        }
        if let Some(l) = self.lookup.get(form).or_else(|| self.lookup.get(lower.as_ref())) {
            return Cow::Owned(l.to_owned());
        }
        let chars: Vec<char> = lower.chars().collect();
        for k in (1..=MAX_SUFFIX.min(chars.len())).rev() {
            let suffix: String = chars[chars.len() - k..].iter().collect();
            if let Some(rw) = self.suffixes.get(&(upos, suffix)) {
                return Cow::Owned(apply(&lower, rw));
            }
        }
        lower
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(self.lang.code().as_bytes());
        let mut lexicon: Vec<((Upos, &String), &String)> = Upos::ALL
            .iter()
            .flat_map(|u| self.lexicon[u.index()].iter().map(move |(f, l)| ((*u, f), l)))
            .collect();
        lexicon.sort();
        put_len(&mut out, lexicon.len());
        for ((upos, form), lemma) in lexicon {
            out.push(upos as u8);
            put_str(&mut out, form);
            put_str(&mut out, lemma);
        }
        put_len(&mut out, self.lookup.blob.len());
        out.extend_from_slice(&self.lookup.blob);
        let mut suffixes: Vec<_> = self.suffixes.iter().collect();
        suffixes.sort();
        put_len(&mut out, suffixes.len());
        for ((upos, suffix), rw) in suffixes {
            out.push(*upos as u8);
            put_str(&mut out, suffix);
            out.push(rw.strip);
            put_str(&mut out, &rw.append);
        }
        match &self.english {
            None => out.push(0),
            Some(en) => {
                out.push(1);
                let mut exc: Vec<_> = en.exceptions.iter().collect();
                exc.sort();
                put_len(&mut out, exc.len());
                for ((upos, form), lemma) in exc {
                    out.push(*upos as u8);
                    put_str(&mut out, form);
                    put_str(&mut out, lemma);
                }
                let mut index: Vec<_> = en.index.iter().collect();
                index.sort();
                put_len(&mut out, index.len());
                for (upos, lemma) in index {
                    out.push(*upos as u8);
                    put_str(&mut out, lemma);
                }
                let mut rules: Vec<_> = en.rules.iter().collect();
                rules.sort();
                put_len(&mut out, rules.len());
                for (upos, list) in rules {
                    out.push(*upos as u8);
                    put_len(&mut out, list.len());
                    for (suffix, replacement) in list {
                        put_str(&mut out, suffix);
                        put_str(&mut out, replacement);
                    }
                }
            }
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
        let upos = |r: &mut Reader<'_>| -> Result<Upos, ModelError> {
            Upos::from_index(usize::from(r.take(1)?[0])).ok_or(ModelError::Corrupt("tag"))
        };
        let n = get_len(&mut r)?;
        let mut lexicon: [HashMap<String, String>; Upos::COUNT] = Default::default();
        for _ in 0..n {
            let u = upos(&mut r)?;
            let form = r.string()?;
            lexicon[u.index()].insert(form, r.string()?);
        }
        let n = get_len(&mut r)?;
        let blob = r.take(n)?.to_vec();
        if std::str::from_utf8(&blob).is_err() || blob.last().is_some_and(|b| *b != 0) {
            return Err(ModelError::Corrupt("lookup table"));
        }
        let lookup = SortedTable::from_blob(blob);
        let n = get_len(&mut r)?;
        let mut suffixes = HashMap::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let u = upos(&mut r)?;
            let suffix = r.string()?;
            let strip = r.take(1)?[0];
            suffixes.insert(
                (u, suffix),
                Rewrite {
                    strip,
                    append: r.string()?,
                },
            );
        }
        let english = match r.take(1)?[0] {
            0 => None,
            _ => {
                let mut en = EnglishRules::default();
                for _ in 0..get_len(&mut r)? {
                    let u = upos(&mut r)?;
                    let form = r.string()?;
                    en.exceptions.insert((u, form), r.string()?);
                }
                for _ in 0..get_len(&mut r)? {
                    let u = upos(&mut r)?;
                    en.index.insert((u, r.string()?));
                }
                for _ in 0..get_len(&mut r)? {
                    let u = upos(&mut r)?;
                    let mut list = Vec::new();
                    for _ in 0..get_len(&mut r)? {
                        let suffix = r.string()?;
                        list.push((suffix, r.string()?));
                    }
                    en.rules.insert(u, list);
                }
                Some(en)
            }
        };
        Ok(LemmaModel {
            lang,
            lexicon,
            lookup,
            english,
            suffixes,
        })
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn get_len(r: &mut Reader<'_>) -> Result<usize, ModelError> {
    Ok(u32::from_le_bytes(r.array()?) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::Word;

    fn words(list: &[(&str, &str, Upos)]) -> Vec<Sentence> {
        vec![Sentence {
            id: None,
            text: None,
            words: list
                .iter()
                .map(|(f, l, u)| Word {
                    form: (*f).into(),
                    lemma: (*l).into(),
                    upos: Some(*u),
                })
                .collect(),
        }]
    }

    #[test]
    fn lexicon_then_lookup_then_suffix_rules_then_the_form() {
        use Upos::*;
        let data = words(&[
            ("møllerne", "mølle", Noun),
            ("husene", "hus", Noun),
            ("bilerne", "bil", Noun),
            ("vejene", "vej", Noun),
            ("Thy", "Thy", Propn),
        ]);
        let mut tables = LemmaTables::default();
        tables.lookup.insert("solcellerne".into(), "solcelle".into());
        let m = LemmaModel::train(Lang::Da, &data, tables);
        assert_eq!(m.lemma("møllerne", Noun), "mølle", "learned");
        assert_eq!(m.lemma("Møllerne", Noun), "mølle", "learned, any case");
        assert_eq!(m.lemma("solcellerne", Noun), "solcelle", "lookup table");
        assert_eq!(m.lemma("fuglene", Noun), "fugl", "suffix rule -ene");
        assert_eq!(m.lemma("Aarhus", Propn), "Aarhus", "proper nouns keep their form");
        assert_eq!(m.lemma("xyz", Verb), "xyz");

        let bytes = m.to_bytes();
        let loaded = LemmaModel::from_bytes(&bytes).unwrap();
        assert_eq!(loaded.lemma("fuglene", Noun), "fugl");
        assert_eq!(loaded.to_bytes(), bytes);
        assert!(LemmaModel::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn english_rules_need_a_known_lemma() {
        use Upos::*;
        let mut en = EnglishRules::default();
        en.rules
            .insert(Noun, vec![("ies".into(), "y".into()), ("s".into(), "".into())]);
        en.index.insert((Noun, "policy".into()));
        en.exceptions.insert((Noun, "mice".into()), "mouse".into());
        let m = LemmaModel::train(
            Lang::En,
            &[],
            LemmaTables {
                lookup: HashMap::new(),
                english: Some(en),
            },
        );
        assert_eq!(m.lemma("policies", Noun), "policy");
        assert_eq!(m.lemma("mice", Noun), "mouse");
        assert_eq!(
            m.lemma("Glorps", Noun),
            "glorps",
            "no known lemma: the form, lowercased"
        );
    }
}

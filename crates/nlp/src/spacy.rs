//! Reading the data formats the lemmatizer and the entity recognizer learn from: spaCy's
//! lookup tables (`spacy-lookups-data`: gzipped JSON objects) and its Brown-cluster table.
//!
//! No files are opened here: the caller hands in a reader for each table by name, so the
//! crate stays free of I/O and a test can feed tables from memory.

use std::collections::HashMap;
use std::io::{BufReader, Read};

use flate2::read::GzDecoder;
use serde::de::DeserializeOwned;

use crate::{EnglishRules, Lang, LemmaTables, Upos};

/// A table that could not be opened or read.
#[derive(Debug, thiserror::Error)]
#[error("{table}: {reason}")]
pub struct TableError {
    /// The table's file name, such as `en_lemma_lookup.json.gz`.
    pub table: String,
    pub reason: String,
}

/// The Brown clusters of English words, by frequency.
pub const ENGLISH_CLUSTERS: &str = "en_lexeme_cluster.json.gz";

fn read_gz_json<T: DeserializeOwned>(table: &str, reader: impl Read) -> Result<T, TableError> {
    serde_json::from_reader(BufReader::new(GzDecoder::new(reader))).map_err(|e| TableError {
        table: table.to_owned(),
        reason: e.to_string(),
    })
}

/// Opens the table called `table` with `open` and reads it as `T`.
fn read_table<T: DeserializeOwned, R: Read>(
    open: &mut impl FnMut(&str) -> std::io::Result<R>,
    table: &str,
) -> Result<T, TableError> {
    let reader = open(table).map_err(|e| TableError {
        table: table.to_owned(),
        reason: e.to_string(),
    })?;
    read_gz_json(table, reader)
}

fn spacy_pos(name: &str) -> Option<Upos> {
    match name {
        "adj" => Some(Upos::Adj),
        "adv" => Some(Upos::Adv),
        "noun" => Some(Upos::Noun),
        "verb" => Some(Upos::Verb),
        _ => None,
    }
}

/// spaCy's lookup table for `lang`, and for English its rule lemmatizer's tables; `tables`
/// opens a table by its file name, such as `en_lemma_lookup.json.gz`.
pub fn lemma_tables<R: Read>(
    lang: Lang,
    mut tables: impl FnMut(&str) -> std::io::Result<R>,
) -> Result<LemmaTables, TableError> {
    let lookup: HashMap<String, String> = read_table(&mut tables, &format!("{lang}_lemma_lookup.json.gz"))?;
    let english = if lang == Lang::En {
        let exc: HashMap<String, HashMap<String, Vec<String>>> =
            read_table(&mut tables, "en_lemma_exc.json.gz")?;
        let index: HashMap<String, Vec<String>> = read_table(&mut tables, "en_lemma_index.json.gz")?;
        let rules: HashMap<String, Vec<(String, String)>> =
            read_table(&mut tables, "en_lemma_rules.json.gz")?;
        let mut en = EnglishRules::default();
        for (pos, forms) in exc {
            let Some(upos) = spacy_pos(&pos) else { continue };
            for (form, lemmas) in forms {
                if let Some(first) = lemmas.into_iter().next() {
                    en.exceptions.insert((upos, form), first);
                }
            }
        }
        for (pos, lemmas) in index {
            let Some(upos) = spacy_pos(&pos) else { continue };
            en.index.extend(lemmas.into_iter().map(|l| (upos, l)));
        }
        for (pos, list) in rules {
            let Some(upos) = spacy_pos(&pos) else { continue };
            en.rules.insert(upos, list);
        }
        Some(en)
    } else {
        None
    };
    Ok(LemmaTables { lookup, english })
}

/// The Brown clusters of the `keep` most frequent words from a gzipped table of
/// word → cluster id (listed by frequency). The rest of the table is read past, not kept.
pub fn brown_clusters(reader: impl Read, keep: usize) -> Result<HashMap<String, u32>, TableError> {
    struct FirstEntries(usize);
    impl<'de> serde::de::Visitor<'de> for FirstEntries {
        type Value = Vec<(String, u32)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of word → cluster id")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(self.0.min(1 << 20));
            while let Some((k, v)) = map.next_entry::<String, u32>()? {
                if out.len() < self.0 {
                    out.push((k, v));
                }
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(GzDecoder::new(reader)));
    let entries =
        serde::Deserializer::deserialize_map(&mut de, FirstEntries(keep)).map_err(|e| TableError {
            table: ENGLISH_CLUSTERS.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(entries.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(json: &str) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(json.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn english_tables_are_read_by_name_and_keep_only_known_parts_of_speech() {
        let files: HashMap<&str, Vec<u8>> = HashMap::from([
            ("en_lemma_lookup.json.gz", gz(r#"{"was": "be"}"#)),
            (
                "en_lemma_exc.json.gz",
                gz(r#"{"noun": {"mice": ["mouse"]}, "det": {"an": ["a"]}}"#),
            ),
            ("en_lemma_index.json.gz", gz(r#"{"verb": ["run"]}"#)),
            ("en_lemma_rules.json.gz", gz(r#"{"verb": [["ing", ""]]}"#)),
        ]);
        let tables = lemma_tables(Lang::En, |name| {
            files
                .get(name)
                .map(|b| std::io::Cursor::new(b.clone()))
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "missing"))
        })
        .unwrap();
        assert_eq!(tables.lookup["was"], "be");
        let en = tables.english.unwrap();
        assert_eq!(en.exceptions.len(), 1);
        assert!(en.index.contains(&(Upos::Verb, "run".into())));
        assert_eq!(en.rules[&Upos::Verb], [("ing".to_owned(), String::new())]);
    }

    #[test]
    fn a_missing_or_broken_table_is_named_in_the_error() {
        let missing = lemma_tables(Lang::Da, |_| -> std::io::Result<std::io::Cursor<Vec<u8>>> {
            Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
        })
        .unwrap_err();
        assert_eq!(missing.table, "da_lemma_lookup.json.gz");
        let broken = lemma_tables(Lang::Da, |_| Ok(std::io::Cursor::new(gz("[1, 2")))).unwrap_err();
        assert_eq!(broken.table, "da_lemma_lookup.json.gz");
        assert!(brown_clusters(std::io::Cursor::new(b"not gzip".to_vec()), 3).is_err());
    }

    #[test]
    fn only_the_most_frequent_clusters_are_kept() {
        let table = gz(r#"{"the": 1, "of": 2, "and": 3, "rare": 4}"#);
        let kept = brown_clusters(std::io::Cursor::new(table), 2).unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept["of"], 2);
        assert!(!kept.contains_key("rare"));
    }
}

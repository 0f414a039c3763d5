//! Reading CoNLL-U: the word lines of each sentence (multi-word token ranges and empty
//! nodes skipped), with the sentence's `# text` when present.

use crate::Upos;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub form: String,
    pub lemma: String,
    pub upos: Option<Upos>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    pub id: Option<String>,
    pub text: Option<String>,
    pub words: Vec<Word>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConlluError {
    pub line: usize,
    pub message: String,
}

/// Parses a whole CoNLL-U document.
pub fn parse(text: &str) -> Result<Vec<Sentence>, ConlluError> {
    let mut sentences = Vec::new();
    let mut current = Sentence::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.words.is_empty() {
                sentences.push(std::mem::take(&mut current));
            } else {
                current = Sentence::default();
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(t) = comment.strip_prefix("text =") {
                current.text = Some(t.trim().to_owned());
            } else if let Some(id) = comment.strip_prefix("sent_id =") {
                current.id = Some(id.trim().to_owned());
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            return Err(ConlluError {
                line: n + 1,
                message: format!("expected 10 tab-separated columns, found {}", cols.len()),
            });
        }
        // Multi-word token ranges (3-4) and empty nodes (8.1) are not words.
        if cols[0].contains('-') || cols[0].contains('.') {
            continue;
        }
        let upos = match cols[3] {
            "_" => None,
            tag => Some(
                tag.parse()
                    .map_err(|message| ConlluError { line: n + 1, message })?,
            ),
        };
        current.words.push(Word {
            form: cols[1].to_owned(),
            lemma: cols[2].to_owned(),
            upos,
        });
    }
    if !current.words.is_empty() {
        sentences.push(current);
    }
    Ok(sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_empty_nodes_are_skipped() {
        let doc = "# sent_id = a\n# text = I don't.\n1\tI\tI\tPRON\t_\t_\t_\t_\t_\t_\n\
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\t_\t_\t_\t_\t_\t_\n3\tn't\tnot\tPART\t_\t_\t_\t_\t_\t_\n\
3.1\tx\tx\tX\t_\t_\t_\t_\t_\t_\n4\t.\t.\tPUNCT\t_\t_\t_\t_\t_\t_\n\n";
        let s = parse(doc).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].text.as_deref(), Some("I don't."));
        let forms: Vec<_> = s[0].words.iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["I", "do", "n't", "."]);
        assert_eq!(s[0].words[2].upos, Some(Upos::Part));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = parse("1\tonly two\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(parse("1\ta\ta\tNOPE\t_\t_\t_\t_\t_\t_\n").is_err());
    }
}

//! The researcher's full-text query language, compiled for each backend.
//!
//! Words must all appear; `"quoted words"` must appear as a phrase; `word*` matches a
//! prefix; `-word` or `-"a phrase"` excludes. Everything else is punctuation. Terms are
//! reduced to lowercase letter/digit runs before they reach SQL, so no input can inject
//! FTS5 or tsquery syntax.

use std::fmt::Write;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most terms (words and phrases) in one query.
pub const MAX_TERMS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    /// One token for a word, several for a phrase.
    tokens: Vec<String>,
    prefix: bool,
    exclude: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextQueryError {
    #[error("is empty: give at least one word to look for")]
    Empty,
    #[error("only excludes words: give at least one word to look for besides the `-` terms")]
    OnlyExclusions,
    #[error("is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("has more than {MAX_TERMS} words and phrases")]
    TooManyTerms,
}

impl TextQuery {
    pub fn parse(input: &str) -> Result<Self, TextQueryError> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(TextQueryError::TooLong);
        }
        let mut terms = Vec::new();
        let mut rest = input.trim_start();
        while !rest.is_empty() {
            let exclude = rest.starts_with('-');
            if exclude {
                rest = &rest[1..];
            }
            let (raw, quoted, after) = if let Some(body) = rest.strip_prefix('"') {
                match body.find('"') {
                    Some(end) => (&body[..end], true, &body[end + 1..]),
                    None => (body, true, ""),
                }
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], false, &rest[end..])
            };
            let prefix = !quoted && raw.ends_with('*');
            let tokens = tokens(raw);
            if quoted {
                if !tokens.is_empty() {
                    terms.push(Term {
                        tokens,
                        prefix: false,
                        exclude,
                    });
                }
            } else {
                // Unquoted `e-mail` or `co2-udledning` is several words, each required.
                let last = tokens.len().saturating_sub(1);
                for (i, token) in tokens.into_iter().enumerate() {
                    terms.push(Term {
                        tokens: vec![token],
                        prefix: prefix && i == last,
                        exclude,
                    });
                }
            }
            rest = after.trim_start();
        }
        if terms.len() > MAX_TERMS {
            return Err(TextQueryError::TooManyTerms);
        }
        if terms.is_empty() {
            return Err(TextQueryError::Empty);
        }
        if terms.iter().all(|t| t.exclude) {
            return Err(TextQueryError::OnlyExclusions);
        }
        Ok(Self { terms })
    }

    /// An FTS5 MATCH expression: `("a" "b c" "d"*) NOT "e"`.
    pub fn to_fts5(&self) -> String {
        let render = |t: &Term| {
            let mut s = format!("\"{}\"", t.tokens.join(" "));
            if t.prefix {
                s.push('*');
            }
            s
        };
        let wanted: Vec<String> = self.terms.iter().filter(|t| !t.exclude).map(render).collect();
        let mut out = format!("({})", wanted.join(" "));
        for t in self.terms.iter().filter(|t| t.exclude) {
            let _ = write!(out, " NOT {}", render(t));
        }
        out
    }

    /// A `to_tsquery('simple', …)` argument: `'a' & ('b' <-> 'c') & 'd':* & !'e'`.
    pub fn to_tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                let mut s: String = t
                    .tokens
                    .iter()
                    .map(|tok| format!("'{tok}'"))
                    .collect::<Vec<_>>()
                    .join(" <-> ");
                if t.tokens.len() > 1 {
                    s = format!("({s})");
                }
                if t.prefix {
                    s.push_str(":*");
                }
                if t.exclude {
                    s.insert(0, '!');
                }
                s
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// Lowercase runs of letters and digits: the token boundaries both FTS5's `unicode61` and
/// PostgreSQL's parser agree on for ordinary words.
fn tokens(raw: &str) -> Vec<String> {
    raw.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        // Lowercasing can add combining marks (`İ` → `i̇`); keep letters and digits only.
        .map(|t| {
            t.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Marks the start and end of a matched term in a raw snippet from either backend.
pub(crate) const MARK_START: char = '\u{2}';
pub(crate) const MARK_END: char = '\u{3}';
/// Stands for `<` in text given to PostgreSQL's `ts_headline`, which strips tag-like runs.
const LESS_THAN: char = '\u{1}';

/// A backend snippet made safe for HTML: text escaped, matches in `<mark>`.
pub(crate) fn highlight_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '<' | LESS_THAN => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_phrases_prefixes_and_exclusions() {
        let q = TextQuery::parse(r#"Vindmøller "grøn omstilling" energi* -kul"#).unwrap();
        assert_eq!(
            q.to_fts5(),
            r#"("vindmøller" "grøn omstilling" "energi"*) NOT "kul""#
        );
        assert_eq!(
            q.to_tsquery(),
            "'vindmøller' & ('grøn' <-> 'omstilling') & 'energi':* & !'kul'"
        );
    }

    #[test]
    fn punctuation_splits_words_and_never_reaches_sql() {
        let q = TextQuery::parse(r#"co2-udledning O'Brien's ") OR (x" NEAR"#).unwrap();
        assert_eq!(
            q.to_fts5(),
            r#"("co2" "udledning" "o" "brien" "s" "or x" "near")"#
        );
        assert_eq!(
            q.to_tsquery(),
            "'co2' & 'udledning' & 'o' & 'brien' & 's' & ('or' <-> 'x') & 'near'"
        );
    }

    #[test]
    fn refuses_empty_only_negative_and_oversized_queries() {
        assert_eq!(TextQuery::parse("  \"\" ... "), Err(TextQueryError::Empty));
        assert_eq!(
            TextQuery::parse("-kul -olie"),
            Err(TextQueryError::OnlyExclusions)
        );
        assert_eq!(
            TextQuery::parse(&"a ".repeat(40)),
            Err(TextQueryError::TooManyTerms)
        );
        assert_eq!(TextQuery::parse(&"a".repeat(501)), Err(TextQueryError::TooLong));
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        let raw = format!("a <b> & {MARK_START}vind{MARK_END}\u{7}");
        assert_eq!(highlight_html(&raw), "a &lt;b&gt; &amp; <mark>vind</mark>");
    }

    proptest! {
        #[test]
        fn compiled_queries_hold_only_quoted_tokens(input in "\\PC{0,80}") {
            if let Ok(q) = TextQuery::parse(&input) {
                let fts = q.to_fts5();
                // Every double quote pairs up; between them only letters, digits, spaces.
                let mut inside = false;
                for c in fts.chars() {
                    if c == '"' { inside = !inside; continue; }
                    if inside {
                        prop_assert!(c.is_alphanumeric() || c == ' ', "{fts}");
                    } else {
                        prop_assert!("() *NOT".contains(c), "{fts}");
                    }
                }
                prop_assert!(!inside);
                let ts = q.to_tsquery();
                let mut inside = false;
                for c in ts.chars() {
                    if c == '\'' { inside = !inside; continue; }
                    if inside {
                        prop_assert!(c.is_alphanumeric(), "{ts}");
                    } else {
                        prop_assert!("()&!<->:* ".contains(c), "{ts}");
                    }
                }
                prop_assert!(!inside);
            }
        }
    }
}

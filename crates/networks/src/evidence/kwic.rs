//! Keyword-in-context snippets cut from a page's stored main text around the places a term
//! occurs. Pure; the spans come from the store and are not trusted (any page on the web, and
//! so any stored offset, may be hostile): out-of-range or mid-character spans are dropped.

use serde::Serialize;

/// About how many characters a snippet holds.
pub const SNIPPET_CHARS: usize = 200;
/// Snippets per page at most.
pub const MAX_SNIPPETS: usize = 3;

/// A stretch of the text with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Snippet {
    /// The text, whitespace shown as single spaces, `…` where it was cut.
    pub text: String,
    /// Each match as `[start, end)` in characters (Unicode code points) of `text`.
    pub matches: Vec<[u32; 2]>,
}

/// Up to [`MAX_SNIPPETS`] snippets of about [`SNIPPET_CHARS`] characters around `spans`
/// (byte offsets `[start, end)` into `text`). A span inside an earlier snippet is marked
/// there rather than given a snippet of its own.
pub fn snippets(text: &str, spans: &[[u32; 2]]) -> Vec<Snippet> {
    let mut valid: Vec<(usize, usize)> = spans
        .iter()
        .map(|&[s, e]| (s as usize, e as usize))
        .filter(|&(s, e)| s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e))
        .collect();
    valid.sort_unstable();
    valid.dedup();
    let mut out = Vec::new();
    let mut covered_until = 0usize;
    for (i, &(start, end)) in valid.iter().enumerate() {
        if out.len() == MAX_SNIPPETS {
            break;
        }
        if start < covered_until {
            continue;
        }
        let (from, to) = window(text, start, end);
        // Marks do not overlap (a span starting inside the previous mark is left unmarked),
        // and one running past the snippet's end is marked as far as it is shown.
        let mut matches: Vec<(usize, usize)> = Vec::new();
        for &(s, e) in valid[i..].iter().filter(|&&(s, _)| s >= from && s < to) {
            if matches.last().is_none_or(|&(_, last_end)| s >= last_end) {
                matches.push((s, e.min(to)));
            }
        }
        out.push(cut(text, from, to, &matches));
        covered_until = to;
    }
    out
}

/// The byte range of a snippet around `[start, end)`: the match (at most a snippet long),
/// then context split evenly on both sides, moved out to whole words where one is near.
fn window(text: &str, start: usize, end: usize) -> (usize, usize) {
    let match_chars = text[start..end].chars().count();
    let end = if match_chars > SNIPPET_CHARS {
        text[start..]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(end, |(i, _)| start + i)
    } else {
        end
    };
    let context = SNIPPET_CHARS.saturating_sub(match_chars) / 2;
    let mut from = text[..start]
        .char_indices()
        .rev()
        .take(context)
        .last()
        .map_or(start, |(i, _)| i);
    let mut to = text[end..]
        .char_indices()
        .take(context)
        .last()
        .map_or(end, |(i, c)| end + i + c.len_utf8());
    // Do not start or end inside a word when a space is within a few characters.
    if from > 0
        && let Some(space) = text[from..start]
            .char_indices()
            .take(15)
            .find(|(_, c)| c.is_whitespace())
    {
        from += space.0 + space.1.len_utf8();
    }
    if to < text.len()
        && let Some((i, _)) = text[end..to]
            .char_indices()
            .rev()
            .take(15)
            .find(|(_, c)| c.is_whitespace())
    {
        to = end + i;
    }
    (from, to)
}

fn cut(text: &str, from: usize, to: usize, matches: &[(usize, usize)]) -> Snippet {
    let lead = u32::from(from > 0);
    let mut snippet = String::with_capacity(to - from + 8);
    if from > 0 {
        snippet.push('…');
    }
    snippet.extend(
        text[from..to]
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c }),
    );
    if to < text.len() {
        snippet.push('…');
    }
    let chars_to = |at: usize| lead + text[from..at].chars().count() as u32;
    Snippet {
        text: snippet,
        matches: matches.iter().map(|&(s, e)| [chars_to(s), chars_to(e)]).collect(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn marked(s: &Snippet) -> Vec<String> {
        let chars: Vec<char> = s.text.chars().collect();
        s.matches
            .iter()
            .map(|&[a, b]| chars[a as usize..b as usize].iter().collect())
            .collect()
    }

    fn span(text: &str, word: &str) -> [u32; 2] {
        let at = text.find(word).unwrap();
        [at as u32, (at + word.len()) as u32]
    }

    #[test]
    fn a_short_text_is_one_snippet_with_every_match_marked() {
        let text = "Vindmøller på havet. Flere vindmøller\ngiver strøm.";
        let first = span(text, "Vindmøller");
        let second = [
            text.rfind("vindmøller").unwrap() as u32,
            (text.rfind("vindmøller").unwrap() + "vindmøller".len()) as u32,
        ];
        let s = snippets(text, &[second, first]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].text, "Vindmøller på havet. Flere vindmøller giver strøm.");
        assert_eq!(marked(&s[0]), ["Vindmøller", "vindmøller"]);
        // Character offsets, not bytes: ø is two bytes.
        assert_eq!(s[0].matches[1], [27, 37]);
    }

    #[test]
    fn long_texts_get_a_window_per_distant_match_and_at_most_three() {
        let filler = "lorem ipsum dolor sit amet ".repeat(40);
        let text = format!("{filler}wind {filler}wind {filler}wind {filler}wind {filler}");
        let spans: Vec<[u32; 2]> = text
            .match_indices("wind")
            .map(|(i, w)| [i as u32, (i + w.len()) as u32])
            .collect();
        let s = snippets(&text, &spans);
        assert_eq!(s.len(), MAX_SNIPPETS);
        for snippet in &s {
            assert_eq!(marked(snippet), ["wind"]);
            let n = snippet.text.chars().count();
            assert!((150..=SNIPPET_CHARS + 2).contains(&n), "{n}: {}", snippet.text);
            assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
            assert!(!snippet.text.starts_with("… ") && !snippet.text.contains("  "));
        }
    }

    #[test]
    fn a_match_longer_than_a_snippet_is_cut_to_one() {
        let text = "x".repeat(1_000);
        let s = snippets(&text, &[[0, 1_000]]);
        assert_eq!(s[0].matches, [[0, SNIPPET_CHARS as u32]]);
    }

    #[test]
    fn untrusted_spans_are_dropped() {
        let text = "ø and more";
        assert!(snippets(text, &[[1, 2], [5, 3], [0, 500], [4, 4]]).is_empty());
    }

    proptest! {
        /// Whatever the text and spans, snippets never panic, never exceed their size, and
        /// every mark is inside its snippet's text.
        #[test]
        fn snippets_are_bounded_and_marks_are_inside(
            text in "\\PC{0,600}",
            spans in prop::collection::vec((0u32..800, 0u32..800), 0..12),
        ) {
            let spans: Vec<[u32; 2]> = spans.into_iter().map(|(a, b)| [a, b]).collect();
            let out = snippets(&text, &spans);
            prop_assert!(out.len() <= MAX_SNIPPETS);
            for s in out {
                let n = s.text.chars().count() as u32;
                prop_assert!(n <= SNIPPET_CHARS as u32 + 4);
                for [a, b] in s.matches {
                    prop_assert!(a < b && b <= n);
                }
            }
        }
    }
}

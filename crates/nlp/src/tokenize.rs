//! Tokenization and sentence splitting the way the Universal Dependencies treebanks do it:
//! punctuation split off, English clitics split (`do n't`, `'s`, `'re`) and English hyphens
//! split (`Al - Zaman`), while abbreviations (`Mr.`, `f.eks.`, `z.B.`), Danish and German
//! ordinals (`3.`), numbers (`3.5`, `1,000`), URLs and e-mail addresses stay whole.

use crate::Lang;

/// A token and where it is in the text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

const ABBREVIATIONS_EN: &[&str] = &[
    "mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "jr.", "st.", "mt.", "vs.", "etc.", "e.g.", "i.e.", "inc.",
    "ltd.", "co.", "corp.", "no.", "nos.", "vol.", "fig.", "approx.", "dept.", "est.", "gov.", "jan.",
    "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "a.m.", "p.m.",
    "u.s.", "u.k.", "u.n.", "e.u.", "ft.", "lb.", "oz.", "rev.", "gen.", "sen.", "rep.", "gov.", "ave.",
    "blvd.", "cf.", "al.",
];

const ABBREVIATIONS_DA: &[&str] = &[
    "f.eks.", "fx.", "bl.a.", "dvs.", "osv.", "ca.", "kr.", "nr.", "pct.", "mio.", "mia.", "hhv.", "evt.",
    "jf.", "inkl.", "ekskl.", "etc.", "mht.", "vedr.", "dr.", "hr.", "fr.", "st.", "s.", "jan.", "feb.",
    "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "okt.", "nov.", "dec.", "tlf.", "adr.", "ang.",
    "iflg.", "mv.", "m.m.", "o.l.", "m.v.", "pga.", "p.g.a.", "ift.", "i.f.t.", "gl.", "ref.", "kl.", "min.",
    "sek.", "stk.", "årg.", "udg.", "prof.", "lektor.",
];

const ABBREVIATIONS_DE: &[&str] = &[
    "z.b.", "u.a.", "d.h.", "usw.", "bzw.", "nr.", "dr.", "ca.", "evtl.", "ggf.", "inkl.", "vgl.", "s.",
    "str.", "hr.", "fr.", "prof.", "jh.", "mio.", "mrd.", "bzgl.", "z.t.", "u.u.", "o.ä.", "etc.", "jan.",
    "feb.", "mär.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "okt.", "nov.", "dez.", "tel.", "abs.",
    "art.", "bd.", "gem.", "geb.", "sog.", "zzgl.", "v.a.",
];

const OPENING: &[char] = &[
    '(', '[', '{', '<', '"', '\'', '“', '‘', '«', '„', '‚', '¿', '¡', '‹', '`',
];
const CLOSING: &[char] = &[
    ')', ']', '}', '>', '"', '\'', '”', '’', '»', '‹', '›', ',', ';', ':', '!', '?', '…',
];

fn abbreviations(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => ABBREVIATIONS_EN,
        Lang::Da => ABBREVIATIONS_DA,
        Lang::De => ABBREVIATIONS_DE,
    }
}

fn is_url_or_email(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("www.")
        || (s.contains('@') && s.split('@').nth(1).is_some_and(|d| d.contains('.')) && !s.starts_with('@'))
}

/// Words with their periods: abbreviations, initials (`J.`), dotted acronyms (`U.S.`).
fn keeps_period(word_with_period: &str, lang: Lang) -> bool {
    let lower = word_with_period.to_lowercase();
    if abbreviations(lang).contains(&lower.as_str()) {
        return true;
    }
    let core = &word_with_period[..word_with_period.len() - 1];
    let mut chars = core.chars();
    let single_initial =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic() && c.is_uppercase());
    // `U.S.`, `e.g.`, `f.eks.`: letters with inner periods.
    let dotted = core.contains('.')
        && core
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(char::is_alphabetic));
    single_initial || dotted
}

/// English clitics split off the end of a word, longest first.
const CLITICS: &[&str] = &[
    "n't", "'s", "'re", "'ve", "'ll", "'d", "'m", "’s", "’re", "’ve", "’ll", "’d", "’m", "n’t",
];

fn push(out: &mut Vec<Token>, text: &str, start: usize) {
    if !text.is_empty() {
        out.push(Token {
            text: text.to_owned(),
            start,
            end: start + text.len(),
        });
    }
}

/// Prefixes after which English keeps a hyphenated word whole.
const HYPHEN_PREFIXES: &[&str] = &[
    "anti", "pro", "post", "pre", "non", "mid", "e", "multi", "neo", "cross", "co", "re", "self", "ex",
    "semi", "sub", "inter", "counter", "over", "under", "ultra", "quasi", "vice", "x", "t", "u", "mini",
    "micro", "macro", "mega", "super", "all", "half", "well", "long", "short",
];

fn splits_hyphen(core: &str) -> bool {
    match core.split_once('-') {
        Some((head, tail)) => !tail.is_empty() && !HYPHEN_PREFIXES.contains(&head.to_lowercase().as_str()),
        None => false,
    }
}

fn splits_slash(core: &str) -> bool {
    let parts: Vec<&str> = core.split('/').collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return false;
    }
    let dates = parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    let short = parts.iter().all(|p| p.chars().count() <= 2);
    !(dates || short)
}

/// Emoticons are one token, whatever punctuation they are made of.
const EMOTICONS: &[&str] = &[
    ":)", ":-)", ":(", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":-P", ":p", ":/", ":-/", "<3", ":o", ":O",
    "xD", "XD", "^_^", ":'(", "=)",
];

/// Splits the core of a word (punctuation already peeled) the language's way.
fn split_core(core: &str, start: usize, lang: Lang, out: &mut Vec<Token>) {
    if core.is_empty() {
        return;
    }
    if lang == Lang::En {
        let lower = core.to_lowercase();
        if lower == "cannot" {
            push(out, &core[..3], start);
            push(out, &core[3..], start + 3);
            return;
        }
        for clitic in CLITICS {
            if lower.ends_with(clitic) && lower.len() > clitic.len() {
                let cut = core.len() - clitic.len();
                if core.is_char_boundary(cut) {
                    split_core(&core[..cut], start, lang, out);
                    push(out, &core[cut..], start + cut);
                    return;
                }
            }
        }
        // EWT splits hyphens (`Al - Zaman`) except after prefixes (`anti-war`, `e-mail`),
        // and slashes except in dates and short abbreviations (`08/16/2000`, `b/c`).
        if core.len() > 1 && !core.starts_with(['-', '/']) && (splits_hyphen(core) || splits_slash(core)) {
            let hyphens = splits_hyphen(core);
            let slashes = splits_slash(core);
            let mut piece_start = 0;
            for (i, c) in core.char_indices() {
                if ((c == '-' && hyphens) || (c == '/' && slashes)) && i > 0 && i + 1 < core.len() {
                    push(out, &core[piece_start..i], start + piece_start);
                    push(out, &core[i..i + 1], start + i);
                    piece_start = i + 1;
                }
            }
            push(out, &core[piece_start..], start + piece_start);
            return;
        }
    }
    // Currency before, percent after: their own tokens.
    if let Some(c) = core.chars().next()
        && matches!(c, '$' | '€' | '£' | '¥')
        && core.len() > c.len_utf8()
    {
        push(out, &core[..c.len_utf8()], start);
        split_core(&core[c.len_utf8()..], start + c.len_utf8(), lang, out);
        return;
    }
    if core.len() > 1 && core.ends_with('%') {
        push(out, &core[..core.len() - 1], start);
        push(out, "%", start + core.len() - 1);
        return;
    }
    push(out, core, start);
}

/// Splits one whitespace-free chunk; `next` is the chunk after it (for ordinals).
fn split_chunk(chunk: &str, start: usize, next: Option<&str>, lang: Lang, out: &mut Vec<Token>) {
    if EMOTICONS.contains(&chunk) {
        push(out, chunk, start);
        return;
    }
    let mut lo = 0;
    let mut hi = chunk.len();
    // Opening punctuation; a leading run of periods (`...Now`) is one token.
    let mut opening = Vec::new();
    let dots = chunk.len() - chunk.trim_start_matches('.').len();
    if dots >= 2 && chunk.len() > dots {
        opening.push((0, dots));
        lo = dots;
    }
    while let Some(c) = chunk[lo..hi].chars().next() {
        if OPENING.contains(&c) && hi - lo > c.len_utf8() {
            opening.push((lo, lo + c.len_utf8()));
            lo += c.len_utf8();
        } else {
            break;
        }
    }
    // Closing punctuation, peeled from the end.
    let mut closing = Vec::new();
    loop {
        let rest = &chunk[lo..hi];
        if rest.is_empty() {
            break;
        }
        if is_url_or_email(rest) {
            // Only sentence punctuation can end a URL here.
            if let Some(c) = rest.chars().last()
                && matches!(
                    c,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '\'' | '”' | '’'
                )
            {
                closing.push((hi - c.len_utf8(), hi));
                hi -= c.len_utf8();
                continue;
            }
            break;
        }
        // A run of sentence punctuation (`...`, `!!`, `?!`, `.?`) is one token, also when
        // it is all there is (peeling such a run one period at a time was quadratic).
        let run = rest.len() - rest.trim_end_matches(['.', '!', '?']).len();
        if run >= 2 && run == rest.len() {
            break;
        }
        if run >= 2 && rest.len() > run {
            closing.push((hi - run, hi));
            hi -= run;
            continue;
        }
        let Some(c) = rest.chars().last() else { break };
        if CLOSING.contains(&c) && rest.len() > c.len_utf8() {
            // `'` after `s` is a possessive clitic in English (`students'`).
            if c == '\'' && lang == Lang::En && rest.len() > 1 && rest[..rest.len() - 1].ends_with(['s', 'S'])
            {
                closing.push((hi - 1, hi));
                hi -= 1;
                continue;
            }
            closing.push((hi - c.len_utf8(), hi));
            hi -= c.len_utf8();
            continue;
        }
        if c == '.' && rest.len() > 1 {
            let numeric = rest[..rest.len() - 1].chars().all(|c| c.is_ascii_digit());
            let ordinal = numeric
                && lang != Lang::En
                && next
                    .and_then(|n| n.chars().next())
                    .is_some_and(char::is_lowercase);
            if ordinal || (!numeric && keeps_period(rest, lang)) {
                break;
            }
            closing.push((hi - 1, hi));
            hi -= 1;
            continue;
        }
        break;
    }
    for (a, b) in opening {
        push(out, &chunk[a..b], start + a);
    }
    let core = &chunk[lo..hi];
    if is_url_or_email(core) {
        push(out, core, start + lo);
    } else {
        split_core(core, start + lo, lang, out);
    }
    for (a, b) in closing.into_iter().rev() {
        push(out, &chunk[a..b], start + a);
    }
}

/// The longest whitespace-free run handled as one chunk. Peeling punctuation off a chunk
/// looks at what is left of it each time, so a chunk costs up to its length squared; longer
/// runs (no word or URL is this long; a page of dots or base64 is) are cut into pieces of
/// at most this many bytes, which keeps tokenizing linear in the text.
pub const MAX_CHUNK_BYTES: usize = 512;

/// `chunk` in pieces of at most [`MAX_CHUNK_BYTES`], cut at character boundaries.
fn bounded_pieces(chunk: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= chunk.len() {
            return None;
        }
        let mut end = (at + MAX_CHUNK_BYTES).min(chunk.len());
        while !chunk.is_char_boundary(end) {
            end -= 1;
        }
        let piece = (at, &chunk[at..end]);
        at = end;
        Some(piece)
    })
}

/// The tokens of `text`.
pub fn tokenize(text: &str, lang: Lang) -> Vec<Token> {
    let chunks: Vec<(usize, &str)> = text
        .split_whitespace()
        .flat_map(|c| {
            let offset = c.as_ptr() as usize - text.as_ptr() as usize;
            bounded_pieces(c).map(move |(at, piece)| (offset + at, piece))
        })
        .collect();
    let mut out = Vec::with_capacity(chunks.len() + chunks.len() / 4);
    for (i, (start, chunk)) in chunks.iter().enumerate() {
        let next = chunks.get(i + 1).map(|(_, c)| *c);
        split_chunk(chunk, *start, next, lang, &mut out);
    }
    out
}

fn ends_sentence(token: &str) -> bool {
    matches!(token, "." | "!" | "?" | "…" | "..." | "!!" | "?!" | "!?")
}

fn starts_sentence(token: &str) -> bool {
    token.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || OPENING.contains(&c) || c == '-' || c == '–'
    })
}

/// Sentences of tokens. A paragraph break (a blank line) always ends a sentence; within a
/// paragraph a sentence ends at `.`, `!`, `?` or `…` (and any closing quotes or brackets
/// after it) when the next token can start one.
pub fn sentences(text: &str, lang: Lang) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for paragraph in text.split("\n\n") {
        let base = offset;
        offset += paragraph.len() + 2;
        let tokens = tokenize(paragraph, lang);
        let mut current: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let mut t = tokens[i].clone();
            t.start += base;
            t.end += base;
            let boundary = ends_sentence(&t.text);
            current.push(t);
            i += 1;
            if boundary {
                // Closing quotes and brackets belong to the sentence they close.
                while let Some(next) = tokens.get(i)
                    && matches!(next.text.as_str(), ")" | "]" | "\"" | "”" | "’" | "»" | "'")
                {
                    let mut t = next.clone();
                    t.start += base;
                    t.end += base;
                    current.push(t);
                    i += 1;
                }
                if tokens.get(i).is_none_or(|n| starts_sentence(&n.text)) {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(text: &str, lang: Lang) -> Vec<String> {
        tokenize(text, lang).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn english_clitics_hyphens_and_punctuation() {
        assert_eq!(
            texts(
                "I don't think Mr. Smith's students' U.S.-based plan can't work, (really)!",
                Lang::En
            ),
            [
                "I", "do", "n't", "think", "Mr.", "Smith", "'s", "students", "'", "U.S.", "-", "based",
                "plan", "ca", "n't", "work", ",", "(", "really", ")", "!"
            ]
        );
        assert_eq!(
            texts("Al-Zaman : cannot", Lang::En),
            ["Al", "-", "Zaman", ":", "can", "not"]
        );
        assert_eq!(
            texts("It costs $5.50 (10%).", Lang::En),
            ["It", "costs", "$", "5.50", "(", "10", "%", ")", "."]
        );
    }

    #[test]
    fn urls_emails_numbers_and_abbreviations_stay_whole() {
        assert_eq!(
            texts(
                "Se https://ens.dk/vind?x=1. Skriv til info@ens.dk, f.eks. i dag.",
                Lang::Da
            ),
            [
                "Se",
                "https://ens.dk/vind?x=1",
                ".",
                "Skriv",
                "til",
                "info@ens.dk",
                ",",
                "f.eks.",
                "i",
                "dag",
                "."
            ]
        );
        assert_eq!(
            texts("Den 3. maj kom 1.000 borgere; Europa-Cup-runde.", Lang::Da),
            [
                "Den",
                "3.",
                "maj",
                "kom",
                "1.000",
                "borgere",
                ";",
                "Europa-Cup-runde",
                "."
            ]
        );
        assert_eq!(
            texts("Es kamen z.B. 3 Leute.", Lang::De),
            ["Es", "kamen", "z.B.", "3", "Leute", "."]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Hun sagde: »Nej!« Så gik hun.";
        for t in tokenize(text, Lang::Da) {
            assert_eq!(&text[t.start..t.end], t.text);
        }
    }

    #[test]
    fn sentences_end_at_terminal_punctuation_and_paragraphs() {
        let text = "Vindmøller larmer. Naboerne klager, f.eks. i Thy! Hvad nu?\n\nOverskrift uden punktum\n\nDen 3. maj mødes de.";
        let s: Vec<Vec<String>> = sentences(text, Lang::Da)
            .into_iter()
            .map(|s| s.into_iter().map(|t| t.text).collect())
            .collect();
        assert_eq!(s.len(), 5, "{s:?}");
        assert_eq!(s[1], ["Naboerne", "klager", ",", "f.eks.", "i", "Thy", "!"]);
        assert_eq!(s[3], ["Overskrift", "uden", "punktum"]);
        assert_eq!(s[4], ["Den", "3.", "maj", "mødes", "de", "."]);
        for sentence in sentences(text, Lang::Da) {
            for t in sentence {
                assert_eq!(&text[t.start..t.end], t.text);
            }
        }
    }

    /// Long runs without a word in them (a page of dots, commas, quotes or base64) were
    /// quadratic: 200 KB of dots took 29 s. Each of these is 2 MB, which at that rate would
    /// take about an hour; linear, it is milliseconds.
    #[test]
    fn long_runs_without_words_are_tokenized_in_bounded_pieces() {
        for unit in [
            ".", ",", "'", ")", "!?", "-", "é", "😀", "a.", "@.", "http://", "ab",
        ] {
            let text = unit.repeat(2_000_000 / unit.len());
            for lang in Lang::ALL {
                let tokens = tokenize(&text, lang);
                assert!(!tokens.is_empty(), "{unit:?}");
                assert!(
                    tokens.iter().all(|t| t.text.len() <= MAX_CHUNK_BYTES),
                    "{unit:?}: no token longer than a chunk"
                );
                let joined: usize = tokens.iter().map(|t| t.text.len()).sum();
                assert_eq!(joined, text.len(), "{unit:?}: nothing lost");
            }
        }
        assert_eq!(texts("Vent...", Lang::Da), ["Vent", "..."]);
        assert_eq!(
            texts("...", Lang::Da),
            ["..."],
            "a run of periods alone is one token"
        );
        assert_eq!(texts("!!", Lang::En), ["!!"]);
    }

    proptest! {
        #[test]
        fn tokens_are_non_empty_ordered_and_cover_only_non_space(text in "\\PC{0,120}") {
            for lang in Lang::ALL {
                let tokens = tokenize(&text, lang);
                let mut last = 0;
                for t in &tokens {
                    prop_assert!(!t.text.is_empty());
                    prop_assert!(t.start >= last);
                    prop_assert_eq!(&text[t.start..t.end], t.text.as_str());
                    prop_assert!(!t.text.chars().any(char::is_whitespace));
                    last = t.end;
                }
                let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
                let squeezed: String = text.split_whitespace().collect();
                prop_assert_eq!(joined, squeezed, "nothing lost, nothing added");
            }
        }
    }
}

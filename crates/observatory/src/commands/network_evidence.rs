//! `observatory network evidence` as text: the heading and the next cursor on stderr, one
//! tab-separated line per piece of evidence on stdout, so the lines compose in pipes.

use networks::evidence::{Evidence, EvidenceItem, Snippet};

pub(crate) fn print(e: &Evidence) {
    eprintln!("{}", heading(e));
    for line in lines(e) {
        println!("{line}");
    }
    match &e.next_cursor {
        Some(c) => eprintln!("{} of {} shown; more with --cursor {c}", e.items.len(), e.total),
        None => eprintln!("{} in all", e.total),
    }
}

fn heading(e: &Evidence) -> String {
    let mut out = match (&e.source, &e.target, &e.node) {
        (Some(s), Some(t), _) => format!(
            "network {} ({}): edge {} → {} (weight {:.4})",
            e.network_id, e.network_type, s.label, t.label, e.weight
        ),
        (_, _, Some(n)) => format!(
            "network {} ({}): node {} ({}), weighted degree {:.4}",
            e.network_id, e.network_type, n.label, n.kind, e.weight
        ),
        _ => format!("network {}", e.network_id),
    };
    if let Some(t) = &e.term {
        let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "?".into());
        out.push_str(&format!(
            "\nTF-IDF {:.4} = count {} / occurrences {} × idf {} (df {})",
            t.tfidf,
            t.count,
            or_unknown(t.occurrences.map(|v| v.to_string())),
            or_unknown(t.idf.map(|v| format!("{v:.4}"))),
            or_unknown(t.df.map(|v| v.to_string())),
        ));
    }
    out
}

/// A snippet with its matches between `[[` and `]]`, tabs and newlines as spaces.
fn marked(s: &Snippet) -> String {
    let mut out = String::with_capacity(s.text.len() + 8 * s.matches.len());
    for (i, c) in s.text.chars().enumerate() {
        let i = i as u32;
        if s.matches.iter().any(|m| m[1] == i) {
            out.push_str("]]");
        }
        if s.matches.iter().any(|m| m[0] == i) {
            out.push_str("[[");
        }
        out.push(if c.is_whitespace() { ' ' } else { c });
    }
    let n = s.text.chars().count() as u32;
    if s.matches.iter().any(|m| m[1] == n) {
        out.push_str("]]");
    }
    out
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

fn lines(e: &Evidence) -> Vec<String> {
    let mut out = Vec::new();
    for item in &e.items {
        match item {
            EvidenceItem::SearchResult(r) => out.push(format!(
                "{}\t{}\t{}\t{}\t{}",
                r.session_id,
                clean(&r.query),
                r.rank,
                r.url,
                clean(r.title.as_deref().unwrap_or(""))
            )),
            EvidenceItem::Page(p) => {
                for s in &p.snippets {
                    out.push(format!("{}\t{}\t{}\t{}", p.page_id, p.count, p.url, marked(s)));
                }
                if p.snippets.is_empty() {
                    out.push(format!("{}\t{}\t{}\t", p.page_id, p.count, p.url));
                }
            }
            EvidenceItem::LinkingPage(p) => {
                for l in &p.links {
                    out.push(format!(
                        "{}\t{}\t{}\t{}",
                        p.page_id,
                        p.url,
                        l.url,
                        clean(&l.anchor)
                    ));
                }
            }
            EvidenceItem::Shared(s) => out.push(format!(
                "{}\t{}\t{}\t{}",
                s.node.id,
                clean(&s.node.label),
                s.source_weight,
                s.target_weight
            )),
            EvidenceItem::Edge(x) => out.push(format!(
                "{}\t{}\t{}\t{:.4}\t{:.4}\t{} {}",
                x.node.id,
                clean(&x.node.label),
                x.direction,
                x.weight,
                x.share,
                x.evidence,
                x.evidence_of
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_bracketed() {
        let s = Snippet {
            text: "…ny vindmølle\tved havet".into(),
            matches: vec![[4, 13], [18, 23]],
        };
        assert_eq!(marked(&s), "…ny [[vindmølle]] ved [[havet]]");
    }
}

//! A linear estimate of how deep a document nests, before html5ever builds it.
//!
//! html5ever's tree builder checks element scopes by walking its stack of open elements,
//! so building a document costs about its size times its depth: 10,000 nested `<div>`s take
//! a tenth of a second, and 5 MB of them would take hours. This scan follows the tree
//! builder's main rules in one pass (elements opened and closed, void and raw-text
//! elements, comments, and the end tags a start tag implies: a `<p>` or `<div>` closes an
//! open `<p>`, `<li>` an open `<li>` in its list, a cell an open cell in its table), with
//! no walk longer than a handful of scope boundaries. It stops as soon as its estimate
//! passes the cap. It is an estimate: the exact depth is measured on the built tree.

use std::collections::HashMap;

/// Elements with no content and no end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is text up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Start tags that close an open `<p>` (in button scope).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "ul",
    "xmp",
];

/// The default scope's boundaries; the others add to them.
const DEFAULT_SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
];

/// The open elements: names in order, and where each name sits, so that "is there an open
/// `p` above the nearest boundary" costs a few lookups rather than a walk.
#[derive(Default)]
struct OpenElements {
    names: Vec<String>,
    positions: HashMap<String, Vec<usize>>,
}

impl OpenElements {
    fn depth(&self) -> usize {
        self.names.len()
    }

    fn push(&mut self, name: &str) {
        self.positions
            .entry(name.to_owned())
            .or_default()
            .push(self.names.len());
        self.names.push(name.to_owned());
    }

    /// Pops every element from `index` up.
    fn truncate(&mut self, index: usize) {
        while self.names.len() > index {
            if let Some(name) = self.names.pop()
                && let Some(at) = self.positions.get_mut(&name)
            {
                at.pop();
            }
        }
    }

    fn topmost(&self, name: &str) -> Option<usize> {
        self.positions.get(name).and_then(|at| at.last().copied())
    }

    /// The topmost of `targets` that no boundary of `scope` sits above.
    fn in_scope(&self, targets: &[&str], scope: &[&str], extra: &[&str]) -> Option<usize> {
        let target = targets.iter().filter_map(|t| self.topmost(t)).max()?;
        let boundary = scope.iter().chain(extra).filter_map(|b| self.topmost(b)).max();
        match boundary {
            Some(b) if b > target => None,
            _ => Some(target),
        }
    }

    /// Closes the topmost of `targets` (and everything above it) when it is in scope.
    fn close(&mut self, targets: &[&str], scope: &[&str], extra: &[&str]) {
        if let Some(at) = self.in_scope(targets, scope, extra) {
            self.truncate(at);
        }
    }

    fn top_is(&self, name: &str) -> bool {
        self.names.last().is_some_and(|n| n == name)
    }

    fn in_foreign_content(&self) -> bool {
        self.topmost("svg").is_some() || self.topmost("math").is_some()
    }
}

/// Whether the document, by this estimate, nests more than `cap` elements deep.
pub(crate) fn nests_deeper_than(html: &str, cap: usize) -> bool {
    let bytes = html.as_bytes();
    let mut open = OpenElements::default();
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        let Some(&next) = bytes.get(i) else { break };
        if bytes[i..].starts_with(b"!--") {
            match find(&bytes[i + 3..], b"-->") {
                Some(end) => i += 3 + end + 3,
                None => break,
            }
            continue;
        }
        if next == b'!' || next == b'?' {
            match memchr(b'>', &bytes[i..]) {
                Some(end) => i += end + 1,
                None => break,
            }
            continue;
        }
        let closing = next == b'/';
        let name_start = if closing { i + 1 } else { i };
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            continue; // a `<` in text
        }
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .map_or(bytes.len(), |p| name_start + p);
        let name = html[name_start..name_end].to_ascii_lowercase();
        let (tag_end, self_closing) = end_of_tag(bytes, name_end);
        i = tag_end;
        if closing {
            end_tag(&mut open, &name);
            continue;
        }
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if self_closing && open.in_foreign_content() {
            continue;
        }
        if name == "plaintext" {
            break; // everything after it is text
        }
        start_tag(&mut open, &name);
        if open.depth() > cap {
            return true;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Its text runs to its own end tag (or to the end of the document).
            match find_end_tag(&bytes[i..], name.as_bytes()) {
                Some(end) => {
                    i += end;
                    open.truncate(open.depth() - 1);
                }
                None => break,
            }
        }
    }
    false
}

fn start_tag(open: &mut OpenElements, name: &str) {
    if CLOSES_P.contains(&name) {
        open.close(&["p"], DEFAULT_SCOPE, &["button"]);
    }
    match name {
        "li" => open.close(&["li"], DEFAULT_SCOPE, &["ol", "ul"]),
        "dt" | "dd" => open.close(&["dt", "dd"], DEFAULT_SCOPE, &["dl"]),
        // Outermost first: closing a row also closes its open cell.
        "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" => {
            const TABLE_SCOPE: &[&str] = &["html", "table", "template"];
            if matches!(name, "tbody" | "thead" | "tfoot") {
                open.close(&["tbody", "thead", "tfoot"], TABLE_SCOPE, &[]);
            }
            if name != "td" && name != "th" {
                open.close(&["tr"], TABLE_SCOPE, &[]);
            }
            open.close(&["td", "th"], TABLE_SCOPE, &[]);
        }
        "option" | "optgroup" => {
            if open.top_is("option") {
                open.truncate(open.depth() - 1);
            }
            if name == "optgroup" && open.top_is("optgroup") {
                open.truncate(open.depth() - 1);
            }
        }
        // A heading cannot hold a heading: a new one closes the open one.
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            if ["h1", "h2", "h3", "h4", "h5", "h6"]
                .iter()
                .any(|h| open.top_is(h)) =>
        {
            open.truncate(open.depth() - 1);
        }
        _ => {}
    }
    open.push(name);
}

/// Pops to the named element when it is open; an end tag for nothing open is ignored.
fn end_tag(open: &mut OpenElements, name: &str) {
    if let Some(at) = open.topmost(name) {
        open.truncate(at);
    }
}

/// Where the tag that starts before `from` ends (after its `>`, skipping quoted attribute
/// values) and whether it ends in `/>`.
fn end_of_tag(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            // Only a quote that starts an attribute value opens one (`a="…"`, `a= "…"`).
            None if (b == b'"' || b == b'\'')
                && (i > 0 && bytes[i - 1] == b'='
                    || i > 1 && bytes[i - 1].is_ascii_whitespace() && bytes[i - 2] == b'=') =>
            {
                quote = Some(b);
            }
            None if b == b'>' => return (i + 1, i > from && bytes[i - 1] == b'/'),
            None => {}
        }
        i += 1;
    }
    (bytes.len(), false)
}

/// The offset just after `</name…>` in `bytes`, matched without regard to case.
fn find_end_tag(bytes: &[u8], name: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(at) = find(&bytes[i..], b"</") {
        let start = i + at + 2;
        let candidate = bytes.get(start..start + name.len())?;
        let after = bytes.get(start + name.len()).copied();
        if candidate.eq_ignore_ascii_case(name)
            && after.is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
        {
            let close = memchr(b'>', &bytes[start..])?;
            return Some(start + close + 1);
        }
        i = start;
    }
    None
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| *b == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deeper(html: &str, cap: usize) -> bool {
        nests_deeper_than(html, cap)
    }

    #[test]
    fn nesting_is_counted_and_closing_is_followed() {
        assert!(deeper(&"<div>".repeat(100), 50));
        assert!(!deeper(&"<div></div>".repeat(10_000), 2));
        assert!(deeper(&"<div><span><b>".repeat(40), 100));
        assert!(deeper(&"<ul><li>".repeat(60), 100), "nested lists nest");
        assert!(deeper(&"<table><tr><td>".repeat(40), 100), "nested tables nest");
        assert!(deeper(&"<a href=x><div>".repeat(60), 100));
    }

    #[test]
    fn implied_end_tags_do_not_count_as_nesting() {
        // Sloppy but ordinary pages: paragraphs, items and cells never closed.
        assert!(!deeper(&"<p>tekst ".repeat(10_000), 3));
        assert!(!deeper(&format!("<ul>{}</ul>", "<li>punkt".repeat(10_000)), 4));
        assert!(!deeper(
            &format!("<table>{}</table>", "<tr><td>a<td>b".repeat(5_000)),
            5
        ));
        assert!(!deeper(&format!("<dl>{}</dl>", "<dt>a<dd>b".repeat(5_000)), 4));
        assert!(!deeper(
            &format!("<select>{}</select>", "<option>a".repeat(5_000)),
            3
        ));
        assert!(
            !deeper(&"<div><span>tekst</div>".repeat(5_000), 3),
            "an end tag closes what it contains"
        );
        assert!(
            !deeper(&"<p><b>fed <p>igen".repeat(5_000), 4),
            "a new paragraph closes the old one"
        );
        assert!(
            !deeper(&"<br><img src=x><input>".repeat(5_000), 1),
            "void elements"
        );
        assert!(
            !deeper(&"<svg><path/><path/></svg>".repeat(5_000), 3),
            "self-closing in SVG"
        );
    }

    #[test]
    fn comments_scripts_and_attributes_are_skipped() {
        let hidden = format!(
            "<!-- {} --><script>{}</script><style>{}</style><div title=\"{}\" data-x='<div>'>x</div>",
            "<div>".repeat(1_000),
            "document.write('<div>'.repeat(9))".repeat(100),
            "<div>".repeat(1_000),
            "<div>".repeat(1_000),
        );
        assert!(
            !deeper(&hidden, 3),
            "markup inside comments, scripts, styles and quotes"
        );
        // Unfinished and odd markup neither panics nor counts as nesting.
        for html in [
            "<", "</", "<!--", "<!", "<script>", "<a b='", "<1>", "< div>", "</>", "<div",
        ] {
            assert!(!deeper(html, 1), "{html}");
        }
    }
}

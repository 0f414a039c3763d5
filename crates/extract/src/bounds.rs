//! What a document may cost before any extractor sees it.
//!
//! The extractors (the trafilatura port, dom_smoothie, our own link walk) recurse over the
//! DOM and look at each element's ancestors, so their stack use grows with the nesting
//! depth and their time with depth × size. Any page on the web may be hostile: 10,000
//! nested `<div>`s (110 KB) overflowed a 2 MiB stack and took the whole process down, and
//! smaller unclosed pages cost minutes and gigabytes. The document is therefore parsed once
//! here (html5ever builds its tree without recursion, into an arena) and measured with an
//! explicit stack; a document past a bound is refused with the reason, before the
//! extractors run. NULs, which no text contains and which html5ever turns into U+FFFD one
//! by one, are removed first.

use std::borrow::Cow;

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Bounds on one document. The defaults are far above real pages (deeply built sites nest
/// 30–60 levels and hold a few tens of thousands of elements) and low enough that every
/// extractor stays within a 2 MiB thread stack and a fraction of a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// HTML bytes (after decoding and NUL removal).
    pub max_bytes: usize,
    /// Elements open at once, `<html>` included (Blink's parser stops nesting at 512).
    pub max_depth: usize,
    /// Elements in the whole document.
    pub max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 256,
            max_elements: 200_000,
        }
    }
}

/// Why a document was not extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the page is {bytes} bytes of HTML; pages of at most {limit} bytes are extracted")]
    TooLarge { bytes: usize, limit: usize },
    #[error(
        "the page nests elements more than {limit} levels deep; no extractor reads pages nested this deep"
    )]
    TooDeep { limit: usize },
    #[error("the page has more than {limit} elements; no extractor reads pages this large")]
    TooManyElements { limit: usize },
}

/// `html` without NUL characters (borrowed when it has none).
pub fn without_nuls(html: &str) -> Cow<'_, str> {
    if html.contains('\0') {
        Cow::Owned(html.replace('\0', ""))
    } else {
        Cow::Borrowed(html)
    }
}

/// Checks the size of `html` (already NUL-free), parses it and checks its shape.
pub fn parse_within(html: &str, limits: &Limits) -> Result<Html, Refused> {
    if html.len() > limits.max_bytes {
        return Err(Refused::TooLarge {
            bytes: html.len(),
            limit: limits.max_bytes,
        });
    }
    // The tree builder's cost grows with size × depth, so a document that plainly nests
    // far too deep is refused before it is built (the exact limit is checked after).
    if crate::prescan::nests_deeper_than(html, limits.max_depth.saturating_mul(2)) {
        return Err(Refused::TooDeep {
            limit: limits.max_depth,
        });
    }
    let doc = Html::parse_document(html);
    check_shape(&doc, limits)?;
    Ok(doc)
}

/// Depth and element count, walked iteratively (ego-tree's traversal keeps no stack).
fn check_shape(doc: &Html, limits: &Limits) -> Result<(), Refused> {
    let mut depth = 0usize;
    let mut elements = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) if matches!(node.value(), Node::Element(_)) => {
                depth += 1;
                elements += 1;
                if depth > limits.max_depth {
                    return Err(Refused::TooDeep {
                        limit: limits.max_depth,
                    });
                }
                if elements > limits.max_elements {
                    return Err(Refused::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
            }
            Edge::Close(node) if matches!(node.value(), Node::Element(_)) => depth -= 1,
            _ => {}
        }
    }
    Ok(())
}

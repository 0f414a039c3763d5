//! Websites linking to websites, from the outlinks of crawled pages (directed).

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::website_id;
use crate::{AttrDecl, AttrType, AttrValue, Graph, GraphBuilder, NodeKind};

/// One crawled page's website and the websites its outlinks point to (already mapped to
/// the network's website unit).
#[derive(Debug, Clone, PartialEq)]
pub struct PageLinks {
    pub website: String,
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HyperlinkOptions {
    /// Only link websites that were crawled themselves [true]; otherwise every linked
    /// website becomes a node.
    pub crawled_only: bool,
}

impl Default for HyperlinkOptions {
    fn default() -> Self {
        Self { crawled_only: true }
    }
}

/// Edge weight = how many pages of the source website link to the target website (a page
/// linking ten times counts once). Links within a website are not edges.
pub fn hyperlink(pages: &[PageLinks], options: HyperlinkOptions) -> Graph {
    let crawled: HashSet<&str> = pages.iter().map(|p| p.website.as_str()).collect();
    let mut b = GraphBuilder::new(true);
    b.declare_node_attr(AttrDecl::new("crawled", "Crawled", AttrType::Boolean));
    b.declare_node_attr(AttrDecl::new("pages", "Pages crawled", AttrType::Integer));
    b.declare_edge_attr(AttrDecl::new("pages", "Linking pages", AttrType::Integer));

    let sites: BTreeSet<&str> = crawled.iter().copied().collect();
    for site in &sites {
        let i = b.node(&website_id(site), site, NodeKind::Website);
        b.node_mut(i)
            .attrs
            .insert("crawled".into(), AttrValue::Boolean(true));
    }
    for page in pages {
        let s = b.node(&website_id(&page.website), &page.website, NodeKind::Website);
        let attrs = &mut b.node_mut(s).attrs;
        let n = match attrs.get("pages") {
            Some(AttrValue::Integer(n)) => *n,
            _ => 0,
        };
        attrs.insert("pages".into(), AttrValue::Integer(n + 1));
        let targets: BTreeSet<&str> = page.targets.iter().map(String::as_str).collect();
        for target in targets {
            if target == page.website || (options.crawled_only && !crawled.contains(target)) {
                continue;
            }
            let t = b.node(&website_id(target), target, NodeKind::Website);
            let attrs = &mut b.node_mut(t).attrs;
            attrs.entry("crawled".into()).or_insert(AttrValue::Boolean(false));
            attrs.entry("pages".into()).or_insert(AttrValue::Integer(0));
            let e = b.edge(s, t);
            e.weight += 1.0;
            e.attrs
                .insert("pages".into(), AttrValue::Integer(e.weight as i64));
        }
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(site: &str, targets: &[&str]) -> PageLinks {
        PageLinks {
            website: site.into(),
            targets: targets.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn directed_counts_of_linking_pages() {
        let pages = vec![
            page("a.dk", &["b.dk", "b.dk", "a.dk", "elsewhere.com"]),
            page("a.dk", &["b.dk"]),
            page("b.dk", &["a.dk"]),
        ];
        let g = hyperlink(&pages, HyperlinkOptions::default());
        assert!(g.directed);
        assert_eq!(g.nodes.len(), 2);
        let w: Vec<(String, String, f64)> = g
            .edges
            .iter()
            .map(|e| {
                let s = &g.nodes[e.source as usize].label;
                let t = &g.nodes[e.target as usize].label;
                (s.clone(), t.clone(), e.weight)
            })
            .collect();
        assert_eq!(
            w,
            vec![
                ("a.dk".into(), "b.dk".into(), 2.0),
                ("b.dk".into(), "a.dk".into(), 1.0)
            ]
        );

        let g = hyperlink(&pages, HyperlinkOptions { crawled_only: false });
        let other = g.nodes.iter().find(|n| n.label == "elsewhere.com").expect("node");
        assert_eq!(other.attrs["crawled"], AttrValue::Boolean(false));
    }
}

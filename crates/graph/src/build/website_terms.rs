//! Websites and the terms they use (nouns, entities or keyword phrases), weighted by TF-IDF
//! with websites as the documents.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::website_id;
use crate::{AttrDecl, AttrType, AttrValue, Graph, GraphBuilder, NodeKind};

/// A term's count on one website, summed over the website's pages.
#[derive(Debug, Clone, PartialEq)]
pub struct TermCount {
    pub website: String,
    pub term: String,
    /// The entity type (PER, ORG, LOC, MISC) for entities.
    pub label: Option<String>,
    pub count: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Noun,
    Entity,
    Keyword,
}

impl TermKind {
    fn node_kind(self) -> NodeKind {
        match self {
            TermKind::Noun => NodeKind::Noun,
            TermKind::Entity => NodeKind::Entity,
            TermKind::Keyword => NodeKind::Keyword,
        }
    }
}

/// How many terms each website keeps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TopN {
    /// This many.
    Count(u32),
    /// This share, in (0, 1), of the website's distinct terms (at least one).
    Share(f64),
}

impl TopN {
    fn of(self, distinct: usize) -> usize {
        match self {
            TopN::Count(n) => n as usize,
            TopN::Share(p) => ((p * distinct as f64).ceil() as usize).max(1),
        }
    }

    pub fn is_valid(self) -> bool {
        match self {
            TopN::Count(n) => n >= 1,
            TopN::Share(p) => p > 0.0 && p < 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TermOptions {
    /// Terms kept per website, by TF-IDF [10].
    pub top: TopN,
    /// A term must be used by at least this many websites [2].
    pub min_df: u32,
    /// … and by at most this share of them [1.0].
    pub max_df_share: f64,
    /// Entity types kept (PER, ORG, LOC, MISC); empty keeps all.
    pub entity_types: Vec<String>,
}

impl Default for TermOptions {
    fn default() -> Self {
        Self {
            top: TopN::Count(10),
            min_df: 2,
            max_df_share: 1.0,
            entity_types: Vec::new(),
        }
    }
}

impl TermOptions {
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if !self.top.is_valid() {
            out.push(("top", "must be a whole number ≥ 1 or a share between 0 and 1"));
        }
        if !(self.max_df_share > 0.0 && self.max_df_share <= 1.0) {
            out.push(("max_df_share", "must be in (0, 1]"));
        }
        out
    }
}

struct TermStats {
    df: u32,
    frequency: i64,
}

/// Per website, its top terms by tf × idf, where tf is the term's share of the website's
/// term occurrences and idf = ln((1 + N) / (1 + df)) + 1 over the N websites: the same
/// TF-IDF as `nlp::tfidf` and the analysis API's top terms, so a large website does not
/// outweigh a small one. Only terms within the document-frequency bounds compete.
pub fn website_terms(counts: &[TermCount], kind: TermKind, options: &TermOptions) -> Graph {
    let wanted_type = |label: &Option<String>| {
        options.entity_types.is_empty()
            || label
                .as_deref()
                .is_some_and(|l| options.entity_types.iter().any(|t| t.eq_ignore_ascii_case(l)))
    };
    let rows: Vec<&TermCount> = counts
        .iter()
        .filter(|c| c.count > 0 && (kind != TermKind::Entity || wanted_type(&c.label)))
        .collect();

    // Intern websites and terms so the per-website work is on integers.
    let mut site_ids: HashMap<&str, usize> = HashMap::new();
    let mut sites: Vec<&str> = Vec::new();
    let mut term_ids: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    let mut terms: Vec<(&str, Option<&str>)> = Vec::new();
    let mut per_site: Vec<Vec<(usize, i64)>> = Vec::new();
    for c in &rows {
        let s = *site_ids.entry(c.website.as_str()).or_insert_with(|| {
            sites.push(c.website.as_str());
            per_site.push(Vec::new());
            sites.len() - 1
        });
        let key = (c.term.as_str(), c.label.as_deref());
        let t = *term_ids.entry(key).or_insert_with(|| {
            terms.push(key);
            terms.len() - 1
        });
        per_site[s].push((t, c.count));
    }
    let mut stats: Vec<TermStats> = (0..terms.len())
        .map(|_| TermStats { df: 0, frequency: 0 })
        .collect();
    for list in &mut per_site {
        // The same term twice for one site (rows not pre-summed) counts once towards df.
        list.sort_unstable_by_key(|&(t, _)| t);
        list.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        for &(t, n) in list.iter() {
            stats[t].df += 1;
            stats[t].frequency += n;
        }
    }

    let n_docs = sites.len() as f64;
    let max_df = options.max_df_share * n_docs;
    let idf = |df: u32| ((1.0 + n_docs) / (1.0 + f64::from(df))).ln() + 1.0;
    let eligible = |t: usize| {
        let df = stats[t].df;
        df >= options.min_df && f64::from(df) <= max_df + 1e-9
    };

    let mut b = GraphBuilder::new(false);
    b.declare_node_attr(AttrDecl::new("frequency", "Frequency", AttrType::Integer));
    b.declare_node_attr(AttrDecl::new("df", "Document frequency", AttrType::Integer));
    b.declare_node_attr(AttrDecl::new("terms", "Distinct terms", AttrType::Integer));
    // With these an edge's weight can be recomputed by hand: count / occurrences × idf.
    b.declare_node_attr(AttrDecl::new(
        "occurrences",
        "Term occurrences",
        AttrType::Integer,
    ));
    b.declare_node_attr(AttrDecl::new(
        "idf",
        "Inverse document frequency",
        AttrType::Double,
    ));
    if kind == TermKind::Entity {
        b.declare_node_attr(AttrDecl::new("entity_type", "Entity type", AttrType::String));
    }
    b.declare_edge_attr(AttrDecl::new("count", "Count", AttrType::Integer));

    let prefix = kind.node_kind().as_str();
    let mut term_node = vec![u32::MAX; terms.len()];
    for (s, list) in per_site.iter().enumerate() {
        let keep = options.top.of(list.len());
        let total: i64 = list.iter().map(|&(_, n)| n).sum();
        let mut scored: Vec<(f64, usize, i64)> = list
            .iter()
            .filter(|&&(t, _)| eligible(t))
            .map(|&(t, n)| (n as f64 / total as f64 * idf(stats[t].df), t, n))
            .collect();
        // Highest TF-IDF first; ties by term so every run picks the same ones.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| terms[a.1].cmp(&terms[b.1])));
        scored.truncate(keep);
        if scored.is_empty() {
            continue;
        }
        let site = sites[s];
        let w = b.node(&website_id(site), site, NodeKind::Website);
        let attrs = &mut b.node_mut(w).attrs;
        attrs.insert("terms".into(), AttrValue::Integer(list.len() as i64));
        attrs.insert("occurrences".into(), AttrValue::Integer(total));
        for (score, t, n) in scored {
            if term_node[t] == u32::MAX {
                let (term, label) = terms[t];
                let id = match label {
                    Some(l) => format!("{prefix}:{l}:{term}"),
                    None => format!("{prefix}:{term}"),
                };
                let node = b.node(&id, term, kind.node_kind());
                let attrs = &mut b.node_mut(node).attrs;
                attrs.insert("frequency".into(), AttrValue::Integer(stats[t].frequency));
                attrs.insert("df".into(), AttrValue::Integer(i64::from(stats[t].df)));
                attrs.insert("idf".into(), AttrValue::Double(idf(stats[t].df)));
                if let (TermKind::Entity, Some(l)) = (kind, label) {
                    attrs.insert("entity_type".into(), AttrValue::String(l.to_owned()));
                }
                term_node[t] = node;
            }
            // Each (website, term) pair comes once: rows were summed per website above.
            b.push_edge(
                w,
                term_node[t],
                score,
                [("count".to_owned(), AttrValue::Integer(n))].into(),
            );
        }
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(site: &str, term: &str, count: i64) -> TermCount {
        TermCount {
            website: site.into(),
            term: term.into(),
            label: None,
            count,
        }
    }

    fn sample() -> Vec<TermCount> {
        vec![
            tc("a.dk", "wind", 10),
            tc("a.dk", "turbine", 4),
            tc("a.dk", "subsidy", 1),
            tc("a.dk", "only_a", 50),
            tc("b.dk", "wind", 2),
            tc("b.dk", "turbine", 6),
            tc("c.dk", "wind", 1),
            tc("c.dk", "subsidy", 3),
        ]
    }

    #[test]
    fn tfidf_edges_with_df_bounds() {
        let g = website_terms(&sample(), TermKind::Noun, &TermOptions::default());
        // only_a has df 1 < min_df 2: no bridge, no node.
        assert!(g.nodes.iter().all(|n| n.label != "only_a"));
        let node = |id: &str| g.nodes.iter().position(|n| n.id == id).expect(id) as u32;
        let weight = |s: &str, t: &str| {
            let (s, t) = (node(&format!("site:{s}")), node(&format!("noun:{t}")));
            g.edges
                .iter()
                .find(|e| e.source == s && e.target == t)
                .map(|e| e.weight)
        };
        // N = 3 websites; wind df 3 → idf = ln(4/4)+1 = 1; turbine df 2 → ln(4/3)+1.
        // a.dk uses 65 nouns in all (only_a counts there too): wind tf = 10/65.
        assert_eq!(weight("a.dk", "wind"), Some(10.0 / 65.0));
        let idf2 = (4.0f64 / 3.0).ln() + 1.0;
        assert!((weight("b.dk", "turbine").unwrap() - 6.0 / 8.0 * idf2).abs() < 1e-12);
        let wind = &g.nodes[node("noun:wind") as usize];
        assert_eq!(wind.attrs["df"], AttrValue::Integer(3));
        assert_eq!(wind.attrs["frequency"], AttrValue::Integer(13));

        // Every weight is count / occurrences × idf from the exported attributes alone.
        for e in &g.edges {
            let int = |v: &AttrValue| match v {
                AttrValue::Integer(i) => *i as f64,
                other => panic!("not an integer: {other:?}"),
            };
            let site = &g.nodes[e.source as usize].attrs;
            let AttrValue::Double(idf) = g.nodes[e.target as usize].attrs["idf"] else {
                panic!("idf is a double")
            };
            let by_hand = int(&e.attrs["count"]) / int(&site["occurrences"]) * idf;
            assert!((e.weight - by_hand).abs() < 1e-12, "{e:?}");
        }
        assert_eq!(
            g.nodes[node("site:a.dk") as usize].attrs["occurrences"],
            AttrValue::Integer(65)
        );

        // max_df_share 0.7 drops wind (3/3 websites).
        let opts = TermOptions {
            max_df_share: 0.7,
            ..Default::default()
        };
        let g = website_terms(&sample(), TermKind::Noun, &opts);
        assert!(g.nodes.iter().all(|n| n.label != "wind"));
    }

    #[test]
    fn top_n_as_count_and_share() {
        let opts = TermOptions {
            top: TopN::Count(1),
            ..Default::default()
        };
        let g = website_terms(&sample(), TermKind::Noun, &opts);
        assert_eq!(g.edges.len(), 3);
        // a.dk has 4 distinct nouns: a share of 0.5 keeps 2 of them.
        let opts = TermOptions {
            top: TopN::Share(0.5),
            ..Default::default()
        };
        let g = website_terms(&sample(), TermKind::Noun, &opts);
        let a = g.nodes.iter().position(|n| n.id == "site:a.dk").unwrap() as u32;
        assert_eq!(g.edges.iter().filter(|e| e.source == a).count(), 2);
    }

    #[test]
    fn entity_type_filter_and_ids_carry_the_type() {
        let mut rows = sample();
        for r in &mut rows {
            r.label = Some(if r.term == "wind" { "ORG" } else { "PER" }.into());
        }
        let opts = TermOptions {
            entity_types: vec!["org".into()],
            ..Default::default()
        };
        let g = website_terms(&rows, TermKind::Entity, &opts);
        let ents: Vec<_> = g.nodes.iter().filter(|n| n.kind == NodeKind::Entity).collect();
        assert_eq!(ents.len(), 1);
        assert_eq!(ents[0].id, "entity:ORG:wind");
        assert_eq!(ents[0].attrs["entity_type"], AttrValue::String("ORG".into()));
    }
}

//! Queries and the websites their results lead to.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{WebsiteUnit, website_id};
use crate::{AttrDecl, AttrType, AttrValue, Graph, GraphBuilder, NodeKind};

/// One search result, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub session: i64,
    pub query: String,
    /// Absolute rank, from 1.
    pub rank: u32,
    pub url: String,
    pub host: String,
    pub domain: String,
}

/// How a result's rank becomes an edge weight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankWeight {
    /// 1/r.
    #[default]
    InverseRank,
    /// e^(−r/10).
    ExponentialDecay,
    /// (R+1−r)/R, where R is the length of the query's result list.
    Linear,
    /// How many times the website appears in the query's results.
    Hits,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueryWebsiteOptions {
    pub unit: WebsiteUnit,
    pub weight: RankWeight,
}

struct Link {
    best_rank: u32,
    hits: u32,
    list_length: u32,
}

/// A query's node key: its text with whitespace collapsed, without case.
pub fn query_key(query: &str) -> String {
    query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Query nodes are the query text (whitespace collapsed, compared without case), one node
/// for the same text across sessions; a website found several times for one query keeps
/// its best rank and counts its hits.
pub fn query_website(hits: &[SearchHit], options: QueryWebsiteOptions) -> Graph {
    let key = query_key;

    // R per (session, query): a list's length is its last rank.
    let mut list_length: HashMap<(i64, String), u32> = HashMap::new();
    for h in hits {
        let r = list_length.entry((h.session, key(&h.query))).or_insert(0);
        *r = (*r).max(h.rank);
    }

    let mut b = GraphBuilder::new(false);
    b.declare_node_attr(AttrDecl::new("sessions", "Search sessions", AttrType::String));
    b.declare_node_attr(AttrDecl::new("results", "Results", AttrType::Integer));
    b.declare_edge_attr(AttrDecl::new("best_rank", "Best rank", AttrType::Integer));
    b.declare_edge_attr(AttrDecl::new("hits", "Hits", AttrType::Integer));

    let mut sessions: HashMap<u32, BTreeSet<i64>> = HashMap::new();
    let mut results: HashMap<u32, i64> = HashMap::new();
    let mut links: HashMap<(u32, u32), Link> = HashMap::new();
    let mut order: Vec<(u32, u32)> = Vec::new();
    for h in hits {
        let qkey = key(&h.query);
        let q = b.node(&format!("query:{qkey}"), &h.query, NodeKind::Query);
        sessions.entry(q).or_default().insert(h.session);
        let site = match options.unit {
            WebsiteUnit::Domain => &h.domain,
            WebsiteUnit::Host => &h.host,
            WebsiteUnit::Url => &h.url,
        };
        let w = b.node(&website_id(site), site, NodeKind::Website);
        *results.entry(w).or_default() += 1;
        let length = list_length.get(&(h.session, qkey)).copied().unwrap_or(h.rank);
        let link = links.entry((q, w)).or_insert_with(|| {
            order.push((q, w));
            Link {
                best_rank: h.rank,
                hits: 0,
                list_length: length,
            }
        });
        link.hits += 1;
        if h.rank < link.best_rank {
            link.best_rank = h.rank;
        }
        link.list_length = link.list_length.max(length);
    }

    for (q, ids) in sessions {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        b.node_mut(q)
            .attrs
            .insert("sessions".into(), AttrValue::String(list));
    }
    for (w, n) in results {
        b.node_mut(w)
            .attrs
            .insert("results".into(), AttrValue::Integer(n));
    }
    for (q, w) in order {
        let link = &links[&(q, w)];
        let r = f64::from(link.best_rank.max(1));
        let weight = match options.weight {
            RankWeight::InverseRank => 1.0 / r,
            RankWeight::ExponentialDecay => (-r / 10.0).exp(),
            RankWeight::Linear => {
                let big_r = f64::from(link.list_length.max(link.best_rank));
                (big_r + 1.0 - r) / big_r
            }
            RankWeight::Hits => f64::from(link.hits),
        };
        let e = b.edge(q, w);
        e.weight = weight;
        e.attrs
            .insert("best_rank".into(), AttrValue::Integer(i64::from(link.best_rank)));
        e.attrs
            .insert("hits".into(), AttrValue::Integer(i64::from(link.hits)));
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(session: i64, query: &str, rank: u32, url: &str, host: &str, domain: &str) -> SearchHit {
        SearchHit {
            session,
            query: query.into(),
            rank,
            url: url.into(),
            host: host.into(),
            domain: domain.into(),
        }
    }

    fn sample() -> Vec<SearchHit> {
        vec![
            hit(1, "wind power", 1, "https://www.dr.dk/a", "www.dr.dk", "dr.dk"),
            hit(1, "wind power", 2, "https://ens.dk/", "ens.dk", "ens.dk"),
            hit(
                1,
                "wind power",
                3,
                "https://nyheder.dr.dk/b",
                "nyheder.dr.dk",
                "dr.dk",
            ),
            hit(1, "wind power", 4, "https://x.org/", "x.org", "x.org"),
            hit(2, "Wind  Power", 2, "https://www.dr.dk/a", "www.dr.dk", "dr.dk"),
            hit(2, "solar", 5, "https://ens.dk/s", "ens.dk", "ens.dk"),
        ]
    }

    fn edge<'a>(g: &'a Graph, q: &str, site: &str) -> &'a crate::Edge {
        let qi = g
            .nodes
            .iter()
            .position(|n| n.id == format!("query:{q}"))
            .expect("query");
        let wi = g
            .nodes
            .iter()
            .position(|n| n.id == format!("site:{site}"))
            .expect("site");
        g.edges
            .iter()
            .find(|e| e.source as usize == qi && e.target as usize == wi)
            .expect("edge")
    }

    #[test]
    fn one_query_node_per_text_with_its_sessions_and_one_site_per_domain() {
        let g = query_website(&sample(), QueryWebsiteOptions::default());
        let queries: Vec<_> = g.nodes.iter().filter(|n| n.kind == NodeKind::Query).collect();
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[0].label, "wind power");
        assert_eq!(queries[0].attrs["sessions"], AttrValue::String("1,2".into()));
        // www.dr.dk and nyheder.dr.dk are one website: no `www.` split.
        let sites = g.nodes.iter().filter(|n| n.kind == NodeKind::Website).count();
        assert_eq!(sites, 3);
        let e = edge(&g, "wind power", "dr.dk");
        assert_eq!(e.attrs["best_rank"], AttrValue::Integer(1));
        assert_eq!(e.attrs["hits"], AttrValue::Integer(3));
        assert_eq!(e.weight, 1.0);
        assert_eq!(edge(&g, "wind power", "ens.dk").weight, 0.5);
    }

    #[test]
    fn host_unit_splits_subdomains() {
        let opts = QueryWebsiteOptions {
            unit: WebsiteUnit::Host,
            ..Default::default()
        };
        let g = query_website(&sample(), opts);
        assert_eq!(g.nodes.iter().filter(|n| n.kind == NodeKind::Website).count(), 4);
    }

    #[test]
    fn every_weighting() {
        let w = |weight| {
            let g = query_website(
                &sample(),
                QueryWebsiteOptions {
                    weight,
                    ..Default::default()
                },
            );
            (
                edge(&g, "wind power", "ens.dk").weight,
                edge(&g, "solar", "ens.dk").weight,
            )
        };
        assert_eq!(w(RankWeight::InverseRank), (0.5, 0.2));
        let (a, b) = w(RankWeight::ExponentialDecay);
        assert!((a - (-0.2f64).exp()).abs() < 1e-12 && (b - (-0.5f64).exp()).abs() < 1e-12);
        // "wind power" in session 1 has 4 results: (4+1−2)/4; "solar" has 5: (5+1−5)/5.
        assert_eq!(w(RankWeight::Linear), (0.75, 0.2));
        assert_eq!(w(RankWeight::Hits), (1.0, 1.0));
        let g = query_website(
            &sample(),
            QueryWebsiteOptions {
                weight: RankWeight::Hits,
                ..Default::default()
            },
        );
        assert_eq!(edge(&g, "wind power", "dr.dk").weight, 3.0);
    }
}

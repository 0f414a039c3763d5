//! Why a tie is there: the evidence behind one edge or one node of a built network, read
//! from what the network was built from (search results, stored term positions and main
//! texts, outlinks with their anchors), never from raw HTML and without re-running the NLP.
//!
//! The answer is a list like every other (`items`, `next_cursor`): the items are in one
//! fixed order per subject, and the cursor is the position after the last item returned.

pub mod kwic;
mod sources;

use std::collections::BTreeMap;

use contract::ServiceError;
use graph::{AttrValue, Graph, NodeKind};
use serde::Serialize;
use store::{NetworkId, Store, UserId};

pub use kwic::Snippet;

use crate::spec::{NetworkParams, NetworkType};

/// Items per page, by default and at most (a term page carries up to three snippets).
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 200;

/// What the evidence is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Edge { source: String, target: String },
    Node(String),
}

impl Subject {
    /// `source` and `target` for an edge, or `node` alone.
    pub fn from_params(
        source: Option<String>,
        target: Option<String>,
        node: Option<String>,
    ) -> Result<Subject, ServiceError> {
        match (source, target, node) {
            (Some(source), Some(target), None) => Ok(Subject::Edge { source, target }),
            (None, None, Some(node)) => Ok(Subject::Node(node)),
            (_, _, Some(_)) => Err(ServiceError::field(
                "node",
                "ask for a node alone, or for an edge with `source` and `target`",
            )),
            (Some(_), None, None) => Err(ServiceError::field("target", "an edge needs `target` too")),
            (None, Some(_), None) => Err(ServiceError::field("source", "an edge needs `source` too")),
            (None, None, None) => Err(ServiceError::field(
                "node",
                "name a node (`node`) or an edge (`source` and `target`)",
            )),
        }
    }
}

/// A node as the evidence names it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NodeRef {
    pub id: String,
    pub label: String,
    /// `query`, `website`, `noun`, `entity` or `keyword`.
    pub kind: String,
}

impl NodeRef {
    fn of(node: &graph::Node) -> Self {
        NodeRef {
            id: node.id.clone(),
            label: node.label.clone(),
            kind: node.kind.as_str().to_owned(),
        }
    }
}

/// How a website–term edge's weight is made, so it can be recomputed by hand:
/// `tfidf = count / occurrences × idf`, with `idf = ln((1 + N) / (1 + df)) + 1` over the N
/// websites of the network's scope.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TermWeight {
    /// The term's occurrences on the website's analysed pages.
    pub count: i64,
    /// Every term occurrence (of this kind) on the website.
    pub occurrences: Option<i64>,
    /// How many websites use the term.
    pub df: Option<i64>,
    pub idf: Option<f64>,
    /// The edge's weight.
    pub tfidf: f64,
}

/// A search result that links a query to a website.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ResultEvidence {
    pub result_id: i64,
    pub session_id: i64,
    pub query: String,
    pub rank: i64,
    pub url: String,
    pub title: Option<String>,
    pub snippet: Option<String>,
}

/// A page of the website that uses the term, with where it does.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PageEvidence {
    pub page_id: i64,
    pub url: String,
    pub title: Option<String>,
    /// The term's occurrences on the page.
    pub count: i64,
    /// Up to three keyword-in-context snippets from the stored main text.
    pub snippets: Vec<Snippet>,
}

/// A link from a page of the source website to the target website.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LinkEvidence {
    pub url: String,
    /// The link's anchor text (empty when it had none, or was stored before anchors were).
    pub anchor: String,
}

/// A page of the source website linking to the target website.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LinkingPageEvidence {
    pub page_id: i64,
    pub url: String,
    pub title: Option<String>,
    pub links: Vec<LinkEvidence>,
}

/// What two nodes of a projection share, with the weight of each one's tie to it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SharedEvidence {
    pub node: NodeRef,
    pub source_weight: f64,
    pub target_weight: f64,
}

/// One of a node's edges, as a part of its weighted degree.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EdgeEvidence {
    /// The node at the other end.
    pub node: NodeRef,
    /// `out` or `in` in a directed network, `both` otherwise.
    pub direction: String,
    pub weight: f64,
    /// The edge's share of the node's weighted degree.
    pub share: f64,
    /// How much evidence the edge has (see `evidence_of`).
    pub evidence: i64,
    /// What `evidence` counts: `hits` (search results), `count` (term occurrences),
    /// `pages` (linking pages) or `shared` (shared neighbours).
    pub evidence_of: String,
}

/// One piece of evidence; `type` says which.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EvidenceItem {
    SearchResult(ResultEvidence),
    Page(PageEvidence),
    LinkingPage(LinkingPageEvidence),
    Shared(SharedEvidence),
    Edge(EdgeEvidence),
}

/// The evidence behind an edge or a node, one page of it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub network_id: i64,
    /// The network's type.
    #[serde(rename = "type")]
    pub network_type: String,
    /// For an edge, its two ends (in the direction asked, which must be the edge's in a
    /// directed network); for a node, `node`.
    pub source: Option<NodeRef>,
    pub target: Option<NodeRef>,
    pub node: Option<NodeRef>,
    /// The edge's weight, or the node's weighted degree.
    pub weight: f64,
    /// The edge's attributes as exported (`best_rank`, `hits`, `count`, `pages`, `shared`).
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, AttrValue>,
    /// For a website–term edge: how its weight is made.
    pub term: Option<TermWeight>,
    /// Items in all, over every page.
    pub total: usize,
    pub items: Vec<EvidenceItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// What is asked, as the API and the CLI take it.
#[derive(Debug, Clone, Default)]
pub struct EvidenceQuery {
    pub source: Option<String>,
    pub target: Option<String>,
    pub node: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// The evidence behind an edge or a node of network `id`, which `viewer` must be able to
/// read (anything else is not found, whatever was asked).
pub async fn network_evidence(
    store: &dyn Store,
    viewer: UserId,
    id: NetworkId,
    query: EvidenceQuery,
) -> Result<Evidence, ServiceError> {
    let (network, bytes) = crate::compare::built(store, viewer, id).await?;
    let subject = Subject::from_params(query.source, query.target, query.node)?;
    let (cursor, limit) = (query.cursor.as_deref(), query.limit);
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServiceError::field(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let offset = match cursor {
        None => 0,
        Some(c) => contract::cursor::decode(c)
            .and_then(|k| usize::try_from(k).ok())
            .ok_or_else(|| ServiceError::field("cursor", "is not a cursor returned by this list"))?,
    };
    let (kind, params) = crate::job::spec_of(&network).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let graph = tokio::task::spawn_blocking(move || crate::export::decompress(&bytes))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(ServiceError::Export)?;
    let page = Window { offset, limit };

    let (mut evidence, all) = match &subject {
        Subject::Node(node) => {
            let n = node_index(&graph, id, node)?;
            let items = node_edges(&graph, n);
            (
                Evidence {
                    node: Some(NodeRef::of(&graph.nodes[n])),
                    weight: graph.nodes[n].weighted_degree,
                    ..empty(&network)
                },
                Listed::Ready(items),
            )
        }
        Subject::Edge { source, target } => {
            let s = node_index(&graph, id, source)?;
            let t = node_index(&graph, id, target)?;
            let edge = find_edge(&graph, s, t).ok_or_else(|| {
                ServiceError::Absent(format!("network {id} has no edge from `{source}` to `{target}`"))
            })?;
            let evidence = Evidence {
                source: Some(NodeRef::of(&graph.nodes[s])),
                target: Some(NodeRef::of(&graph.nodes[t])),
                weight: edge.weight,
                attributes: edge.attrs.clone(),
                term: term_weight(&graph, edge, kind),
                ..empty(&network)
            };
            let ends = Ends {
                source: &graph.nodes[s],
                target: &graph.nodes[t],
            };
            let all = sources::edge_items(store, &network, kind, &params, ends, page).await?;
            (evidence, all)
        }
    };
    let (items, total) = match all {
        Listed::Ready(items) => {
            let total = items.len();
            (items.into_iter().skip(offset).take(limit).collect(), total)
        }
        Listed::Paged { items, total } => (items, total),
    };
    evidence.total = total;
    evidence.next_cursor = (offset + items.len() < total && !items.is_empty())
        .then(|| contract::cursor::encode((offset + items.len()) as i64));
    evidence.items = items;
    Ok(evidence)
}

/// The page of items asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub offset: usize,
    pub limit: usize,
}

/// Items as a loader returns them: all of them (paged by the caller), or one page already
/// (when each item costs a read, as term pages with their texts do).
pub(crate) enum Listed {
    Ready(Vec<EvidenceItem>),
    Paged { items: Vec<EvidenceItem>, total: usize },
}

/// An edge's two nodes.
#[derive(Clone, Copy)]
pub(crate) struct Ends<'a> {
    pub source: &'a graph::Node,
    pub target: &'a graph::Node,
}

fn empty(network: &store::Network) -> Evidence {
    Evidence {
        network_id: network.id.get(),
        network_type: network.kind.clone(),
        source: None,
        target: None,
        node: None,
        weight: 0.0,
        attributes: BTreeMap::new(),
        term: None,
        total: 0,
        items: Vec::new(),
        next_cursor: None,
    }
}

fn node_index(graph: &Graph, network: NetworkId, id: &str) -> Result<usize, ServiceError> {
    graph
        .nodes
        .iter()
        .position(|n| n.id == id)
        .ok_or_else(|| ServiceError::Absent(format!("node `{id}` is not in network {network}")))
}

/// The edge from `s` to `t` (either way round in an undirected network).
fn find_edge(graph: &Graph, s: usize, t: usize) -> Option<&graph::Edge> {
    let (s, t) = (s as u32, t as u32);
    graph
        .edges
        .iter()
        .find(|e| (e.source == s && e.target == t) || (!graph.directed && e.source == t && e.target == s))
}

fn integer(attrs: &graph::Attrs, key: &str) -> Option<i64> {
    match attrs.get(key)? {
        AttrValue::Integer(i) => Some(*i),
        AttrValue::Double(d) => Some(*d as i64),
        _ => None,
    }
}

fn double(attrs: &graph::Attrs, key: &str) -> Option<f64> {
    match attrs.get(key)? {
        AttrValue::Double(d) => Some(*d),
        AttrValue::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn term_weight(graph: &Graph, edge: &graph::Edge, kind: NetworkType) -> Option<TermWeight> {
    if !matches!(
        kind,
        NetworkType::WebsiteNoun | NetworkType::WebsiteEntity | NetworkType::WebsiteKeyword
    ) {
        return None;
    }
    let count = integer(&edge.attrs, "count")?;
    let (a, b) = (
        &graph.nodes[edge.source as usize],
        &graph.nodes[edge.target as usize],
    );
    let (site, term) = if a.kind == NodeKind::Website {
        (a, b)
    } else {
        (b, a)
    };
    Some(TermWeight {
        count,
        occurrences: integer(&site.attrs, "occurrences"),
        df: integer(&term.attrs, "df"),
        idf: double(&term.attrs, "idf"),
        tfidf: edge.weight,
    })
}

/// What the node's weighted degree is made of: its edges, heaviest first.
fn node_edges(graph: &Graph, n: usize) -> Vec<EvidenceItem> {
    let total: f64 = graph.nodes[n].weighted_degree;
    let mut items: Vec<(f64, String, EvidenceItem)> = graph
        .edges
        .iter()
        .filter_map(|e| {
            let (other, direction) = if e.source as usize == n {
                (e.target as usize, if graph.directed { "out" } else { "both" })
            } else if e.target as usize == n {
                (e.source as usize, if graph.directed { "in" } else { "both" })
            } else {
                return None;
            };
            let (evidence, evidence_of) = ["hits", "count", "pages", "shared"]
                .iter()
                .find_map(|k| integer(&e.attrs, k).map(|v| (v, *k)))
                .unwrap_or((0, "none"));
            let other = &graph.nodes[other];
            Some((
                e.weight,
                other.id.clone(),
                EvidenceItem::Edge(EdgeEvidence {
                    node: NodeRef::of(other),
                    direction: direction.to_owned(),
                    weight: e.weight,
                    share: if total > 0.0 { e.weight / total } else { 0.0 },
                    evidence,
                    evidence_of: evidence_of.to_owned(),
                }),
            ))
        })
        .collect();
    items.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    items.into_iter().map(|(_, _, item)| item).collect()
}

/// Parameters as the evidence readers need them: the build's, without the projection.
pub(crate) fn bipartite_params(params: &NetworkParams) -> NetworkParams {
    NetworkParams {
        projection: None,
        ..params.clone()
    }
}

#[cfg(test)]
mod tests {
    use graph::GraphBuilder;

    use super::*;

    #[test]
    fn subjects_are_an_edge_or_a_node() {
        let s = |a: Option<&str>, b: Option<&str>, c: Option<&str>| {
            Subject::from_params(a.map(Into::into), b.map(Into::into), c.map(Into::into))
        };
        assert_eq!(
            s(Some("a"), Some("b"), None).unwrap(),
            Subject::Edge {
                source: "a".into(),
                target: "b".into()
            }
        );
        assert_eq!(s(None, None, Some("n")).unwrap(), Subject::Node("n".into()));
        for bad in [
            s(Some("a"), None, None),
            s(None, Some("b"), None),
            s(None, None, None),
            s(Some("a"), Some("b"), Some("n")),
        ] {
            assert!(matches!(bad, Err(ServiceError::Invalid(_))));
        }
    }

    #[test]
    fn a_nodes_evidence_is_its_edges_heaviest_first_with_their_share() {
        let mut b = GraphBuilder::new(false);
        let q = b.node("query:wind", "wind", NodeKind::Query);
        let a = b.node("site:a.dk", "a.dk", NodeKind::Website);
        let c = b.node("site:c.dk", "c.dk", NodeKind::Website);
        b.push_edge(q, a, 1.0, [("hits".to_owned(), AttrValue::Integer(2))].into());
        b.push_edge(q, c, 3.0, [("hits".to_owned(), AttrValue::Integer(5))].into());
        let mut g = b.finish();
        graph::stats::compute_degrees(&mut g);
        let items = node_edges(&g, q as usize);
        let edges: Vec<(&str, f64, i64)> = items
            .iter()
            .map(|i| match i {
                EvidenceItem::Edge(e) => (e.node.id.as_str(), e.share, e.evidence),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(edges, [("site:c.dk", 0.75, 5), ("site:a.dk", 0.25, 2)]);
        assert!(
            find_edge(&g, c as usize, q as usize).is_some(),
            "undirected: either way"
        );
    }
}

//! The network every builder produces and every exporter reads.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// What a node stands for. Exports colour nodes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Query,
    Website,
    Noun,
    Entity,
    Keyword,
}

impl NodeKind {
    pub const ALL: [NodeKind; 5] = [
        NodeKind::Query,
        NodeKind::Website,
        NodeKind::Noun,
        NodeKind::Entity,
        NodeKind::Keyword,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Query => "query",
            NodeKind::Website => "website",
            NodeKind::Noun => "noun",
            NodeKind::Entity => "entity",
            NodeKind::Keyword => "keyword",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The type of a declared attribute, as the export formats name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttrType {
    Integer,
    Double,
    Boolean,
    String,
}

/// A builder-specific attribute: its key in the exports and a title people can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttrDecl {
    pub key: String,
    pub title: String,
    #[serde(rename = "type")]
    pub ty: AttrType,
}

impl AttrDecl {
    pub fn new(key: &str, title: &str, ty: AttrType) -> Self {
        Self {
            key: key.to_owned(),
            title: title.to_owned(),
            ty,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Integer(i64),
    Double(f64),
    Boolean(bool),
    String(String),
}

impl AttrValue {
    /// The value as text, the way every export writes it.
    pub fn to_text(&self) -> String {
        match self {
            AttrValue::Integer(v) => v.to_string(),
            AttrValue::Double(v) => format_float(*v),
            AttrValue::Boolean(v) => v.to_string(),
            AttrValue::String(v) => v.clone(),
        }
    }
}

/// Shortest text that reads back as the same `f64`; never `NaN` or `inf`, which no export
/// format accepts.
pub fn format_float(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "0".to_owned()
    }
}

/// The same for coordinates and sizes, which are `f32`: shortest text for the `f32`.
pub fn format_f32(v: f32) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "0".to_owned()
    }
}

pub type Attrs = BTreeMap<String, AttrValue>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Unique within the graph, and stable across builds of the same data.
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    /// Values for the graph's declared node attributes; absent keys have no value.
    pub attrs: Attrs,
    /// Filled in by [`crate::stats`]: sum of the weights of the node's edges.
    pub weighted_degree: f64,
    pub degree: u32,
    /// Filled in by [`crate::community`].
    pub community: Option<u32>,
    /// Filled in by [`crate::layout`].
    pub position: Option<(f32, f32)>,
    /// Filled in by [`crate::layout`] from the weighted degree.
    pub size: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Index into [`Graph::nodes`].
    pub source: u32,
    pub target: u32,
    pub weight: f64,
    pub attrs: Attrs,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Graph {
    pub directed: bool,
    /// Declared builder-specific attributes. The standard ones (type, degree, weighted
    /// degree, community) are declared by every export on its own.
    pub node_attrs: Vec<AttrDecl>,
    pub edge_attrs: Vec<AttrDecl>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Keeps the edges `keep` says yes to, in their order.
    pub fn retain_edges(&mut self, mut keep: impl FnMut(usize, &Edge) -> bool) {
        let mut i = 0;
        self.edges.retain(|e| {
            let k = keep(i, e);
            i += 1;
            k
        });
    }

    /// Keeps the nodes `keep` says yes to and the edges between them, re-indexing edges.
    pub fn retain_nodes(&mut self, keep: &[bool]) {
        let mut new_index = vec![u32::MAX; self.nodes.len()];
        let mut next = 0u32;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                new_index[i] = next;
                next += 1;
            }
        }
        let mut i = 0;
        self.nodes.retain(|_| {
            let k = keep[i];
            i += 1;
            k
        });
        self.edges.retain_mut(|e| {
            let (s, t) = (new_index[e.source as usize], new_index[e.target as usize]);
            if s == u32::MAX || t == u32::MAX {
                return false;
            }
            e.source = s;
            e.target = t;
            true
        });
    }

    /// For each node, its edges as (neighbour, weight), both directions for every edge.
    pub fn adjacency(&self) -> Vec<Vec<(u32, f64)>> {
        let mut adj = vec![Vec::new(); self.nodes.len()];
        for e in &self.edges {
            adj[e.source as usize].push((e.target, e.weight));
            if e.source != e.target {
                adj[e.target as usize].push((e.source, e.weight));
            }
        }
        adj
    }

    pub fn kinds(&self) -> Vec<NodeKind> {
        let mut kinds: Vec<NodeKind> = self.nodes.iter().map(|n| n.kind).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

/// Builds a graph node by node, finding nodes by id and merging parallel edges.
pub struct GraphBuilder {
    graph: Graph,
    index: HashMap<String, u32>,
    edge_index: HashMap<(u32, u32), usize>,
}

impl GraphBuilder {
    pub fn new(directed: bool) -> Self {
        Self {
            graph: Graph {
                directed,
                ..Graph::default()
            },
            index: HashMap::new(),
            edge_index: HashMap::new(),
        }
    }

    pub fn declare_node_attr(&mut self, decl: AttrDecl) {
        self.graph.node_attrs.push(decl);
    }

    pub fn declare_edge_attr(&mut self, decl: AttrDecl) {
        self.graph.edge_attrs.push(decl);
    }

    /// The node's index, adding it when it is new.
    pub fn node(&mut self, id: &str, label: &str, kind: NodeKind) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let id = &clean_id(id);
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = u32::try_from(self.graph.nodes.len()).unwrap_or(u32::MAX);
        self.graph.nodes.push(Node {
            id: id.to_owned(),
            label: clean_label(label),
            kind,
            attrs: Attrs::new(),
            weighted_degree: 0.0,
            degree: 0,
            community: None,
            position: None,
            size: 1.0,
        });
        self.index.insert(id.to_owned(), i);
        i
    }

    pub fn node_index(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub fn node_mut(&mut self, index: u32) -> &mut Node {
        &mut self.graph.nodes[index as usize]
    }

    /// Adds an edge, or returns the existing one between the same endpoints (either
    /// direction when undirected) so the caller can merge into it.
    pub fn edge(&mut self, source: u32, target: u32) -> &mut Edge {
        let key = if self.graph.directed || source <= target {
            (source, target)
        } else {
            (target, source)
        };
        let next = self.graph.edges.len();
        let i = *self.edge_index.entry(key).or_insert(next);
        if i == next {
            self.graph.edges.push(Edge {
                source,
                target,
                weight: 0.0,
                attrs: Attrs::new(),
            });
        }
        &mut self.graph.edges[i]
    }

    /// Adds an edge the caller knows to be new, skipping the lookup that merges parallel
    /// edges (builders that produce each pair once use it for speed).
    pub fn push_edge(&mut self, source: u32, target: u32, weight: f64, attrs: Attrs) {
        self.graph.edges.push(Edge {
            source,
            target,
            weight,
            attrs,
        });
    }

    pub fn finish(self) -> Graph {
        self.graph
    }
}

/// Labels are one line of collapsed whitespace: GEXF types them as `xsd:token`, and a
/// newline in a label breaks most viewers.
fn clean_label(label: &str) -> String {
    let words: Vec<String> = label
        .split_whitespace()
        .map(clean_id)
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// Ids without control characters, which XML cannot carry at all.
fn clean_id(id: &str) -> String {
    id.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_undirected_edges_merge_and_directed_ones_do_not() {
        let mut b = GraphBuilder::new(false);
        let a = b.node("a", "A", NodeKind::Website);
        let c = b.node("c", "C", NodeKind::Website);
        b.edge(a, c).weight += 1.0;
        b.edge(c, a).weight += 2.0;
        assert_eq!(b.finish().edges.len(), 1);

        let mut b = GraphBuilder::new(true);
        let a = b.node("a", "A", NodeKind::Website);
        let c = b.node("c", "C", NodeKind::Website);
        b.edge(a, c).weight += 1.0;
        b.edge(c, a).weight += 2.0;
        let g = b.finish();
        assert_eq!(g.edges.len(), 2);
        assert_eq!(g.edges[0].weight, 1.0);
    }

    #[test]
    fn retaining_nodes_reindexes_edges() {
        let mut b = GraphBuilder::new(false);
        let a = b.node("a", "A", NodeKind::Website);
        let x = b.node("x", "X", NodeKind::Website);
        let c = b.node("c", "C", NodeKind::Website);
        b.edge(a, x).weight = 1.0;
        b.edge(x, c).weight = 1.0;
        b.edge(a, c).weight = 5.0;
        let mut g = b.finish();
        g.retain_nodes(&[true, false, true]);
        assert_eq!(g.nodes.len(), 2);
        assert_eq!(g.edges.len(), 1);
        assert_eq!(
            (g.edges[0].source, g.edges[0].target, g.edges[0].weight),
            (0, 1, 5.0)
        );
    }

    #[test]
    fn labels_are_one_line() {
        let mut b = GraphBuilder::new(false);
        b.node("a", "  wind\n power\tplant ", NodeKind::Noun);
        assert_eq!(b.finish().nodes[0].label, "wind power plant");
    }
}

//! Two networks as one file: the union of their nodes and edges with a `change` attribute
//! (`added`, `removed`, `kept`) for Gephi's partition colouring, and a dynamic GEXF with one
//! spell per network (1 = before, 2 = after) for Gephi's timeline, edge weights dynamic.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::xml::escape;
use super::{ExportMeta, gexf};
use crate::compare::{edge_key, edges as weights};
use crate::model::{format_f32, format_float};
use crate::{AttrDecl, AttrType, AttrValue, Graph, Node};

fn declare(into: &mut Vec<AttrDecl>, decls: &[AttrDecl]) {
    for d in decls {
        if !into.iter().any(|x| x.key == d.key) {
            into.push(d.clone());
        }
    }
}

/// The union of `a` (before) and `b` (after): `b`'s nodes and edges, then those only in
/// `a`, each with `change`; edges also carry `weight_a` and `weight_b`. Positions, sizes
/// and communities are `b`'s where a node is in `b`.
pub fn union(a: &Graph, b: &Graph) -> Graph {
    let mut out = Graph {
        directed: b.directed,
        ..Graph::default()
    };
    declare(&mut out.node_attrs, &b.node_attrs);
    declare(&mut out.node_attrs, &a.node_attrs);
    declare(
        &mut out.node_attrs,
        &[AttrDecl::new("change", "Change", AttrType::String)],
    );
    declare(&mut out.edge_attrs, &b.edge_attrs);
    declare(&mut out.edge_attrs, &a.edge_attrs);
    declare(
        &mut out.edge_attrs,
        &[
            AttrDecl::new("change", "Change", AttrType::String),
            AttrDecl::new("weight_a", "Weight before", AttrType::Double),
            AttrDecl::new("weight_b", "Weight after", AttrType::Double),
        ],
    );
    let in_a: HashMap<&str, &Node> = a.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let in_b: HashMap<&str, &Node> = b.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut push = |out: &mut Graph, node: &Node, change: &str| {
        let mut node = node.clone();
        node.attrs
            .insert("change".into(), AttrValue::String(change.into()));
        index.insert(
            node.id.clone(),
            u32::try_from(out.nodes.len()).unwrap_or(u32::MAX),
        );
        out.nodes.push(node);
    };
    for n in &b.nodes {
        push(
            &mut out,
            n,
            if in_a.contains_key(n.id.as_str()) {
                "kept"
            } else {
                "added"
            },
        );
    }
    for n in a.nodes.iter().filter(|n| !in_b.contains_key(n.id.as_str())) {
        push(&mut out, n, "removed");
    }
    let (wa, wb) = (weights(a), weights(b));
    let add_edges =
        |out: &mut Graph, from: &Graph, only_missing_in: Option<&BTreeMap<(String, String), f64>>| {
            for e in &from.edges {
                let Some(key) = edge_key(from, e.source, e.target) else {
                    continue;
                };
                if only_missing_in.is_some_and(|m| m.contains_key(&key)) {
                    continue;
                }
                let (Some(&s), Some(&t)) = (
                    index.get(&from.nodes[e.source as usize].id),
                    index.get(&from.nodes[e.target as usize].id),
                ) else {
                    continue;
                };
                let mut edge = e.clone();
                edge.source = s;
                edge.target = t;
                let (before, after) = (wa.get(&key), wb.get(&key));
                let change = match (before, after) {
                    (Some(_), Some(_)) => "kept",
                    (None, Some(_)) => "added",
                    _ => "removed",
                };
                edge.attrs
                    .insert("change".into(), AttrValue::String(change.into()));
                if let Some(w) = before {
                    edge.attrs.insert("weight_a".into(), AttrValue::Double(*w));
                }
                if let Some(w) = after {
                    edge.attrs.insert("weight_b".into(), AttrValue::Double(*w));
                }
                out.edges.push(edge);
            }
        };
    add_edges(&mut out, b, None);
    add_edges(&mut out, a, Some(&wb));
    out
}

/// The union as GEXF 1.3 (static), nodes coloured by type.
pub fn changes_gexf(a: &Graph, b: &Graph, meta: &ExportMeta) -> String {
    gexf(&union(a, b), meta, super::ColorBy::Kind)
}

/// A spell covering the networks the thing is in: 1 (before), 2 (after), or both.
fn spell(before: bool, after: bool) -> &'static str {
    match (before, after) {
        (true, true) => "<spell start=\"1\" end=\"2\"/>",
        (true, false) => "<spell start=\"1\" end=\"1\"/>",
        _ => "<spell start=\"2\" end=\"2\"/>",
    }
}

/// Both networks as one dynamic GEXF 1.3: time 1 is `a`, time 2 is `b`; nodes and edges
/// live in the spells of the networks they are in, and edge weights change between them.
pub fn dynamic_gexf(a: &Graph, b: &Graph, meta: &ExportMeta) -> String {
    let u = union(a, b);
    let (wa, wb) = (weights(a), weights(b));
    let in_a: std::collections::HashSet<&str> = a.nodes.iter().map(|n| n.id.as_str()).collect();
    let in_b: std::collections::HashSet<&str> = b.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut out = String::with_capacity(512 + u.nodes.len() * 300 + u.edges.len() * 260);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">\n",
    );
    let _ = writeln!(out, "  <meta>\n    <creator>{}</creator>", escape(&meta.creator));
    if !meta.title.is_empty() {
        let _ = writeln!(out, "    <keywords>{}</keywords>", escape(&meta.title));
    }
    let _ = writeln!(
        out,
        "    <description>{}</description>\n  </meta>",
        escape(&meta.description)
    );
    let edge_type = if u.directed { "directed" } else { "undirected" };
    let _ = writeln!(
        out,
        "  <graph defaultedgetype=\"{edge_type}\" mode=\"dynamic\" timeformat=\"integer\" timerepresentation=\"interval\" start=\"1\" end=\"2\">"
    );
    out.push_str("    <attributes class=\"node\">\n      <attribute id=\"kind\" title=\"Node type\" type=\"string\"/>\n    </attributes>\n");
    out.push_str("    <attributes class=\"edge\" mode=\"dynamic\">\n      <attribute id=\"weight\" title=\"weight\" type=\"double\"/>\n    </attributes>\n");
    let _ = writeln!(out, "    <nodes count=\"{}\">", u.nodes.len());
    for n in &u.nodes {
        let _ = writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">\n        <attvalues>\n          <attvalue for=\"kind\" value=\"{}\"/>\n        </attvalues>\n        <spells>{}</spells>",
            escape(&n.id),
            escape(&n.label),
            n.kind.as_str(),
            spell(in_a.contains(n.id.as_str()), in_b.contains(n.id.as_str()))
        );
        let _ = writeln!(
            out,
            "        <viz:size value=\"{}\"/>",
            format_f32(n.size.max(0.0))
        );
        if let Some((x, y)) = n.position {
            let _ = writeln!(
                out,
                "        <viz:position x=\"{}\" y=\"{}\" z=\"0\"/>",
                format_f32(x),
                format_f32(y)
            );
        }
        out.push_str("      </node>\n");
    }
    out.push_str("    </nodes>\n");
    let _ = writeln!(out, "    <edges count=\"{}\">", u.edges.len());
    for (i, e) in u.edges.iter().enumerate() {
        let Some(key) = edge_key(&u, e.source, e.target) else {
            continue;
        };
        let (before, after) = (wa.get(&key), wb.get(&key));
        let _ = writeln!(
            out,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\">\n        <attvalues>",
            escape(&u.nodes[e.source as usize].id),
            escape(&u.nodes[e.target as usize].id),
            format_float(*after.or(before).unwrap_or(&e.weight))
        );
        for (time, w) in [(1, before), (2, after)] {
            if let Some(w) = w {
                let _ = writeln!(
                    out,
                    "          <attvalue for=\"weight\" value=\"{}\" start=\"{time}\" end=\"{time}\"/>",
                    format_float(*w)
                );
            }
        }
        let _ = writeln!(
            out,
            "        </attvalues>\n        <spells>{}</spells>\n      </edge>",
            spell(before.is_some(), after.is_some())
        );
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, NodeKind};

    fn network(edges: &[(&str, &str, f64)]) -> Graph {
        let mut b = GraphBuilder::new(false);
        for (s, t, w) in edges {
            let s = b.node(s, s, NodeKind::Query);
            let t = b.node(t, t, NodeKind::Website);
            b.edge(s, t).weight += w;
        }
        b.finish()
    }

    fn change(attrs: &crate::Attrs) -> &str {
        match attrs.get("change") {
            Some(AttrValue::String(s)) => s,
            _ => "",
        }
    }

    #[test]
    fn the_union_marks_what_came_went_and_stayed() {
        let a = network(&[("q", "a", 1.0), ("q", "b", 1.0)]);
        let b = network(&[("q", "a", 2.0), ("q", "c", 1.0)]);
        let u = union(&a, &b);
        let nodes: Vec<(&str, &str)> = u
            .nodes
            .iter()
            .map(|n| (n.id.as_str(), change(&n.attrs)))
            .collect();
        assert_eq!(
            nodes,
            [("q", "kept"), ("a", "kept"), ("c", "added"), ("b", "removed")]
        );
        let edges: Vec<(&str, &str)> = u
            .edges
            .iter()
            .map(|e| (u.nodes[e.target as usize].id.as_str(), change(&e.attrs)))
            .collect();
        assert_eq!(edges, [("a", "kept"), ("c", "added"), ("b", "removed")]);
        assert_eq!(u.edges[0].attrs["weight_a"], AttrValue::Double(1.0));
        assert_eq!(u.edges[0].attrs["weight_b"], AttrValue::Double(2.0));
        assert!(!u.edges[1].attrs.contains_key("weight_a"));
        assert!(u.node_attrs.iter().any(|d| d.key == "change"));
    }

    #[test]
    fn the_dynamic_file_gives_each_thing_its_spells() {
        let a = network(&[("q", "a", 1.0), ("q", "b", 1.0)]);
        let b = network(&[("q", "a", 2.0), ("q", "c", 1.0)]);
        let text = dynamic_gexf(&a, &b, &ExportMeta::default());
        assert!(text.contains("mode=\"dynamic\" timeformat=\"integer\""));
        assert!(text.contains("<node id=\"b\" label=\"b\">"));
        assert_eq!(
            text.matches("<spell start=\"1\" end=\"2\"/>").count(),
            3,
            "q, a and q–a"
        );
        assert_eq!(
            text.matches("<spell start=\"2\" end=\"2\"/>").count(),
            2,
            "c and q–c"
        );
        assert_eq!(
            text.matches("<spell start=\"1\" end=\"1\"/>").count(),
            2,
            "b and q–b"
        );
        assert!(text.contains("<attvalue for=\"weight\" value=\"1\" start=\"1\" end=\"1\"/>"));
        assert!(text.contains("<attvalue for=\"weight\" value=\"2\" start=\"2\" end=\"2\"/>"));
    }
}

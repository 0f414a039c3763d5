//! GraphML, with the attribute names Gephi and yEd read (`label`, `x`, `y`, `size`, `r`,
//! `g`, `b`, `weight`).

use std::fmt::Write;

use super::xml::escape;
use super::{ColorBy, ExportMeta, STANDARD_NODE_ATTRS, node_color, standard_node_values};
use crate::model::{format_f32, format_float};
use crate::{AttrType, Graph};

fn type_name(ty: AttrType) -> &'static str {
    match ty {
        AttrType::Integer => "long",
        AttrType::Double => "double",
        AttrType::Boolean => "boolean",
        AttrType::String => "string",
    }
}

pub fn graphml(graph: &Graph, meta: &ExportMeta, color_by: ColorBy) -> String {
    let mut out = String::with_capacity(256 + graph.nodes.len() * 500 + graph.edges.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    let key = |out: &mut String, domain: &str, name: &str, ty: &str| {
        let _ = writeln!(
            out,
            "  <key id=\"{domain}_{}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{ty}\"/>",
            escape(name),
            escape(name)
        );
    };
    key(&mut out, "graph", "description", "string");
    key(&mut out, "node", "label", "string");
    for (name, _, ty) in STANDARD_NODE_ATTRS {
        key(&mut out, "node", name, type_name(ty));
    }
    for d in &graph.node_attrs {
        key(&mut out, "node", &d.key, type_name(d.ty));
    }
    for name in ["x", "y", "size"] {
        key(&mut out, "node", name, "float");
    }
    for name in ["r", "g", "b"] {
        key(&mut out, "node", name, "int");
    }
    key(&mut out, "edge", "weight", "double");
    for d in &graph.edge_attrs {
        key(&mut out, "edge", &d.key, type_name(d.ty));
    }

    let edge_default = if graph.directed { "directed" } else { "undirected" };
    let _ = writeln!(out, "  <graph id=\"G\" edgedefault=\"{edge_default}\">");
    let _ = writeln!(
        out,
        "    <data key=\"graph_description\">{}</data>",
        escape(&meta.description)
    );
    let data = |out: &mut String, domain: &str, name: &str, value: &str| {
        let _ = writeln!(
            out,
            "      <data key=\"{domain}_{}\">{}</data>",
            escape(name),
            escape(value)
        );
    };
    for node in &graph.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", escape(&node.id));
        data(&mut out, "node", "label", &node.label);
        for ((name, _, _), v) in STANDARD_NODE_ATTRS.iter().zip(standard_node_values(node)) {
            if let Some(v) = v {
                data(&mut out, "node", name, &v.to_text());
            }
        }
        for d in &graph.node_attrs {
            if let Some(v) = node.attrs.get(&d.key) {
                data(&mut out, "node", &d.key, &v.to_text());
            }
        }
        if let Some((x, y)) = node.position {
            data(&mut out, "node", "x", &format_f32(x));
            data(&mut out, "node", "y", &format_f32(y));
        }
        data(&mut out, "node", "size", &format_f32(node.size));
        let (r, g, b) = node_color(node, color_by);
        for (name, c) in [("r", r), ("g", g), ("b", b)] {
            data(&mut out, "node", name, &c.to_string());
        }
        out.push_str("    </node>\n");
    }
    for (i, e) in graph.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            escape(&graph.nodes[e.source as usize].id),
            escape(&graph.nodes[e.target as usize].id)
        );
        data(&mut out, "edge", "weight", &format_float(e.weight));
        for d in &graph.edge_attrs {
            if let Some(v) = e.attrs.get(&d.key) {
                data(&mut out, "edge", &d.key, &v.to_text());
            }
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

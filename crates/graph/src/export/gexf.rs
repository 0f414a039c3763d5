//! GEXF 1.3, valid against the official grammar: typed attribute declarations with
//! readable titles, `viz:color`, `viz:size` and `viz:position` per node.

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

pub fn gexf(graph: &Graph, meta: &ExportMeta, color_by: ColorBy) -> String {
    let mut out = String::with_capacity(256 + graph.nodes.len() * 400 + graph.edges.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">\n",
    );
    let date = if is_date(&meta.date) {
        format!(" lastmodifieddate=\"{}\"", meta.date)
    } else {
        String::new()
    };
    let _ = writeln!(out, "  <meta{date}>");
    let _ = writeln!(out, "    <creator>{}</creator>", escape(&meta.creator));
    if !meta.title.is_empty() {
        let _ = writeln!(out, "    <keywords>{}</keywords>", escape(&meta.title));
    }
    let _ = writeln!(
        out,
        "    <description>{}</description>",
        escape(&meta.description)
    );
    out.push_str("  </meta>\n");
    let edge_type = if graph.directed { "directed" } else { "undirected" };
    let _ = writeln!(out, "  <graph defaultedgetype=\"{edge_type}\">");

    out.push_str("    <attributes class=\"node\">\n");
    for (key, title, ty) in STANDARD_NODE_ATTRS {
        let _ = writeln!(
            out,
            "      <attribute id=\"{key}\" title=\"{title}\" type=\"{}\"/>",
            type_name(ty)
        );
    }
    for decl in &graph.node_attrs {
        let _ = writeln!(
            out,
            "      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>",
            escape(&decl.key),
            escape(&decl.title),
            type_name(decl.ty)
        );
    }
    out.push_str("    </attributes>\n");
    out.push_str("    <attributes class=\"edge\">\n");
    for decl in &graph.edge_attrs {
        let _ = writeln!(
            out,
            "      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>",
            escape(&decl.key),
            escape(&decl.title),
            type_name(decl.ty)
        );
    }
    out.push_str("    </attributes>\n");

    let _ = writeln!(out, "    <nodes count=\"{}\">", graph.nodes.len());
    for node in &graph.nodes {
        let _ = writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">",
            escape(&node.id),
            escape(&node.label)
        );
        out.push_str("        <attvalues>\n");
        let standard = standard_node_values(node);
        for ((key, _, _), value) in STANDARD_NODE_ATTRS.iter().zip(standard) {
            if let Some(v) = value {
                let _ = writeln!(
                    out,
                    "          <attvalue for=\"{key}\" value=\"{}\"/>",
                    escape(&v.to_text())
                );
            }
        }
        for decl in &graph.node_attrs {
            if let Some(v) = node.attrs.get(&decl.key) {
                let _ = writeln!(
                    out,
                    "          <attvalue for=\"{}\" value=\"{}\"/>",
                    escape(&decl.key),
                    escape(&v.to_text())
                );
            }
        }
        out.push_str("        </attvalues>\n");
        let (r, g, b) = node_color(node, color_by);
        let _ = writeln!(out, "        <viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>");
        let _ = writeln!(
            out,
            "        <viz:size value=\"{}\"/>",
            format_f32(node.size.max(0.0))
        );
        if let Some((x, y)) = node.position {
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

    let _ = writeln!(out, "    <edges count=\"{}\">", graph.edges.len());
    for (i, e) in graph.edges.iter().enumerate() {
        let _ = write!(
            out,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\"",
            escape(&graph.nodes[e.source as usize].id),
            escape(&graph.nodes[e.target as usize].id),
            format_float(e.weight)
        );
        let values: Vec<_> = graph
            .edge_attrs
            .iter()
            .filter_map(|d| e.attrs.get(&d.key).map(|v| (d, v)))
            .collect();
        if values.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n        <attvalues>\n");
        for (decl, v) in values {
            let _ = writeln!(
                out,
                "          <attvalue for=\"{}\" value=\"{}\"/>",
                escape(&decl.key),
                escape(&v.to_text())
            );
        }
        out.push_str("        </attvalues>\n      </edge>\n");
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

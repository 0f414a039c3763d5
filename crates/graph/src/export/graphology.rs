//! graphology's serialization format (what `graph.import()` reads), for the viewer: node
//! attributes include `label`, `x`, `y`, `size` and `color` as sigma.js expects.

use serde_json::{Map, Value, json};

use super::{ColorBy, ExportMeta, STANDARD_NODE_ATTRS, node_color, standard_node_values};
use crate::palette::hex;
use crate::{AttrValue, Graph};

fn to_json(v: &AttrValue) -> Value {
    match v {
        AttrValue::Integer(i) => json!(i),
        AttrValue::Double(f) if f.is_finite() => json!(f),
        AttrValue::Double(_) => json!(0.0),
        AttrValue::Boolean(b) => json!(b),
        AttrValue::String(s) => json!(s),
    }
}

pub fn graphology(graph: &Graph, meta: &ExportMeta, color_by: ColorBy) -> Value {
    let nodes: Vec<Value> = graph
        .nodes
        .iter()
        .map(|node| {
            let mut a = Map::new();
            a.insert("label".into(), json!(node.label));
            for ((key, _, _), v) in STANDARD_NODE_ATTRS.iter().zip(standard_node_values(node)) {
                if let Some(v) = v {
                    a.insert((*key).into(), to_json(&v));
                }
            }
            for d in &graph.node_attrs {
                if let Some(v) = node.attrs.get(&d.key) {
                    a.insert(d.key.clone(), to_json(v));
                }
            }
            if let Some((x, y)) = node.position {
                a.insert("x".into(), json!(x));
                a.insert("y".into(), json!(y));
            }
            a.insert("size".into(), json!(node.size));
            a.insert("color".into(), json!(hex(node_color(node, color_by))));
            json!({ "key": node.id, "attributes": a })
        })
        .collect();
    let edges: Vec<Value> = graph
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut a = Map::new();
            a.insert("weight".into(), to_json(&AttrValue::Double(e.weight)));
            for d in &graph.edge_attrs {
                if let Some(v) = e.attrs.get(&d.key) {
                    a.insert(d.key.clone(), to_json(v));
                }
            }
            json!({
                "key": format!("e{i}"),
                "source": graph.nodes[e.source as usize].id,
                "target": graph.nodes[e.target as usize].id,
                "attributes": a,
            })
        })
        .collect();
    let declarations = |decls: &[crate::AttrDecl]| -> Vec<Value> {
        decls
            .iter()
            .map(|d| json!({ "key": d.key, "title": d.title, "type": d.ty }))
            .collect()
    };
    let mut node_decls: Vec<Value> = STANDARD_NODE_ATTRS
        .iter()
        .map(|(k, t, ty)| json!({ "key": k, "title": t, "type": ty }))
        .collect();
    node_decls.extend(declarations(&graph.node_attrs));
    json!({
        "attributes": {
            "name": meta.title,
            "creator": meta.creator,
            "description": meta.description,
            "date": meta.date,
            "node_attributes": node_decls,
            "edge_attributes": declarations(&graph.edge_attrs),
        },
        "options": {
            "type": if graph.directed { "directed" } else { "undirected" },
            "multi": false,
            "allowSelfLoops": true,
        },
        "nodes": nodes,
        "edges": edges,
    })
}

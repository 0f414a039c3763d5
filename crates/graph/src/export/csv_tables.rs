//! `nodes.csv` and `edges.csv`, with the column names Gephi's spreadsheet import expects
//! (`id`, `label`; `source`, `target`, `weight`).

use super::{ColorBy, STANDARD_NODE_ATTRS, node_color, standard_node_values};
use crate::Graph;
use crate::model::{format_f32, format_float};
use crate::palette::hex;

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    // Writing into a Vec cannot fail; an empty table is the fallback all the same.
    w.into_inner().unwrap_or_default()
}

pub fn nodes_csv(graph: &Graph, color_by: ColorBy) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["id", "label"];
    header.extend(STANDARD_NODE_ATTRS.iter().map(|a| a.0));
    header.extend(graph.node_attrs.iter().map(|d| d.key.as_str()));
    header.extend(["x", "y", "size", "color"]);
    let _ = w.write_record(&header);
    for node in &graph.nodes {
        let mut row = vec![node.id.clone(), node.label.clone()];
        row.extend(
            standard_node_values(node)
                .iter()
                .map(|v| v.as_ref().map(|v| v.to_text()).unwrap_or_default()),
        );
        row.extend(
            graph
                .node_attrs
                .iter()
                .map(|d| node.attrs.get(&d.key).map(|v| v.to_text()).unwrap_or_default()),
        );
        let (x, y) = node
            .position
            .map(|(x, y)| (format_f32(x), format_f32(y)))
            .unwrap_or_default();
        row.extend([x, y, format_f32(node.size), hex(node_color(node, color_by))]);
        let _ = w.write_record(&row);
    }
    finish(w)
}

pub fn edges_csv(graph: &Graph) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["source", "target", "weight"];
    header.extend(graph.edge_attrs.iter().map(|d| d.key.as_str()));
    let _ = w.write_record(&header);
    for e in &graph.edges {
        let mut row = vec![
            graph.nodes[e.source as usize].id.clone(),
            graph.nodes[e.target as usize].id.clone(),
            format_float(e.weight),
        ];
        row.extend(
            graph
                .edge_attrs
                .iter()
                .map(|d| e.attrs.get(&d.key).map(|v| v.to_text()).unwrap_or_default()),
        );
        let _ = w.write_record(&row);
    }
    finish(w)
}

//! Exports: GEXF 1.3 (Gephi), GraphML, CSV node and edge tables, and graphology's JSON
//! serialization for the browser viewer. Every format carries the same nodes, edges and
//! attributes; the standard node attributes are `kind`, `degree`, `weighted_degree` and
//! `community`, with position, size and colour.

mod changes;
mod csv_tables;
mod gexf;
mod graphml;
mod graphology;
mod xml;

pub use changes::{changes_gexf, dynamic_gexf, union};
pub use csv_tables::{edges_csv, nodes_csv};
pub use gexf::gexf;
pub use graphml::graphml;
pub use graphology::graphology;

use serde::{Deserialize, Serialize};

use crate::palette::{Rgb, community_color, kind_color};
use crate::{AttrType, AttrValue, Node};

/// Where a file came from, written into each format's metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportMeta {
    pub title: String,
    pub creator: String,
    /// What was built and with which parameters.
    pub description: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// Which palette colours the nodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorBy {
    #[default]
    Kind,
    Community,
}

pub(crate) fn node_color(node: &Node, by: ColorBy) -> Rgb {
    match by {
        ColorBy::Kind => kind_color(node.kind),
        ColorBy::Community => community_color(node.community),
    }
}

/// The attributes every node has, declared by every format: key, title, type.
pub(crate) const STANDARD_NODE_ATTRS: [(&str, &str, AttrType); 5] = [
    ("kind", "Node type", AttrType::String),
    ("degree", "Degree", AttrType::Integer),
    ("weighted_degree", "Weighted degree", AttrType::Double),
    ("community", "Community", AttrType::Integer),
    ("community_color", "Community colour", AttrType::String),
];

pub(crate) fn standard_node_values(node: &Node) -> [Option<AttrValue>; 5] {
    [
        Some(AttrValue::String(node.kind.as_str().to_owned())),
        Some(AttrValue::Integer(i64::from(node.degree))),
        Some(AttrValue::Double(node.weighted_degree)),
        node.community.map(|c| AttrValue::Integer(i64::from(c))),
        node.community
            .map(|c| AttrValue::String(crate::palette::hex(community_color(Some(c))))),
    ]
}

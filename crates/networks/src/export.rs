//! Rendering a stored network in each export format.

use std::io::Write;

use graph::Graph;
use graph::export::{ColorBy, ExportMeta};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Gexf,
    Graphml,
    /// `nodes.csv` and `edges.csv` in one zip archive.
    Csv,
    /// graphology's serialization, for the viewer.
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Gexf, Format::Graphml, Format::Csv, Format::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Gexf => "gexf",
            Format::Graphml => "graphml",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Gexf => "application/gexf+xml",
            Format::Graphml => "application/graphml+xml",
            Format::Csv => "application/zip",
            Format::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "zip",
            other => other.as_str(),
        }
    }

    /// The format a file name asks for.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "gexf" => Some(Format::Gexf),
            "graphml" => Some(Format::Graphml),
            "zip" | "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown format `{s}`: use gexf, graphml, csv or json"))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("could not write the {format} export: {message}")]
pub struct ExportError {
    format: &'static str,
    message: String,
}

pub fn render(
    graph: &Graph,
    meta: &ExportMeta,
    format: Format,
    color_by: ColorBy,
) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Gexf => graph::export::gexf(graph, meta, color_by).into_bytes(),
        Format::Graphml => graph::export::graphml(graph, meta, color_by).into_bytes(),
        Format::Json => graph::export::graphology(graph, meta, color_by)
            .to_string()
            .into_bytes(),
        Format::Csv => csv_zip(graph, color_by).map_err(|e| ExportError {
            format: "csv",
            message: e.to_string(),
        })?,
    })
}

/// The two CSV tables, so one download carries both.
fn csv_zip(graph: &Graph, color_by: ColorBy) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("nodes.csv", options)?;
    zip.write_all(&graph::export::nodes_csv(graph, color_by))?;
    zip.start_file("edges.csv", options)?;
    zip.write_all(&graph::export::edges_csv(graph))?;
    Ok(zip.finish()?.into_inner())
}

/// The stored form of a graph: JSON, zstd-compressed.
pub fn compress(graph: &Graph) -> Result<Vec<u8>, String> {
    let json = serde_json::to_vec(graph).map_err(|e| e.to_string())?;
    zstd::bulk::compress(&json, 3).map_err(|e| e.to_string())
}

pub fn decompress(bytes: &[u8]) -> Result<Graph, String> {
    let mut decoder = zstd::Decoder::new(bytes).map_err(|e| e.to_string())?;
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut decoder, &mut json).map_err(|e| e.to_string())?;
    serde_json::from_slice(&json).map_err(|e| e.to_string())
}

//! The standalone edge list: a CSV with at least the columns `source,target,weight`, read
//! for backboning and written back with the method's score.

use std::collections::HashMap;
use std::io::{Read, Write};

use super::{EdgeScore, Method};

#[derive(Debug, thiserror::Error)]
pub enum EdgeListError {
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("the header must name the columns source, target and weight; it has: {found}")]
    MissingColumns { found: String },
    #[error("line {line}: weight `{value}` is not a finite number ≥ 0")]
    BadWeight { line: u64, value: String },
    #[error("line {line}: the edge {source_node} – {target_node} appears twice (first on line {first})")]
    Duplicate {
        line: u64,
        first: u64,
        source_node: String,
        target_node: String,
    },
    #[error("line {line}: empty node name")]
    EmptyNode { line: u64 },
    #[error("writing the output: {0}")]
    Write(String),
}

/// An edge list as read: node names interned, rows kept for writing back.
#[derive(Debug, Clone)]
pub struct EdgeList {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub names: Vec<String>,
    pub edges: Vec<(u32, u32, f64)>,
}

pub fn read_edge_list(input: impl Read, directed: bool) -> Result<EdgeList, EdgeListError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let csv_error = |e: csv::Error| EdgeListError::Csv {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(s), Some(t), Some(w)) = (col("source"), col("target"), col("weight")) else {
        return Err(EdgeListError::MissingColumns {
            found: header.join(","),
        });
    };

    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names = Vec::new();
    let mut seen: HashMap<(u32, u32), u64> = HashMap::new();
    let mut rows = Vec::new();
    let mut edges = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let mut intern = |name: &str| -> Result<u32, EdgeListError> {
            let name = name.trim();
            if name.is_empty() {
                return Err(EdgeListError::EmptyNode { line });
            }
            if let Some(&i) = ids.get(name) {
                return Ok(i);
            }
            let i = names.len() as u32;
            names.push(name.to_owned());
            ids.insert(name.to_owned(), i);
            Ok(i)
        };
        let a = intern(&record[s])?;
        let b = intern(&record[t])?;
        let raw = record[w].trim();
        let weight: f64 = raw
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| EdgeListError::BadWeight {
                line,
                value: raw.to_owned(),
            })?;
        let key = if directed || a <= b { (a, b) } else { (b, a) };
        if let Some(&first) = seen.get(&key) {
            return Err(EdgeListError::Duplicate {
                line,
                first,
                source_node: record[s].trim().to_owned(),
                target_node: record[t].trim().to_owned(),
            });
        }
        seen.insert(key, line);
        rows.push(record.iter().map(str::to_owned).collect());
        edges.push((a, b, weight));
    }
    Ok(EdgeList {
        header,
        rows,
        names,
        edges,
    })
}

/// Writes the kept rows (or, with `all`, every row and a `kept` column) with the method's
/// score column; noise-corrected adds its standard deviation as `sdev`.
pub fn write_scored_edge_list(
    list: &EdgeList,
    method: Method,
    scores: &[EdgeScore],
    all: bool,
    output: impl Write,
) -> Result<(), EdgeListError> {
    let err = |e: csv::Error| EdgeListError::Write(e.to_string());
    let mut w = csv::Writer::from_writer(output);
    let mut header = list.header.clone();
    header.push(method.score_column().to_owned());
    let with_sdev = matches!(method, Method::NoiseCorrected { .. });
    if with_sdev {
        header.push("sdev".to_owned());
    }
    if all {
        header.push("kept".to_owned());
    }
    w.write_record(&header).map_err(err)?;
    for (row, score) in list.rows.iter().zip(scores) {
        if !all && !score.keep {
            continue;
        }
        let mut out = row.clone();
        out.push(crate::model::format_float(score.score));
        if with_sdev {
            out.push(crate::model::format_float(score.sdev.unwrap_or(0.0)));
        }
        if all {
            out.push(score.keep.to_string());
        }
        w.write_record(&out).map_err(err)?;
    }
    w.flush().map_err(|e| EdgeListError::Write(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_errors_for_bad_lists() {
        let e = read_edge_list("from,to,weight\na,b,1\n".as_bytes(), false).unwrap_err();
        assert!(e.to_string().contains("source, target and weight"), "{e}");
        let e = read_edge_list("source,target,weight\na,b,x\n".as_bytes(), false).unwrap_err();
        assert_eq!(e.to_string(), "line 2: weight `x` is not a finite number ≥ 0");
        let e = read_edge_list("source,target,weight\na,b,1\nb,a,2\n".as_bytes(), false).unwrap_err();
        assert!(e.to_string().contains("appears twice (first on line 2)"), "{e}");
        // Directed: a→b and b→a are different edges.
        assert!(read_edge_list("source,target,weight\na,b,1\nb,a,2\n".as_bytes(), true).is_ok());
        let e = read_edge_list("source,target,weight\na,b\n".as_bytes(), true).unwrap_err();
        assert!(e.to_string().starts_with("line 2:"), "{e}");
    }
}

//! The actor table as CSV, for curating in a spreadsheet: one row per website with its
//! status, name, merge and one column per category. Reading checks every row and reports
//! each problem with its line, so a table is applied whole or not at all.
//!
//! Pure: text in, rows or line-numbered problems out.

use std::collections::BTreeMap;

use contract::FieldIssue;
use store::WebsiteStatus;

use crate::rules;

/// The columns every table has; any other column is a category.
pub const FIXED_COLUMNS: [&str; 6] = ["website", "kind", "origin", "status", "name", "merged_into"];
/// Rows read from one table.
pub const MAX_ROWS: usize = 100_000;

/// One website's row, as written or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Line in the file (the header is line 1); 0 when written.
    pub line: u64,
    pub website: String,
    /// Written for reading; ignored when read (it follows from the unit).
    pub kind: String,
    /// Written for reading; ignored when read.
    pub origin: String,
    /// `None`: the project's default for how the website was found.
    pub status: Option<WebsiteStatus>,
    pub name: Option<String>,
    pub merged_into: Option<String>,
    /// Empty cells are left out.
    pub categories: BTreeMap<String, String>,
}

/// Writes rows under a header naming the fixed columns and then `categories`, sorted.
pub fn write(rows: &[TableRow]) -> String {
    let mut keys: Vec<&String> = rows.iter().flat_map(|r| r.categories.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = FIXED_COLUMNS.to_vec();
    header.extend(keys.iter().map(|k| k.as_str()));
    // Writing to memory cannot fail.
    let _ = out.write_record(&header);
    for r in rows {
        let mut record = vec![
            r.website.clone(),
            r.kind.clone(),
            r.origin.clone(),
            r.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            r.name.clone().unwrap_or_default(),
            r.merged_into.clone().unwrap_or_default(),
        ];
        record.extend(
            keys.iter()
                .map(|k| r.categories.get(*k).cloned().unwrap_or_default()),
        );
        let _ = out.write_record(&record);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Reads a table; every problem is a `line N` issue (`file` for the file as a whole).
pub fn read(text: &str) -> Result<Vec<TableRow>, Vec<FieldIssue>> {
    let (rows, issues) = read_all(text);
    if issues.is_empty() { Ok(rows) } else { Err(issues) }
}

/// The rows that could be read and every problem found, so a caller checking the rows
/// further can report everything at once.
pub fn read_all(text: &str) -> (Vec<TableRow>, Vec<FieldIssue>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_owned())
            .collect(),
        Err(e) => return (Vec::new(), vec![FieldIssue::new("file", format!("line 1: {e}"))]),
    };
    let mut issues = Vec::new();
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(website_col) = column("website") else {
        return (
            Vec::new(),
            vec![FieldIssue::new(
                "file",
                "line 1: the header needs a `website` column",
            )],
        );
    };
    let (status_col, name_col, merged_col) = (column("status"), column("name"), column("merged_into"));
    let mut categories = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if FIXED_COLUMNS.iter().any(|f| h.eq_ignore_ascii_case(f)) {
            continue;
        }
        if let Err(message) = rules::category_key(h) {
            issues.push(FieldIssue::new(
                "file",
                format!("line 1: column `{h}`: {message}"),
            ));
        }
        if categories.iter().any(|(_, k): &(usize, String)| k == h) {
            issues.push(FieldIssue::new(
                "file",
                format!("line 1: column `{h}` appears twice"),
            ));
        }
        categories.push((i, h.clone()));
    }
    if categories.len() > rules::MAX_CATEGORIES {
        issues.push(FieldIssue::new(
            "file",
            format!("line 1: at most {} category columns", rules::MAX_CATEGORIES),
        ));
    }

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                issues.push(FieldIssue::new(format!("line {line}"), e.to_string()));
                if issues.len() > 100 {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() == MAX_ROWS {
            issues.push(FieldIssue::new(
                format!("line {line}"),
                format!("a table has at most {MAX_ROWS} rows"),
            ));
            break;
        }
        let field = format!("line {line}");
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).filter(|s| !s.is_empty());
        let website = cell(Some(website_col)).unwrap_or_default().to_owned();
        if website.is_empty() {
            issues.push(FieldIssue::new(field.clone(), "`website` is empty"));
        }
        let status = match cell(status_col) {
            None => None,
            Some(s) => match s.to_ascii_lowercase().parse::<WebsiteStatus>() {
                Ok(s) => Some(s),
                Err(e) => {
                    issues.push(FieldIssue::new(field.clone(), format!("status: {e}")));
                    None
                }
            },
        };
        let name = cell(name_col).map(str::to_owned);
        if let Some(n) = &name
            && let Err(message) = rules::name(n)
        {
            issues.push(FieldIssue::new(field.clone(), format!("name: {message}")));
        }
        let mut values = BTreeMap::new();
        for (i, key) in &categories {
            if let Some(v) = cell(Some(*i)) {
                if let Err(message) = rules::category_value(v) {
                    issues.push(FieldIssue::new(field.clone(), format!("{key}: {message}")));
                }
                values.insert(key.clone(), v.to_owned());
            }
        }
        rows.push(TableRow {
            line,
            website,
            kind: String::new(),
            origin: String::new(),
            status,
            name,
            merged_into: cell(merged_col).map(str::to_owned),
            categories: values,
        });
        if issues.len() > 100 {
            break;
        }
    }
    (rows, issues)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn row(website: &str) -> TableRow {
        TableRow {
            line: 0,
            website: website.into(),
            kind: "domain".into(),
            origin: "search".into(),
            status: None,
            name: None,
            merged_into: None,
            categories: BTreeMap::new(),
        }
    }

    #[test]
    fn a_written_table_reads_back() {
        let mut a = row("tv2.dk");
        a.status = Some(WebsiteStatus::In);
        a.name = Some("TV 2, \"news\"".into());
        a.categories.insert("sector".into(), "media".into());
        let mut b = row("nyheder.tv2.dk");
        b.kind = "host".into();
        b.merged_into = Some("tv2.dk".into());
        b.categories.insert("stance".into(), "neutral".into());
        let text = write(&[a.clone(), b.clone()]);
        assert!(text.starts_with("website,kind,origin,status,name,merged_into,sector,stance\n"));
        let back = read(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!((back[0].line, back[1].line), (2, 3));
        assert_eq!(back[0].name, a.name);
        assert_eq!(back[0].status, a.status);
        assert_eq!(back[0].categories, a.categories);
        assert_eq!(back[1].merged_into.as_deref(), Some("tv2.dk"));
        assert_eq!(back[1].categories, b.categories);
    }

    #[test]
    fn problems_name_their_lines() {
        let text = "website,status,bad key!\nens.dk,maybe,x\n,in,y\ndr.dk,in\n";
        let issues = read(text).unwrap_err();
        let fields: Vec<String> = issues
            .iter()
            .map(|i| format!("{}: {}", i.field, i.message))
            .collect();
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("file: line 1: column `bad key!`")),
            "{fields:?}"
        );
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("line 2: status: unknown status `maybe`")),
            "{fields:?}"
        );
        assert!(
            fields.iter().any(|f| f.starts_with("line 3: `website` is empty")),
            "{fields:?}"
        );
        assert!(fields.iter().any(|f| f.starts_with("line 4:")), "{fields:?}");
        assert!(
            read("status,name\nin,x\n").unwrap_err()[0]
                .message
                .contains("`website` column")
        );
    }

    proptest! {
        #[test]
        fn any_text_reads_or_is_refused_without_panicking(text in "\\PC{0,400}") {
            let _ = read(&text);
        }
    }
}

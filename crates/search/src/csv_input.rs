//! Queries from a CSV upload: a `query` column and optional per-query `max_results`,
//! `language`, `country`, `date_from`, `date_to`. A file with any bad row is refused whole.

use chrono::NaiveDate;

use contract::FieldIssue;

use crate::request::{QueryInput, QueryOverrides};

const COLUMNS: [&str; 6] = [
    "query",
    "max_results",
    "language",
    "country",
    "date_from",
    "date_to",
];

/// Parses the file; errors name their line (1 = header).
pub fn parse_queries(bytes: &[u8]) -> Result<Vec<QueryInput>, Vec<FieldIssue>> {
    let issue = |line: u64, message: String| FieldIssue {
        field: "file".into(),
        message: format!("line {line}: {message}"),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![issue(1, csv_message(&e))]),
    };
    let mut index = [None; COLUMNS.len()];
    let mut issues = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(c) if index[c].is_some() => issues.push(issue(1, format!("column `{h}` appears twice"))),
            Some(c) => index[c] = Some(i),
            None => issues.push(issue(
                1,
                format!("unknown column `{h}` (expected query, max_results, language, country, date_from, date_to)"),
            )),
        }
    }
    if index[0].is_none() {
        issues.push(issue(1, "a `query` column is required".into()));
    }
    if !issues.is_empty() {
        return Err(issues);
    }

    let mut queries = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                issues.push(issue(line, csv_message(&e)));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |c: usize| index[c].and_then(|i| record.get(i)).filter(|v| !v.is_empty());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let Some(text) = cell(0) else {
            issues.push(issue(line, "query is empty".into()));
            continue;
        };
        let mut overrides = QueryOverrides::default();
        if let Some(v) = cell(1) {
            match v.parse::<u32>() {
                Ok(n) => overrides.max_results = Some(n),
                Err(_) => issues.push(issue(line, format!("max_results `{v}` is not a whole number"))),
            }
        }
        overrides.language = cell(2).map(str::to_owned);
        overrides.country = cell(3).map(str::to_owned);
        for (c, slot) in [(4, &mut overrides.date_from), (5, &mut overrides.date_to)] {
            if let Some(v) = cell(c) {
                match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                    Ok(d) => *slot = Some(d),
                    Err(_) => issues.push(issue(
                        line,
                        format!("{} `{v}` is not a date (YYYY-MM-DD)", COLUMNS[c]),
                    )),
                }
            }
        }
        queries.push(QueryInput {
            text: text.to_owned(),
            overrides,
            origin: format!("file line {line}"),
        });
    }
    if queries.is_empty() && issues.is_empty() {
        issues.push(issue(2, "the file has no queries".into()));
    }
    if issues.is_empty() {
        Ok(queries)
    } else {
        Err(issues)
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".into(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(r: Result<Vec<QueryInput>, Vec<FieldIssue>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn reads_queries_with_overrides() {
        let q = parse_queries(
            "\u{feff}Query,max_results,language,date_from\nvindkraft,50,da,2024-01-01\n\"solar, panels\",,,\n\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].text, "vindkraft");
        assert_eq!(q[0].overrides.max_results, Some(50));
        assert_eq!(q[0].overrides.date_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(q[0].origin, "file line 2");
        assert_eq!(q[1].text, "solar, panels");
        assert_eq!(q[1].overrides, QueryOverrides::default());
    }

    #[test]
    fn bad_rows_are_reported_by_line() {
        let got = messages(parse_queries(
            b"query,max_results,date_to\nok,10,\n,5,\nx,many,\ny,3,31/12/2024\nz,1\n",
        ));
        assert_eq!(
            got,
            vec![
                "line 3: query is empty",
                "line 4: max_results `many` is not a whole number",
                "line 5: date_to `31/12/2024` is not a date (YYYY-MM-DD)",
                "line 6: has 2 fields where the header has 3",
            ]
        );
    }

    #[test]
    fn headers_are_checked() {
        assert_eq!(
            messages(parse_queries(b"text\nx\n")),
            vec![
                "line 1: unknown column `text` (expected query, max_results, language, country, date_from, date_to)",
                "line 1: a `query` column is required"
            ]
        );
        assert_eq!(
            messages(parse_queries(b"query\n")),
            vec!["line 2: the file has no queries"]
        );
        assert_eq!(
            messages(parse_queries(b"query\n\xff\xfe\n")),
            vec!["line 2: is not valid UTF-8"]
        );
    }
}

//! A scraping job's pages as JSON Lines or CSV, streamed in keyset batches so a job of any
//! size exports in constant memory. The API and the CLI share this.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;
use store::{CrawlId, Page, PageFilter, PageRequest, Store, StoreError, UserId};

/// Pages read from the store per batch.
const BATCH: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One JSON object per line; links and redirects as arrays.
    Jsonl,
    /// RFC 4180 with a header row; links and redirects space-separated.
    Csv,
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "application/x-ndjson",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Ok(ExportFormat::Jsonl),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(format!("unknown export format `{other}`: use jsonl or csv")),
        }
    }
}

/// The exported columns, in order. Part of the export format: append, never reorder.
pub const COLUMNS: [&str; 25] = [
    "id",
    "crawl_id",
    "url",
    "final_url",
    "host",
    "domain",
    "depth",
    "parent_url",
    "status_code",
    "content_type",
    "fetched_at",
    "title",
    "description",
    "published",
    "language",
    "language_confidence",
    "words",
    "extraction_method",
    "error_reason",
    "content_hash",
    "redirects",
    "outlinks",
    "text",
    "rendered",
    "render_error",
];

#[derive(Serialize)]
struct Record<'a> {
    id: store::PageId,
    crawl_id: CrawlId,
    url: &'a str,
    final_url: Option<&'a str>,
    host: &'a str,
    domain: &'a str,
    depth: i32,
    parent_url: Option<&'a str>,
    status_code: Option<i32>,
    content_type: Option<&'a str>,
    fetched_at: String,
    title: Option<&'a str>,
    description: Option<&'a str>,
    published: Option<&'a str>,
    language: Option<&'a str>,
    language_confidence: Option<f64>,
    words: i32,
    extraction_method: Option<&'a str>,
    error_reason: Option<&'a str>,
    content_hash: Option<&'a str>,
    redirects: Vec<&'a str>,
    outlinks: Vec<&'a str>,
    text: Option<&'a str>,
    rendered: bool,
    render_error: Option<&'a str>,
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn record(p: &Page) -> Record<'_> {
    Record {
        id: p.id,
        crawl_id: p.crawl_id,
        url: &p.url,
        final_url: p.final_url.as_deref(),
        host: &p.host,
        domain: &p.domain,
        depth: p.depth,
        parent_url: p.parent_url.as_deref(),
        status_code: p.status_code,
        content_type: p.content_type.as_deref(),
        fetched_at: p.fetched_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        title: p.title.as_deref(),
        description: p.description.as_deref(),
        published: p.published.as_deref(),
        language: p.language.as_deref(),
        language_confidence: p.language_confidence,
        words: p.words,
        extraction_method: p.extraction_method.as_deref(),
        error_reason: p.error_reason.as_deref(),
        content_hash: p.content_hash.as_deref(),
        redirects: strings(&p.redirects),
        outlinks: strings(&p.outlinks),
        text: p.text.as_deref(),
        rendered: p.rendered,
        render_error: p.render_error.as_deref(),
    }
}

/// Writes the format's header (CSV only).
pub fn header(format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Jsonl => Vec::new(),
        ExportFormat::Csv => csv_line(COLUMNS.iter().map(|c| (*c).to_owned())),
    }
}

/// One page as one JSON line or one CSV record.
pub fn encode(format: ExportFormat, page: &Page) -> Vec<u8> {
    let r = record(page);
    match format {
        ExportFormat::Jsonl => {
            // A struct of strings and numbers always serializes.
            let mut line = serde_json::to_vec(&r).unwrap_or_default();
            line.push(b'\n');
            line
        }
        ExportFormat::Csv => {
            let opt = |v: Option<&str>| v.unwrap_or_default().to_owned();
            let num = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
            csv_line([
                r.id.to_string(),
                r.crawl_id.to_string(),
                r.url.to_owned(),
                opt(r.final_url),
                r.host.to_owned(),
                r.domain.to_owned(),
                r.depth.to_string(),
                opt(r.parent_url),
                num(r.status_code),
                opt(r.content_type),
                r.fetched_at,
                opt(r.title),
                opt(r.description),
                opt(r.published),
                opt(r.language),
                r.language_confidence
                    .map(|c| format!("{c:.4}"))
                    .unwrap_or_default(),
                r.words.to_string(),
                opt(r.extraction_method),
                opt(r.error_reason),
                opt(r.content_hash),
                r.redirects.join(" "),
                r.outlinks.join(" "),
                opt(r.text),
                r.rendered.to_string(),
                opt(r.render_error),
            ])
        }
    }
}

fn csv_line(fields: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(fields);
    writer.into_inner().unwrap_or_default()
}

/// One chunk of an export: the bytes and how many pages they hold.
pub struct Chunk {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

pub type ExportStream = Pin<Box<dyn Stream<Item = Result<Chunk, StoreError>> + Send>>;

/// The job's pages (the caller has checked ownership) as a stream of encoded chunks,
/// header first.
pub fn stream(
    store: Arc<dyn Store>,
    owner: UserId,
    crawl: CrawlId,
    filter: PageFilter,
    format: ExportFormat,
) -> ExportStream {
    struct State {
        store: Arc<dyn Store>,
        after: Option<i64>,
        started: bool,
        done: bool,
    }
    let state = State {
        store,
        after: None,
        started: false,
        done: false,
    };
    // Fused: a compressing body polls its source once more after the end, and `unfold`
    // panics when polled after it returned `None` (which cut gzip/br exports short).
    Box::pin(
        futures::stream::unfold(state, move |mut s| {
            let filter = filter.clone();
            async move {
                if s.done {
                    return None;
                }
                if !s.started {
                    s.started = true;
                    return Some((
                        Ok(Chunk {
                            bytes: header(format),
                            pages: 0,
                        }),
                        s,
                    ));
                }
                let request = PageRequest {
                    after: s.after,
                    limit: BATCH,
                };
                match s.store.list_pages(owner, crawl, &filter, request).await {
                    Err(e) => {
                        s.done = true;
                        Some((Err(e), s))
                    }
                    Ok(pages) if pages.is_empty() => None,
                    Ok(pages) => {
                        s.done = pages.len() < BATCH as usize;
                        s.after = pages.last().map(|p| p.id.get());
                        let mut bytes = Vec::with_capacity(pages.len() * 4096);
                        for p in &pages {
                            bytes.extend(encode(format, p));
                        }
                        Some((
                            Ok(Chunk {
                                bytes,
                                pages: pages.len(),
                            }),
                            s,
                        ))
                    }
                }
            }
        })
        .fuse(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn page() -> Page {
        Page {
            id: store::PageId::new(7),
            crawl_id: store::CrawlId::new(2),
            url: "https://ens.dk/vind".into(),
            final_url: Some("https://www.ens.dk/vind".into()),
            host: "www.ens.dk".into(),
            domain: "ens.dk".into(),
            depth: 1,
            parent_url: Some("https://ens.dk/".into()),
            redirects: json!(["https://ens.dk/vind", "https://www.ens.dk/vind"]),
            status_code: Some(200),
            content_type: Some("text/html; charset=utf-8".into()),
            headers: json!({}),
            content_hash: Some("ab12".into()),
            title: Some("Vindmøller, \"på land\"".into()),
            text: Some("Første afsnit.\n\nAndet afsnit, med komma.".into()),
            words: 6,
            language: Some("da".into()),
            language_confidence: Some(0.987_654),
            description: None,
            published: Some("2026-03-01".into()),
            outlinks: json!(["https://ens.dk/a", "https://ens.dk/b"]),
            extraction_method: Some("trafilatura".into()),
            error_reason: None,
            fetched_at: chrono::Utc.with_ymd_and_hms(2026, 11, 28, 7, 0, 0).unwrap(),
            rendered: false,
            render_error: None,
            anchors: Vec::new(),
        }
    }

    #[test]
    fn jsonl_is_one_object_per_line_with_every_column_in_order() {
        let line = String::from_utf8(encode(ExportFormat::Jsonl, &page())).unwrap();
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1, "{line}");
        let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, Value>>(&line)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut expected: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        expected.sort();
        let mut keys = keys;
        keys.sort();
        assert_eq!(keys, expected);
        insta::assert_snapshot!("export_jsonl", line);
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut out = header(ExportFormat::Csv);
        out.extend(encode(ExportFormat::Csv, &page()));
        let text = String::from_utf8(out.clone()).unwrap();
        insta::assert_snapshot!("export_csv", text);
        let mut reader = csv::Reader::from_reader(out.as_slice());
        assert_eq!(reader.headers().unwrap().len(), COLUMNS.len());
        let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][11], "Vindmøller, \"på land\"");
        assert_eq!(&rows[0][22], "Første afsnit.\n\nAndet afsnit, med komma.");
        assert_eq!(&rows[0][21], "https://ens.dk/a https://ens.dk/b");
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!("CSV".parse::<ExportFormat>(), Ok(ExportFormat::Csv));
        assert_eq!("ndjson".parse::<ExportFormat>(), Ok(ExportFormat::Jsonl));
        assert!("xlsx".parse::<ExportFormat>().is_err());
    }
}

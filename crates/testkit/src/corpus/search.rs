//! A search engine over the demo corpus that speaks SearXNG's JSON API
//! (`GET /search?q=…&format=json&pageno=N&language=da`), so the platform's production
//! SearXNG client runs unchanged against it. Ranking is Okapi BM25 (k1 = 1.2, b = 0.75)
//! over title and text, the title counted twice.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::Document;

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Results per page, as a SearXNG instance returns them.
const PAGE_SIZE: usize = 10;

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

struct Indexed {
    terms: HashMap<String, u32>,
    length: u32,
}

/// The index: term frequencies per document and document frequencies.
pub struct Index {
    docs: Vec<Document>,
    indexed: Vec<Indexed>,
    df: HashMap<String, u32>,
    average_length: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub url: String,
    pub title: String,
    pub snippet: String,
    pub published: Option<String>,
    pub score: f64,
}

impl Index {
    pub fn new(docs: Vec<Document>) -> Self {
        let mut df: HashMap<String, u32> = HashMap::new();
        let indexed: Vec<Indexed> = docs
            .iter()
            .map(|d| {
                let mut terms: HashMap<String, u32> = HashMap::new();
                let mut length = 0;
                for w in words(&d.title).chain(words(&d.title)).chain(words(&d.text)) {
                    *terms.entry(w).or_default() += 1;
                    length += 1;
                }
                for t in terms.keys() {
                    *df.entry(t.clone()).or_default() += 1;
                }
                Indexed { terms, length }
            })
            .collect();
        let average_length =
            indexed.iter().map(|d| f64::from(d.length)).sum::<f64>() / indexed.len().max(1) as f64;
        Self {
            docs,
            indexed,
            df,
            average_length,
        }
    }

    /// Documents matching any query word, best first (ties by URL), optionally only in one
    /// language (`da`, `en`, or a region such as `da-DK`).
    pub fn search(&self, query: &str, language: Option<&str>) -> Vec<SearchHit> {
        let danish = match language.map(|l| l.split('-').next().unwrap_or(l).to_ascii_lowercase()) {
            Some(l) if l == "da" => Some(true),
            Some(l) if l == "en" => Some(false),
            _ => None,
        };
        let n = self.docs.len() as f64;
        let terms: Vec<String> = words(query).collect();
        let mut hits: Vec<SearchHit> = self
            .docs
            .iter()
            .zip(&self.indexed)
            .filter(|(d, _)| danish.is_none_or(|da| d.danish == da))
            .filter_map(|(d, ix)| {
                let mut score = 0.0;
                for t in &terms {
                    let Some(&tf) = ix.terms.get(t) else { continue };
                    let df = f64::from(self.df.get(t).copied().unwrap_or(0));
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    let tf = f64::from(tf);
                    let norm = K1 * (1.0 - B + B * f64::from(ix.length) / self.average_length);
                    score += idf * tf * (K1 + 1.0) / (tf + norm);
                }
                (score > 0.0).then(|| SearchHit {
                    url: d.url.clone(),
                    title: d.title.clone(),
                    snippet: snippet(&d.text),
                    published: d.published.clone(),
                    score,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.url.cmp(&b.url)));
        hits
    }
}

fn snippet(text: &str) -> String {
    let mut out = String::new();
    for w in text.split_whitespace() {
        if out.len() + w.len() > 160 {
            out.push_str(" …");
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Searches the corpus as served at `port`.
pub fn search(port: u16, query: &str, language: Option<&str>) -> Vec<SearchHit> {
    Index::new(super::documents(port)).search(query, language)
}

#[derive(Debug, Deserialize)]
struct Params {
    q: Option<String>,
    format: Option<String>,
    pageno: Option<usize>,
    language: Option<String>,
}

/// The running search engine. Dropping it stops the server.
pub struct DemoSearch {
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
    requests: Arc<std::sync::atomic::AtomicUsize>,
}

impl Drop for DemoSearch {
    fn drop(&mut self) {
        self.server.abort();
    }
}

struct EngineState {
    index: Index,
    requests: Arc<std::sync::atomic::AtomicUsize>,
    /// Per (query, language), how many times its first page was asked: the round a
    /// request belongs to. A session and its re-run snapshot are rounds 1 and 2.
    rounds: std::sync::Mutex<HashMap<(String, String), u32>>,
}

/// Queries whose ranking moves after the first round, as an issue moves between two
/// snapshots of a search: the same words, a different web.
pub const MOVING_QUERIES: [&str; 3] = ["energiø Bornholm", "grøn brint Esbjerg", "solar parks farmland"];

/// The ranking of round `round`: the first round is BM25's; later rounds of a moving query
/// reverse its top five and lose the three after them (so results from further down move
/// into a session's window). Deterministic per round.
pub fn ranking_in_round(mut hits: Vec<SearchHit>, query: &str, round: u32) -> Vec<SearchHit> {
    if round < 2
        || !MOVING_QUERIES
            .iter()
            .any(|q| q.eq_ignore_ascii_case(query.trim()))
    {
        return hits;
    }
    let top = hits.len().min(5);
    hits[..top].reverse();
    let lost = (top + 3).min(hits.len());
    hits.drain(top..lost);
    hits
}

impl DemoSearch {
    /// Starts the engine over the corpus served at `corpus_port`.
    pub async fn start(corpus_port: u16) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let state = Arc::new(EngineState {
            index: Index::new(super::documents(corpus_port)),
            requests: requests.clone(),
            rounds: std::sync::Mutex::new(HashMap::new()),
        });
        let app = Router::new().route("/search", get(answer)).with_state(state);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            server,
            requests,
        })
    }

    /// The base URL to configure for the SearXNG engine (the client appends `/search`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many search requests arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

async fn answer(State(state): State<Arc<EngineState>>, Query(p): Query<Params>) -> Response {
    state.requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if p.format.as_deref() != Some("json") {
        // As a SearXNG instance without `json` in `search.formats` answers.
        return (StatusCode::FORBIDDEN, "format not allowed").into_response();
    }
    let q = p.q.unwrap_or_default();
    let page = p.pageno.unwrap_or(1).max(1);
    let round = {
        let mut rounds = state.rounds.lock().unwrap_or_else(|e| e.into_inner());
        let r = rounds
            .entry((q.clone(), p.language.clone().unwrap_or_default()))
            .or_insert(0);
        if page == 1 {
            *r += 1;
        }
        (*r).max(1)
    };
    let hits = ranking_in_round(state.index.search(&q, p.language.as_deref()), &q, round);
    let results: Vec<serde_json::Value> = hits
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|h| {
            serde_json::json!({
                "url": h.url,
                "title": h.title,
                "content": h.snippet,
                "publishedDate": h.published,
                "engine": "demo-bm25",
                "score": h.score,
            })
        })
        .collect();
    axum::Json(serde_json::json!({
        "query": q,
        "number_of_results": hits.len(),
        "results": results,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moving_query_ranks_differently_from_its_second_round_on() {
        let first = search(80, "energiø Bornholm", Some("da"));
        let again = ranking_in_round(first.clone(), "energiø Bornholm", 1);
        assert_eq!(again, first);
        let second = ranking_in_round(first.clone(), "energiø Bornholm", 2);
        assert_ne!(second, first);
        assert_eq!(second[0], first[4.min(first.len() - 1)]);
        assert_eq!(
            ranking_in_round(first.clone(), "energiø Bornholm", 3),
            second,
            "deterministic"
        );
        let steady = search(80, "havvind Nordsøen", Some("da"));
        assert_eq!(ranking_in_round(steady.clone(), "havvind Nordsøen", 2), steady);
    }

    #[test]
    fn bm25_ranks_the_on_topic_pages_first_and_filters_language() {
        let hits = search(80, "havvind Nordsøen", Some("da"));
        assert!(hits.len() > 10);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        let docs = super::super::documents(80);
        let text = |url: &str| {
            let d = docs.iter().find(|d| d.url == url).expect("indexed");
            format!("{} {}", d.title, d.text).to_lowercase()
        };
        for h in &hits[..5] {
            let t = text(&h.url);
            assert!(t.contains("havvind") && t.contains("nordsøen"), "{h:?}");
        }
        assert!(
            hits.iter().all(|h| !h.url.contains("havkraft.test")),
            "Havkraft writes in English"
        );
        let en = search(80, "offshore wind", Some("en"));
        assert!(!en.is_empty() && en.iter().all(|h| !h.url.contains("nordvind.test")));
        assert!(search(80, "zzzz", None).is_empty());
    }
}

//! The `analysis` job: works through a scraping job's pages in batches, analyses each batch
//! on every core, and writes each batch's terms in one transaction. A resumed run skips the
//! pages it already did; a cancel takes effect between batches.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use jobs::{JobContext, JobError, JobHandler};
use nlp::{Analyzer, Lang, TermOptions};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{EntityTerm, KeywordTerm, NounTerm, PageTermsRecord, PageText, Queue, SearchStatus};

pub const KIND: &str = "analysis";
/// Pages read, analysed and written together.
const BATCH: u32 = 64;
/// Below this many words a page is recorded as skipped.
pub const MIN_WORDS: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisPayload {
    pub analysis_id: store::AnalysisId,
}

/// What a run counts; stored with the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisOptions {
    /// Count proper nouns (PROPN) as nouns too [false].
    pub include_propn: bool,
    /// Shortest noun lemma kept, in characters [2].
    pub min_length: usize,
    /// Keyword phrases kept per page [20].
    pub max_keywords: usize,
    /// `in`: pages of the project's IN websites only [default]; `all`: every page. Pages
    /// left out are skipped as `curated_out` or `not_in_corpus`.
    #[schema(value_type = String)]
    pub corpus: curation::CorpusChoice,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        let t = TermOptions::default();
        Self {
            include_propn: t.include_propn,
            min_length: t.min_length,
            max_keywords: t.max_keywords,
            corpus: curation::CorpusChoice::In,
        }
    }
}

impl AnalysisOptions {
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if !(1..=50).contains(&self.min_length) {
            out.push(("min_length", "must be between 1 and 50"));
        }
        if self.max_keywords > 200 {
            out.push(("max_keywords", "must be at most 200"));
        }
        out
    }

    fn terms(&self) -> TermOptions {
        TermOptions {
            include_propn: self.include_propn,
            min_length: self.min_length,
            max_keywords: self.max_keywords,
        }
    }
}

/// The built-in models, loaded on first use and shared by every run of this process.
#[derive(Default)]
pub struct Models {
    en: OnceLock<Result<Arc<Analyzer>, String>>,
    da: OnceLock<Result<Arc<Analyzer>, String>>,
    de: OnceLock<Result<Arc<Analyzer>, String>>,
}

impl Models {
    fn get(&self, lang: Lang) -> Result<Arc<Analyzer>, String> {
        let cell = match lang {
            Lang::En => &self.en,
            Lang::Da => &self.da,
            Lang::De => &self.de,
        };
        cell.get_or_init(|| {
            nlp::models::analyzer(lang)
                .map(Arc::new)
                .map_err(|e| format!("the {lang} models would not load: {e}"))
        })
        .clone()
    }
}

pub struct RunAnalysis {
    models: Arc<Models>,
}

impl Default for RunAnalysis {
    fn default() -> Self {
        Self::new()
    }
}

impl RunAnalysis {
    pub fn new() -> Self {
        Self {
            models: Arc::new(Models::default()),
        }
    }
}

/// One page's terms, or why it has none.
fn left_out_record(corpus: &curation::Corpus, page: PageText) -> PageTermsRecord {
    let reason = search::urlnorm::normalize(&page.url)
        .ok()
        .and_then(|u| corpus.refusal(&u))
        .unwrap_or(curation::corpus::NOT_IN_CORPUS);
    PageTermsRecord {
        page_id: page.id,
        crawl_id: page.crawl_id,
        domain: page.domain,
        language: page.language,
        tokens: 0,
        skipped: Some(reason.to_owned()),
        nouns: Vec::new(),
        entities: Vec::new(),
        keywords: Vec::new(),
    }
}

fn analyse_page(models: &Models, page: &PageText, options: &TermOptions) -> PageTermsRecord {
    let mut record = PageTermsRecord {
        page_id: page.id,
        crawl_id: page.crawl_id,
        domain: page.domain.clone(),
        language: page.language.clone(),
        tokens: 0,
        skipped: None,
        nouns: Vec::new(),
        entities: Vec::new(),
        keywords: Vec::new(),
    };
    let lang = match page.language.as_deref().map(str::parse::<Lang>) {
        Some(Ok(lang)) => lang,
        Some(Err(_)) => {
            record.skipped = Some(format!(
                "unsupported language: {}",
                page.language.as_deref().unwrap_or_default()
            ));
            return record;
        }
        None => {
            record.skipped = Some("language unknown".into());
            return record;
        }
    };
    if page.text.split_whitespace().count() < MIN_WORDS {
        record.skipped = Some("too little text".into());
        return record;
    }
    let analyzer = match models.get(lang) {
        Ok(a) => a,
        Err(e) => {
            record.skipped = Some(e);
            return record;
        }
    };
    let terms = analyzer.analyze(&page.text, options);
    record.tokens = terms.tokens as i64;
    record.nouns = terms
        .nouns
        .into_iter()
        .map(|n| NounTerm {
            lemma: plain(n.lemma),
            count: i64::from(n.count),
            spans: n.spans,
        })
        .collect();
    record.entities = terms
        .entities
        .into_iter()
        .map(|e| EntityTerm {
            normalized: plain(e.normalized),
            label: e.label.as_str().to_owned(),
            surface: plain(e.surface),
            count: i64::from(e.count),
            spans: e.spans,
        })
        .collect();
    record.keywords = terms
        .keywords
        .into_iter()
        .map(|k| KeywordTerm {
            phrase: plain(k.phrase),
            score: k.score,
            count: i64::from(k.count),
            spans: k.spans,
        })
        .collect();
    record
}

/// A term without control characters: crawled text can carry them, and stored terms are
/// packed with control characters as separators when networks read them.
fn plain(term: String) -> String {
    if term.chars().any(char::is_control) {
        term.chars().filter(|c| !c.is_control()).collect()
    } else {
        term
    }
}

/// Analyses a batch on all cores (NLP is CPU work: off the async runtime).
async fn analyse_batch(
    models: Arc<Models>,
    pages: Vec<PageText>,
    options: TermOptions,
) -> Result<Vec<PageTermsRecord>, JobError> {
    tokio::task::spawn_blocking(move || {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(pages.len().max(1));
        let chunk = pages.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = pages
                .chunks(chunk)
                .map(|part| {
                    let (models, options) = (&models, &options);
                    scope.spawn(move || {
                        part.iter()
                            .map(|p| analyse_page(models, p, options))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| JobError::Failed("an analysis thread panicked".into()))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| parts.into_iter().flatten().collect())
        })
    })
    .await
    .map_err(|e| JobError::Failed(format!("analysis task failed: {e}")))?
}

#[async_trait]
impl JobHandler for RunAnalysis {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn queue(&self) -> Queue {
        Queue::Analysis
    }

    fn validate(&self, payload: &Value) -> Result<(), String> {
        serde_json::from_value::<AnalysisPayload>(payload.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let payload: AnalysisPayload =
            serde_json::from_value(payload).map_err(|e| JobError::Failed(format!("bad payload: {e}")))?;
        let outcome = self.execute(ctx, &payload).await;
        if let Err(JobError::Failed(_)) = &outcome {
            // The job row says why; the run must not look as if it were still going.
            ctx.store()
                .set_analysis_status(payload.analysis_id, SearchStatus::Failed)
                .await?;
        }
        outcome
    }
}

impl RunAnalysis {
    async fn execute(&self, ctx: &JobContext, payload: &AnalysisPayload) -> Result<Value, JobError> {
        let store = ctx.store().clone();
        let Some(run) = store.analysis_for_worker(payload.analysis_id).await? else {
            return Err(JobError::Failed("the analysis was deleted".into()));
        };
        let options: AnalysisOptions = serde_json::from_value(run.options.clone())
            .map_err(|e| JobError::Failed(format!("stored options are unreadable: {e}")))?;
        store.set_analysis_status(run.id, SearchStatus::Running).await?;
        let total = store.analysable_pages(run.project_id, run.scope).await?;
        let counts = store.analysis_counts(run.id).await?;
        let mut done = counts.analysed + counts.skipped;
        let mut skipped_by_reason: HashMap<String, i64> = HashMap::new();
        let corpus = curation::Corpus::load(store.as_ref(), run.project_id, options.corpus).await?;
        let mut after = None;
        loop {
            let pages = store.pages_to_analyze(&run, after, BATCH).await?;
            let Some(last) = pages.last().map(|p| p.id) else {
                break;
            };
            after = Some(last);
            // Pages the corpus leaves out are recorded as skipped, without analysing them.
            let (pages, left_out): (Vec<PageText>, Vec<PageText>) =
                pages.into_iter().partition(|p| corpus.take(&p.url).is_some());
            let mut records = analyse_batch(self.models.clone(), pages, options.terms()).await?;
            records.extend(left_out.into_iter().map(|p| left_out_record(&corpus, p)));
            for r in &records {
                if let Some(reason) = &r.skipped {
                    *skipped_by_reason.entry(reason.clone()).or_default() += 1;
                }
            }
            store.write_page_terms(&run, &records).await?;
            done += records.len() as i64;
            if let Err(e) = ctx
                .checkpoint(done, Some(total), format!("analysed {done} of {total} pages"))
                .await
            {
                if matches!(e, JobError::Cancelled) {
                    store.set_analysis_status(run.id, SearchStatus::Cancelled).await?;
                }
                return Err(e);
            }
        }
        store.set_analysis_status(run.id, SearchStatus::Done).await?;
        let counts = store.analysis_counts(run.id).await?;
        Ok(json!({
            "analysis_id": run.id,
            "analysed": counts.analysed,
            "skipped": counts.skipped,
            "skipped_by_reason": skipped_by_reason,
        }))
    }
}

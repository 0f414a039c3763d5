//! `observatory eval extraction DIR`: the trafilatura evaluation set, scored as upstream
//! scores it (see the set's README), for each of our extractors.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use extract::Strategy;
use extract::eval::{Counts, score_page};
use serde::Deserialize;

use crate::cli::EvalCommand;
use crate::commands::extract::read_document;

#[derive(Debug, Deserialize)]
struct Annotation {
    file: String,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

pub fn run(command: &EvalCommand) -> anyhow::Result<()> {
    match command {
        EvalCommand::Extraction { dir, extractor } => extraction(dir, extractor),
        EvalCommand::Nlp { data, models } => crate::commands::nlp::evaluate(data, models.as_deref()),
    }
}

fn extraction(dir: &Path, extractor: &str) -> anyhow::Result<()> {
    let strategies: Vec<(&str, Strategy)> = match extractor {
        "all" => vec![
            ("trafilatura", Strategy::Trafilatura),
            ("readability", Strategy::Readability),
            ("best", Strategy::Best),
        ],
        name => vec![(name, name.parse().map_err(anyhow::Error::msg)?)],
    };
    let path = dir.join("evaldata.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let annotations: BTreeMap<String, Annotation> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not the evaluation JSON", path.display()))?;
    let mut pages = Vec::with_capacity(annotations.len());
    for (url, a) in &annotations {
        let file = dir.join(format!("{}.gz", a.file));
        let bytes = read_document(Some(&file))?;
        pages.push((url::Url::parse(url).ok(), bytes, a));
    }
    println!("{} pages from {}", pages.len(), dir.display());
    println!(
        "{:<12} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "extractor", "precision", "recall", "accuracy", "F1", "ms/page"
    );
    for (name, strategy) in strategies {
        let mut total = Counts::default();
        let mut elapsed = Duration::ZERO;
        for (url, bytes, a) in &pages {
            let start = Instant::now();
            let decoded = extract::decode_html(bytes, None);
            // A refused page scores as an empty extraction (it has all the misses).
            let text = extract::extract(&decoded.text, url.as_ref(), strategy)
                .map(|page| page.text)
                .unwrap_or_default();
            elapsed += start.elapsed();
            total.add(score_page(&text, &a.with, &a.without));
        }
        println!(
            "{:<12} {:>9.3} {:>9.3} {:>9.3} {:>9.4} {:>9.2}",
            name,
            total.precision(),
            total.recall(),
            total.accuracy(),
            total.f1(),
            elapsed.as_secs_f64() * 1000.0 / pages.len().max(1) as f64
        );
    }
    Ok(())
}

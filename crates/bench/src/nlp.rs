//! `observatory bench nlp`: model load time, tagging speed and full analysis speed on one
//! core, over the running text of the test treebanks.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use nlp::Lang;

/// Prints a table per language and returns each language's analysis rate (tokens/s).
pub fn run(data: &Path, rounds: usize) -> anyhow::Result<Vec<(nlp::Lang, f64)>> {
    let mut rates = Vec::new();
    anyhow::ensure!(rounds >= 1, "--rounds must be at least 1");
    println!(
        "{:<4} {:>10} {:>10} {:>10} {:>14} {:>16}",
        "lang", "load pos", "load lemma", "load ner", "tag tokens/s", "analyse tokens/s"
    );
    for lang in Lang::ALL {
        let timed = |f: &dyn Fn() -> anyhow::Result<()>| -> anyhow::Result<f64> {
            let t = Instant::now();
            f()?;
            Ok(t.elapsed().as_secs_f64() * 1000.0)
        };
        let pos_ms = timed(&|| nlp::models::pos(lang).map(drop).map_err(Into::into))?;
        let lemma_ms = timed(&|| nlp::models::lemma(lang).map(drop).map_err(Into::into))?;
        let ner_ms = if lang == Lang::De {
            None
        } else {
            Some(timed(&|| nlp::models::ner(lang).map(drop).map_err(Into::into))?)
        };
        let tagger = nlp::models::pos(lang)?;
        let lemmas = nlp::models::lemma(lang)?;
        let ner = if lang == Lang::De {
            None
        } else {
            Some(nlp::models::ner(lang)?)
        };
        let path = data.join("ud").join(lang.code()).join("test.conllu");
        let gold = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))
            .and_then(|text| {
                nlp::conllu::parse(&text).with_context(|| format!("parsing {}", path.display()))
            })?;
        let text: String = gold
            .iter()
            .filter_map(|s| s.text.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        let sentences: Vec<Vec<&str>> = gold
            .iter()
            .map(|s| s.words.iter().map(|w| w.form.as_str()).collect())
            .collect();
        let tokens: usize = sentences.iter().map(Vec::len).sum();
        let started = Instant::now();
        let mut sink = 0usize;
        for _ in 0..rounds {
            for s in &sentences {
                sink += tagger.tag(s).len();
            }
        }
        let tag_rate = (tokens * rounds) as f64 / started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut analysed = 0usize;
        for _ in 0..rounds {
            for sentence in nlp::sentences(&text, lang) {
                let words: Vec<&str> = sentence.iter().map(|t| t.text.as_str()).collect();
                let tags = tagger.tag(&words);
                for (w, t) in words.iter().zip(&tags) {
                    sink += lemmas.lemma(w, *t).len();
                }
                if let Some(ner) = &ner {
                    sink += ner.label(&words, &tags).len();
                }
                analysed += words.len();
            }
        }
        let analyse_rate = analysed as f64 / started.elapsed().as_secs_f64();
        println!(
            "{:<4} {:>8.1}ms {:>8.1}ms {:>10} {:>14.0} {:>16.0}",
            lang.code(),
            pos_ms,
            lemma_ms,
            ner_ms.map_or("—".to_owned(), |ms| format!("{ms:.1}ms")),
            tag_rate,
            analyse_rate
        );
        std::hint::black_box(sink);
        rates.push((lang, analyse_rate));
    }
    Ok(rates)
}

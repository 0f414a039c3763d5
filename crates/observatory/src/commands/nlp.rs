//! `observatory train`, `observatory nlp` and `observatory eval nlp`: the NLP models made
//! from the shared treebanks, used, and held to their floors.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use nlp::eval::{POS_FLOORS, TagScores};
use nlp::{Lang, PosModel, Sentence, TrainOptions, Upos};

use crate::cli::{NlpCommand, TrainCommand};

fn read_conllu(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    nlp::conllu::parse(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The training files of a language's shipped model, and its held-out test file.
fn splits(data: &Path, lang: Lang, with_dev: bool) -> (Vec<PathBuf>, PathBuf) {
    let ud = data.join("ud").join(lang.code());
    match lang {
        // German has no train split: the bonus tagger learns from dev.
        Lang::De => (vec![ud.join("dev.conllu")], ud.join("test.conllu")),
        _ if with_dev => (
            vec![ud.join("train.conllu"), ud.join("dev.conllu")],
            ud.join("test.conllu"),
        ),
        _ => (vec![ud.join("train.conllu")], ud.join("dev.conllu")),
    }
}

pub fn train(command: &TrainCommand) -> anyhow::Result<()> {
    match command {
        TrainCommand::Pos {
            lang,
            data,
            out,
            no_dev,
        } => {
            let (files, _) = splits(data, *lang, !no_dev);
            let mut sentences = Vec::new();
            for f in &files {
                sentences.extend(read_conllu(f)?);
            }
            let tokens: usize = sentences.iter().map(|s| s.words.len()).sum();
            eprintln!(
                "training the {lang} UPOS tagger on {} sentences, {tokens} words ({})",
                sentences.len(),
                files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" + ")
            );
            let started = Instant::now();
            let model = PosModel::train(*lang, &sentences, &TrainOptions::default());
            let bytes = model.to_bytes();
            std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
            let path = out.join(format!("pos-{lang}.bin"));
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "{}: {} features, {:.1} MiB, trained in {:.1} s",
                path.display(),
                model.feature_count(),
                bytes.len() as f64 / (1024.0 * 1024.0),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

fn load_pos(models: Option<&Path>, lang: Lang) -> anyhow::Result<PosModel> {
    match models {
        Some(dir) => {
            let path = dir.join(format!("pos-{lang}.bin"));
            let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            PosModel::from_bytes(&bytes).with_context(|| format!("loading {}", path.display()))
        }
        None => nlp::models::pos(lang).with_context(|| format!("loading the built-in {lang} tagger")),
    }
}

pub fn evaluate(data: &Path, models: Option<&Path>) -> anyhow::Result<()> {
    let mut missed = Vec::new();
    println!(
        "{:<4} {:>8} {:>9} {:>10} {:>9} {:>11}",
        "lang", "UPOS", "NOUN F1", "PROPN F1", "tokens", "tokens/s"
    );
    for lang in Lang::ALL {
        let model = load_pos(models, lang)?;
        let (_, test) = splits(data, lang, true);
        let gold = read_conllu(&test)?;
        let mut scores = TagScores::default();
        let started = Instant::now();
        for s in &gold {
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let predicted = model.tag(&words);
            let tags: Vec<Upos> = s.words.iter().map(|w| w.upos.unwrap_or(Upos::X)).collect();
            scores.add(&tags, &predicted);
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{:<4} {:>7.2}% {:>9.4} {:>10.4} {:>9} {:>11.0}",
            lang.code(),
            scores.accuracy() * 100.0,
            scores.f1(Upos::Noun),
            scores.f1(Upos::Propn),
            scores.tokens,
            scores.tokens as f64 / secs.max(1e-9)
        );
        if let Some(floor) = POS_FLOORS.iter().find(|f| f.lang == lang) {
            if scores.accuracy() < floor.upos {
                missed.push(format!("{lang} UPOS {:.4} < {}", scores.accuracy(), floor.upos));
            }
            if scores.f1(Upos::Noun) < floor.noun_f1 {
                missed.push(format!(
                    "{lang} NOUN F1 {:.4} < {}",
                    scores.f1(Upos::Noun),
                    floor.noun_f1
                ));
            }
        }
    }
    if missed.is_empty() {
        println!("all floors hold");
        Ok(())
    } else {
        anyhow::bail!("quality floors missed: {}", missed.join("; "))
    }
}

pub fn run(command: &NlpCommand) -> anyhow::Result<()> {
    match command {
        NlpCommand::Tag { lang, conllu, file } => tag(*lang, *conllu, file.as_deref()),
    }
}

fn tag(lang: Lang, conllu: bool, file: Option<&Path>) -> anyhow::Result<()> {
    let text = match file {
        Some(p) if p != Path::new("-") => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        _ => std::io::read_to_string(std::io::stdin()).context("reading standard input")?,
    };
    let model = load_pos(None, lang)?;
    // Each sentence: its words, its text when known, and whether a space follows each word.
    let sentences: Vec<(Vec<String>, Option<String>, Vec<bool>)> = if conllu {
        nlp::conllu::parse(&text)?
            .into_iter()
            .map(|s| {
                let n = s.words.len();
                (
                    s.words.into_iter().map(|w| w.form).collect(),
                    s.text,
                    vec![true; n],
                )
            })
            .collect()
    } else {
        nlp::sentences(&text, lang)
            .into_iter()
            .filter_map(|tokens| {
                let (first, last) = (tokens.first()?.start, tokens.last()?.end);
                let spaced = tokens
                    .windows(2)
                    .map(|w| w[0].end < w[1].start)
                    .chain(std::iter::once(true))
                    .collect();
                let sentence_text = text[first..last].split_whitespace().collect::<Vec<_>>().join(" ");
                Some((
                    tokens.into_iter().map(|t| t.text).collect(),
                    Some(sentence_text),
                    spaced,
                ))
            })
            .collect()
    };
    let mut out = String::new();
    for (n, (words, sentence_text, spaced)) in sentences.iter().enumerate() {
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let tags = model.tag(&refs);
        out.push_str(&format!("# sent_id = {}\n", n + 1));
        if let Some(t) = sentence_text {
            out.push_str(&format!("# text = {t}\n"));
        }
        for (i, (w, t)) in refs.iter().zip(&tags).enumerate() {
            let misc = if spaced[i] { "_" } else { "SpaceAfter=No" };
            out.push_str(&format!("{}\t{w}\t_\t{t}\t_\t_\t_\t_\t_\t{misc}\n", i + 1));
        }
        out.push('\n');
    }
    print!("{out}");
    Ok(())
}

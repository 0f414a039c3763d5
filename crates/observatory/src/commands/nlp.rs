//! `observatory train`, `observatory nlp` and `observatory eval nlp`: the NLP models made
//! from the shared treebanks, used, and held to their floors.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use nlp::eval::{EntityScores, LEMMA_FLOORS, LemmaScores, NER_FLOORS, POS_FLOORS, TagScores};
use std::collections::HashMap;

use nlp::{
    Lang, LemmaModel, LemmaTables, NerModel, NerSentence, NerTrainOptions, PosModel, Sentence, TrainOptions,
    Upos,
};

use crate::cli::{NlpCommand, TrainCommand};

fn read_all(files: &[PathBuf]) -> anyhow::Result<Vec<Sentence>> {
    let mut sentences = Vec::new();
    for f in files {
        sentences.extend(read_conllu(f)?);
    }
    Ok(sentences)
}

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
        TrainCommand::Ner {
            lang,
            data,
            out,
            no_dev,
        } => {
            anyhow::ensure!(
                *lang != Lang::De,
                "there is no German NER data yet: German NER stays off"
            );
            // The tagger must exist first: NER learns from predicted tags, as it will see them.
            let tagger = load_pos(Some(out), *lang).context("train the tagger into the same folder first")?;
            let ner = data.join("ner").join(lang.code());
            let mut sentences = ner_sentences(&ner.join("train.iob2"), &tagger)?;
            if !no_dev {
                sentences.extend(ner_sentences(&ner.join("dev.iob2"), &tagger)?);
            }
            let clusters = if *lang == Lang::En {
                read_clusters(data, CLUSTER_WORDS)?
            } else {
                HashMap::new()
            };
            let started = Instant::now();
            let model = NerModel::train(*lang, &sentences, clusters, &NerTrainOptions::default());
            let bytes = model.to_bytes();
            let path = out.join(format!("ner-{lang}.bin"));
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "{}: {:.1} MiB, trained on {} sentences in {:.1} s",
                path.display(),
                bytes.len() as f64 / (1024.0 * 1024.0),
                sentences.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        TrainCommand::Lemma {
            lang,
            data,
            out,
            no_dev,
        } => {
            let (files, _) = splits(data, *lang, !no_dev);
            let sentences = read_all(&files)?;
            let started = Instant::now();
            let model = LemmaModel::train(*lang, &sentences, lemma_tables(data, *lang)?);
            let bytes = model.to_bytes();
            std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
            let path = out.join(format!("lemma-{lang}.bin"));
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "{}: {:.1} MiB, built in {:.1} s",
                path.display(),
                bytes.len() as f64 / (1024.0 * 1024.0),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        TrainCommand::Pos {
            lang,
            data,
            out,
            no_dev,
        } => {
            let (files, _) = splits(data, *lang, !no_dev);
            let sentences = read_all(&files)?;
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

/// spaCy's lookup tables for `lang`, opened from `<data>/lookups`.
fn lemma_tables(data: &Path, lang: Lang) -> anyhow::Result<LemmaTables> {
    let lookups = data.join("lookups");
    nlp::spacy::lemma_tables(lang, |name| std::fs::File::open(lookups.join(name)))
        .with_context(|| format!("reading the lemma tables in {}", lookups.display()))
}

/// The Brown clusters of the most frequent English words.
fn read_clusters(data: &Path, keep: usize) -> anyhow::Result<HashMap<String, u32>> {
    let path = data.join("lookups").join(nlp::spacy::ENGLISH_CLUSTERS);
    let file = std::fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
    nlp::spacy::brown_clusters(file, keep).with_context(|| format!("parsing {}", path.display()))
}

/// Words kept from a Brown-cluster table in an NER model.
const CLUSTER_WORDS: usize = 200_000;

fn ner_sentences(path: &Path, tagger: &PosModel) -> anyhow::Result<Vec<(NerSentence, Vec<Upos>)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let sentences = nlp::ner::parse_iob2(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(sentences
        .into_iter()
        .map(|s| {
            let tokens: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let tags = tagger.tag(&tokens);
            (s, tags)
        })
        .collect())
}

/// A model from `<models>/<name>-<lang>.bin`, or the built-in one when no folder is given.
fn load<T>(
    models: Option<&Path>,
    name: &str,
    lang: Lang,
    from_bytes: fn(&[u8]) -> Result<T, nlp::ModelError>,
    built_in: fn(Lang) -> Result<T, nlp::ModelError>,
) -> anyhow::Result<T> {
    match models {
        Some(dir) => {
            let path = dir.join(format!("{name}-{lang}.bin"));
            let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            from_bytes(&bytes).with_context(|| format!("loading {}", path.display()))
        }
        None => built_in(lang).with_context(|| format!("loading the built-in {lang} {name} model")),
    }
}

fn load_ner(models: Option<&Path>, lang: Lang) -> anyhow::Result<Option<NerModel>> {
    if lang == Lang::De {
        return Ok(None);
    }
    load(models, "ner", lang, NerModel::from_bytes, nlp::models::ner).map(Some)
}

fn load_lemma(models: Option<&Path>, lang: Lang) -> anyhow::Result<LemmaModel> {
    load(models, "lemma", lang, LemmaModel::from_bytes, nlp::models::lemma)
}

fn load_pos(models: Option<&Path>, lang: Lang) -> anyhow::Result<PosModel> {
    load(models, "pos", lang, PosModel::from_bytes, nlp::models::pos)
}

pub fn evaluate(data: &Path, models: Option<&Path>) -> anyhow::Result<()> {
    let mut missed = Vec::new();
    println!(
        "{:<4} {:>8} {:>9} {:>10} {:>8} {:>11} {:>9} {:>11}",
        "lang", "UPOS", "NOUN F1", "PROPN F1", "lemma", "NOUN lemma", "tokens", "tokens/s"
    );
    for lang in Lang::ALL {
        let model = load_pos(models, lang)?;
        let lemmas = load_lemma(models, lang)?;
        let mut lemma_scores = LemmaScores::default();
        let (_, test) = splits(data, lang, true);
        let gold = read_conllu(&test)?;
        let mut scores = TagScores::default();
        let started = Instant::now();
        for s in &gold {
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let predicted = model.tag(&words);
            let tags: Vec<Upos> = s.words.iter().map(|w| w.upos.unwrap_or(Upos::X)).collect();
            scores.add(&tags, &predicted);
            for (w, p) in s.words.iter().zip(&predicted) {
                lemma_scores.add(&w.lemma, &lemmas.lemma(&w.form, *p), w.upos == Some(Upos::Noun));
            }
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{:<4} {:>7.2}% {:>9.4} {:>10.4} {:>7.2}% {:>10.2}% {:>9} {:>11.0}",
            lang.code(),
            scores.accuracy() * 100.0,
            scores.f1(Upos::Noun),
            scores.f1(Upos::Propn),
            lemma_scores.accuracy() * 100.0,
            lemma_scores.noun_accuracy() * 100.0,
            scores.tokens,
            scores.tokens as f64 / secs.max(1e-9)
        );
        if let Some(floor) = LEMMA_FLOORS.iter().find(|f| f.lang == lang)
            && lemma_scores.noun_accuracy() < floor.noun
        {
            missed.push(format!(
                "{lang} NOUN lemma {:.4} < {}",
                lemma_scores.noun_accuracy(),
                floor.noun
            ));
        }
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
    println!(
        "\n{:<4} {:>9} {:>7} {:>7} {:>7} {:>9}",
        "lang", "NER", "P", "R", "F1", "entities"
    );
    for floor in NER_FLOORS {
        let lang = floor.lang;
        let (Some(ner), tagger) = (load_ner(models, lang)?, load_pos(models, lang)?) else {
            continue;
        };
        let gold = ner_sentences(&data.join("ner").join(lang.code()).join("test.iob2"), &tagger)?;
        let mut scores = EntityScores::default();
        for (s, tags) in &gold {
            let tokens: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            scores.add(&s.labels, &ner.label(&tokens, tags));
        }
        println!(
            "{:<4} {:>9} {:>7.3} {:>7.3} {:>7.4} {:>9}",
            lang.code(),
            "PER/ORG/LOC",
            scores.precision(),
            scores.recall(),
            scores.f1(),
            scores.gold
        );
        if scores.f1() < floor.f1 {
            missed.push(format!("{lang} NER F1 {:.4} < {}", scores.f1(), floor.f1));
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
        NlpCommand::Terms { lang, propn, file } => terms(lang, *propn, file.as_deref()),
    }
}

fn tag(lang: Lang, conllu: bool, file: Option<&Path>) -> anyhow::Result<()> {
    let text = read_input(file)?;
    let model = load_pos(None, lang)?;
    let lemmas = load_lemma(None, lang)?;
    let ner = load_ner(None, lang)?;
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
        let entities = ner.as_ref().map(|m| m.label(&refs, &tags));
        out.push_str(&format!("# sent_id = {}\n", n + 1));
        if let Some(t) = sentence_text {
            out.push_str(&format!("# text = {t}\n"));
        }
        for (i, (w, t)) in refs.iter().zip(&tags).enumerate() {
            let mut misc = Vec::new();
            if let Some(labels) = &entities {
                misc.push(format!("NER={}", labels[i]));
            }
            if !spaced[i] {
                misc.push("SpaceAfter=No".to_owned());
            }
            let misc = if misc.is_empty() {
                "_".to_owned()
            } else {
                misc.join("|")
            };
            let lemma = lemmas.lemma(w, *t);
            out.push_str(&format!("{}\t{w}\t{lemma}\t{t}\t_\t_\t_\t_\t_\t{misc}\n", i + 1));
        }
        out.push('\n');
    }
    print!("{out}");
    Ok(())
}

/// `observatory bench nlp`: one core, release build expected.
/// Prints the NLP benchmark and returns full-analysis tokens/s per language.
fn read_input(file: Option<&Path>) -> anyhow::Result<String> {
    match file {
        Some(p) if p != Path::new("-") => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
        }
        _ => std::io::read_to_string(std::io::stdin()).context("reading standard input"),
    }
}

/// The language to analyse `text` as: given, or identified among the languages with models.
fn route(lang: &str, text: &str) -> anyhow::Result<Lang> {
    if lang != "auto" {
        return lang.parse().map_err(anyhow::Error::msg);
    }
    let identifier = extract::LanguageId::new(&["en".to_owned(), "da".to_owned(), "de".to_owned()])?;
    let found = identifier
        .identify(text, None)
        .context("could not tell the language: pass --lang en|da|de")?;
    found.code.parse().map_err(anyhow::Error::msg)
}

fn terms(lang: &str, propn: bool, file: Option<&Path>) -> anyhow::Result<()> {
    let text = read_input(file)?;
    let lang = route(lang, &text)?;
    let analyzer = nlp::models::analyzer(lang).with_context(|| format!("loading the {lang} models"))?;
    let options = nlp::TermOptions {
        include_propn: propn,
        ..nlp::TermOptions::default()
    };
    let t = analyzer.analyze(&text, &options);
    let json = serde_json::json!({
        "language": lang.code(),
        "tokens": t.tokens,
        "nouns": t.nouns.iter().map(|n| serde_json::json!({"lemma": n.lemma, "count": n.count})).collect::<Vec<_>>(),
        "entities": t.entities.iter().map(|e| serde_json::json!({
            "surface": e.surface, "normalized": e.normalized, "label": e.label.as_str(), "count": e.count
        })).collect::<Vec<_>>(),
        "keywords": t.keywords.iter().map(|k| serde_json::json!({
            "phrase": k.phrase, "score": (k.score * 1000.0).round() / 1000.0, "count": k.count
        })).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}

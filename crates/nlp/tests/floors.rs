//! The committed models load and hold their quality floors on the held-out test splits
//! in `../shared/data/nlp` (read here, never copied into the project).

use std::path::PathBuf;

use nlp::eval::{EntityScores, LEMMA_FLOORS, LemmaScores, NER_FLOORS, POS_FLOORS, TagScores};
use nlp::{Lang, Upos};

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/nlp")
        .join(path)
}

fn test_split(lang: Lang) -> Vec<nlp::Sentence> {
    let path = shared(&format!("ud/{lang}/test.conllu"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the shared data must sit beside the checkout)",
            path.display()
        )
    });
    nlp::conllu::parse(&text).unwrap()
}

#[test]
fn committed_taggers_hold_their_floors() {
    for floor in POS_FLOORS {
        let model = nlp::models::pos(floor.lang).unwrap();
        let mut scores = TagScores::default();
        for s in test_split(floor.lang) {
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let gold: Vec<Upos> = s.words.iter().map(|w| w.upos.unwrap()).collect();
            scores.add(&gold, &model.tag(&words));
        }
        assert!(
            scores.accuracy() >= floor.upos,
            "{} UPOS {:.4} below the floor {}",
            floor.lang,
            scores.accuracy(),
            floor.upos
        );
        assert!(
            scores.f1(Upos::Noun) >= floor.noun_f1,
            "{} NOUN F1 {:.4} below the floor {}",
            floor.lang,
            scores.f1(Upos::Noun),
            floor.noun_f1
        );
    }
}

#[test]
fn committed_lemmatizers_hold_their_floors() {
    for floor in LEMMA_FLOORS {
        let tagger = nlp::models::pos(floor.lang).unwrap();
        let lemmas = nlp::models::lemma(floor.lang).unwrap();
        let mut scores = LemmaScores::default();
        for s in test_split(floor.lang) {
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            for (w, tag) in s.words.iter().zip(tagger.tag(&words)) {
                scores.add(&w.lemma, &lemmas.lemma(&w.form, tag), w.upos == Some(Upos::Noun));
            }
        }
        assert!(
            scores.noun_accuracy() >= floor.noun,
            "{} NOUN lemma accuracy {:.4} below the floor {}",
            floor.lang,
            scores.noun_accuracy(),
            floor.noun
        );
    }
}

#[test]
fn committed_recognizers_hold_their_floors() {
    for floor in NER_FLOORS {
        let tagger = nlp::models::pos(floor.lang).unwrap();
        let ner = nlp::models::ner(floor.lang).unwrap();
        let text = std::fs::read_to_string(shared(&format!("ner/{}/test.iob2", floor.lang))).unwrap();
        let mut scores = EntityScores::default();
        for s in nlp::ner::parse_iob2(&text).unwrap() {
            let tokens: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let tags = tagger.tag(&tokens);
            scores.add(&s.labels, &ner.label(&tokens, &tags));
        }
        assert!(
            scores.f1() >= floor.f1,
            "{} NER F1 {:.4} below the floor {}",
            floor.lang,
            scores.f1(),
            floor.f1
        );
    }
    assert!(nlp::models::ner(Lang::De).is_err(), "German NER stays off");
}

#[test]
fn every_built_in_model_loads() {
    for lang in Lang::ALL {
        let model = nlp::models::pos(lang).unwrap();
        assert_eq!(model.lang, lang);
        assert!(model.feature_count() > 10_000);
        let lemmas = nlp::models::lemma(lang).unwrap();
        assert_eq!(lemmas.lang, lang);
    }
}

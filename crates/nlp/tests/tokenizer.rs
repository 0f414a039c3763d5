//! The tokenizer against the treebanks' own tokens: span F1 over the sentences of the
//! English and Danish dev and test splits (read from `../shared/data/nlp`).

use std::path::PathBuf;

use nlp::Lang;
use nlp::eval::SpanScores;

fn score(lang: Lang) -> (SpanScores, usize) {
    let mut scores = SpanScores::default();
    let mut skipped = 0;
    for split in ["dev", "test"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../../shared/data/nlp/ud/{lang}/{split}.conllu"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for s in nlp::conllu::parse(&text).unwrap() {
            let Some(sentence) = &s.text else { continue };
            let gold: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let predicted: Vec<(usize, usize)> = nlp::tokenize(sentence, lang)
                .iter()
                .map(|t| (t.start, t.end))
                .collect();
            if !scores.add(sentence, &gold, &predicted) {
                skipped += 1;
            }
        }
    }
    (scores, skipped)
}

#[test]
fn tokens_match_the_treebanks() {
    // Floors a little under what was measured (see docs/benchmarks.md).
    for (lang, floor) in [(Lang::En, 0.975), (Lang::Da, 0.99)] {
        let (scores, skipped) = score(lang);
        println!(
            "{lang}: span F1 {:.4} over {} gold tokens ({skipped} sentences skipped)",
            scores.f1(),
            scores.gold
        );
        assert!(
            scores.f1() >= floor,
            "{lang} tokenization F1 {:.4} < {floor}",
            scores.f1()
        );
        assert!(skipped < 20, "{lang}: {skipped} sentences could not be aligned");
    }
}

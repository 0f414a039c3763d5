//! Natural-language processing for Issue Observatory, trained by our own code on the
//! Universal Dependencies treebanks and Universal NER, for English, Danish and German:
//!
//! - `tokenize`: a UD-style tokenizer and sentence splitter (linear in the text: runs
//!   without whitespace are handled in bounded pieces);
//! - `pos`: an averaged-perceptron UPOS tagger; `lemma`: a lemmatizer (learned edit rules
//!   plus spaCy lookup tables and English rules); `ner`: a structured-perceptron entity
//!   recognizer (BIO, Viterbi);
//! - `analyze`: a page's noun lemmas, entities and RAKE keywords; `tfidf`: distinctive
//!   terms over websites; `stopwords`;
//! - `conllu`, `spacy`: reading treebanks, spaCy's lookup tables and Brown clusters;
//!   `eval`: holding each model to its quality floor;
//!   `models`: the committed models (CC BY-SA 4.0), compiled into the binary.
//!
//! Pure logic: no files, no network, no async. Callers read model bytes and corpora and
//! hand them in; [`PosModel::from_bytes`] loads a committed model.
#![forbid(unsafe_code)]

pub mod analyze;
mod codec;
pub mod conllu;
pub mod eval;
mod features;
pub mod lemma;
pub mod models;
pub mod ner;
mod perceptron;
pub mod pos;
pub mod spacy;
pub mod stopwords;
pub mod tfidf;
pub mod tokenize;
mod upos;

pub use analyze::{Analyzer, EntityCount, Keyword, MAX_SPANS, NounCount, PageTerms, TermOptions, TextSpan};
pub use codec::ModelError;
pub use conllu::{Sentence, Word};
pub use lemma::{EnglishRules, LemmaModel, LemmaTables};
pub use ner::{EntityType, Label, NerModel, NerSentence, NerTrainOptions, Span};
pub use pos::{PosModel, TrainOptions};
pub use tokenize::{Token, sentences, tokenize};
pub use upos::Upos;

/// A language the models exist for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Da,
    De,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Da, Lang::De];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Da => "da",
            Lang::De => "de",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "da" => Ok(Lang::Da),
            "de" => Ok(Lang::De),
            other => Err(format!("unsupported language `{other}`: use en, da or de")),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

//! The trained models shipped in the binary (`observatory train` writes them; see
//! `crates/nlp/models/README.md` for their data and licence).

use crate::codec::ModelError;
use crate::{Lang, LemmaModel, NerModel, PosModel};

static POS_EN: &[u8] = include_bytes!("../models/pos-en.bin");
static POS_DA: &[u8] = include_bytes!("../models/pos-da.bin");
static POS_DE: &[u8] = include_bytes!("../models/pos-de.bin");
static LEMMA_EN: &[u8] = include_bytes!("../models/lemma-en.bin");
static LEMMA_DA: &[u8] = include_bytes!("../models/lemma-da.bin");
static LEMMA_DE: &[u8] = include_bytes!("../models/lemma-de.bin");
static NER_EN: &[u8] = include_bytes!("../models/ner-en.bin");
static NER_DA: &[u8] = include_bytes!("../models/ner-da.bin");

/// Loads the built-in UPOS tagger for `lang` (decompressing it: load once and share).
pub fn pos(lang: Lang) -> Result<PosModel, ModelError> {
    PosModel::from_bytes(match lang {
        Lang::En => POS_EN,
        Lang::Da => POS_DA,
        Lang::De => POS_DE,
    })
}

/// Loads the built-in lemmatizer for `lang`.
pub fn lemma(lang: Lang) -> Result<LemmaModel, ModelError> {
    LemmaModel::from_bytes(match lang {
        Lang::En => LEMMA_EN,
        Lang::Da => LEMMA_DA,
        Lang::De => LEMMA_DE,
    })
}

/// Loads the built-in entity recognizer (English and Danish; German has no data yet).
pub fn ner(lang: Lang) -> Result<NerModel, ModelError> {
    match lang {
        Lang::En => NerModel::from_bytes(NER_EN),
        Lang::Da => NerModel::from_bytes(NER_DA),
        Lang::De => Err(ModelError::Unavailable("German NER has no training data yet")),
    }
}

/// All built-in models of `lang` (no recognizer for German).
pub fn analyzer(lang: Lang) -> Result<crate::Analyzer, ModelError> {
    Ok(crate::Analyzer {
        lang,
        pos: pos(lang)?,
        lemma: lemma(lang)?,
        ner: match lang {
            Lang::De => None,
            _ => Some(ner(lang)?),
        },
    })
}

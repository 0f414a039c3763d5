//! Language identification (whatlang trigrams) restricted to the configured languages,
//! with the document's `<html lang>` deciding when the text alone is not conclusive.

use serde::Serialize;
use whatlang::{Detector, Lang};

/// Languages the platform can tell apart, by ISO 639-1 code.
const SUPPORTED: [(&str, Lang); 14] = [
    ("en", Lang::Eng),
    ("da", Lang::Dan),
    ("de", Lang::Deu),
    ("nb", Lang::Nob),
    ("sv", Lang::Swe),
    ("nl", Lang::Nld),
    ("fr", Lang::Fra),
    ("es", Lang::Spa),
    ("it", Lang::Ita),
    ("pt", Lang::Por),
    ("pl", Lang::Pol),
    ("fi", Lang::Fin),
    ("ru", Lang::Rus),
    ("zh", Lang::Cmn),
];

/// The default set: the NLP languages and their close neighbours, so that Norwegian or
/// Swedish text is not forced into Danish.
pub const DEFAULT_LANGUAGES: [&str; 8] = ["en", "da", "de", "nb", "sv", "nl", "fr", "es"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Language {
    /// ISO 639-1, e.g. `da`.
    pub code: &'static str,
    /// 0–1: whatlang's confidence, or 0.5 when `<html lang>` decided.
    pub confidence: f64,
}

#[derive(Debug, Clone)]
pub struct LanguageId {
    detector: Detector,
    allowed: Vec<(&'static str, Lang)>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unsupported language code `{0}` (supported: en, da, de, nb, sv, nl, fr, es, it, pt, pl, fi, ru, zh)"
)]
pub struct UnsupportedLanguage(pub String);

impl LanguageId {
    pub fn new(codes: &[impl AsRef<str>]) -> Result<Self, UnsupportedLanguage> {
        let mut allowed = Vec::new();
        for code in codes {
            let code = code.as_ref().trim().to_ascii_lowercase();
            let code = if code == "no" { "nb".to_owned() } else { code };
            let entry = SUPPORTED
                .iter()
                .find(|(c, _)| *c == code)
                .ok_or_else(|| UnsupportedLanguage(code.clone()))?;
            allowed.push(*entry);
        }
        Ok(Self {
            detector: Detector::with_allowlist(allowed.iter().map(|(_, l)| *l).collect()),
            allowed,
        })
    }

    /// The language of `text`; `html_lang` (e.g. `da-DK`) breaks ties.
    pub fn identify(&self, text: &str, html_lang: Option<&str>) -> Option<Language> {
        let declared = html_lang.and_then(|l| {
            let primary = l.trim().split(['-', '_']).next()?.to_ascii_lowercase();
            let primary = if primary == "no" || primary == "nn" {
                "nb".to_owned()
            } else {
                primary
            };
            self.allowed.iter().find(|(c, _)| *c == primary).map(|(c, _)| *c)
        });
        let sample: String = text.chars().take(4000).collect();
        match self.detector.detect(&sample) {
            Some(info) => {
                let code = self
                    .allowed
                    .iter()
                    .find(|(_, l)| *l == info.lang())
                    .map(|(c, _)| *c)?;
                if !info.is_reliable()
                    && let Some(declared) = declared
                {
                    return Some(Language {
                        code: declared,
                        confidence: 0.5,
                    });
                }
                Some(Language {
                    code,
                    confidence: (info.confidence() * 1000.0).round() / 1000.0,
                })
            }
            None => declared.map(|code| Language {
                code,
                confidence: 0.5,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DANISH: &str = "Regeringen fremlagde i går en plan for den grønne omstilling, som skal halvere \
        udledningerne fra landbruget inden 2030. Ifølge ministeren vil staten støtte landmænd, der \
        udtager lavbundsjorder, og kommunerne får ansvaret for at finde arealer til nye vindmøller og \
        solceller. Kritikerne mener dog, at planen er for vag, og at der mangler penge til at gennemføre \
        den. Danmarks Naturfredningsforening kalder udspillet et skridt i den rigtige retning.";
    const NORWEGIAN: &str = "Regjeringen la i går fram en plan for det grønne skiftet, som skal halvere \
        utslippene fra landbruket innen 2030. Ifølge statsråden vil staten støtte bønder som tar \
        myrjord ut av drift, og kommunene får ansvaret for å finne arealer til nye vindkraftverk og \
        solceller. Kritikerne mener likevel at planen er for vag, og at det mangler penger til å \
        gjennomføre den. Naturvernforbundet kaller utspillet et skritt i riktig retning.";

    #[test]
    fn danish_and_norwegian_news_text_are_told_apart() {
        let id = LanguageId::new(&DEFAULT_LANGUAGES).unwrap();
        assert_eq!(id.identify(DANISH, None).unwrap().code, "da");
        assert_eq!(id.identify(NORWEGIAN, None).unwrap().code, "nb");
        // A wrong declaration does not override clear text.
        assert_eq!(id.identify(DANISH, Some("nb-NO")).unwrap().code, "da");
    }

    #[test]
    fn html_lang_breaks_ties_and_unknown_codes_are_refused() {
        let id = LanguageId::new(&["da", "en"]).unwrap();
        assert_eq!(id.identify("", Some("da-DK")).unwrap().code, "da");
        assert_eq!(id.identify("ok", Some("da")).unwrap().code, "da");
        assert!(id.identify("", None).is_none());
        assert!(LanguageId::new(&["xx"]).is_err());
        let english = "The government presented a plan for the green transition yesterday, which aims to \
            halve emissions from agriculture by 2030, with support for farmers and new wind turbines.";
        assert_eq!(id.identify(english, Some("da")).unwrap().code, "en");
    }
}

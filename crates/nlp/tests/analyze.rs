//! Whole-page analysis with the built-in models: nouns by lemma, entities, keywords.

use nlp::{EntityType, Lang, TermOptions};

#[test]
fn a_danish_page_yields_nouns_entities_and_keywords() {
    let analyzer = nlp::models::analyzer(Lang::Da).unwrap();
    let text = "Regeringen vil firedoble produktionen af energi fra vindmøller på land. \
                Statsminister Mette Frederiksen sagde i København, at den grønne omstilling haster.\n\n\
                Naboerne til vindmøllerne i Thy klager over støj. Ifølge Mette Frederiksen \
                skal kommunerne sikre en grøn omstilling med opbakning fra naboerne. \
                Se mere på https://ens.dk/vind eller skriv til info@ens.dk i 2030.";
    let terms = analyzer.analyze(text, &TermOptions::default());
    assert!(terms.tokens > 50);
    let noun = |l: &str| terms.nouns.iter().find(|n| n.lemma == l).map(|n| n.count);
    assert_eq!(noun("vindmølle"), Some(2), "{:?}", terms.nouns);
    assert_eq!(noun("nabo"), Some(2), "{:?}", terms.nouns);
    assert_eq!(noun("omstilling"), Some(2), "{:?}", terms.nouns);
    assert!(
        terms
            .nouns
            .iter()
            .all(|n| !n.lemma.contains("://") && !n.lemma.contains('@'))
    );
    assert!(
        terms
            .nouns
            .iter()
            .all(|n| n.lemma.chars().any(char::is_alphabetic))
    );
    assert!(
        terms.nouns.windows(2).all(|w| w[0].count >= w[1].count),
        "most frequent first"
    );

    let mette = terms
        .entities
        .iter()
        .find(|e| e.normalized == "mette frederiksen")
        .unwrap_or_else(|| panic!("{:?}", terms.entities));
    assert_eq!(
        (mette.label, mette.count, mette.surface.as_str()),
        (EntityType::Per, 2, "Mette Frederiksen")
    );
    assert!(
        terms
            .entities
            .iter()
            .any(|e| e.normalized == "københavn" && e.label == EntityType::Loc),
        "{:?}",
        terms.entities
    );

    assert!(
        terms.keywords.iter().any(|k| k.phrase == "grøn omstilling"),
        "{:?}",
        terms.keywords
    );

    let with_propn = analyzer.analyze(
        text,
        &TermOptions {
            include_propn: true,
            ..TermOptions::default()
        },
    );
    assert!(
        with_propn.nouns.iter().any(|n| n.lemma == "thy"),
        "{:?}",
        with_propn.nouns
    );
    assert!(analyzer.analyze("", &TermOptions::default()).nouns.is_empty());
}

#[test]
fn an_english_page_groups_plurals_and_possessives() {
    let analyzer = nlp::models::analyzer(Lang::En).unwrap();
    let text = "Wind turbines are spreading across Denmark. Shell's new wind farm near Esbjerg \
                will power 400,000 homes, Shell said. Critics say the turbines spoil the view.";
    let terms = analyzer.analyze(text, &TermOptions::default());
    let noun = |l: &str| terms.nouns.iter().find(|n| n.lemma == l).map(|n| n.count);
    assert_eq!(noun("turbine"), Some(2), "{:?}", terms.nouns);
    assert_eq!(noun("home"), Some(1), "{:?}", terms.nouns);
    // `Shell's` and `Shell` are one entity with one label on the page, whatever the
    // recognizer said sentence by sentence.
    let shells: Vec<_> = terms
        .entities
        .iter()
        .filter(|e| e.normalized == "shell")
        .collect();
    assert_eq!(shells.len(), 1, "{:?}", terms.entities);
    assert_eq!(shells[0].count, 2);
    assert!(
        terms
            .entities
            .iter()
            .any(|e| e.normalized == "esbjerg" && e.label == EntityType::Loc)
    );
}

/// The evidence of an edge quotes where a term occurs; the spans kept must point at the
/// words as written (an inflected form for a lemma, any surface for an entity).
#[test]
fn terms_keep_where_they_occur_in_the_text() {
    let analyzer = nlp::models::analyzer(Lang::Da).unwrap();
    let text = "Naboerne til vindmøllerne i Thy klager over støj fra vindmøllen. \
                Statsminister Mette Frederiksen lovede en grøn omstilling.\n\n\
                Mette Frederiksen gentog, at vindmøller og den grønne omstilling hører sammen. \
                Flere vindmøller kommer. Endnu flere vindmøller.";
    let terms = analyzer.analyze(text, &TermOptions::default());
    let quoted = |[start, end]: [u32; 2]| &text[start as usize..end as usize];
    let noun = terms.nouns.iter().find(|n| n.lemma == "vindmølle").unwrap();
    assert_eq!(noun.count, 5, "{:?}", terms.nouns);
    assert_eq!(noun.spans.len(), nlp::MAX_SPANS, "only the first few are kept");
    let forms: Vec<&str> = noun.spans.iter().map(|s| quoted(*s)).collect();
    assert_eq!(forms, ["vindmøllerne", "vindmøllen", "vindmøller"]);
    for n in &terms.nouns {
        assert!(!n.spans.is_empty() && n.spans.len() <= nlp::MAX_SPANS);
        assert!(n.spans.windows(2).all(|w| w[0][0] < w[1][0]), "in text order");
    }
    let mette = terms
        .entities
        .iter()
        .find(|e| e.normalized == "mette frederiksen")
        .unwrap();
    assert!(
        mette.spans.iter().all(|s| quoted(*s) == "Mette Frederiksen"),
        "{mette:?}"
    );
    assert_eq!(mette.spans.len(), 2);
    let phrase = terms
        .keywords
        .iter()
        .find(|k| k.phrase == "grøn omstilling")
        .unwrap();
    let forms: Vec<&str> = phrase.spans.iter().map(|s| quoted(*s)).collect();
    assert_eq!(forms, ["grøn omstilling", "grønne omstilling"]);
}

//! Hostile documents: nesting, unclosed tags, huge attributes, NULs and sheer size are
//! refused or extracted within bounds, on a thread stack as small as the crawler's.

use extract::{Limits, Refused, Strategy as Extractor, extract};
use proptest::prelude::*;

/// Runs `f` on a thread with a 2 MiB stack (tokio's blocking pool, where the crawler
/// extracts), so a recursion that grows with the input shows up as a crash here.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("extraction crashed")
}

fn extract_best(html: String) -> Result<extract::Extracted, Refused> {
    on_small_stack(move || extract(&html, None, Extractor::Best))
}

const PROSE: &str = "Vindmøller på land fylder mere i debatten, og kommunerne skal finde plads til dem. ";

#[test]
fn ten_thousand_nested_divs_are_refused_as_too_deep() {
    let html = format!("{}{}", "<div>".repeat(10_000), PROSE);
    assert_eq!(html.len() / 1000, 50);
    let refused = extract_best(html).unwrap_err();
    assert_eq!(
        refused,
        Refused::TooDeep {
            limit: Limits::default().max_depth
        }
    );
    assert!(refused.to_string().contains("levels deep"), "{refused}");
}

#[test]
fn unclosed_inline_tags_are_refused_as_too_deep() {
    for unit in [
        "<div><span><b>",
        "<b><i><u>",
        "<table><tr><td>",
        "<ul><li>",
        "<a href=x><div>",
    ] {
        let html = format!("<p>{}{}", unit.repeat(3_334), PROSE);
        let refused = extract_best(html).unwrap_err();
        assert!(matches!(refused, Refused::TooDeep { .. }), "{unit}: {refused}");
    }
}

/// Building a tree costs its size times its depth: 5 MB of open tags would keep html5ever
/// busy for hours, so such pages are refused before they are built.
#[test]
fn megabytes_of_open_tags_are_refused_before_the_tree_is_built() {
    for unit in [
        "<div>",
        "<b>",
        "<ul><li>",
        "<table><tr><td>",
        "<span><i>",
        "<a href=x><div>",
        "<svg><g>",
    ] {
        let html = unit.repeat(5 * 1024 * 1024 / unit.len());
        let refused = extract_best(html).unwrap_err();
        assert!(matches!(refused, Refused::TooDeep { .. }), "{unit}: {refused}");
    }
}

#[test]
fn a_page_nested_to_just_under_the_limit_is_extracted_by_every_extractor() {
    let depth = Limits::default().max_depth - 4;
    let html = format!(
        "<html><head><title>Dyb side</title></head><body>{}<p>{}</p><p>{}</p>{}</body></html>",
        "<div>".repeat(depth),
        PROSE.repeat(3),
        PROSE.repeat(2),
        "</div>".repeat(depth)
    );
    for strategy in [Extractor::Best, Extractor::Trafilatura, Extractor::Readability] {
        let html = html.clone();
        let page = on_small_stack(move || extract(&html, None, strategy)).unwrap();
        assert!(
            page.text.contains("kommunerne skal finde plads"),
            "{strategy:?}: {}",
            page.text
        );
    }
}

#[test]
fn twenty_megabytes_of_nuls_extract_to_nothing() {
    let html = "\0".repeat(20 * 1024 * 1024);
    let page = extract_best(html).unwrap();
    assert!(page.text.is_empty());
    let html = format!("<title>a\0b</title><p>{}\0{}</p>", PROSE.repeat(3), PROSE);
    let page = extract_best(html).unwrap();
    assert!(
        !page.text.contains('\0') && !page.text.contains('\u{fffd}'),
        "{}",
        page.text
    );
    assert_eq!(page.title.as_deref(), Some("ab"));
}

#[test]
fn huge_attributes_and_huge_documents_are_bounded() {
    let html = format!(
        "<div title=\"{}\" data-x='{}'><p>{}</p></div>",
        "a".repeat(6 * 1024 * 1024),
        "\"".repeat(1024 * 1024),
        PROSE.repeat(4)
    );
    let page = extract_best(html).unwrap();
    assert!(page.text.contains("Vindmøller"), "{}", page.text);

    let limit = Limits::default().max_bytes;
    let html = "<p>x</p>".repeat(limit / 8 + 1);
    let refused = extract_best(html).unwrap_err();
    assert!(
        matches!(refused, Refused::TooLarge { bytes, .. } if bytes > limit),
        "{refused}"
    );

    let html = "<i></i>".repeat(Limits::default().max_elements + 1);
    let refused = extract_best(html).unwrap_err();
    assert_eq!(
        refused,
        Refused::TooManyElements {
            limit: Limits::default().max_elements
        }
    );
}

/// Markup soup: tags opened, closed, misnested or left open, with attributes and text.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "<div>", "<span>", "<b>", "<i>", "<p>", "<table>", "<tr>", "<td>", "<ul>", "<li>",
            "<a href='/x'>", "<font>", "<nobr>", "<select>", "<option>", "<svg>", "<math>",
            "<template>", "<form>", "<h1>", "<pre>", "<frameset>", "<noscript>", "<script>",
            "<style>", "<textarea>", "<iframe>", "<button>", "<dl><dt>", "<object>",
        ])
        .prop_map(str::to_owned),
        2 => prop::sample::select(vec![
            "</div>", "</span>", "</b>", "</p>", "</table>", "</a>", "</li>", "</i>", "</x>",
            "</script>", "</template>", "</svg>",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zæøå ]{0,40}".prop_map(|t| t),
        1 => (1usize..400, prop::sample::select(vec!["<div>", "<b>", "<span><i>", "<li>", "<td>"]))
            .prop_map(|(n, t)| t.repeat(n)),
        1 => Just("<!--".to_owned()),
        1 => Just("\0".to_owned()),
        1 => "<div class=\"[a-z\"'<>=]{0,30}\">".prop_map(|t| t),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Nothing panics or overflows: each document is extracted or refused with a reason.
    #[test]
    fn any_markup_is_extracted_or_refused(html in soup()) {
        let outcome = extract_best(html);
        if let Ok(page) = outcome {
            prop_assert!(!page.text.contains('\0'));
        }
    }
}

//! The fixture web's responses.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Shared;

pub const SPECIAL_HOSTS: [&str; 16] = [
    "js.test",
    "robots-disallow.test",
    "robots-wildcard.test",
    "robots-delay.test",
    "robots-5xx.test",
    "robots-missing.test",
    "redirect.test",
    "slow.test",
    "failing.test",
    "huge.test",
    "binary.test",
    "latin1.test",
    "nometa.test",
    "trap.test",
    "empty.test",
    "hostile.test",
];

/// A generated site: its index and hostname.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site(pub usize);

const WORDS: [&str; 24] = [
    "vindmøller",
    "solceller",
    "fjernvarme",
    "klimaet",
    "kommunen",
    "regeringen",
    "borgerne",
    "energien",
    "omstillingen",
    "landbruget",
    "forskerne",
    "havvind",
    "elnettet",
    "prisen",
    "udledningen",
    "brint",
    "lokalplanen",
    "naboerne",
    "investeringer",
    "batterier",
    "varmepumper",
    "politikerne",
    "fremtiden",
    "biogas",
];

/// A deterministic paragraph: `n` seeds a small linear congruential generator.
fn paragraph(seed: usize, words: usize) -> String {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(12_345);
    let mut out = Vec::with_capacity(words);
    for i in 0..words {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let w = WORDS[(x >> 33) % WORDS.len()];
        out.push(if i == 0 { capitalize(w) } else { w.to_owned() });
    }
    format!("{}.", out.join(" "))
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn text(status: StatusCode, body: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain")], body.to_owned()).into_response()
}

fn redirect(status: StatusCode, to: String) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A page with realistic boilerplate around `article`.
fn page(title: &str, lang: &str, article: &str, links: &[(String, String)]) -> String {
    let nav: String = links
        .iter()
        .map(|(href, label)| format!("<li><a href=\"{href}\">{label}</a></li>"))
        .collect();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta name=\"description\" content=\"{title}\"></head><body>\
<div class=\"cookie-banner\" id=\"cookies\">Vi bruger cookies til statistik. <a href=\"/cookies\">Accepter</a></div>\
<header><nav class=\"menu\"><ul><li><a href=\"/\">Forside</a></li><li><a href=\"/om\">Om os</a></li></ul></nav></header>\
<main><article><h1>{title}</h1>{article}<ul class=\"related\">{nav}</ul></article>\
<section class=\"comments\"><h2>Kommentarer</h2><div class=\"comment\">Godt skrevet, men hvad med prisen?</div></section></main>\
<footer class=\"site-footer\">Redaktion og kontakt · Ophavsret forbeholdes</footer></body></html>"
    )
}

fn site_index(host: &str) -> Option<usize> {
    host.strip_prefix("site")?.strip_suffix(".test")?.parse().ok()
}

fn article_page(shared: &Shared, site: usize, k: usize) -> Response {
    let n = shared.config.pages_per_site;
    if k >= n {
        return html(
            StatusCode::NOT_FOUND,
            page("Siden findes ikke", "da", "<p>404</p>", &[]),
        );
    }
    let mut links: Vec<(String, String)> = [2 * k + 1, 2 * k + 2]
        .into_iter()
        .filter(|c| *c < n)
        .map(|c| (format!("/p/{c}"), format!("Læs artikel {c}")))
        .collect();
    let next_site = (site + 1) % shared.config.sites.max(1);
    links.push((
        format!("http://site{next_site}.test:{}/", shared.port),
        "Partner".into(),
    ));
    links.push(("/rapport.pdf".into(), "Rapport (PDF)".into()));
    let seed = site * 1000 + k;
    let article = (0..4)
        .map(|i| format!("<p>{}</p>", paragraph(seed * 7 + i, 40)))
        .collect::<String>();
    let mut body = page(&format!("Site {site}, artikel {k}"), "da", &article, &links);
    let (low, high) = shared.config.page_bytes;
    if high > 0 {
        let spread = u64::try_from(high.saturating_sub(low))
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let hash = crate::stable_hash(&format!("site{site}/p/{k}"));
        let target = low + usize::try_from(hash % spread).unwrap_or(0);
        pad(&mut body, target, seed);
    }
    html(StatusCode::OK, body)
}

/// Grows a page to about `target` bytes the way real news pages are heavy: half inline
/// script and data (analytics, ad configuration, a framework's state), a sixth styles, the
/// rest menus and teaser boxes, all before `</body>`. Nothing in it is a link to follow.
fn pad(body: &mut String, target: usize, seed: usize) {
    let missing = target.saturating_sub(body.len());
    if missing == 0 {
        return;
    }
    let mut heavy = String::with_capacity(missing + 256);
    heavy.push_str("<script>window.__STATE__={\"articles\":[");
    let mut i = 0usize;
    while heavy.len() < missing / 2 {
        heavy.push_str(&format!(
            "{{\"id\":{},\"slot\":\"ad-{}\",\"targeting\":{{\"section\":\"indland\",\"tags\":[\"klima\",\"energi\"]}},\"lazy\":true}},",
            seed * 10_000 + i,
            i % 17
        ));
        i += 1;
    }
    heavy.push_str("{}]};</script><style>");
    while heavy.len() < missing * 2 / 3 {
        heavy.push_str(&format!(
            ".teaser-{i}{{display:flex;margin:0 0 {}px;font:400 16px/1.4 Georgia,serif;color:#222}}",
            i % 24
        ));
        i += 1;
    }
    heavy.push_str("</style><aside class=\"teasers\">");
    while heavy.len() < missing {
        heavy.push_str(&format!(
            "<div class=\"teaser teaser-{}\"><span class=\"kicker\">Mest læste</span><span class=\"headline\">{}</span></div>",
            i % 24,
            paragraph(seed + i, 8)
        ));
        i += 1;
    }
    heavy.push_str("</aside>");
    match body.rfind("</body>") {
        Some(at) => body.insert_str(at, &heavy),
        None => body.push_str(&heavy),
    }
}

fn robots(body: &str) -> Response {
    text(StatusCode::OK, body)
}

pub async fn respond(shared: &Shared, host: &str, path: &str) -> Response {
    if let Some(site) = site_index(host)
        && site < shared.config.sites
    {
        return match path {
            "/" => article_page(shared, site, 0),
            "/robots.txt" => robots("User-agent: *\nDisallow: /admin\n"),
            "/rapport.pdf" => pdf(),
            "/om" => html(
                StatusCode::OK,
                page("Om os", "da", "<p>Vi er en lille redaktion.</p>", &[]),
            ),
            "/cookies" => html(
                StatusCode::OK,
                page("Cookies", "da", "<p>Sådan bruger vi cookies.</p>", &[]),
            ),
            p => match p.strip_prefix("/p/").and_then(|k| k.parse().ok()) {
                Some(k) => article_page(shared, site, k),
                None => html(
                    StatusCode::NOT_FOUND,
                    page("Siden findes ikke", "da", "<p>404</p>", &[]),
                ),
            },
        };
    }
    let simple = |title: &str| {
        html(
            StatusCode::OK,
            page(
                title,
                "da",
                &format!(
                    "<p>{}</p><p>{}</p>",
                    paragraph(title.len(), 50),
                    paragraph(title.len() + 1, 50)
                ),
                &[],
            ),
        )
    };
    if path == "/leak" {
        shared.leaks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        return text(StatusCode::OK, "leaked");
    }
    match (host, path) {
        ("js.test", "/") => html(StatusCode::OK, JS_SHELL.into()),
        ("js.test", "/app.js") => (
            [(header::CONTENT_TYPE, "text/javascript")],
            JS_APP.replace("PORT", &shared.port.to_string()),
        )
            .into_response(),
        ("js.test", "/article.json") => {
            ([(header::CONTENT_TYPE, "application/json")], JS_ARTICLE).into_response()
        }
        ("robots-disallow.test", "/robots.txt") => robots("User-agent: *\nDisallow: /private\n"),
        ("robots-wildcard.test", "/robots.txt") => robots(
            "User-agent: IssueObservatory\nDisallow: /*.pdf$\nDisallow: /archive/\nAllow: /archive/open\n",
        ),
        ("robots-delay.test", "/robots.txt") => robots("User-agent: *\nCrawl-delay: 2\n"),
        ("robots-5xx.test", "/robots.txt") => text(StatusCode::SERVICE_UNAVAILABLE, "maintenance"),
        (_, "/robots.txt") => text(StatusCode::NOT_FOUND, "not found"),
        ("redirect.test", "/start") => redirect(StatusCode::MOVED_PERMANENTLY, "/step".into()),
        ("redirect.test", "/step") => redirect(
            StatusCode::FOUND,
            format!("http://site0.test:{}/p/0", shared.port),
        ),
        ("redirect.test", "/loop") => redirect(StatusCode::FOUND, "/loop".into()),
        ("redirect.test", "/to-loopback") => {
            redirect(StatusCode::FOUND, format!("http://127.0.0.1:{}/", shared.port))
        }
        ("slow.test", _) => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            simple("Langsom side")
        }
        ("failing.test", _) => html(
            StatusCode::INTERNAL_SERVER_ERROR,
            "<h1>Internal Server Error</h1>".into(),
        ),
        ("huge.test", _) => {
            let chunk = "<p>fyld fyld fyld fyld fyld fyld fyld fyld fyld fyld fyld fyld</p>\n";
            html(StatusCode::OK, chunk.repeat(8 * 1024 * 1024 / chunk.len() + 1))
        }
        ("binary.test", "/doc.pdf") => pdf(),
        ("binary.test", "/img.png") => (
            [(header::CONTENT_TYPE, "image/png")],
            Body::from(vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3]),
        )
            .into_response(),
        ("binary.test", _) => (
            [(header::CONTENT_TYPE, "text/html")],
            Body::from((0..=255u8).cycle().take(4096).collect::<Vec<u8>>()),
        )
            .into_response(),
        ("latin1.test", _) => (
            [(header::CONTENT_TYPE, "text/html; charset=windows-1252")],
            Body::from(latin1_page()),
        )
            .into_response(),
        ("nometa.test", _) => {
            ([(header::CONTENT_TYPE, "text/html")], Body::from(latin1_page())).into_response()
        }
        ("trap.test", p) => calendar(p),
        ("empty.test", _) => html(StatusCode::OK, "<html><body></body></html>".into()),
        // Pages that once overflowed the extractor's stack (and took the process with it):
        // 10,000 nested divs (about 110 KB) and `<div><span><b>` × 3,334 left open (46 KB).
        ("hostile.test", "/deep") => html(
            StatusCode::OK,
            format!("<html><body>{}vindmøller</body></html>", "<div>\n".repeat(10_000)),
        ),
        ("hostile.test", "/unclosed") => html(
            StatusCode::OK,
            format!(
                "<html><body>{}solceller</body></html>",
                "<div><span><b>".repeat(3_334)
            ),
        ),
        ("hostile.test", _) => simple("En almindelig side ved siden af de fjendtlige"),
        (
            "robots-disallow.test"
            | "robots-wildcard.test"
            | "robots-delay.test"
            | "robots-5xx.test"
            | "robots-missing.test",
            p,
        ) => simple(&format!("Side {p}")),
        _ => text(StatusCode::NOT_FOUND, "unknown fixture host"),
    }
}

fn pdf() -> Response {
    (
        [(header::CONTENT_TYPE, "application/pdf")],
        Body::from(b"%PDF-1.7\n%fixture\n".to_vec()),
    )
        .into_response()
}

/// Danish text in windows-1252 (æ, ø, å as single bytes).
fn latin1_page() -> Vec<u8> {
    let text = "<html><head><title>Gr\u{f8}n omstilling</title></head><body><article><h1>Gr\u{f8}n omstilling</h1>\
<p>Kommunerne skal finde pladser til flere vindm\u{f8}ller p\u{e5} land, og borgerne i \u{c5}rhus og K\u{f8}benhavn skal h\u{f8}res.</p>\
<p>If\u{f8}lge Energistyrelsen kr\u{e6}ver det nye lokalplaner og st\u{f8}tte til naboerne, som f\u{e5}r en andel af gevinsten.</p>\
</article></body></html>";
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// An endless calendar: every month links to the next and the previous one.
fn calendar(path: &str) -> Response {
    let parts: Vec<&str> = path.trim_start_matches("/calendar/").split('/').collect();
    let (year, month) = match parts.as_slice() {
        [y, m] => (
            y.parse::<i32>().unwrap_or(2026),
            m.parse::<u32>().unwrap_or(1).clamp(1, 12),
        ),
        _ => (2026, 1),
    };
    let next = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let prev = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    let links = vec![
        (
            format!("/calendar/{}/{:02}", next.0, next.1),
            "Næste måned".to_owned(),
        ),
        (
            format!("/calendar/{}/{:02}", prev.0, prev.1),
            "Forrige måned".to_owned(),
        ),
    ];
    let article = format!(
        "<p>Begivenheder i {year}-{month:02}: {}</p>",
        paragraph((year as usize) * 12 + month as usize, 30)
    );
    html(
        StatusCode::OK,
        page(&format!("Kalender {year}-{month:02}"), "da", &article, &links),
    )
}

/// A client-rendered page: without JavaScript it says only "Indlæser…".
const JS_SHELL: &str = "<!doctype html><html lang=\"da\"><head><meta charset=\"utf-8\">\
<title>Skyggeflimmer fra vindmøller</title><script src=\"/app.js\" defer></script></head>\
<body><header><nav><a href=\"/\">Forside</a></nav></header><main id=\"app\"><p>Indlæser…</p></main>\
<img src=\"/pixel.png\" alt=\"\"></body></html>";

const JS_APP: &str = r#"
fetch('http://127.0.0.1:PORT/leak')
  .then(function () { document.body.dataset.leak = 'open'; },
        function () { document.body.dataset.leak = 'blocked'; });
fetch('/article.json')
  .then(function (r) { return r.json(); })
  .then(function (a) {
    var article = document.createElement('article');
    var h1 = document.createElement('h1');
    h1.textContent = a.title;
    article.appendChild(h1);
    a.paragraphs.forEach(function (t) {
      var p = document.createElement('p');
      p.textContent = t;
      article.appendChild(p);
    });
    var app = document.getElementById('app');
    app.innerHTML = '';
    app.appendChild(article);
  });
"#;

const JS_ARTICLE: &str = r#"{"title": "Skyggeflimmer fra vindmøller",
"paragraphs": [
"Naboer til de nye vindmøller ved fjorden klager over skyggeflimmer, der om aftenen kaster blinkende skygger ind i stuerne, og kommunen har nu bedt opstilleren om at dokumentere, hvor mange timer om året hvert hus rammes.",
"Ifølge reglerne må et hus højst udsættes for ti timers skyggeflimmer om året, og møllerne skal standses automatisk, når grænsen nås, men borgerne mener ikke, at målingerne tager højde for de lave vintersole.",
"Energistyrelsen oplyser, at sagen behandles i den kommende høring, hvor både naboerne, opstilleren og de lokale politikere får mulighed for at komme med deres bemærkninger til lokalplanen."
]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_reaches_the_size_asked_for_without_adding_links() {
        for target in [10_000, 100_000, 300_000] {
            let mut body = page(
                "Titel",
                "da",
                "<p>Artiklen.</p>",
                &[("/p/1".into(), "Næste".into())],
            );
            let links = body.matches("href=").count();
            pad(&mut body, target, 7);
            assert!(
                (target..target + 512).contains(&body.len()),
                "{target} asked, {} made",
                body.len()
            );
            assert_eq!(body.matches("href=").count(), links, "padding added links");
            assert!(body.ends_with("</body></html>"), "padding goes inside the body");
            assert!(body.contains("<p>Artiklen.</p>"));
        }
        let mut small = page("Titel", "da", "<p>x</p>", &[]);
        let before = small.clone();
        pad(&mut small, 10, 1);
        assert_eq!(small, before, "a page already larger is left alone");
    }
}

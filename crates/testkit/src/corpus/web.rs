//! The demo corpus served on loopback: every website by its `Host` header, with navigation,
//! cookie banners, comment sections and footers around the articles, robots.txt files, one
//! website that redirects and one that fails.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::sites::{Behaviour, DemoSite, SITES};
use super::text::{Group, comments};
use super::{ARTICLES, article_host, article_path, articles};

struct Shared {
    port: u16,
}

/// The running corpus web. Dropping it stops the server.
pub struct CorpusWeb {
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for CorpusWeb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl CorpusWeb {
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared { port: addr.port() });
        let app = Router::new().fallback(route).with_state(shared);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, server })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port())
    }

    /// The one page built to exhaust an extractor (10,000 nested elements).
    pub fn hostile_url(&self) -> String {
        self.url(SITES[0].host, HOSTILE_PATH)
    }

    /// Every hostname the corpus answers for (all resolve to [`CorpusWeb::addr`]).
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = Vec::new();
        for s in SITES {
            hosts.push(s.host.to_owned());
            if let Some(h) = s.article_host {
                hosts.push(h.to_owned());
            }
        }
        hosts
    }
}

async fn route(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or_default().to_ascii_lowercase())
        .unwrap_or_default();
    let path = request.uri().path().to_owned();
    respond(shared.port, &host, &path)
}

fn respond(port: u16, host: &str, path: &str) -> Response {
    let Some((index, site)) = SITES
        .iter()
        .enumerate()
        .find(|(_, s)| s.host == host || s.article_host == Some(host))
    else {
        return (StatusCode::NOT_FOUND, "no such website").into_response();
    };
    match site.behaviour {
        // No robots.txt (so crawling is allowed), and every page fails.
        Behaviour::Fails if path == "/robots.txt" => {
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        }
        Behaviour::Fails => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
        }
        Behaviour::RedirectsTo(target) => {
            let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("http://{target}:{port}/")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        _ => {}
    }
    if path == "/robots.txt" {
        let rules = match site.behaviour {
            Behaviour::Disallows(folder) => format!("User-agent: *\nDisallow: {folder}\n"),
            _ => "User-agent: *\nDisallow:\n".to_owned(),
        };
        return ([(header::CONTENT_TYPE, "text/plain")], rules).into_response();
    }
    let section = if site.danish { "/nyheder/" } else { "/news/" };
    if path == "/" {
        return html(home(port, index, site));
    }
    if let Some(k) = path
        .strip_prefix(section)
        .and_then(|k| k.trim_end_matches('/').parse::<usize>().ok())
        && k < ARTICLES
    {
        return html(article(port, index, site, k));
    }
    if let Behaviour::Disallows(folder) = site.behaviour
        && path.starts_with(folder)
    {
        return html(page(site, "Medlemmer", "<p>Kun for medlemmer.</p>", &[]));
    }
    if path == HOSTILE_PATH && index == 0 {
        // One page built to exhaust an extractor (10,000 nested elements; it once took the
        // whole process down): the crawl records it as failed, reason `extraction`.
        return html(format!(
            "<!doctype html><html><body>{}{}</body></html>",
            "<div>".repeat(10_000),
            escape(&articles(index)[0].paragraphs[0])
        ));
    }
    let about = if site.danish { "/om" } else { "/about" };
    if path == about {
        let text = format!("<p>{}</p>", escape(&articles(index)[0].paragraphs[0]));
        return html(page(
            site,
            if site.danish { "Om os" } else { "About us" },
            &text,
            &[],
        ));
    }
    let (contact, contact_title, contact_text) = if site.danish {
        (
            "/kontakt",
            "Kontakt",
            "Skriv til redaktionen eller ring på hverdage mellem 9 og 15.",
        )
    } else {
        (
            "/contact",
            "Contact",
            "Write to the editors or call on weekdays between 9 and 15.",
        )
    };
    if path == contact {
        return html(page(site, contact_title, &format!("<p>{contact_text}</p>"), &[]));
    }
    let mut r = html(page(site, "404", "<p>404</p>", &[]));
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Websites this one links to: the next two in its camp and one in a neighbouring camp, so
/// that hyperlinks form clusters with bridges.
fn partners(index: usize) -> Vec<usize> {
    let site = &SITES[index];
    let same: Vec<usize> = SITES
        .iter()
        .enumerate()
        .filter(|(i, s)| s.group == site.group && *i != index && s.behaviour == Behaviour::Normal)
        .map(|(i, _)| i)
        .collect();
    let bridge_group = match site.group {
        Group::News => Group::Government,
        Group::Government => Group::Industry,
        Group::Industry => Group::Research,
        Group::Research => Group::Ngo,
        Group::Ngo => Group::News,
        Group::Sceptic => Group::News,
    };
    let others: Vec<usize> = SITES
        .iter()
        .enumerate()
        .filter(|(_, s)| s.group == bridge_group && s.behaviour == Behaviour::Normal)
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    if !same.is_empty() {
        let at = same.iter().position(|&i| i > index).unwrap_or(0);
        out.push(same[at % same.len()]);
        out.push(same[(at + 1) % same.len()]);
    }
    if !others.is_empty() {
        out.push(others[index % others.len()]);
    }
    out.dedup();
    out
}

fn link_to(port: u16, other: usize, k: usize) -> (String, String) {
    let s = &SITES[other];
    let a = &articles(other)[k % ARTICLES];
    (
        format!(
            "http://{}:{port}{}",
            article_host(s),
            article_path(s, k % ARTICLES)
        ),
        format!("{} ({})", a.title, s.name),
    )
}

/// The first website's old archive page, nested 10,000 elements deep.
const HOSTILE_PATH: &str = "/arkiv";

/// The first website links its archive at the top of every page's content, so a crawl
/// that reaches the website at all queues it before any per-site cap is spent.
fn archive_link(port: u16, index: usize, site: &DemoSite) -> String {
    if index == 0 {
        format!(
            "<p><a href=\"http://{}:{port}{HOSTILE_PATH}\">Arkiv</a></p>",
            site.host
        )
    } else {
        String::new()
    }
}

fn home(port: u16, index: usize, site: &DemoSite) -> String {
    let list: String = articles(index)
        .iter()
        .enumerate()
        .map(|(k, a)| {
            format!(
                "<li><a href=\"http://{}:{port}{}\">{}</a></li>",
                article_host(site),
                article_path(site, k),
                escape(&a.title)
            )
        })
        .collect();
    let intro = escape(&articles(index)[0].paragraphs[0]);
    let heading = if site.danish { "Seneste nyt" } else { "Latest" };
    let archive = archive_link(port, index, site);
    let body = format!("{archive}<p>{intro}</p><h2>{heading}</h2><ul class=\"articles\">{list}</ul>");
    let links: Vec<(String, String)> = partners(index).into_iter().map(|o| link_to(port, o, 0)).collect();
    page(site, site.name, &body, &links)
}

fn article(port: u16, index: usize, site: &DemoSite, k: usize) -> String {
    let a = &articles(index)[k];
    let mut body = format!(
        "{}<p class=\"dateline\">{}</p>",
        archive_link(port, index, site),
        a.published
    );
    for p in &a.paragraphs {
        body.push_str(&format!("<p>{}</p>", escape(p)));
    }
    let mut links: Vec<(String, String)> = [(k + 1) % ARTICLES, (k + 2) % ARTICLES]
        .into_iter()
        .map(|j| {
            (
                format!("http://{}:{port}{}", article_host(site), article_path(site, j)),
                articles(index)[j].title.clone(),
            )
        })
        .collect();
    links.extend(partners(index).into_iter().map(|o| link_to(port, o, k + 1)));
    if let Behaviour::Disallows(folder) = site.behaviour {
        links.push((
            format!("http://{}:{port}{folder}medlemmer", site.host),
            "Medlemssider".to_owned(),
        ));
    }
    let thread: String = comments(site.danish)
        .iter()
        .skip((index + k) % 3)
        .take(2)
        .map(|c| format!("<div class=\"comment\"><p>{}</p></div>", escape(c)))
        .collect();
    let comments_title = if site.danish { "Kommentarer" } else { "Comments" };
    body.push_str("<aside class=\"related\"><ul>");
    for (href, label) in &links {
        body.push_str(&format!("<li><a href=\"{href}\">{}</a></li>", escape(label)));
    }
    body.push_str("</ul></aside>");
    let page_html = page(site, &a.title, &body, &[]);
    page_html.replace(
        "<!--comments-->",
        &format!("<section class=\"comments\"><h2>{comments_title}</h2>{thread}</section>"),
    )
}

/// A page with the boilerplate real sites carry: cookie banner, navigation, footer.
fn page(site: &DemoSite, title: &str, main: &str, links: &[(String, String)]) -> String {
    let (lang, cookies, accept, home, about, contact, rights) = if site.danish {
        (
            "da",
            "Vi bruger cookies til at forbedre din oplevelse og til statistik.",
            "Accepter alle",
            "Forside",
            "Om os",
            "Kontakt",
            "Alle rettigheder forbeholdes",
        )
    } else {
        (
            "en",
            "We use cookies to improve your experience and for statistics.",
            "Accept all",
            "Home",
            "About us",
            "Contact",
            "All rights reserved",
        )
    };
    let (about_path, contact_path) = if site.danish {
        ("/om", "/kontakt")
    } else {
        ("/about", "/contact")
    };
    let more: String = links
        .iter()
        .map(|(href, label)| format!("<li><a href=\"{href}\">{}</a></li>", escape(label)))
        .collect();
    let more = if more.is_empty() {
        String::new()
    } else {
        format!("<ul class=\"partners\">{more}</ul>")
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title} | {name}</title>\
<meta name=\"description\" content=\"{title}\"></head><body>\
<div class=\"cookie-banner\" id=\"cookie-consent\"><p>{cookies}</p><button>{accept}</button></div>\
<header class=\"site-header\"><a class=\"logo\" href=\"/\">{name}</a><nav class=\"main-menu\"><ul>\
<li><a href=\"/\">{home}</a></li><li><a href=\"{about_path}\">{about}</a></li><li><a href=\"{contact_path}\">{contact}</a></li></ul></nav></header>\
<main><article><h1>{title}</h1>{main}{more}</article><!--comments--></main>\
<footer class=\"site-footer\"><p>© 2026 {name} · {rights}</p></footer></body></html>",
        title = escape(title),
        name = escape(site.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(r: Response) -> (StatusCode, String) {
        let status = r.status();
        let bytes = futures_body(r);
        (status, bytes)
    }

    fn futures_body(r: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let b = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .expect("body");
            String::from_utf8(b.to_vec()).expect("utf8")
        })
    }

    #[test]
    fn pages_robots_redirects_and_failures() {
        let (s, home) = body(respond(80, "energiagenturet.test", "/"));
        assert_eq!(s, StatusCode::OK);
        assert!(home.contains("cookie-banner") && home.contains("/nyheder/0"));
        let (s, a) = body(respond(80, "nyheder.vestkysten.test", "/nyheder/2"));
        assert_eq!(s, StatusCode::OK);
        assert!(
            a.contains("class=\"comments\"") && a.contains("Kommentarer"),
            "{a}"
        );
        let (_, robots) = body(respond(80, "groen-fremtid.test", "/robots.txt"));
        assert_eq!(robots, "User-agent: *\nDisallow: /intern/\n");
        let (_, a) = body(respond(80, "groen-fremtid.test", "/nyheder/0"));
        assert!(a.contains("/intern/medlemmer"));
        let r = respond(80, "gammel-energiportal.test", "/nyheder/1");
        assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(r.headers()[header::LOCATION], "http://energiagenturet.test:80/");
        assert_eq!(
            respond(80, "nedlagt-klimaforum.test", "/").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            respond(80, "nordvind.test", "/nyheder/99").status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(respond(80, "elsewhere.test", "/").status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn every_site_links_to_its_camp_and_one_bridge() {
        for (i, site) in SITES.iter().enumerate() {
            if matches!(site.behaviour, Behaviour::Fails | Behaviour::RedirectsTo(_)) {
                continue;
            }
            let p = partners(i);
            assert!(p.len() >= 2, "{}", site.host);
            assert!(p.iter().any(|&o| SITES[o].group != site.group), "{}", site.host);
        }
    }
}

//! The demo corpus: about forty websites in Danish and English about the Danish energy
//! transition — government, industry, NGOs, local news, research and a sceptic camp — served
//! on loopback with realistic boilerplate, plus a SearXNG-compatible search engine over it
//! with BM25 ranking. Everything is generated from fixed text, so the corpus is the same on
//! every run and doubles as test and benchmark data.

mod search;
mod sites;
mod text;
mod web;

pub use search::{DemoSearch, SearchHit, search};
pub use sites::{Behaviour, DemoSite, SITES};
pub use text::Group;
pub use web::CorpusWeb;

/// Articles per website.
pub const ARTICLES: usize = 6;
const PARAGRAPHS: usize = 3;
const SENTENCES_PER_PARAGRAPH: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub published: String,
}

/// One page the search engine knows: what it would have seen when it indexed the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub url: String,
    pub title: String,
    pub text: String,
    pub danish: bool,
    pub published: Option<String>,
}

fn section(site: &DemoSite) -> &'static str {
    if site.danish { "nyheder" } else { "news" }
}

/// The path of a site's article `k`.
pub fn article_path(site: &DemoSite, k: usize) -> String {
    format!("/{}/{k}", section(site))
}

/// The host that serves a site's articles.
pub fn article_host(site: &DemoSite) -> &'static str {
    site.article_host.unwrap_or(site.host)
}

/// A small seeded generator: the same articles on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// A website's articles: its camp's sentences in a site-specific order, three paragraphs of
/// three sentences each, the title taken from the first sentence.
pub fn articles(index: usize) -> Vec<Article> {
    let site = &SITES[index];
    let bank = text::sentences(site.group, site.danish);
    let mut order: Vec<usize> = (0..bank.len()).collect();
    let mut rng = Lcg(index as u64 * 7919 + 17);
    for i in (1..order.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let per_article = PARAGRAPHS * SENTENCES_PER_PARAGRAPH;
    (0..ARTICLES)
        .map(|k| {
            let start = k * 5;
            let sentences: Vec<&str> = (0..per_article)
                .map(|i| bank[order[(start + i) % order.len()]])
                .collect();
            let paragraphs = sentences
                .chunks(SENTENCES_PER_PARAGRAPH)
                .map(|c| c.join(" "))
                .collect();
            Article {
                title: title_of(sentences[0]),
                paragraphs,
                published: format!(
                    "2026-{:02}-{:02}",
                    1 + (index + k) % 11,
                    1 + (index * 3 + k * 7) % 28
                ),
            }
        })
        .collect()
}

/// A headline: the sentence's first words.
fn title_of(sentence: &str) -> String {
    let words: Vec<&str> = sentence.trim_end_matches('.').split_whitespace().collect();
    if words.len() <= 9 {
        words.join(" ")
    } else {
        format!("{} …", words[..8].join(" "))
    }
}

/// Every page the search engine indexed, at this port: each site's home page and articles,
/// including the sites that since moved or broke (as a real index would still list them).
pub fn documents(port: u16) -> Vec<Document> {
    let mut docs = Vec::new();
    for (i, site) in SITES.iter().enumerate() {
        let articles = articles(i);
        let intro = articles[0].paragraphs[0].clone();
        docs.push(Document {
            url: format!("http://{}:{port}/", site.host),
            title: site.name.to_owned(),
            text: intro,
            danish: site.danish,
            published: None,
        });
        for (k, a) in articles.iter().enumerate() {
            docs.push(Document {
                url: format!("http://{}:{port}{}", article_host(site), article_path(site, k)),
                title: format!("{} – {}", a.title, site.name),
                text: a.paragraphs.join(" "),
                danish: site.danish,
                published: Some(a.published.clone()),
            });
        }
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_forty_sites_in_both_languages_and_every_camp() {
        assert!((38..=42).contains(&SITES.len()));
        let danish = SITES.iter().filter(|s| s.danish).count();
        assert!(danish > 20 && danish < SITES.len() - 8, "{danish}");
        for g in [
            Group::Government,
            Group::Industry,
            Group::Ngo,
            Group::News,
            Group::Research,
            Group::Sceptic,
        ] {
            assert!(SITES.iter().filter(|s| s.group == g).count() >= 5, "{g:?}");
        }
        let mut hosts: Vec<_> = SITES.iter().map(|s| s.host).collect();
        hosts.sort_unstable();
        hosts.dedup();
        assert_eq!(hosts.len(), SITES.len());
    }

    #[test]
    fn articles_are_deterministic_and_distinct_per_site() {
        assert_eq!(articles(3), articles(3));
        assert_ne!(articles(0)[0].paragraphs, articles(1)[0].paragraphs);
        let a = articles(5);
        assert_eq!(a.len(), ARTICLES);
        assert!(
            a.iter()
                .all(|x| x.paragraphs.len() == PARAGRAPHS && !x.title.is_empty())
        );
        assert_eq!(documents(80).len(), SITES.len() * (ARTICLES + 1));
    }
}

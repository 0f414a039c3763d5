//! Reads a network's scope from the store and hands it to the right builder.

use std::collections::{BTreeSet, HashMap};

use curation::Corpus;

use graph::Graph;
use graph::build::{self, PageLinks, SearchHit, TermCount, TermKind, WebsiteUnit};
use store::{NetworkScope, ProjectId, SiteUnit, Store, StoreError};

use crate::curated::ActorAttributes;
use crate::spec::{NetworkParams, NetworkType};

/// What went into a network: how many sessions, scraping jobs and rows.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Inputs {
    pub sessions: usize,
    pub crawls: usize,
    /// Search results, term counts or pages read.
    pub rows: usize,
}

/// The builder's rows, read from the store.
pub enum Rows {
    Hits(Vec<SearchHit>),
    Terms(Vec<TermCount>, TermKind),
    Links(Vec<PageLinks>),
}

/// The builder's input: its rows, and the actors its website nodes belong to.
pub struct Loaded {
    pub rows: Rows,
    pub actors: ActorAttributes,
}

/// A URL's website in the chosen unit, when the corpus takes it. With the `domain` unit a
/// website is the URL's actor (the project's curation); `host` and `url` keep their own
/// keys but still leave out what the corpus does not take.
pub(crate) fn website_of(corpus: &Corpus, unit: WebsiteUnit, url: &str) -> Option<String> {
    let web = search::urlnorm::normalize(url).ok()?;
    let actor = corpus.take(&web.normalized)?;
    Some(match unit {
        WebsiteUnit::Domain => actor.key,
        WebsiteUnit::Host => web.host,
        WebsiteUnit::Url => web.normalized,
    })
}

/// What the store groups term counts by for a website unit. Actors finer than a domain (a
/// host, a URL prefix) or merged need the pages' URLs; otherwise the store sums per domain
/// or host, which is much less to read.
pub(crate) fn term_read_unit(corpus: &Corpus, unit: WebsiteUnit) -> SiteUnit {
    match unit {
        WebsiteUnit::Domain if corpus.catalogue.refined() => SiteUnit::Url,
        WebsiteUnit::Domain => SiteUnit::Domain,
        WebsiteUnit::Host => SiteUnit::Host,
        WebsiteUnit::Url => SiteUnit::Url,
    }
}

/// The URL a grouped site stands for when its website is resolved.
pub(crate) fn site_url(read_unit: SiteUnit, site: &str) -> String {
    match read_unit {
        SiteUnit::Url => site.to_owned(),
        SiteUnit::Domain | SiteUnit::Host => format!("http://{site}/"),
    }
}

pub async fn load(
    store: &dyn Store,
    project: ProjectId,
    kind: NetworkType,
    scope: &NetworkScope,
    params: &NetworkParams,
) -> Result<(Loaded, Inputs), StoreError> {
    let mut inputs = Inputs {
        sessions: scope.sessions.len(),
        ..Inputs::default()
    };
    let corpus = Corpus::load(store, project, params.corpus).await?;
    let actors = ActorAttributes::of(&corpus.catalogue);
    let unit = params.website_unit;
    if kind == NetworkType::QueryWebsite {
        let hits = store.network_search_hits(project, &scope.sessions).await?;
        inputs.rows = hits.len();
        let hits = hits
            .into_iter()
            .filter_map(|h| {
                let website = website_of(&corpus, WebsiteUnit::Domain, &h.url)?;
                Some(SearchHit {
                    session: h.session_id.get(),
                    query: h.query,
                    rank: u32::try_from(h.rank.max(1)).unwrap_or(u32::MAX),
                    url: h.url,
                    host: h.host,
                    domain: website,
                })
            })
            .collect();
        return Ok((
            Loaded {
                rows: Rows::Hits(hits),
                actors,
            },
            inputs,
        ));
    }

    let crawls = store.scope_crawls(project, scope).await?;
    inputs.crawls = crawls.len();
    let term_kind = match kind {
        NetworkType::WebsiteNoun => Some((store::TermKind::Nouns, TermKind::Noun)),
        NetworkType::WebsiteEntity => Some((store::TermKind::Entities, TermKind::Entity)),
        NetworkType::WebsiteKeyword => Some((store::TermKind::Keywords, TermKind::Keyword)),
        NetworkType::QueryWebsite | NetworkType::Hyperlink => None,
    };
    if let Some((stored, built)) = term_kind {
        let read_unit = term_read_unit(&corpus, unit);
        let rows = store
            .network_term_counts(project, &crawls, stored, read_unit, &params.languages)
            .await?;
        inputs.rows = rows.len();
        let mut summed: HashMap<(String, String, Option<String>), i64> = HashMap::new();
        let mut order = Vec::new();
        for r in rows {
            let Some(website) = website_of(&corpus, unit, &site_url(read_unit, &r.site)) else {
                continue;
            };
            let key = (website, r.term, r.label);
            match summed.get_mut(&key) {
                Some(count) => *count += r.count,
                None => {
                    order.push(key.clone());
                    summed.insert(key, r.count);
                }
            }
        }
        let counts = order
            .into_iter()
            .map(|key| {
                let count = summed[&key];
                let (website, term, label) = key;
                TermCount {
                    website,
                    term,
                    label,
                    count,
                }
            })
            .collect();
        return Ok((
            Loaded {
                rows: Rows::Terms(counts, built),
                actors,
            },
            inputs,
        ));
    }

    let pages = store.network_page_links(project, &crawls).await?;
    inputs.rows = pages.len();
    let links = pages
        .into_iter()
        .filter_map(|p| {
            let website = website_of(&corpus, unit, &p.url)?;
            let targets: BTreeSet<String> = p
                .outlinks
                .iter()
                .take(curation::catalogue::MAX_OUTLINKS_PER_PAGE)
                .filter_map(|l| website_of(&corpus, unit, l))
                .collect();
            Some(PageLinks {
                website,
                targets: targets.into_iter().collect(),
            })
        })
        .collect();
    Ok((
        Loaded {
            rows: Rows::Links(links),
            actors,
        },
        inputs,
    ))
}

/// Builds the graph the request names from what was loaded (pure, CPU-bound).
pub fn build(loaded: &Loaded, kind: NetworkType, params: &NetworkParams) -> Graph {
    let mut graph = match &loaded.rows {
        Rows::Hits(hits) => build::query_website(
            hits,
            build::QueryWebsiteOptions {
                unit: params.website_unit,
                weight: params.weight,
            },
        ),
        Rows::Terms(counts, term_kind) => build::website_terms(counts, *term_kind, &params.term_options()),
        Rows::Links(pages) => build::hyperlink(
            pages,
            build::HyperlinkOptions {
                crawled_only: params.crawled_only,
            },
        ),
    };
    if let Some(p) = params.projection
        && kind.is_bipartite()
    {
        graph = build::project(&graph, p.onto, p.measure);
    }
    if params.website_unit == WebsiteUnit::Domain {
        loaded.actors.annotate(&mut graph);
    }
    graph
}

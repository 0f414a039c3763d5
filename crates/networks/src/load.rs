//! Reads a network's scope from the store and hands it to the right builder.

use std::collections::BTreeSet;

use graph::Graph;
use graph::build::{self, PageLinks, SearchHit, TermCount, TermKind, WebsiteUnit};
use store::{NetworkScope, ProjectId, SiteUnit, Store, StoreError};

use crate::spec::{NetworkParams, NetworkType};

/// What went into a network: how many sessions, scraping jobs and rows.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Inputs {
    pub sessions: usize,
    pub crawls: usize,
    /// Search results, term counts or pages read.
    pub rows: usize,
}

fn site_unit(unit: WebsiteUnit) -> SiteUnit {
    match unit {
        WebsiteUnit::Domain => SiteUnit::Domain,
        WebsiteUnit::Host => SiteUnit::Host,
        WebsiteUnit::Url => SiteUnit::Url,
    }
}

/// The builder's input, read from the store.
pub enum Loaded {
    Hits(Vec<SearchHit>),
    Terms(Vec<TermCount>, TermKind),
    Links(Vec<PageLinks>),
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
    if kind == NetworkType::QueryWebsite {
        let hits = store.network_search_hits(project, &scope.sessions).await?;
        inputs.rows = hits.len();
        let hits = hits
            .into_iter()
            .map(|h| SearchHit {
                session: h.session_id.get(),
                query: h.query,
                rank: u32::try_from(h.rank.max(1)).unwrap_or(u32::MAX),
                url: h.url,
                host: h.host,
                domain: h.domain,
            })
            .collect();
        return Ok((Loaded::Hits(hits), inputs));
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
        let rows = store
            .network_term_counts(
                project,
                &crawls,
                stored,
                site_unit(params.website_unit),
                &params.languages,
            )
            .await?;
        inputs.rows = rows.len();
        let counts = rows
            .into_iter()
            .map(|r| TermCount {
                website: r.site,
                term: r.term,
                label: r.label,
                count: r.count,
            })
            .collect();
        return Ok((Loaded::Terms(counts, built), inputs));
    }

    let pages = store.network_page_links(project, &crawls).await?;
    inputs.rows = pages.len();
    let unit = params.website_unit;
    let site_of = |url: &str| -> Option<String> {
        let u = search::urlnorm::normalize(url).ok()?;
        Some(match unit {
            WebsiteUnit::Domain => u.domain,
            WebsiteUnit::Host => u.host,
            WebsiteUnit::Url => u.normalized,
        })
    };
    let links = pages
        .into_iter()
        .map(|p| {
            let website = match unit {
                WebsiteUnit::Domain => p.domain.clone(),
                WebsiteUnit::Host => p.host.clone(),
                WebsiteUnit::Url => site_of(&p.url).unwrap_or(p.url.clone()),
            };
            let targets: BTreeSet<String> = p.outlinks.iter().filter_map(|l| site_of(l)).collect();
            PageLinks {
                website,
                targets: targets.into_iter().collect(),
            }
        })
        .collect();
    Ok((Loaded::Links(links), inputs))
}

/// Builds the graph the request names from what was loaded (pure, CPU-bound).
pub fn build(loaded: &Loaded, kind: NetworkType, params: &NetworkParams) -> Graph {
    let graph = match loaded {
        Loaded::Hits(hits) => build::query_website(
            hits,
            build::QueryWebsiteOptions {
                unit: params.website_unit,
                weight: params.weight,
            },
        ),
        Loaded::Terms(counts, term_kind) => build::website_terms(counts, *term_kind, &params.term_options()),
        Loaded::Links(pages) => build::hyperlink(
            pages,
            build::HyperlinkOptions {
                crawled_only: params.crawled_only,
            },
        ),
    };
    match params.projection {
        Some(p) if kind.is_bipartite() => build::project(&graph, p.onto, p.measure),
        _ => graph,
    }
}

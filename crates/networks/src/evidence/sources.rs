//! Where each network type's edge evidence is read from. Every reader asks the store for the
//! candidates on the website's registrable domains, then keeps what the network's builder
//! would have given to this website (its actor, unit and corpus), so the evidence is the
//! same rows the edge was built from.

use std::collections::BTreeSet;

use contract::ServiceError;
use curation::Corpus;
use graph::build::{WebsiteUnit, query_key};
use graph::{Node, NodeKind};
use store::{Network, SiteUnit, Store, TermKey};

use super::{
    Ends, EvidenceItem, LinkEvidence, LinkingPageEvidence, Listed, NodeRef, PageEvidence, ResultEvidence,
    SharedEvidence, Window, kwic,
};
use crate::load::{self, site_url, term_read_unit, website_of};
use crate::spec::{NetworkParams, NetworkType};

pub(crate) async fn edge_items(
    store: &dyn Store,
    network: &Network,
    kind: NetworkType,
    params: &NetworkParams,
    ends: Ends<'_>,
    window: Window,
) -> Result<Listed, ServiceError> {
    if params.projection.is_some() {
        return shared(store, network, kind, params, ends).await;
    }
    let corpus = Corpus::load(store, network.project_id, params.corpus).await?;
    match kind {
        NetworkType::QueryWebsite => {
            let (query, site) = one_of_each(ends, NodeKind::Query)?;
            search_results(store, network, params, &corpus, query, site).await
        }
        NetworkType::WebsiteNoun | NetworkType::WebsiteEntity | NetworkType::WebsiteKeyword => {
            let term_kind = match kind {
                NetworkType::WebsiteNoun => NodeKind::Noun,
                NetworkType::WebsiteEntity => NodeKind::Entity,
                _ => NodeKind::Keyword,
            };
            let (term, site) = one_of_each(ends, term_kind)?;
            term_pages(store, network, params, &corpus, term, site, window).await
        }
        NetworkType::Hyperlink => linking_pages(store, network, params, &corpus, ends).await,
    }
}

/// The edge's `kind` node and its website node, whichever way round they were named.
fn one_of_each<'a>(ends: Ends<'a>, kind: NodeKind) -> Result<(&'a Node, &'a Node), ServiceError> {
    match (ends.source.kind, ends.target.kind) {
        (k, NodeKind::Website) if k == kind => Ok((ends.source, ends.target)),
        (NodeKind::Website, k) if k == kind => Ok((ends.target, ends.source)),
        _ => Err(ServiceError::Internal(format!(
            "edge {} – {} is not a {} – website edge",
            ends.source.id,
            ends.target.id,
            kind.as_str()
        ))),
    }
}

/// The website key a website node stands for (`tv2.dk`, `tv2.dk/sport`, a host or a URL).
fn site_key(node: &Node) -> Result<&str, ServiceError> {
    node.id
        .strip_prefix("site:")
        .ok_or_else(|| ServiceError::Internal(format!("`{}` is not a website node", node.id)))
}

/// The registrable domains the website's pages and results can be on.
fn domains_of(corpus: &Corpus, unit: WebsiteUnit, key: &str) -> Vec<String> {
    let domains: BTreeSet<String> = match unit {
        WebsiteUnit::Domain => corpus.catalogue.actor_domains(key),
        WebsiteUnit::Host => [search::urlnorm::registrable_domain(key)].into(),
        WebsiteUnit::Url => search::urlnorm::normalize(key)
            .map(|u| u.domain)
            .into_iter()
            .collect(),
    };
    domains.into_iter().collect()
}

async fn search_results(
    store: &dyn Store,
    network: &Network,
    params: &NetworkParams,
    corpus: &Corpus,
    query: &Node,
    site: &Node,
) -> Result<Listed, ServiceError> {
    let key = site_key(site)?;
    let qkey = query.id.strip_prefix("query:").unwrap_or(&query.id);
    let unit = params.website_unit;
    // The builder's domains are the actors' (whatever the unit); host and URL units key on
    // the result's own host or URL.
    let mut domains: BTreeSet<String> = domains_of(corpus, unit, key).into_iter().collect();
    domains.extend(domains_of(corpus, WebsiteUnit::Domain, key));
    let domains: Vec<String> = domains.into_iter().collect();
    let rows = store
        .search_evidence(network.project_id, &network.scope.sessions, &domains)
        .await?;
    let items = rows
        .into_iter()
        .filter(|r| query_key(&r.query) == qkey)
        .filter(|r| {
            let Some(actor) = website_of(corpus, WebsiteUnit::Domain, &r.url) else {
                return false;
            };
            match unit {
                WebsiteUnit::Domain => actor == key,
                WebsiteUnit::Host => r.host == key,
                WebsiteUnit::Url => r.url == key,
            }
        })
        .map(|r| {
            EvidenceItem::SearchResult(ResultEvidence {
                result_id: r.id.get(),
                session_id: r.session_id.get(),
                query: r.query,
                rank: r.rank,
                url: r.url,
                title: r.title,
                snippet: r.snippet,
            })
        })
        .collect();
    Ok(Listed::Ready(items))
}

/// The stored term a term node stands for (`noun:vind`, `entity:ORG:ørsted`, `keyword:…`).
fn term_key(node: &Node) -> Result<TermKey<'_>, ServiceError> {
    let bad = || ServiceError::Internal(format!("`{}` is not a term node", node.id));
    Ok(match node.kind {
        NodeKind::Noun => TermKey {
            kind: store::TermKind::Nouns,
            term: node.id.strip_prefix("noun:").ok_or_else(bad)?,
            label: None,
        },
        NodeKind::Entity => {
            let rest = node.id.strip_prefix("entity:").ok_or_else(bad)?;
            let (label, term) = rest.split_once(':').ok_or_else(bad)?;
            TermKey {
                kind: store::TermKind::Entities,
                term,
                label: Some(label),
            }
        }
        NodeKind::Keyword => TermKey {
            kind: store::TermKind::Keywords,
            term: node.id.strip_prefix("keyword:").ok_or_else(bad)?,
            label: None,
        },
        NodeKind::Query | NodeKind::Website => return Err(bad()),
    })
}

async fn term_pages(
    store: &dyn Store,
    network: &Network,
    params: &NetworkParams,
    corpus: &Corpus,
    term: &Node,
    site: &Node,
    window: Window,
) -> Result<Listed, ServiceError> {
    let key = site_key(site)?;
    let term = term_key(term)?;
    let unit = params.website_unit;
    let read_unit = term_read_unit(corpus, unit);
    let crawls = store.scope_crawls(network.project_id, &network.scope).await?;
    let mut pages = store
        .term_pages(
            network.project_id,
            &crawls,
            term,
            &domains_of(corpus, unit, key),
            &params.languages,
        )
        .await?;
    pages.retain(|p| {
        let site = match read_unit {
            SiteUnit::Domain => &p.domain,
            SiteUnit::Host => &p.host,
            SiteUnit::Url => &p.url,
        };
        website_of(corpus, unit, &site_url(read_unit, site)).as_deref() == Some(key)
    });
    // Where the term is used most first; by page otherwise.
    pages.sort_by(|a, b| b.count.cmp(&a.count).then(a.page_id.cmp(&b.page_id)));
    let total = pages.len();
    let shown: Vec<store::TermPage> = pages.into_iter().skip(window.offset).take(window.limit).collect();
    let ids: Vec<store::PageId> = shown.iter().map(|p| p.page_id).collect();
    let texts: std::collections::HashMap<store::PageId, String> = store
        .page_texts(network.project_id, &ids)
        .await?
        .into_iter()
        .collect();
    let items = shown
        .into_iter()
        .map(|p| {
            let snippets = texts
                .get(&p.page_id)
                .map(|text| kwic::snippets(text, &p.spans))
                .unwrap_or_default();
            EvidenceItem::Page(PageEvidence {
                page_id: p.page_id.get(),
                url: p.url,
                title: p.title,
                count: p.count,
                snippets,
            })
        })
        .collect();
    Ok(Listed::Paged { items, total })
}

async fn linking_pages(
    store: &dyn Store,
    network: &Network,
    params: &NetworkParams,
    corpus: &Corpus,
    ends: Ends<'_>,
) -> Result<Listed, ServiceError> {
    let (source, target) = (site_key(ends.source)?, site_key(ends.target)?);
    let unit = params.website_unit;
    let crawls = store.scope_crawls(network.project_id, &network.scope).await?;
    let pages = store
        .link_pages(network.project_id, &crawls, &domains_of(corpus, unit, source))
        .await?;
    let items = pages
        .into_iter()
        .filter(|p| website_of(corpus, unit, &p.url).as_deref() == Some(source))
        .filter_map(|p| {
            let links: Vec<LinkEvidence> = p
                .outlinks
                .iter()
                .zip(p.anchors.iter())
                .take(curation::catalogue::MAX_OUTLINKS_PER_PAGE)
                .filter(|(url, _)| website_of(corpus, unit, url).as_deref() == Some(target))
                .map(|(url, anchor)| LinkEvidence {
                    url: url.clone(),
                    anchor: anchor.clone(),
                })
                .collect();
            (!links.is_empty()).then(|| {
                EvidenceItem::LinkingPage(LinkingPageEvidence {
                    page_id: p.page_id.get(),
                    url: p.url,
                    title: p.title,
                    links,
                })
            })
        })
        .collect();
    Ok(Listed::Ready(items))
}

/// A projection's edge: the neighbours its two nodes share in the two-sided network it was
/// projected from, rebuilt from the same rows.
async fn shared(
    store: &dyn Store,
    network: &Network,
    kind: NetworkType,
    params: &NetworkParams,
    ends: Ends<'_>,
) -> Result<Listed, ServiceError> {
    let two_sided = super::bipartite_params(params);
    let (loaded, _) = load::load(store, network.project_id, kind, &network.scope, &two_sided).await?;
    let (source, target) = (ends.source.id.clone(), ends.target.id.clone());
    let items = tokio::task::spawn_blocking(move || {
        let graph = load::build(&loaded, kind, &two_sided);
        shared_neighbours(&graph, &source, &target)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Listed::Ready(items))
}

/// What `a` and `b` share in `graph`, the heaviest ties first.
pub(crate) fn shared_neighbours(graph: &graph::Graph, a: &str, b: &str) -> Vec<EvidenceItem> {
    let index = |id: &str| graph.nodes.iter().position(|n| n.id == id);
    let (Some(a), Some(b)) = (index(a), index(b)) else {
        return Vec::new();
    };
    let neighbours = |n: usize| -> std::collections::HashMap<usize, f64> {
        graph
            .edges
            .iter()
            .filter_map(|e| match (e.source as usize, e.target as usize) {
                (s, t) if s == n => Some((t, e.weight)),
                (s, t) if t == n => Some((s, e.weight)),
                _ => None,
            })
            .collect()
    };
    let (of_a, of_b) = (neighbours(a), neighbours(b));
    let mut shared: Vec<(f64, &str, EvidenceItem)> = of_a
        .iter()
        .filter_map(|(&n, &wa)| {
            let wb = *of_b.get(&n)?;
            let node = &graph.nodes[n];
            Some((
                wa.min(wb),
                node.id.as_str(),
                EvidenceItem::Shared(SharedEvidence {
                    node: NodeRef::of(node),
                    source_weight: wa,
                    target_weight: wb,
                }),
            ))
        })
        .collect();
    shared.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
    shared.into_iter().map(|(_, _, item)| item).collect()
}

#[cfg(test)]
mod tests {
    use graph::{AttrValue, GraphBuilder};

    use super::*;

    #[test]
    fn a_projected_tie_is_what_its_two_nodes_share() {
        let mut b = GraphBuilder::new(false);
        let a = b.node("site:a.dk", "a.dk", NodeKind::Website);
        let c = b.node("site:c.dk", "c.dk", NodeKind::Website);
        let wind = b.node("noun:wind", "wind", NodeKind::Noun);
        let sun = b.node("noun:sun", "sun", NodeKind::Noun);
        let sea = b.node("noun:sea", "sea", NodeKind::Noun);
        for (s, t, w) in [
            (a, wind, 0.5),
            (c, wind, 0.2),
            (a, sun, 0.9),
            (c, sun, 0.8),
            (a, sea, 1.0),
        ] {
            b.push_edge(s, t, w, [("count".to_owned(), AttrValue::Integer(1))].into());
        }
        let g = b.finish();
        let items = shared_neighbours(&g, "site:a.dk", "site:c.dk");
        let got: Vec<(&str, f64, f64)> = items
            .iter()
            .map(|i| match i {
                EvidenceItem::Shared(s) => (s.node.id.as_str(), s.source_weight, s.target_weight),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(got, [("noun:sun", 0.9, 0.8), ("noun:wind", 0.5, 0.2)]);
        assert!(shared_neighbours(&g, "site:a.dk", "site:none").is_empty());
    }

    #[test]
    fn term_nodes_name_their_stored_term() {
        let node = |id: &str, kind| {
            let mut b = GraphBuilder::new(false);
            b.node(id, "", kind);
            b.finish().nodes.remove(0)
        };
        let e = node("entity:ORG:ørsted a/s", NodeKind::Entity);
        let key = term_key(&e).unwrap();
        assert_eq!((key.term, key.label), ("ørsted a/s", Some("ORG")));
        let k = node("keyword:offshore wind: farms", NodeKind::Keyword);
        assert_eq!(term_key(&k).unwrap().term, "offshore wind: farms");
        assert!(term_key(&node("site:a.dk", NodeKind::Website)).is_err());
    }
}

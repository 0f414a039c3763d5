//! The demo's curation, as a researcher would do it after the first crawl: every actor gets
//! its name and a `sector` category, the news site that publishes on a second domain becomes
//! one actor, and two websites that are not actors of the issue (an abandoned portal that
//! only redirects, a forum that is gone) are curated OUT. The analysis and the networks that
//! follow take the curated corpus.

use std::collections::BTreeMap;

use curation::service::{self, BulkChange, NewUnit, WebsiteChange, WebsiteFilter, WebsiteView};
use search::urlnorm::registrable_domain;
use store::{PageRequest, ProjectId, Store, UserId, WebsiteStatus};
use testkit::corpus::SITES;

/// The news site's home and the domain it publishes its articles on.
pub const NEWS_SITE: (&str, &str) = ("vestkysten-nyt.test", "vestkysten.test");
/// Websites the demo takes out of the corpus.
pub const OUT: [&str; 2] = ["gammel-energiportal.test", "nedlagt-klimaforum.test"];

async fn all_websites(
    store: &dyn Store,
    owner: UserId,
    project: ProjectId,
) -> anyhow::Result<Vec<WebsiteView>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = service::list_websites(
            store,
            owner,
            project,
            &WebsiteFilter::default(),
            PageRequest { after, limit: 500 },
        )
        .await
        .map_err(|e| anyhow::anyhow!("listing the demo's websites: {e}"))?;
        let full = page.len() == 500;
        after = page.last().map(|w| w.id.get());
        out.extend(page);
        if !full {
            return Ok(out);
        }
    }
}

/// The website of `unit`, added when the project has not seen it.
async fn website(
    store: &dyn Store,
    owner: UserId,
    project: ProjectId,
    all: &mut Vec<WebsiteView>,
    unit: &str,
) -> anyhow::Result<WebsiteView> {
    if let Some(w) = all.iter().find(|w| w.unit == unit) {
        return Ok(w.clone());
    }
    let new = NewUnit {
        unit: unit.to_owned(),
        change: WebsiteChange::default(),
    };
    let added = service::add_website(store, owner, project, &new)
        .await
        .map_err(|e| anyhow::anyhow!("adding {unit}: {e}"))?;
    all.push(added.clone());
    Ok(added)
}

/// Curates the project's websites; answers the stage's line.
pub async fn curate(store: &dyn Store, owner: UserId, project: ProjectId) -> anyhow::Result<String> {
    let mut all = all_websites(store, owner, project).await?;
    let home = website(store, owner, project, &mut all, NEWS_SITE.0).await?;
    website(store, owner, project, &mut all, NEWS_SITE.1).await?;

    let changes = all
        .iter()
        .map(|w| {
            let site = SITES.iter().find(|s| {
                registrable_domain(s.host) == w.unit
                    || s.article_host.is_some_and(|h| registrable_domain(h) == w.unit)
            });
            let sector = site.map_or("other", |s| s.group.sector());
            WebsiteChange {
                id: Some(w.id),
                status: OUT.contains(&w.unit.as_str()).then_some(Some(WebsiteStatus::Out)),
                name: site.map(|s| Some(s.name.to_owned())),
                categories: Some(BTreeMap::from([("sector".to_owned(), Some(sector.to_owned()))])),
                merged_into: (w.unit == NEWS_SITE.1).then_some(Some(home.id)),
            }
        })
        .collect();
    service::update_websites(store, owner, project, &BulkChange { websites: changes })
        .await
        .map_err(|e| anyhow::anyhow!("curating the demo's websites: {e}"))?;

    let all = all_websites(store, owner, project).await?;
    let count = |s: WebsiteStatus| all.iter().filter(|w| w.status == s).count();
    let out: Vec<&str> = all
        .iter()
        .filter(|w| w.status == WebsiteStatus::Out)
        .map(|w| w.unit.as_str())
        .collect();
    let prospects = service::prospects(
        store,
        owner,
        project,
        PageRequest {
            after: None,
            limit: 3,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("reading the prospects: {e}"))?;
    let prospects: Vec<String> = prospects
        .iter()
        .map(|w| format!("{} ({} IN inlinks)", w.unit, w.inlinks_from_in))
        .collect();
    Ok(format!(
        "{} websites: {} in, {} out ({}), {} undecided; {} + {} merged into one actor; a sector on every actor; prospects: {}",
        all.len(),
        count(WebsiteStatus::In),
        out.len(),
        out.join(", "),
        count(WebsiteStatus::Undecided),
        NEWS_SITE.0,
        NEWS_SITE.1,
        if prospects.is_empty() {
            "none".to_owned()
        } else {
            prospects.join(", ")
        }
    ))
}

/// Website nodes of a graph, and how many of them carry a `sector`.
pub fn sectors(graph: &graph::Graph) -> (usize, usize) {
    let websites: Vec<&graph::Node> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == graph::NodeKind::Website)
        .collect();
    let with = websites.iter().filter(|n| n.attrs.contains_key("sector")).count();
    (websites.len(), with)
}

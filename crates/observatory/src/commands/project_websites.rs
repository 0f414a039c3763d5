//! `observatory project websites|prospects|curate|table`: a project's websites and their
//! curation from the command line.

use std::collections::BTreeMap;
use std::io::Read;

use contract::ServiceError;
use curation::actors::ActorUnit;
use curation::service::{self, BulkChange, NewUnit, WebsiteChange, WebsiteFilter, WebsiteSort, WebsiteView};
use store::{PageRequest, ProjectId, Store, User, WebsiteId, WebsiteStatus};

fn service_error(e: ServiceError) -> anyhow::Error {
    super::service_error(
        super::Subject::new(
            "the curation",
            "no such project of yours, or no such website in it",
        ),
        e,
    )
}

/// The list's options as typed.
pub struct Filter<'a> {
    pub status: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub q: Option<&'a str>,
    pub category: Option<&'a str>,
    pub sort: &'a str,
}

fn parse_word<T: serde::de::DeserializeOwned>(what: &str, value: &str, allowed: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_ascii_lowercase()))
        .map_err(|_| anyhow::anyhow!("unknown {what} `{value}`: use {allowed}"))
}

impl Filter<'_> {
    fn parse(&self) -> anyhow::Result<WebsiteFilter> {
        Ok(WebsiteFilter {
            status: self
                .status
                .map(|s| parse_word("status", s, "in, out or undecided"))
                .transpose()?,
            origin: self
                .origin
                .map(|o| parse_word("origin", o, "search, crawl, link or curated"))
                .transpose()?,
            q: self.q.map(str::to_owned),
            category: self.category.map(str::to_owned),
            sort: parse_word::<WebsiteSort>(
                "sort",
                self.sort,
                "results, inlinks, pages, unit, first_seen or last_seen",
            )?,
        })
    }
}

/// Every website the filter keeps, page by page.
async fn all_websites(
    store: &dyn Store,
    user: &User,
    id: ProjectId,
    filter: &WebsiteFilter,
    limit: Option<usize>,
) -> anyhow::Result<Vec<WebsiteView>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = service::list_websites(store, user.id, id, filter, PageRequest { after, limit: 500 })
            .await
            .map_err(service_error)?;
        let full = page.len() == 500;
        after = page.last().map(|w| w.id.get());
        out.extend(page);
        if limit.is_some_and(|l| out.len() >= l) {
            out.truncate(limit.unwrap_or(usize::MAX));
            return Ok(out);
        }
        if !full {
            return Ok(out);
        }
    }
}

fn categories_text(categories: &BTreeMap<String, String>) -> String {
    categories
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

fn one_line(text: Option<&str>) -> String {
    text.unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(160)
        .collect()
}

pub async fn list(
    store: &dyn Store,
    user: &User,
    id: ProjectId,
    filter: &Filter<'_>,
    limit: Option<usize>,
    json: bool,
) -> anyhow::Result<()> {
    let filter = filter.parse()?;
    for w in all_websites(store, user, id, &filter, limit).await? {
        if json {
            println!("{}", serde_json::to_string(&w)?);
        } else {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                w.id,
                w.status.as_str(),
                w.unit,
                w.actor_name,
                w.results,
                w.pages_crawled,
                w.inlinks_from_in,
                categories_text(&w.actor_categories)
            );
        }
    }
    Ok(())
}

pub async fn prospects(store: &dyn Store, user: &User, id: ProjectId, limit: usize) -> anyhow::Result<()> {
    let page = PageRequest {
        after: None,
        limit: u32::try_from(limit.clamp(1, 500)).unwrap_or(500),
    };
    for w in service::prospects(store, user.id, id, page)
        .await
        .map_err(service_error)?
    {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            w.id,
            w.inlinks_from_in,
            w.unit,
            w.linked_from.join(","),
            one_line(w.snippet.as_deref().or(w.example_url.as_deref()))
        );
    }
    Ok(())
}

/// What `curate` sets, as typed.
pub struct Curation<'a> {
    pub status: Option<&'a str>,
    pub name: Option<&'a str>,
    pub categories: &'a [String],
    pub merge_into: Option<&'a str>,
    pub unmerge: bool,
}

/// A website named by id or by unit, among the project's websites.
fn find<'a>(websites: &'a [WebsiteView], wanted: &str) -> anyhow::Result<Option<&'a WebsiteView>> {
    if let Ok(id) = wanted.parse::<i64>() {
        return Ok(websites.iter().find(|w| w.id.get() == id));
    }
    let unit = ActorUnit::parse(wanted).map_err(|e| anyhow::anyhow!("`{wanted}`: {e}"))?;
    Ok(websites.iter().find(|w| w.unit == unit.key()))
}

impl Curation<'_> {
    fn change(&self, websites: &[WebsiteView]) -> anyhow::Result<WebsiteChange> {
        let status = match self.status {
            None => None,
            Some("default") => Some(None),
            Some(s) => Some(Some(parse_word::<WebsiteStatus>(
                "status",
                s,
                "in, out, undecided or default",
            )?)),
        };
        let mut categories = BTreeMap::new();
        for c in self.categories {
            let (k, v) = c
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("`--category {c}`: write KEY=VALUE (or KEY= to remove)"))?;
            let v = v.trim();
            categories.insert(k.trim().to_owned(), (!v.is_empty()).then(|| v.to_owned()));
        }
        let merged_into = match (self.merge_into, self.unmerge) {
            (Some(target), _) => {
                let w = find(websites, target)?
                    .ok_or_else(|| anyhow::anyhow!("`{target}` is not a website of this project"))?;
                Some(Some(w.id))
            }
            (None, true) => Some(None),
            (None, false) => None,
        };
        Ok(WebsiteChange {
            id: None,
            status,
            name: self.name.map(|n| Some(n.to_owned())),
            categories: (!categories.is_empty()).then_some(categories),
            merged_into,
        })
    }
}

pub async fn curate(
    store: &dyn Store,
    user: &User,
    id: ProjectId,
    targets: &[String],
    curation: &Curation<'_>,
) -> anyhow::Result<()> {
    let websites = all_websites(store, user, id, &WebsiteFilter::default(), None).await?;
    let change = curation.change(&websites)?;
    let mut known: Vec<WebsiteId> = Vec::new();
    let mut new_units = Vec::new();
    for t in targets {
        match find(&websites, t)? {
            Some(w) => known.push(w.id),
            None if t.parse::<i64>().is_ok() => anyhow::bail!("no website {t} in project {id}"),
            None => new_units.push(t.clone()),
        }
    }
    // Known websites first, all or nothing; then each new unit (each is one write).
    if !known.is_empty() {
        let bulk = BulkChange {
            websites: known
                .iter()
                .map(|&w| WebsiteChange {
                    id: Some(w),
                    ..change.clone()
                })
                .collect(),
        };
        for w in service::update_websites(store, user.id, id, &bulk)
            .await
            .map_err(service_error)?
        {
            eprintln!("{}: {} ({})", w.unit, w.status.as_str(), w.actor_name);
        }
    }
    for unit in new_units {
        let w = service::add_website(
            store,
            user.id,
            id,
            &NewUnit {
                unit,
                change: change.clone(),
            },
        )
        .await
        .map_err(service_error)?;
        eprintln!("added {} ({}): {}", w.unit, w.kind, w.status.as_str());
    }
    Ok(())
}

pub async fn table(
    store: &dyn Store,
    user: &User,
    id: ProjectId,
    import: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let Some(path) = import else {
        let csv = service::export_table(store, user.id, id)
            .await
            .map_err(service_error)?;
        print!("{csv}");
        return Ok(());
    };
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    }
    let report = service::import_table(store, user.id, id, &text)
        .await
        .map_err(service_error)?;
    eprintln!(
        "applied {} rows ({} new hosts or prefixes) to project {id}",
        report.rows, report.added
    );
    Ok(())
}

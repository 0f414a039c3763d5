//! Curation operations shared by the HTTP API and the CLI: list a project's websites, set
//! their status, names, categories and merges (one, many, or a whole CSV table), add
//! refined units, and list the prospects.

mod changes;
mod table_io;

pub use changes::{add_website, update_website, update_websites};
pub use table_io::{ImportReport, export_table, import_table};

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use contract::ServiceError;
use projects::Need;
use serde::{Deserialize, Deserializer, Serialize};
use store::{NewWebsite, Project, ProjectId, ProjectResource, Store, UserId, WebsiteId, WebsiteStatus};

use crate::catalogue::{Catalogue, Defaults, Origin, QueryRank};

/// IN actors named per website in a view.
const LINKED_FROM_SHOWN: usize = 20;
/// Websites one bulk request may change.
pub const MAX_BULK: usize = 1_000;

/// A website as the API and the CLI show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebsiteView {
    #[schema(value_type = i64)]
    pub id: WebsiteId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    /// `tv2.dk`, `nyheder.tv2.dk` or `tv2.dk/sport`.
    pub unit: String,
    /// `domain`, `host` or `prefix`.
    pub kind: String,
    pub origin: Origin,
    /// In the corpus or not: its actor's status (set by a researcher, else the project's
    /// default for how the actor's websites were found).
    pub status: WebsiteStatus,
    /// Whether a researcher set the status (on the website or on its actor).
    pub status_set: bool,
    /// The website's own name and categories (a merged website's actor speaks for it).
    pub name: Option<String>,
    pub categories: BTreeMap<String, String>,
    /// The actor the website belongs to: itself, or the website it is merged into.
    #[schema(value_type = i64)]
    pub actor_id: WebsiteId,
    pub actor_name: String,
    pub actor_categories: BTreeMap<String, String>,
    #[schema(value_type = Option<i64>)]
    pub merged_into: Option<WebsiteId>,
    /// Queries whose results reached it, best rank first.
    pub queries: Vec<QueryRank>,
    pub results: u32,
    pub pages_crawled: u32,
    /// IN actors (other than its own) with crawled pages linking to it.
    pub inlinks_from_in: u32,
    /// The first of them, by unit.
    pub linked_from: Vec<String>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub snippet: Option<String>,
    pub example_url: Option<String>,
}

/// How a list of websites is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebsiteSort {
    /// Most search results first [default].
    #[default]
    Results,
    /// Most inlinks from IN websites first.
    Inlinks,
    /// Most pages crawled first.
    Pages,
    /// Alphabetical by unit.
    Unit,
    /// Earliest seen first.
    FirstSeen,
    /// Latest seen first.
    LastSeen,
}

/// Which websites a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebsiteFilter {
    pub status: Option<WebsiteStatus>,
    pub origin: Option<Origin>,
    /// Text in the unit or the name (case-insensitive).
    pub q: Option<String>,
    /// `key` (has the category) or `key:value`, on the website's actor.
    pub category: Option<String>,
    pub sort: WebsiteSort,
}

/// Distinguishes "absent" (`None`) from "null" (`Some(None)`).
fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to one website. Absent fields stay; `null` clears (the status goes back to the
/// project's default, the merge is undone).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebsiteChange {
    /// Which website (bulk requests only).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub id: Option<WebsiteId>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<WebsiteStatus>)]
    pub status: Option<Option<WebsiteStatus>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// Categories to set; a `null` value removes that category; others stay.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub categories: Option<BTreeMap<String, Option<String>>>,
    /// The website whose actor this one joins; `null` makes it its own actor again.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub merged_into: Option<Option<WebsiteId>>,
}

/// Many websites at once, all or nothing.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkChange {
    pub websites: Vec<WebsiteChange>,
}

/// A unit to add: a host or URL prefix that refines a website, or any website to decide on
/// before it turns up.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    /// `nyheder.tv2.dk`, `tv2.dk/sport`, `wikipedia.org` or a whole URL.
    pub unit: String,
    #[serde(flatten)]
    pub change: WebsiteChange,
}

/// The project's catalogue with every website stored, so each has an id.
pub(crate) async fn stored_catalogue(
    store: &dyn Store,
    project: ProjectId,
) -> Result<(Project, Catalogue), ServiceError> {
    let settings = store
        .project_settings(project)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let stored = store.project_websites(project).await?;
    let results = store.project_search_results(project).await?;
    let pages = store.project_pages(project).await?;
    let mut catalogue = Catalogue::build(Defaults::of(&settings), &stored, &results, &pages);
    let discovered: Vec<NewWebsite> = catalogue
        .websites()
        .iter()
        .filter(|w| w.id.is_none())
        .map(|w| NewWebsite {
            unit: w.unit.key(),
            kind: w.unit.kind().to_owned(),
        })
        .collect();
    if !discovered.is_empty() {
        store.add_project_websites(project, &discovered).await?;
        let ids: HashMap<String, WebsiteId> = store
            .project_websites(project)
            .await?
            .into_iter()
            .map(|w| (w.unit, w.id))
            .collect();
        catalogue.assign_ids(&ids);
    }
    Ok((settings, catalogue))
}

pub(crate) fn view(project: ProjectId, c: &Catalogue, i: usize) -> Option<WebsiteView> {
    let w = &c.websites()[i];
    let lead = c.lead(i);
    let inlinks = c.inlinks_from_in(i);
    let mut linked_from: Vec<String> = inlinks.iter().map(|&s| c.websites()[s].unit.key()).collect();
    linked_from.sort();
    linked_from.truncate(LINKED_FROM_SHOWN);
    let mut queries: Vec<QueryRank> = w.queries.values().cloned().collect();
    queries.sort_by(|a, b| a.best_rank.cmp(&b.best_rank).then_with(|| a.query.cmp(&b.query)));
    Some(WebsiteView {
        id: w.id?,
        project_id: project,
        unit: w.unit.key(),
        kind: w.unit.kind().to_owned(),
        origin: w.origin,
        status: c.status(i),
        status_set: c.websites()[lead].status_set.is_some(),
        name: w.name.clone(),
        categories: w.categories.clone(),
        actor_id: c.websites()[lead].id?,
        actor_name: c.actor_label(lead),
        actor_categories: c.websites()[lead].categories.clone(),
        merged_into: c.merged_into(i).and_then(|m| c.websites()[m].id),
        queries,
        results: w.results,
        pages_crawled: w.pages,
        inlinks_from_in: u32::try_from(inlinks.len()).unwrap_or(u32::MAX),
        linked_from,
        first_seen: w.first_seen,
        last_seen: w.last_seen,
        snippet: w.snippet.clone(),
        example_url: w.example_url.clone(),
    })
}

/// Orders websites: the sort's key, then the unit.
fn sort_key(c: &Catalogue, i: usize, sort: WebsiteSort, inlinks: &[u32]) -> (i64, String) {
    let w = &c.websites()[i];
    let millis = |t: Option<DateTime<Utc>>| t.map_or(i64::MAX, |t| t.timestamp_millis());
    let primary = match sort {
        WebsiteSort::Results => -i64::from(w.results),
        WebsiteSort::Inlinks => -i64::from(inlinks[i]),
        WebsiteSort::Pages => -i64::from(w.pages),
        WebsiteSort::Unit => 0,
        WebsiteSort::FirstSeen => millis(w.first_seen),
        WebsiteSort::LastSeen => w.last_seen.map_or(i64::MAX, |t| -t.timestamp_millis()),
    };
    (primary, w.unit.key())
}

fn category_matches(categories: &BTreeMap<String, String>, wanted: &str) -> bool {
    match wanted.split_once(':') {
        Some((k, v)) => categories.get(k.trim()).is_some_and(|have| have == v.trim()),
        None => categories.contains_key(wanted.trim()),
    }
}

/// One page of websites in the filter's order, after the website `after` (by its key now).
fn page_of(
    c: &Catalogue,
    mut candidates: Vec<usize>,
    sort: WebsiteSort,
    inlinks: &[u32],
    page: store::PageRequest,
) -> Vec<usize> {
    candidates.sort_by_cached_key(|&i| sort_key(c, i, sort, inlinks));
    let start = match page.after.and_then(|id| c.index_of(WebsiteId::new(id))) {
        Some(after) => {
            let key = sort_key(c, after, sort, inlinks);
            candidates.partition_point(|&i| sort_key(c, i, sort, inlinks) <= key)
        }
        None => 0,
    };
    candidates
        .into_iter()
        .skip(start)
        .take(page.limit as usize)
        .collect()
}

/// The project's websites, filtered and sorted; `page.after` is a website id.
pub async fn list_websites(
    store: &dyn Store,
    viewer: UserId,
    project: ProjectId,
    filter: &WebsiteFilter,
    page: store::PageRequest,
) -> Result<Vec<WebsiteView>, ServiceError> {
    projects::access::require(store, viewer, ProjectResource::Project(project), Need::Read).await?;
    if let Some(q) = &filter.q
        && q.chars().count() > 200
    {
        return Err(ServiceError::field("q", "must be at most 200 characters"));
    }
    let (_, c) = stored_catalogue(store, project).await?;
    let inlinks: Vec<u32> = (0..c.len())
        .map(|i| u32::try_from(c.inlinks_from_in(i).len()).unwrap_or(u32::MAX))
        .collect();
    let needle = filter.q.as_deref().map(str::to_lowercase);
    let candidates: Vec<usize> = (0..c.len())
        .filter(|&i| {
            let w = &c.websites()[i];
            filter.status.is_none_or(|s| c.status(i) == s)
                && filter.origin.is_none_or(|o| w.origin == o)
                && needle.as_deref().is_none_or(|n| {
                    w.unit.key().contains(n)
                        || w.name
                            .as_deref()
                            .is_some_and(|name| name.to_lowercase().contains(n))
                })
                && filter
                    .category
                    .as_deref()
                    .is_none_or(|cat| category_matches(&c.websites()[c.lead(i)].categories, cat))
        })
        .collect();
    Ok(page_of(&c, candidates, filter.sort, &inlinks, page)
        .into_iter()
        .filter_map(|i| view(project, &c, i))
        .collect())
}

/// One website of the project.
pub async fn get_website(
    store: &dyn Store,
    viewer: UserId,
    project: ProjectId,
    id: WebsiteId,
) -> Result<WebsiteView, ServiceError> {
    projects::access::require(store, viewer, ProjectResource::Project(project), Need::Read).await?;
    let (_, c) = stored_catalogue(store, project).await?;
    let i = c.index_of(id).ok_or(ServiceError::NotFound)?;
    view(project, &c, i).ok_or(ServiceError::NotFound)
}

/// Undecided actors, most linked from IN websites first: what to decide on next.
pub async fn prospects(
    store: &dyn Store,
    viewer: UserId,
    project: ProjectId,
    page: store::PageRequest,
) -> Result<Vec<WebsiteView>, ServiceError> {
    projects::access::require(store, viewer, ProjectResource::Project(project), Need::Read).await?;
    let (_, c) = stored_catalogue(store, project).await?;
    let mut inlinks = vec![0u32; c.len()];
    let mut linked_from: HashMap<usize, Vec<String>> = HashMap::new();
    let candidates: Vec<usize> = (0..c.len())
        .filter(|&i| c.lead(i) == i && c.status(i) == WebsiteStatus::Undecided)
        .collect();
    for &i in &candidates {
        let from = c.actor_inlinks_from_in(i);
        inlinks[i] = u32::try_from(from.len()).unwrap_or(u32::MAX);
        let mut names: Vec<String> = from.iter().map(|&s| c.websites()[s].unit.key()).collect();
        names.sort();
        names.truncate(LINKED_FROM_SHOWN);
        linked_from.insert(i, names);
    }
    Ok(page_of(&c, candidates, WebsiteSort::Inlinks, &inlinks, page)
        .into_iter()
        .filter_map(|i| {
            let mut v = view(project, &c, i)?;
            v.inlinks_from_in = inlinks[i];
            v.linked_from = linked_from.remove(&i).unwrap_or_default();
            Some(v)
        })
        .collect())
}

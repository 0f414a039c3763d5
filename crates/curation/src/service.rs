//! Curation operations shared by the HTTP API and the CLI: list a project's websites, set
//! their status, names, categories and merges (one, many, or a whole CSV table), add
//! refined units, and list the prospects.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use contract::{FieldIssue, ServiceError};
use projects::Need;
use projects::activity::Act;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use store::{
    NewWebsite, Project, ProjectId, ProjectResource, Store, UserId, WebsiteCuration, WebsiteId, WebsiteStatus,
};

use crate::actors::ActorUnit;
use crate::catalogue::{Catalogue, Defaults, Origin, QueryRank};
use crate::{rules, table};

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

/// What an import changed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Rows read and applied.
    pub rows: usize,
    /// Units the table added (refinements of websites the project has seen).
    pub added: usize,
}

/// The project's catalogue with every website stored, so each has an id.
async fn stored_catalogue(store: &dyn Store, project: ProjectId) -> Result<(Project, Catalogue), ServiceError> {
    let settings = store.project_settings(project).await?.ok_or(ServiceError::NotFound)?;
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

fn view(project: ProjectId, c: &Catalogue, i: usize) -> Option<WebsiteView> {
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
    candidates.into_iter().skip(start).take(page.limit as usize).collect()
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
                    w.unit.key().contains(n) || w.name.as_deref().is_some_and(|name| name.to_lowercase().contains(n))
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

/// A website's curation as it will be written.
#[derive(Debug, Clone, PartialEq)]
struct State {
    status: Option<WebsiteStatus>,
    name: Option<String>,
    categories: BTreeMap<String, String>,
    /// Index of the website it is merged into.
    merged_into: Option<usize>,
}

fn state_of(c: &Catalogue, i: usize) -> State {
    let w = &c.websites()[i];
    State {
        status: w.status_set,
        name: w.name.clone(),
        categories: w.categories.clone(),
        merged_into: c.merged_into(i),
    }
}

/// Applies a change to a state, naming problems under `field`.
fn apply(c: &Catalogue, state: &mut State, change: &WebsiteChange, field: &str, issues: &mut Vec<FieldIssue>) {
    if let Some(status) = change.status {
        state.status = status;
    }
    if let Some(name) = &change.name {
        match name {
            Some(n) => match rules::name(n) {
                Ok(()) => state.name = Some(n.trim().to_owned()),
                Err(m) => issues.push(FieldIssue::new(format!("{field}name"), m)),
            },
            None => state.name = None,
        }
    }
    if let Some(categories) = &change.categories {
        for (key, value) in categories {
            if let Err(m) = rules::category_key(key) {
                issues.push(FieldIssue::new(format!("{field}categories.{key}"), m));
                continue;
            }
            match value {
                Some(v) => match rules::category_value(v) {
                    Ok(()) => {
                        state.categories.insert(key.clone(), v.trim().to_owned());
                    }
                    Err(m) => issues.push(FieldIssue::new(format!("{field}categories.{key}"), m)),
                },
                None => {
                    state.categories.remove(key);
                }
            }
        }
        if state.categories.len() > rules::MAX_CATEGORIES {
            issues.push(FieldIssue::new(
                format!("{field}categories"),
                format!("at most {} categories", rules::MAX_CATEGORIES),
            ));
        }
    }
    if let Some(merge) = change.merged_into {
        state.merged_into = match merge {
            None => None,
            Some(id) => match c.index_of(id) {
                Some(t) => Some(t),
                None => {
                    issues.push(FieldIssue::new(
                        format!("{field}merged_into"),
                        "no such website in this project",
                    ));
                    None
                }
            },
        };
    }
}

/// Checks the merges of the whole catalogue once the changes are in: a website is merged
/// into another that is not itself merged, and nothing merged has websites merged into it.
fn check_merges(c: &Catalogue, states: &HashMap<usize, (State, String)>, issues: &mut Vec<FieldIssue>) {
    let merged_into = |i: usize| match states.get(&i) {
        Some((s, _)) => s.merged_into,
        None => c.merged_into(i),
    };
    for (&i, (state, field)) in states {
        let Some(target) = state.merged_into else { continue };
        if target == i {
            issues.push(FieldIssue::new(format!("{field}merged_into"), "a website cannot merge into itself"));
        } else if merged_into(target).is_some() {
            issues.push(FieldIssue::new(
                format!("{field}merged_into"),
                format!(
                    "{} is itself merged into another website; merge into that one",
                    c.websites()[target].unit.key()
                ),
            ));
        } else if (0..c.len()).any(|j| j != i && merged_into(j) == Some(i)) {
            issues.push(FieldIssue::new(
                format!("{field}merged_into"),
                "other websites are merged into this one; merge them into the target first",
            ));
        }
    }
}

fn curation(c: &Catalogue, i: usize, state: &State, unit: Option<&ActorUnit>) -> WebsiteCuration {
    let unit = unit.cloned().unwrap_or_else(|| c.websites()[i].unit.clone());
    WebsiteCuration {
        unit: unit.key(),
        kind: unit.kind().to_owned(),
        status: state.status,
        name: state.name.clone(),
        categories: state.categories.clone(),
        merged_into: state.merged_into.map(|t| c.websites()[t].unit.key()),
    }
}

/// Writes the changed states, records the act and answers the changed websites.
async fn commit(
    store: &dyn Store,
    user: UserId,
    project: ProjectId,
    curations: Vec<WebsiteCuration>,
    act: &'static str,
) -> Result<Vec<WebsiteView>, ServiceError> {
    store.curate_websites(project, &curations).await?;
    let units: HashSet<&str> = curations.iter().map(|c| c.unit.as_str()).collect();
    let (_, c) = stored_catalogue(store, project).await?;
    let views: Vec<WebsiteView> = (0..c.len())
        .filter(|&i| units.contains(c.websites()[i].unit.key().as_str()))
        .filter_map(|i| view(project, &c, i))
        .collect();
    let detail = json!({
        "websites": views.iter().take(50).map(|v| &v.unit).collect::<Vec<_>>(),
        "count": views.len(),
    });
    let subject = views.first().map_or(0, |v| v.id.get());
    projects::activity::record(store, project, user, Act::new(act, "website", subject).with_detail(detail)).await;
    Ok(views)
}

/// Changes one website.
pub async fn update_website(
    store: &dyn Store,
    user: UserId,
    project: ProjectId,
    id: WebsiteId,
    change: &WebsiteChange,
) -> Result<WebsiteView, ServiceError> {
    projects::access::require(store, user, ProjectResource::Project(project), Need::Edit).await?;
    if change.id.is_some_and(|given| given != id) {
        return Err(ServiceError::field("id", "is given by the path"));
    }
    let (_, c) = stored_catalogue(store, project).await?;
    let i = c.index_of(id).ok_or(ServiceError::NotFound)?;
    let mut issues = Vec::new();
    let mut state = state_of(&c, i);
    apply(&c, &mut state, change, "", &mut issues);
    let states = HashMap::from([(i, (state.clone(), String::new()))]);
    check_merges(&c, &states, &mut issues);
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let mut views = commit(store, user, project, vec![curation(&c, i, &state, None)], "curated").await?;
    views.pop().ok_or(ServiceError::NotFound)
}

/// Changes many websites, all or nothing.
pub async fn update_websites(
    store: &dyn Store,
    user: UserId,
    project: ProjectId,
    bulk: &BulkChange,
) -> Result<Vec<WebsiteView>, ServiceError> {
    projects::access::require(store, user, ProjectResource::Project(project), Need::Edit).await?;
    if bulk.websites.is_empty() || bulk.websites.len() > MAX_BULK {
        return Err(ServiceError::field("websites", format!("give 1–{MAX_BULK} changes")));
    }
    let (_, c) = stored_catalogue(store, project).await?;
    let mut issues = Vec::new();
    let mut states: HashMap<usize, (State, String)> = HashMap::new();
    for (n, change) in bulk.websites.iter().enumerate() {
        let field = format!("websites[{n}].");
        let Some(id) = change.id else {
            issues.push(FieldIssue::new(format!("{field}id"), "is required"));
            continue;
        };
        let Some(i) = c.index_of(id) else {
            issues.push(FieldIssue::new(format!("{field}id"), "no such website in this project"));
            continue;
        };
        if states.contains_key(&i) {
            issues.push(FieldIssue::new(format!("{field}id"), "is changed twice in one request"));
            continue;
        }
        let mut state = state_of(&c, i);
        apply(&c, &mut state, change, &field, &mut issues);
        states.insert(i, (state, field));
    }
    check_merges(&c, &states, &mut issues);
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let curations = states.iter().map(|(&i, (s, _))| curation(&c, i, s, None)).collect();
    commit(store, user, project, curations, "curated").await
}

/// Adds a unit (a host or URL prefix refining a website, or a website not seen yet) with
/// its curation.
pub async fn add_website(
    store: &dyn Store,
    user: UserId,
    project: ProjectId,
    new: &NewUnit,
) -> Result<WebsiteView, ServiceError> {
    projects::access::require(store, user, ProjectResource::Project(project), Need::Edit).await?;
    let unit = ActorUnit::parse(&new.unit).map_err(|e| ServiceError::field("unit", e.to_string()))?;
    if new.change.id.is_some() {
        return Err(ServiceError::field("id", "a new website gets its id from the server"));
    }
    let (_, c) = stored_catalogue(store, project).await?;
    if let Some(i) = c.index_of_unit(&unit) {
        let id = c.websites()[i].id.map_or(0, |id| id.get());
        return Err(ServiceError::Conflict(format!(
            "{} is already website {id} of this project",
            unit.key()
        )));
    }
    let mut issues = Vec::new();
    let mut state = State {
        status: None,
        name: None,
        categories: BTreeMap::new(),
        merged_into: None,
    };
    apply(&c, &mut state, &new.change, "", &mut issues);
    if state.merged_into.is_some_and(|t| c.merged_into(t).is_some()) {
        issues.push(FieldIssue::new("merged_into", "that website is itself merged; merge into its actor"));
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    // The new unit is not in the catalogue, so `curation` takes it as given.
    let entry = curation(&c, 0, &state, Some(&unit));
    let mut views = commit(store, user, project, vec![entry], "added").await?;
    views.pop().ok_or(ServiceError::NotFound)
}

/// The actor table: every website with what a researcher set on it, by unit.
pub async fn export_table(store: &dyn Store, viewer: UserId, project: ProjectId) -> Result<String, ServiceError> {
    projects::access::require(store, viewer, ProjectResource::Project(project), Need::Read).await?;
    let (_, c) = stored_catalogue(store, project).await?;
    let mut rows: Vec<table::TableRow> = (0..c.len())
        .map(|i| {
            let w = &c.websites()[i];
            table::TableRow {
                line: 0,
                website: w.unit.key(),
                kind: w.unit.kind().to_owned(),
                origin: w.origin.as_str().to_owned(),
                status: w.status_set,
                name: w.name.clone(),
                merged_into: c.merged_into(i).map(|t| c.websites()[t].unit.key()),
                categories: w.categories.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.website.cmp(&b.website));
    Ok(table::write(&rows))
}

/// Applies an actor table: each row sets its website's status, name, merge and categories
/// (empty cells clear them); websites the table does not name stay as they are. A row may
/// name a host or URL prefix within a website the project has seen, which adds it. Any
/// problem refuses the whole table.
pub async fn import_table(
    store: &dyn Store,
    user: UserId,
    project: ProjectId,
    text: &str,
) -> Result<ImportReport, ServiceError> {
    projects::access::require(store, user, ProjectResource::Project(project), Need::Edit).await?;
    let rows = table::read(text).map_err(ServiceError::Invalid)?;
    let (_, c) = stored_catalogue(store, project).await?;
    let mut issues = Vec::new();
    // Each row's unit: an index in the catalogue, or a new unit (numbered past its end).
    let mut units: Vec<ActorUnit> = Vec::new();
    let mut index: HashMap<ActorUnit, usize> = HashMap::new();
    let mut line_of: HashMap<usize, u64> = HashMap::new();
    for row in &rows {
        let field = format!("line {}", row.line);
        let unit = match ActorUnit::parse(&row.website) {
            Ok(u) => u,
            Err(e) => {
                issues.push(FieldIssue::new(field, format!("website: {e}")));
                continue;
            }
        };
        let i = match c.index_of_unit(&unit) {
            Some(i) => i,
            None => {
                let probe = format!("http://{}/", unit.key().trim_end_matches('/'));
                let seen = c.resolve_url(&probe).is_some_and(|r| r.actor.is_some());
                if !seen {
                    issues.push(FieldIssue::new(
                        field,
                        format!("{}: the project has not seen this website", unit.key()),
                    ));
                    continue;
                }
                c.len() + units.len()
            }
        };
        if line_of.contains_key(&i) {
            issues.push(FieldIssue::new(
                field,
                format!("{} is already on line {}", unit.key(), line_of[&i]),
            ));
            continue;
        }
        line_of.insert(i, row.line);
        if i >= c.len() {
            units.push(unit.clone());
        }
        index.insert(unit, i);
    }
    // Merges name a website by unit, in the project or in the table.
    let mut targets: HashMap<u64, Option<usize>> = HashMap::new();
    for row in &rows {
        let Some(target) = &row.merged_into else { continue };
        let field = format!("line {}", row.line);
        match ActorUnit::parse(target) {
            Ok(u) => match index.get(&u).copied().or_else(|| c.index_of_unit(&u)) {
                Some(t) => {
                    targets.insert(row.line, Some(t));
                }
                None => issues.push(FieldIssue::new(
                    field,
                    format!("merged_into: {} is not a website of this project", u.key()),
                )),
            },
            Err(e) => issues.push(FieldIssue::new(field, format!("merged_into: {e}"))),
        }
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    // Final merges: the table's rows over the stored ones.
    let merged: HashMap<usize, Option<usize>> = rows
        .iter()
        .filter_map(|row| {
            let unit = ActorUnit::parse(&row.website).ok()?;
            let i = *index.get(&unit)?;
            Some((i, targets.get(&row.line).copied().flatten()))
        })
        .collect();
    let merged_into = |i: usize| match merged.get(&i) {
        Some(m) => *m,
        None if i < c.len() => c.merged_into(i),
        None => None,
    };
    let key_of = |i: usize| {
        if i < c.len() {
            c.websites()[i].unit.key()
        } else {
            units[i - c.len()].key()
        }
    };
    for row in &rows {
        let Some(i) = ActorUnit::parse(&row.website).ok().and_then(|u| index.get(&u).copied()) else {
            continue;
        };
        let Some(t) = merged_into(i) else { continue };
        let field = format!("line {}", row.line);
        if t == i {
            issues.push(FieldIssue::new(field, "merged_into: a website cannot merge into itself"));
        } else if merged_into(t).is_some() {
            issues.push(FieldIssue::new(
                field,
                format!("merged_into: {} is itself merged; merge into its actor", key_of(t)),
            ));
        }
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let curations: Vec<WebsiteCuration> = rows
        .iter()
        .filter_map(|row| {
            let unit = ActorUnit::parse(&row.website).ok()?;
            let i = *index.get(&unit)?;
            Some(WebsiteCuration {
                unit: unit.key(),
                kind: unit.kind().to_owned(),
                status: row.status,
                name: row.name.clone(),
                categories: row.categories.clone(),
                merged_into: merged_into(i).map(key_of),
            })
        })
        .collect();
    let report = ImportReport {
        rows: curations.len(),
        added: units.len(),
    };
    commit(store, user, project, curations, "imported").await?;
    Ok(report)
}

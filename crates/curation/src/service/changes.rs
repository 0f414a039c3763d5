//! Setting websites' status, names, categories and merges: one, many, or a new unit.

use std::collections::{BTreeMap, HashMap, HashSet};

use contract::{FieldIssue, ServiceError};
use projects::Need;
use projects::activity::Act;
use serde_json::json;
use store::{ProjectId, ProjectResource, Store, UserId, WebsiteCuration, WebsiteId, WebsiteStatus};

use super::{BulkChange, MAX_BULK, NewUnit, WebsiteChange, WebsiteView, stored_catalogue, view};
use crate::actors::ActorUnit;
use crate::catalogue::Catalogue;
use crate::rules;

/// A website's curation as it will be written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct State {
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
fn apply(
    c: &Catalogue,
    state: &mut State,
    change: &WebsiteChange,
    field: &str,
    issues: &mut Vec<FieldIssue>,
) {
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
            issues.push(FieldIssue::new(
                format!("{field}merged_into"),
                "a website cannot merge into itself",
            ));
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

pub(super) fn curation(c: &Catalogue, i: usize, state: &State, unit: Option<&ActorUnit>) -> WebsiteCuration {
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
pub(super) async fn commit(
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
    projects::activity::record(
        store,
        project,
        user,
        Act::new(act, "website", subject).with_detail(detail),
    )
    .await;
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
    let mut views = commit(
        store,
        user,
        project,
        vec![curation(&c, i, &state, None)],
        "curated",
    )
    .await?;
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
        return Err(ServiceError::field(
            "websites",
            format!("give 1–{MAX_BULK} changes"),
        ));
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
            issues.push(FieldIssue::new(
                format!("{field}id"),
                "no such website in this project",
            ));
            continue;
        };
        if states.contains_key(&i) {
            issues.push(FieldIssue::new(
                format!("{field}id"),
                "is changed twice in one request",
            ));
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
    let curations = states
        .iter()
        .map(|(&i, (s, _))| curation(&c, i, s, None))
        .collect();
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
        return Err(ServiceError::field(
            "id",
            "a new website gets its id from the server",
        ));
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
        issues.push(FieldIssue::new(
            "merged_into",
            "that website is itself merged; merge into its actor",
        ));
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    // The new unit is not in the catalogue, so `curation` takes it as given.
    let entry = curation(&c, 0, &state, Some(&unit));
    let mut views = commit(store, user, project, vec![entry], "added").await?;
    views.pop().ok_or(ServiceError::NotFound)
}

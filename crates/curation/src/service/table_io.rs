//! The actor table as CSV: export every website's curation, import a whole table.

use std::collections::HashMap;

use contract::{FieldIssue, ServiceError};
use projects::Need;
use serde::Serialize;
use store::{ProjectId, ProjectResource, Store, UserId, WebsiteCuration};

use super::changes::commit;
use super::stored_catalogue;
use crate::actors::ActorUnit;
use crate::table;

/// What an import changed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Rows read and applied.
    pub rows: usize,
    /// Units the table added (refinements of websites the project has seen).
    pub added: usize,
}

/// The actor table: every website with what a researcher set on it, by unit.
pub async fn export_table(
    store: &dyn Store,
    viewer: UserId,
    project: ProjectId,
) -> Result<String, ServiceError> {
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

/// Problems in file order: the whole file first, then by line.
fn by_line(mut issues: Vec<FieldIssue>) -> Vec<FieldIssue> {
    let line = |i: &FieldIssue| {
        i.field
            .strip_prefix("line ")
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    issues.sort_by_key(line);
    issues
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
    let (rows, mut issues) = table::read_all(text);
    if rows.is_empty() && !issues.is_empty() {
        return Err(ServiceError::Invalid(issues));
    }
    let (_, c) = stored_catalogue(store, project).await?;
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
        return Err(ServiceError::Invalid(by_line(issues)));
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
        let Some(i) = ActorUnit::parse(&row.website)
            .ok()
            .and_then(|u| index.get(&u).copied())
        else {
            continue;
        };
        let Some(t) = merged_into(i) else { continue };
        let field = format!("line {}", row.line);
        if t == i {
            issues.push(FieldIssue::new(
                field,
                "merged_into: a website cannot merge into itself",
            ));
        } else if merged_into(t).is_some() {
            issues.push(FieldIssue::new(
                field,
                format!(
                    "merged_into: {} is itself merged; merge into its actor",
                    key_of(t)
                ),
            ));
        }
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(by_line(issues)));
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

//! Projects and their members: what the API and the CLI call.

use contract::{FieldIssue, ServiceError};
use serde::Deserialize;
use serde_json::json;
use store::{
    Activity, Member, NewProject, PageRequest, Project, ProjectChanges, ProjectId, ProjectMembership,
    ProjectResource, Role, Store, StoreError, UserId, WebsiteStatus,
};

use crate::access::{self, Need};
use crate::activity::{self, Act};

const MAX_NAME_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 4_000;

/// A new project; its creator becomes its owner.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Changes to a project; omitted fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    /// What a website found by a search starts as: `in`, `out` or `undecided`.
    pub search_status: Option<String>,
    /// What a website discovered through a link starts as.
    pub link_status: Option<String>,
}

/// A user to add, by name, with a role: `owner`, `editor` or `viewer`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub username: String,
    pub role: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdate {
    pub role: String,
}

fn check_name(name: &str, issues: &mut Vec<FieldIssue>) -> String {
    let name = name.trim();
    if name.is_empty() {
        issues.push(FieldIssue::new("name", "must not be empty"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        issues.push(FieldIssue::new(
            "name",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    } else if name.chars().any(char::is_control) {
        issues.push(FieldIssue::new("name", "must not contain control characters"));
    }
    name.to_owned()
}

fn check_description(description: &str, issues: &mut Vec<FieldIssue>) {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        issues.push(FieldIssue::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
}

fn parse_role(role: &str, issues: &mut Vec<FieldIssue>) -> Option<Role> {
    role.parse()
        .map_err(|message: String| issues.push(FieldIssue::new("role", message)))
        .ok()
}

fn parse_status(field: &str, status: Option<&str>, issues: &mut Vec<FieldIssue>) -> Option<WebsiteStatus> {
    status.and_then(|s| {
        s.parse()
            .map_err(|message: String| issues.push(FieldIssue::new(field, message)))
            .ok()
    })
}

fn invalid_unless_empty(issues: Vec<FieldIssue>) -> Result<(), ServiceError> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(issues))
    }
}

pub async fn create_project(
    store: &dyn Store,
    user: UserId,
    request: &ProjectRequest,
) -> Result<ProjectMembership, ServiceError> {
    let mut issues = Vec::new();
    let name = check_name(&request.name, &mut issues);
    check_description(&request.description, &mut issues);
    invalid_unless_empty(issues)?;
    let project = store
        .create_project(NewProject {
            name,
            description: request.description.clone(),
            created_by: user,
        })
        .await?;
    activity::record(
        store,
        project.id,
        user,
        Act::new("created", "project", project.id),
    )
    .await;
    get_project(store, user, project.id).await
}

pub async fn list_projects(
    store: &dyn Store,
    user: UserId,
    page: PageRequest,
) -> Result<Vec<ProjectMembership>, ServiceError> {
    Ok(store.projects_of(user, page).await?)
}

pub async fn get_project(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
) -> Result<ProjectMembership, ServiceError> {
    store.project(user, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn update_project(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
    update: &ProjectUpdate,
) -> Result<ProjectMembership, ServiceError> {
    access::require(store, user, ProjectResource::Project(id), Need::Manage).await?;
    let mut issues = Vec::new();
    let name = update.name.as_deref().map(|n| check_name(n, &mut issues));
    if let Some(d) = &update.description {
        check_description(d, &mut issues);
    }
    let changes = ProjectChanges {
        name,
        description: update.description.clone(),
        search_status: parse_status("search_status", update.search_status.as_deref(), &mut issues),
        link_status: parse_status("link_status", update.link_status.as_deref(), &mut issues),
    };
    invalid_unless_empty(issues)?;
    let project: Project = store.update_project(id, &changes).await?;
    activity::record(
        store,
        id,
        user,
        Act::new("updated", "project", id).with_detail(json!({
            "name": project.name,
            "search_status": project.search_status,
            "link_status": project.link_status,
        })),
    )
    .await;
    get_project(store, user, id).await
}

/// Deletes the project and everything in it. The members it had see it no more.
pub async fn delete_project(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
) -> Result<Vec<UserId>, ServiceError> {
    access::require(store, user, ProjectResource::Project(id), Need::Manage).await?;
    let members = store.member_ids(id).await?;
    store.delete_project(id).await?;
    Ok(members)
}

pub async fn members(store: &dyn Store, user: UserId, id: ProjectId) -> Result<Vec<Member>, ServiceError> {
    access::require(store, user, ProjectResource::Project(id), Need::Read).await?;
    Ok(store.members(id).await?)
}

pub async fn add_member(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
    request: &MemberRequest,
) -> Result<Member, ServiceError> {
    access::require(store, user, ProjectResource::Project(id), Need::Manage).await?;
    let mut issues = Vec::new();
    let role = parse_role(&request.role, &mut issues);
    let username = request.username.trim();
    if username.is_empty() {
        issues.push(FieldIssue::new("username", "must not be empty"));
    }
    let (Some(role), true) = (role, issues.is_empty()) else {
        return Err(ServiceError::Invalid(issues));
    };
    let member = match store.add_member(id, username, role).await {
        Ok(Some(member)) => member,
        Ok(None) => return Err(ServiceError::field("username", "no such user")),
        Err(StoreError::Conflict(message)) => return Err(ServiceError::field("username", message)),
        Err(e) => return Err(e.into()),
    };
    activity::record(
        store,
        id,
        user,
        Act::new("added", "member", member.user_id)
            .with_detail(json!({"username": member.username, "role": member.role})),
    )
    .await;
    Ok(member)
}

pub async fn update_member(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
    member: UserId,
    update: &MemberUpdate,
) -> Result<Member, ServiceError> {
    access::require(store, user, ProjectResource::Project(id), Need::Manage).await?;
    let mut issues = Vec::new();
    let role = parse_role(&update.role, &mut issues);
    let (Some(role), true) = (role, issues.is_empty()) else {
        return Err(ServiceError::Invalid(issues));
    };
    let changed = store
        .set_member_role(id, member, role)
        .await
        .map_err(conflict_as_is)?;
    activity::record(
        store,
        id,
        user,
        Act::new("changed role", "member", member)
            .with_detail(json!({"username": changed.username, "role": changed.role})),
    )
    .await;
    Ok(changed)
}

/// Removes a member: owners remove anyone, and every member may leave.
pub async fn remove_member(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
    member: UserId,
) -> Result<(), ServiceError> {
    let need = if member == user { Need::Read } else { Need::Manage };
    access::require(store, user, ProjectResource::Project(id), need).await?;
    store.remove_member(id, member).await.map_err(conflict_as_is)?;
    let action = if member == user { "left" } else { "removed" };
    activity::record(store, id, user, Act::new(action, "member", member)).await;
    Ok(())
}

pub async fn activity(
    store: &dyn Store,
    user: UserId,
    id: ProjectId,
    page: PageRequest,
) -> Result<Vec<Activity>, ServiceError> {
    access::require(store, user, ProjectResource::Project(id), Need::Read).await?;
    Ok(store.activity(id, page).await?)
}

fn conflict_as_is(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(message) => ServiceError::Conflict(message),
        StoreError::NotFound => ServiceError::NotFound,
        other => other.into(),
    }
}

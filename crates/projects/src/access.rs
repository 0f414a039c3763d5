//! The one access check: which project a resource lives in, and whether the user's role
//! there allows what they ask.

use contract::ServiceError;
use store::{ProjectId, ProjectResource, Role, Store, UserId};

/// What a request needs of the user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Read and download: every member.
    Read,
    /// Create, run, curate, delete: editors and owners.
    Edit,
    /// Rename the project, manage its members: owners.
    Manage,
}

impl Need {
    fn allows(self, role: Role) -> bool {
        match self {
            Need::Read => true,
            Need::Edit => role.can_edit(),
            Need::Manage => role.can_manage(),
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            Need::Read => "reading needs a role in the project",
            Need::Edit => "this needs the editor or owner role in the project; viewers read and download",
            Need::Manage => "this needs the owner role in the project",
        }
    }
}

/// A user's standing in a project, as checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub project: ProjectId,
    pub role: Role,
}

/// The project `resource` lives in, when `user` may do what `need` says there. Not a
/// member, or no such thing: not found (never told apart). A member whose role does not
/// allow it: forbidden.
pub async fn require(
    store: &dyn Store,
    user: UserId,
    resource: ProjectResource,
    need: Need,
) -> Result<Access, ServiceError> {
    let (project, role) = store
        .resource_role(user, resource)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if need.allows(role) {
        Ok(Access { project, role })
    } else {
        Err(ServiceError::Forbidden(need.refusal().to_owned()))
    }
}

/// The project a new resource goes into: the one asked for, else the user's default
/// project; the user must be able to edit there.
pub async fn target(
    store: &dyn Store,
    user: UserId,
    requested: Option<ProjectId>,
) -> Result<Access, ServiceError> {
    let project = match requested {
        Some(p) => p,
        None => store.default_project(user).await?,
    };
    require(store, user, ProjectResource::Project(project), Need::Edit).await
}

/// Resources that must share one project (a crawl's sessions, a network's scope): the
/// project they are in, or a field issue naming the first one that is not in `project`.
pub fn same_project(project: ProjectId, found: ProjectId, field: &str) -> Result<(), ServiceError> {
    if found == project {
        Ok(())
    } else {
        Err(ServiceError::field(field, "is in another project"))
    }
}

/// A list filtered by project: the user must be a member (a list of another project's
/// things is not found, like the things themselves).
pub async fn filter(store: &dyn Store, user: UserId, project: Option<ProjectId>) -> Result<(), ServiceError> {
    if let Some(project) = project {
        require(store, user, ProjectResource::Project(project), Need::Read).await?;
    }
    Ok(())
}

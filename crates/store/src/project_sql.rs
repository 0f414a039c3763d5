//! The [`ProjectStore`](crate::ProjectStore) implementation shared by both backends.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::error::StoreError;
use crate::project_model::*;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ProjectRow {
    id: crate::ProjectId,
    name: String,
    description: String,
    default_for: Option<crate::UserId>,
    search_status: String,
    link_status: String,
    created_by: Option<crate::UserId>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ProjectRow> for Project {
    type Error = StoreError;
    fn try_from(r: ProjectRow) -> Result<Self, StoreError> {
        Ok(Project {
            id: r.id,
            name: r.name,
            description: r.description,
            default_for: r.default_for,
            search_status: r.search_status.parse().map_err(StoreError::Corrupt)?,
            link_status: r.link_status.parse().map_err(StoreError::Corrupt)?,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct MembershipRow {
    #[sqlx(flatten)]
    project: ProjectRow,
    role: String,
    members: i64,
}

impl TryFrom<MembershipRow> for ProjectMembership {
    type Error = StoreError;
    fn try_from(r: MembershipRow) -> Result<Self, StoreError> {
        Ok(ProjectMembership {
            project: r.project.try_into()?,
            role: r.role.parse().map_err(StoreError::Corrupt)?,
            members: r.members,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct MemberRow {
    user_id: crate::UserId,
    username: String,
    role: String,
    added_at: DateTime<Utc>,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            user_id: r.user_id,
            username: r.username,
            role: r.role.parse().map_err(StoreError::Corrupt)?,
            added_at: r.added_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct ActivityRow {
    id: crate::ActivityId,
    project_id: crate::ProjectId,
    actor_id: Option<crate::UserId>,
    actor_name: String,
    action: String,
    subject_kind: String,
    subject_id: Option<i64>,
    detail: Json<Value>,
    at: DateTime<Utc>,
}

impl From<ActivityRow> for Activity {
    fn from(r: ActivityRow) -> Self {
        Activity {
            id: r.id,
            project_id: r.project_id,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            detail: r.detail.0,
            at: r.at,
        }
    }
}

/// A project with the viewer's role and its member count; `$1` is the viewer.
const MEMBERSHIP_SELECT: &str = "SELECT p.*, m.role, \
     (SELECT COUNT(*) FROM project_members c WHERE c.project_id = p.id) AS members \
     FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = $1";

/// The project a resource lives in, by the resource's id in `$1`.
fn resource_project_sql(resource: &ProjectResource) -> (&'static str, i64) {
    match *resource {
        ProjectResource::Project(id) => ("SELECT id FROM projects WHERE id = $1", id.get()),
        ProjectResource::SearchSession(id) => {
            ("SELECT project_id FROM search_sessions WHERE id = $1", id.get())
        }
        ProjectResource::Crawl(id) => ("SELECT project_id FROM crawl_jobs WHERE id = $1", id.get()),
        ProjectResource::Page(id) => ("SELECT project_id FROM pages WHERE id = $1", id.get()),
        ProjectResource::Analysis(id) => ("SELECT project_id FROM analysis_runs WHERE id = $1", id.get()),
        ProjectResource::Network(id) => ("SELECT project_id FROM networks WHERE id = $1", id.get()),
        ProjectResource::Job(id) => ("SELECT project_id FROM app_jobs WHERE id = $1", id.get()),
    }
}

#[async_trait::async_trait]
impl<B> crate::ProjectStore for B
where
    B: crate::backend::SqlBackend + std::fmt::Debug + 'static,
    for<'c> &'c mut <B::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = B::Db>,
    <B::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<B::Db>,
    for<'q> &'q str: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
    for<'q> &'q str: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, B::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> Option<crate::UserId>: sqlx::Decode<'q, B::Db>,
    for<'q> String: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> chrono::DateTime<chrono::Utc>:
        sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> i64: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> sqlx::types::Json<&'q serde_json::Value>: sqlx::Encode<'q, B::Db> + sqlx::Type<B::Db>,
    for<'q> sqlx::types::Json<serde_json::Value>: sqlx::Type<B::Db> + sqlx::Decode<'q, B::Db>,
    for<'q> usize: sqlx::ColumnIndex<<B::Db as sqlx::Database>::Row>,
{
    async fn create_project(&self, new: NewProject) -> crate::StoreResult<Project> {
        let now = crate::rows::now();
        let mut tx = self.begin_write().await?;
        let row: ProjectRow = sqlx::query_as(
            "INSERT INTO projects (name, description, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING *",
        )
        .bind(&new.name)
        .bind(&new.description)
        .bind(new.created_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO project_members (project_id, user_id, role, added_at) VALUES ($1, $2, 'owner', $3)",
        )
        .bind(row.id)
        .bind(new.created_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        row.try_into()
    }

    async fn projects_of(
        &self,
        viewer: crate::UserId,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<ProjectMembership>> {
        let sql = format!("{MEMBERSHIP_SELECT} WHERE ($2 IS NULL OR p.id < $2) ORDER BY p.id DESC LIMIT $3");
        let rows: Vec<MembershipRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(viewer)
            .bind(page.after)
            .bind(i64::from(page.limit))
            .fetch_all(self.sql_pool())
            .await?;
        rows.into_iter().map(ProjectMembership::try_from).collect()
    }

    async fn project(
        &self,
        viewer: crate::UserId,
        id: crate::ProjectId,
    ) -> crate::StoreResult<Option<ProjectMembership>> {
        let sql = format!("{MEMBERSHIP_SELECT} WHERE p.id = $2");
        let row: Option<MembershipRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(viewer)
            .bind(id)
            .fetch_optional(self.sql_pool())
            .await?;
        row.map(ProjectMembership::try_from).transpose()
    }

    async fn default_project(&self, user: crate::UserId) -> crate::StoreResult<crate::ProjectId> {
        sqlx::query_scalar("SELECT id FROM projects WHERE default_for = $1")
            .bind(user)
            .fetch_optional(self.sql_pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn update_project(
        &self,
        id: crate::ProjectId,
        changes: &ProjectChanges,
    ) -> crate::StoreResult<Project> {
        let row: Option<ProjectRow> = sqlx::query_as(
            "UPDATE projects SET name = COALESCE($2, name), description = COALESCE($3, description), \
             search_status = COALESCE($4, search_status), link_status = COALESCE($5, link_status), \
             updated_at = $6 WHERE id = $1 RETURNING *",
        )
        .bind(id)
        .bind(changes.name.as_deref())
        .bind(changes.description.as_deref())
        .bind(changes.search_status.map(WebsiteStatus::as_str))
        .bind(changes.link_status.map(WebsiteStatus::as_str))
        .bind(crate::rows::now())
        .fetch_optional(self.sql_pool())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn delete_project(&self, id: crate::ProjectId) -> crate::StoreResult<()> {
        let done = sqlx::query("DELETE FROM projects WHERE id = $1 AND default_for IS NULL")
            .bind(id)
            .execute(self.sql_pool())
            .await?;
        if B::rows_affected(&done) == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE id = $1")
                .bind(id)
                .fetch_optional(self.sql_pool())
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("a user's default project cannot be deleted".into()),
                None => StoreError::NotFound,
            });
        }
        Ok(())
    }

    async fn resource_role(
        &self,
        user: crate::UserId,
        resource: ProjectResource,
    ) -> crate::StoreResult<Option<(crate::ProjectId, Role)>> {
        let (project_of, id) = resource_project_sql(&resource);
        let sql = format!(
            "SELECT m.project_id, m.role FROM project_members m \
             WHERE m.user_id = $2 AND m.project_id = ({project_of})"
        );
        let row: Option<(crate::ProjectId, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(user)
            .fetch_optional(self.sql_pool())
            .await?;
        row.map(|(p, role)| Ok((p, role.parse().map_err(StoreError::Corrupt)?)))
            .transpose()
    }

    async fn members(&self, project: crate::ProjectId) -> crate::StoreResult<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.user_id, u.username, m.role, m.added_at FROM project_members m \
             JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY u.username",
        )
        .bind(project)
        .fetch_all(self.sql_pool())
        .await?;
        rows.into_iter().map(Member::try_from).collect()
    }

    async fn member_ids(&self, project: crate::ProjectId) -> crate::StoreResult<Vec<crate::UserId>> {
        Ok(
            sqlx::query_scalar("SELECT user_id FROM project_members WHERE project_id = $1")
                .bind(project)
                .fetch_all(self.sql_pool())
                .await?,
        )
    }

    async fn add_member(
        &self,
        project: crate::ProjectId,
        username: &str,
        role: Role,
    ) -> crate::StoreResult<Option<Member>> {
        let now = crate::rows::now();
        let user: Option<crate::UserId> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.sql_pool())
            .await?;
        let Some(user) = user else { return Ok(None) };
        sqlx::query(
            "INSERT INTO project_members (project_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(project)
        .bind(user)
        .bind(role.as_str())
        .bind(now)
        .execute(self.sql_pool())
        .await
        .map_err(|e| StoreError::unique_violation(e, "the user is already a member"))?;
        Ok(Some(Member {
            user_id: user,
            username: username.to_owned(),
            role,
            added_at: now,
        }))
    }

    async fn set_member_role(
        &self,
        project: crate::ProjectId,
        user: crate::UserId,
        role: Role,
    ) -> crate::StoreResult<Member> {
        let mut tx = self.begin_write().await?;
        lock_project(&mut tx, project).await?;
        let current = member_role(&mut tx, project, user)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current == Role::Owner && role != Role::Owner && owners(&mut tx, project).await? <= 1 {
            return Err(StoreError::Conflict(
                "the project's last owner cannot stop being its owner".into(),
            ));
        }
        sqlx::query("UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2")
            .bind(project)
            .bind(user)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        let row: MemberRow = sqlx::query_as(
            "SELECT m.user_id, u.username, m.role, m.added_at FROM project_members m \
             JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 AND m.user_id = $2",
        )
        .bind(project)
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        row.try_into()
    }

    async fn remove_member(&self, project: crate::ProjectId, user: crate::UserId) -> crate::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        lock_project(&mut tx, project).await?;
        let current = member_role(&mut tx, project, user)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current == Role::Owner && owners(&mut tx, project).await? <= 1 {
            return Err(StoreError::Conflict(
                "the project's last owner cannot leave it".into(),
            ));
        }
        sqlx::query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2")
            .bind(project)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_activity(&self, new: &NewActivity) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO project_activity (project_id, actor_id, actor_name, action, subject_kind, \
             subject_id, detail, at) \
             SELECT $1, u.id, u.username, $3, $4, $5, $6, $7 FROM users u WHERE u.id = $2",
        )
        .bind(new.project_id)
        .bind(new.actor_id)
        .bind(&new.action)
        .bind(&new.subject_kind)
        .bind(new.subject_id)
        .bind(Json(&new.detail))
        .bind(crate::rows::now())
        .execute(self.sql_pool())
        .await?;
        Ok(())
    }

    async fn activity(
        &self,
        project: crate::ProjectId,
        page: crate::PageRequest,
    ) -> crate::StoreResult<Vec<Activity>> {
        let rows: Vec<ActivityRow> = sqlx::query_as(
            "SELECT * FROM project_activity WHERE project_id = $1 AND ($2 IS NULL OR id < $2) \
             ORDER BY id DESC LIMIT $3",
        )
        .bind(project)
        .bind(page.after)
        .bind(i64::from(page.limit))
        .fetch_all(self.sql_pool())
        .await?;
        Ok(rows.into_iter().map(Activity::from).collect())
    }
}

/// Serialises membership changes of one project (a row lock on PostgreSQL; SQLite has one
/// writer), so two owners stepping down at once cannot both see another owner left.
async fn lock_project<DB>(
    tx: &mut sqlx::Transaction<'static, DB>,
    project: crate::ProjectId,
) -> crate::StoreResult<()>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB> + sqlx::Decode<'q, DB>,
    for<'q> usize: sqlx::ColumnIndex<DB::Row>,
{
    let found: Option<i64> =
        sqlx::query_scalar("UPDATE projects SET updated_at = updated_at WHERE id = $1 RETURNING id")
            .bind(project)
            .fetch_optional(&mut **tx)
            .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

async fn member_role<DB>(
    tx: &mut sqlx::Transaction<'static, DB>,
    project: crate::ProjectId,
    user: crate::UserId,
) -> crate::StoreResult<Option<Role>>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Type<DB> + sqlx::Decode<'q, DB>,
    for<'q> usize: sqlx::ColumnIndex<DB::Row>,
{
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2")
            .bind(project)
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?;
    role.map(|r| r.parse().map_err(StoreError::Corrupt)).transpose()
}

async fn owners<DB>(
    tx: &mut sqlx::Transaction<'static, DB>,
    project: crate::ProjectId,
) -> crate::StoreResult<i64>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB> + sqlx::Decode<'q, DB>,
    for<'q> usize: sqlx::ColumnIndex<DB::Row>,
{
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM project_members WHERE project_id = $1 AND role = 'owner'")
            .bind(project)
            .fetch_one(&mut **tx)
            .await?,
    )
}

//! `observatory project`: list, create and show projects; manage members; read the trail.

use contract::ServiceError;
use projects::service::{self, MemberRequest, MemberUpdate, ProjectRequest};
use store::{PageRequest, ProjectId, Store, User, UserId};

use crate::cli_project::{ProjectAction, ProjectArgs};
use crate::settings::Settings;
use crate::startup::open_store;

pub async fn run(settings: &Settings, args: &ProjectArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let result = project(store.as_ref(), args).await;
    store.close().await;
    result
}

fn service_error(e: ServiceError) -> anyhow::Error {
    super::service_error(
        super::Subject::new("the request", "no such project of yours, or no such member"),
        e,
    )
}

async fn project(store: &dyn Store, args: &ProjectArgs) -> anyhow::Result<()> {
    let name = args
        .as_user
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("say who is acting with --as USER"))?;
    let user = crate::commands::active_user(store, name).await?;
    match &args.action {
        ProjectAction::List => list(store, &user).await,
        ProjectAction::Create { name, description } => {
            let request = ProjectRequest {
                name: name.clone(),
                description: description.clone(),
            };
            let made = service::create_project(store, user.id, &request)
                .await
                .map_err(service_error)?;
            println!("{}", made.project.id);
            Ok(())
        }
        ProjectAction::Show { id } => show(store, &user, *id).await,
        ProjectAction::Add { id, username, role } => {
            let request = MemberRequest {
                username: username.clone(),
                role: role.clone(),
            };
            let member = service::add_member(store, user.id, *id, &request)
                .await
                .map_err(service_error)?;
            eprintln!(
                "added {} to project {id} as {}",
                member.username,
                member.role.as_str()
            );
            Ok(())
        }
        ProjectAction::Role { id, username, role } => {
            let member = member_id(store, user.id, *id, username).await?;
            let update = MemberUpdate { role: role.clone() };
            let changed = service::update_member(store, user.id, *id, member, &update)
                .await
                .map_err(service_error)?;
            eprintln!(
                "{} is now {} in project {id}",
                changed.username,
                changed.role.as_str()
            );
            Ok(())
        }
        ProjectAction::Remove { id, username } => {
            let member = member_id(store, user.id, *id, username).await?;
            service::remove_member(store, user.id, *id, member)
                .await
                .map_err(service_error)?;
            eprintln!("removed {username} from project {id}");
            Ok(())
        }
        ProjectAction::Activity { id, limit } => {
            let page = PageRequest {
                after: None,
                limit: (*limit).clamp(1, 500),
            };
            for a in service::activity(store, user.id, *id, page)
                .await
                .map_err(service_error)?
            {
                let subject = match a.subject_id {
                    Some(s) => format!("{} {s}", a.subject_kind),
                    None => a.subject_kind.clone(),
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    a.at.to_rfc3339(),
                    a.actor_name,
                    a.action,
                    subject
                );
            }
            Ok(())
        }
        ProjectAction::Websites {
            id,
            status,
            origin,
            q,
            category,
            sort,
            limit,
            json,
        } => {
            let filter = super::project_websites::Filter {
                status: status.as_deref(),
                origin: origin.as_deref(),
                q: q.as_deref(),
                category: category.as_deref(),
                sort,
            };
            super::project_websites::list(store, &user, *id, &filter, *limit, *json).await
        }
        ProjectAction::Prospects { id, limit } => {
            super::project_websites::prospects(store, &user, *id, *limit).await
        }
        ProjectAction::Curate {
            id,
            websites,
            status,
            name,
            categories,
            merge_into,
            unmerge,
        } => {
            let change = super::project_websites::Curation {
                status: status.as_deref(),
                name: name.as_deref(),
                categories,
                merge_into: merge_into.as_deref(),
                unmerge: *unmerge,
            };
            super::project_websites::curate(store, &user, *id, websites, &change).await
        }
        ProjectAction::Table { id, import } => {
            super::project_websites::table(store, &user, *id, import.as_deref()).await
        }
        ProjectAction::Delete { id } => {
            service::delete_project(store, user.id, *id)
                .await
                .map_err(service_error)?;
            eprintln!("deleted project {id}");
            Ok(())
        }
    }
}

async fn list(store: &dyn Store, user: &User) -> anyhow::Result<()> {
    let mut after = None;
    loop {
        let page = service::list_projects(store, user.id, PageRequest { after, limit: 200 })
            .await
            .map_err(service_error)?;
        for m in &page {
            println!(
                "{}\t{}\t{}\t{}{}",
                m.project.id,
                m.role.as_str(),
                m.members,
                m.project.name,
                if m.project.default_for.is_some() {
                    " (default)"
                } else {
                    ""
                }
            );
        }
        match page.last() {
            Some(last) if page.len() == 200 => after = Some(last.project.id.get()),
            _ => return Ok(()),
        }
    }
}

async fn show(store: &dyn Store, user: &User, id: ProjectId) -> anyhow::Result<()> {
    let m = service::get_project(store, user.id, id)
        .await
        .map_err(service_error)?;
    println!(
        "project {} “{}” (you: {})",
        m.project.id,
        m.project.name,
        m.role.as_str()
    );
    if !m.project.description.is_empty() {
        println!("  {}", m.project.description);
    }
    println!(
        "  websites start as: {} when found by a search, {} when found through a link",
        m.project.search_status.as_str(),
        m.project.link_status.as_str()
    );
    println!("  members:");
    for member in service::members(store, user.id, id)
        .await
        .map_err(service_error)?
    {
        println!("    {}\t{}", member.username, member.role.as_str());
    }
    Ok(())
}

/// A member's id by their name, among the project's members.
async fn member_id(store: &dyn Store, user: UserId, id: ProjectId, username: &str) -> anyhow::Result<UserId> {
    let wanted = accounts::normalize_username(username).unwrap_or_else(|_| username.to_owned());
    service::members(store, user, id)
        .await
        .map_err(service_error)?
        .into_iter()
        .find(|m| m.username == wanted)
        .map(|m| m.user_id)
        .ok_or_else(|| anyhow::anyhow!("`{username}` is not a member of project {id}"))
}

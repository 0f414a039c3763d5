use std::io::BufRead;

use accounts::{Actor, Preferences, preferences, users};
use anyhow::Context;
use store::{PageRequest, Store, User};

use crate::cli::UserCommand;
use crate::commands::{Subject, service_error};
use crate::settings::Settings;
use crate::startup::open_store;

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ").context("reading password")?;
    let again = rpassword::prompt_password("Repeat password: ").context("reading password")?;
    anyhow::ensure!(first == again, "passwords do not match");
    Ok(first)
}

async fn find(store: &dyn Store, name: &str) -> anyhow::Result<User> {
    let name = accounts::normalize_username(name).map_err(account_error)?;
    store
        .credentials(&name)
        .await?
        .map(|c| c.user)
        .ok_or_else(|| anyhow::anyhow!("no user named `{name}`"))
}

/// The operator at the command line administers accounts; only the wording is this
/// command's.
fn account_error(e: contract::ServiceError) -> anyhow::Error {
    service_error(Subject::new("the account", "no such user"), e)
}

pub async fn run(settings: &Settings, command: &UserCommand) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let store = store.as_ref();
    match command {
        UserCommand::Add {
            name,
            admin,
            password_stdin,
        } => {
            let password = read_password(*password_stdin)?;
            let user = users::create_user(store, Actor::Operator, name, password, *admin)
                .await
                .map_err(account_error)?;
            let role = if user.is_admin { "administrator" } else { "user" };
            println!("created {role} `{}` (id {})", user.username, user.id);
        }
        UserCommand::List => {
            let mut after = None;
            println!(
                "{:>6}  {:<32} {:<6} {:<9} created",
                "id", "username", "admin", "disabled"
            );
            loop {
                let page = store.list_users(PageRequest { after, limit: 500 }).await?;
                for u in &page {
                    println!(
                        "{:>6}  {:<32} {:<6} {:<9} {}",
                        u.id,
                        u.username,
                        u.is_admin,
                        u.disabled,
                        u.created_at.format("%Y-%m-%d %H:%M")
                    );
                }
                match page.last() {
                    Some(last) if page.len() == 500 => after = Some(last.id.get()),
                    _ => break,
                }
            }
        }
        UserCommand::Disable { name } | UserCommand::Enable { name } => {
            let disable = matches!(command, UserCommand::Disable { .. });
            let user = find(store, name).await?;
            let user = users::set_disabled(store, Actor::Operator, user.id, disable)
                .await
                .map_err(account_error)?;
            publish_invalidation(settings, cache::resource::USERS, user.id).await?;
            println!(
                "`{}` is now {}",
                user.username,
                if user.disabled { "disabled" } else { "enabled" }
            );
        }
        UserCommand::Passwd { name, password_stdin } => {
            let user = find(store, name).await?;
            let password = read_password(*password_stdin)?;
            accounts::password::validate_password("password", &password).map_err(account_error)?;
            let revoked = users::reset_password(store, Actor::Operator, user.id, password)
                .await
                .map_err(account_error)?;
            publish_invalidation(settings, cache::resource::USERS, user.id).await?;
            println!(
                "password changed for `{}`; {revoked} session(s) signed out",
                user.username
            );
        }
        UserCommand::Preferences { name, set } => {
            let user = find(store, name).await?;
            let mut preferences = preferences::load(store, Actor::Operator, user.id)
                .await
                .map_err(account_error)?;
            if !set.is_empty() {
                preferences = with_changes(&preferences, set)?;
                preferences::save(store, Actor::Operator, user.id, &preferences)
                    .await
                    .map_err(account_error)?;
                publish_invalidation(settings, cache::resource::PREFERENCES, user.id).await?;
            }
            println!("{}", serde_json::to_string_pretty(&preferences)?);
        }
    }
    store.close().await;
    Ok(())
}

/// Tells servers sharing Redis that a user's cached views changed. Without Redis a running
/// server notices when its entries expire (`cache.ttls`), as docs/performance.md says.
async fn publish_invalidation(
    settings: &Settings,
    resource: &'static str,
    user: store::UserId,
) -> anyhow::Result<()> {
    let cache = crate::startup::worker_cache(settings).await?;
    cache
        .invalidate(&[cache::Namespace::new(resource, user.get())])
        .await;
    Ok(())
}

/// Applies `FIELD=VALUE` changes; a value that reads as JSON (a number, `null`, `true`)
/// is taken as such, anything else as text.
fn with_changes(current: &Preferences, changes: &[String]) -> anyhow::Result<Preferences> {
    let mut fields = match serde_json::to_value(current)? {
        serde_json::Value::Object(fields) => fields,
        _ => anyhow::bail!("preferences did not serialize as an object"),
    };
    for change in changes {
        let (field, value) = change
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("`{change}`: expected FIELD=VALUE, such as theme=dark"))?;
        let value =
            serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        fields.insert(field.trim().to_owned(), value);
    }
    serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| anyhow::anyhow!("{e}"))
}

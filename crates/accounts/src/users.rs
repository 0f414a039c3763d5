//! User administration, shared by the admin API and the `observatory user` CLI.

use chrono::Utc;
use contract::{ServiceError, ServiceResult};
use store::{NewUser, Store, User, UserId};

use crate::{Actor, normalize_username, password};

pub async fn create_user(
    store: &dyn Store,
    actor: Actor,
    username: &str,
    plain_password: String,
    is_admin: bool,
) -> ServiceResult<User> {
    actor.require_administrator()?;
    let username = normalize_username(username)?;
    password::validate_password("password", &plain_password)?;
    let password_hash = password::hash(plain_password).await?;
    Ok(store
        .create_user(NewUser {
            username,
            password_hash,
            is_admin,
        })
        .await?)
}

/// Refuses to lock out the last administrator.
async fn guard_last_admin(store: &dyn Store, target: &User) -> ServiceResult<()> {
    if target.is_admin && !target.disabled && store.count_active_admins().await? <= 1 {
        return Err(ServiceError::Conflict(
            "cannot remove the last active administrator".into(),
        ));
    }
    Ok(())
}

/// An administrator may not lock themselves out; the operator has no account to lose.
fn refuse_self(actor: Actor, target: UserId, what: &str) -> ServiceResult<()> {
    if actor.account() == Some(target) {
        return Err(ServiceError::Conflict(format!(
            "you cannot {what} your own account"
        )));
    }
    Ok(())
}

/// Disables (signing the user out everywhere) or re-enables an account.
pub async fn set_disabled(
    store: &dyn Store,
    actor: Actor,
    id: UserId,
    disabled: bool,
) -> ServiceResult<User> {
    actor.require_administrator()?;
    let target = store.user(id).await?.ok_or(ServiceError::NotFound)?;
    if disabled {
        refuse_self(actor, id, "disable")?;
        guard_last_admin(store, &target).await?;
    }
    let user = store.set_user_disabled(id, disabled).await?;
    if disabled {
        store.revoke_user_sessions(id, None, Utc::now()).await?;
    }
    Ok(user)
}

/// Deletes an account and everything it owns.
pub async fn delete_user(store: &dyn Store, actor: Actor, id: UserId) -> ServiceResult<()> {
    actor.require_administrator()?;
    let target = store.user(id).await?.ok_or(ServiceError::NotFound)?;
    refuse_self(actor, id, "delete")?;
    guard_last_admin(store, &target).await?;
    Ok(store.delete_user(id).await?)
}

/// Sets a new password for a user and signs them out everywhere; answers how many sessions
/// were signed out.
pub async fn reset_password(
    store: &dyn Store,
    actor: Actor,
    id: UserId,
    plain_password: String,
) -> ServiceResult<u64> {
    actor.require_administrator()?;
    store.user(id).await?.ok_or(ServiceError::NotFound)?;
    password::validate_password("new_password", &plain_password)?;
    let hash = password::hash(plain_password).await?;
    store.set_password_hash(id, &hash).await?;
    Ok(store.revoke_user_sessions(id, None, Utc::now()).await?)
}

/// Changes a user's own password after checking the current one, and signs out every
/// session but `keep_session` (the one making the change).
pub async fn change_own_password(
    store: &dyn Store,
    user: &User,
    keep_session: Option<&str>,
    current: String,
    new: String,
) -> ServiceResult<()> {
    password::validate_password("new_password", &new)?;
    let creds = store
        .credentials(&user.username)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !password::verify(current, Some(creds.password_hash)).await? {
        return Err(ServiceError::field(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = password::hash(new).await?;
    store.set_password_hash(user.id, &hash).await?;
    store
        .revoke_user_sessions(user.id, keep_session, Utc::now())
        .await?;
    Ok(())
}

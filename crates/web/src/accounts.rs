//! User administration, shared by the admin API and the `observatory user` CLI.

use chrono::Utc;
use store::{NewUser, Store, User, UserId};

use crate::auth::{normalize_username, password};
use crate::error::{AppError, AppResult};

pub async fn create_user(
    store: &dyn Store,
    username: &str,
    plain_password: String,
    is_admin: bool,
) -> AppResult<User> {
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
async fn guard_last_admin(store: &dyn Store, target: &User) -> AppResult<()> {
    if target.is_admin && !target.disabled && store.count_active_admins().await? <= 1 {
        return Err(AppError::Conflict(
            "cannot remove the last active administrator".into(),
        ));
    }
    Ok(())
}

pub async fn set_disabled(store: &dyn Store, acting: UserId, id: UserId, disabled: bool) -> AppResult<User> {
    let target = store.user(id).await?.ok_or(AppError::NotFound)?;
    if disabled {
        if acting == id {
            return Err(AppError::Conflict("you cannot disable your own account".into()));
        }
        guard_last_admin(store, &target).await?;
    }
    let user = store.set_user_disabled(id, disabled).await?;
    if disabled {
        store.revoke_user_sessions(id, None, Utc::now()).await?;
    }
    Ok(user)
}

pub async fn delete_user(store: &dyn Store, acting: UserId, id: UserId) -> AppResult<()> {
    let target = store.user(id).await?.ok_or(AppError::NotFound)?;
    if acting == id {
        return Err(AppError::Conflict("you cannot delete your own account".into()));
    }
    guard_last_admin(store, &target).await?;
    Ok(store.delete_user(id).await?)
}

/// Sets a new password for a user and signs them out everywhere; answers how many sessions
/// were signed out.
pub async fn reset_password(store: &dyn Store, id: UserId, plain_password: String) -> AppResult<u64> {
    store.user(id).await?.ok_or(AppError::NotFound)?;
    password::validate_password("new_password", &plain_password)?;
    let hash = password::hash(plain_password).await?;
    store.set_password_hash(id, &hash).await?;
    Ok(store.revoke_user_sessions(id, None, Utc::now()).await?)
}

//! What every part of the suite shares.

use store::{NewUser, Store, User};

/// A user to own what a test stores.
pub async fn user(store: &dyn Store, name: &str) -> User {
    store
        .create_user(NewUser {
            username: name.into(),
            password_hash: "hash".into(),
            is_admin: false,
        })
        .await
        .unwrap()
}

/// The default project of a user (every user has one, made with the account).
pub async fn project_of(store: &dyn Store, user: store::UserId) -> store::ProjectId {
    store.default_project(user).await.unwrap()
}

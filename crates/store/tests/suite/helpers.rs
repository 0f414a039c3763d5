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

//! argon2id hashing, always off the async executor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use password_hash::rand_core::OsRng;
use std::sync::LazyLock;

use contract::{ServiceError, ServiceResult};

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Verified against when a username is unknown, so that the response takes as long as
/// for a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("observatory-timing-equaliser").unwrap_or_default());

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a new password's length; `field` names it as the request does.
pub fn validate_password(field: &str, password: &str) -> ServiceResult<()> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(ServiceError::field(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(ServiceError::field(
            field,
            format!("must be at most {MAX_PASSWORD_LEN} bytes"),
        ));
    }
    Ok(())
}

pub async fn hash(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ServiceError::Internal(format!("the hashing thread failed: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("hashing failed: {e}")))
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no user.
pub async fn verify(password: String, stored: Option<String>) -> ServiceResult<bool> {
    let matched = tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = PasswordHash::new(&phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        real && ok
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("the verifying thread failed: {e}")))?;
    Ok(matched)
}

/// Warms the dummy hash so the first unknown-user login is not faster than the rest.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong password!".into(), Some(h)).await.unwrap());
        assert!(!verify("observatory-timing-equaliser".into(), None).await.unwrap());
        assert!(!verify("x".into(), Some("not a phc string".into())).await.unwrap());
    }

    #[test]
    fn password_rules_name_the_field() {
        assert!(validate_password("password", "short").is_err());
        assert!(validate_password("password", &"x".repeat(2000)).is_err());
        assert!(validate_password("password", "long enough pw").is_ok());
    }
}

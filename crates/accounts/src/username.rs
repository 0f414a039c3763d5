use contract::{ServiceError, ServiceResult};

/// The one spelling of a username: trimmed, lower-case, 3–64 of letters, digits, `.`, `_`, `-`.
pub fn normalize_username(raw: &str) -> ServiceResult<String> {
    let name = raw.trim().to_lowercase();
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=64).contains(&name.len()) || !valid_chars {
        return Err(ServiceError::field(
            "username",
            "must be 3–64 characters of letters, digits, '.', '_' or '-'",
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_folded_and_checked() {
        assert_eq!(normalize_username("  Alice.B ").unwrap(), "alice.b");
        assert!(normalize_username("al").is_err());
        assert!(normalize_username("alice smith").is_err());
        assert!(normalize_username(&"a".repeat(65)).is_err());
    }
}

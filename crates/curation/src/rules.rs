//! What a website's name and categories may be. Category keys become attribute names in
//! every export (GEXF, GraphML, CSV, JSON), so they are plain identifiers and never one of
//! the attributes a network already declares.

/// Categories one website may have.
pub const MAX_CATEGORIES: usize = 32;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_KEY_CHARS: usize = 64;
pub const MAX_VALUE_CHARS: usize = 200;

/// Names the exports already use for a node.
pub const RESERVED_KEYS: [&str; 16] = [
    "id",
    "community_color",
    "size",
    "color",
    "weight",
    "label",
    "type",
    "kind",
    "degree",
    "weighted_degree",
    "community",
    "name",
    "status",
    "actor",
    "x",
    "y",
];

pub fn name(name: &str) -> Result<(), String> {
    let n = name.trim().chars().count();
    if n == 0 || n > MAX_NAME_CHARS {
        return Err(format!("must be 1–{MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(())
}

pub fn category_key(key: &str) -> Result<(), String> {
    let mut chars = key.chars();
    let well_formed = key.len() <= MAX_KEY_CHARS
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(format!(
            "a category is a lowercase letter, then letters, digits or `_` (at most {MAX_KEY_CHARS})"
        ));
    }
    if RESERVED_KEYS.contains(&key) {
        return Err(format!("`{key}` is already a node attribute"));
    }
    Ok(())
}

pub fn category_value(value: &str) -> Result<(), String> {
    let n = value.trim().chars().count();
    if n == 0 || n > MAX_VALUE_CHARS {
        return Err(format!("a value is 1–{MAX_VALUE_CHARS} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("a value has no control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_identifiers_that_exports_do_not_use() {
        assert!(category_key("sector").is_ok());
        assert!(category_key("stance_2024").is_ok());
        for bad in ["", "Sector", "2x", "a b", "status", "community", &"a".repeat(65)] {
            assert!(category_key(bad).is_err(), "{bad}");
        }
        assert!(category_value("government").is_ok());
        assert!(category_value(" ").is_err());
        assert!(category_value("a\nb").is_err());
        assert!(name("TV 2").is_ok());
        assert!(name(&"n".repeat(201)).is_err());
    }
}

//! A user's interface preferences: what the web UI preselects and how it looks. Stored as
//! one JSON object per user; read through the cache on every UI page.

use serde::{Deserialize, Serialize};
use store::{Store, UserId};
use utoipa::ToSchema;

use contract::{FieldIssue, ServiceError, ServiceResult};

use crate::Actor;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the browser's setting.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NodeColoring {
    /// By node type (query, website, noun, entity…).
    #[default]
    Type,
    /// By Louvain community.
    Community,
}

/// Preferences as the API returns and accepts them. A `PUT` replaces them whole; a field
/// left out takes its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Preferences {
    pub theme: Theme,
    /// Rows per page in lists, 1–200.
    #[schema(minimum = 1, maximum = 200)]
    pub page_size: u32,
    /// The engine a new search starts with.
    pub default_engine: Option<search::EngineKind>,
    /// The language new queries start with: an ISO 639-1 code such as `da` or `en`.
    pub default_language: Option<String>,
    /// How the network viewer colours nodes when a network opens.
    pub network_coloring: NodeColoring,
    /// The project the web interface shows and creates in; every project of yours when
    /// absent.
    #[schema(value_type = Option<i64>)]
    pub project: Option<store::ProjectId>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            page_size: 25,
            default_engine: None,
            default_language: None,
            network_coloring: NodeColoring::Type,
            project: None,
        }
    }
}

impl Preferences {
    pub const MAX_PAGE_SIZE: u32 = 200;

    /// Every problem, each named by its field.
    pub fn validate(&self) -> ServiceResult<()> {
        let mut problems = Vec::new();
        if !(1..=Self::MAX_PAGE_SIZE).contains(&self.page_size) {
            problems.push(FieldIssue::new(
                "page_size",
                format!("must be between 1 and {}", Self::MAX_PAGE_SIZE),
            ));
        }
        if let Some(language) = &self.default_language
            && !(language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase()))
        {
            problems.push(FieldIssue::new(
                "default_language",
                format!("`{language}` is not a two-letter ISO 639-1 code such as `da` or `en`"),
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(problems))
        }
    }

    /// Reads what was stored, keeping every field that still parses: a value saved by an
    /// older version (a field since renamed, or a value since retired) falls back to its
    /// default instead of failing the read.
    fn from_stored(stored: serde_json::Value) -> Self {
        let serde_json::Value::Object(fields) = stored else {
            return Self::default();
        };
        let parses = |object: &serde_json::Map<String, serde_json::Value>| {
            serde_json::from_value::<Preferences>(serde_json::Value::Object(object.clone())).ok()
        };
        let mut kept = serde_json::Map::new();
        for (name, value) in fields {
            let mut candidate = kept.clone();
            candidate.insert(name, value);
            if parses(&candidate).is_some() {
                kept = candidate;
            }
        }
        parses(&kept).unwrap_or_default()
    }
}

/// The user's preferences, defaults for anything never saved.
pub async fn load(store: &dyn Store, actor: Actor, user: UserId) -> ServiceResult<Preferences> {
    actor.require_self_or_operator(user)?;
    let stored = store.user_preferences(user).await?;
    Ok(Preferences::from_stored(stored))
}

/// Validates and saves the user's preferences whole; the caller invalidates the cache.
pub async fn save(
    store: &dyn Store,
    actor: Actor,
    user: UserId,
    preferences: &Preferences,
) -> ServiceResult<()> {
    actor.require_self_or_operator(user)?;
    preferences.validate()?;
    let json = serde_json::to_value(preferences)
        .map_err(|e| ServiceError::Internal(format!("preferences did not serialise: {e}")))?;
    store.set_user_preferences(user, &json).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_values_that_no_longer_parse_fall_back_field_by_field() {
        let stored = json!({"theme": "dark", "page_size": 50, "network_coloring": "rainbow", "retired": 1});
        let read = Preferences::from_stored(stored);
        assert_eq!(read.theme, Theme::Dark);
        assert_eq!(read.page_size, 50);
        assert_eq!(read.network_coloring, NodeColoring::Type);
        assert_eq!(
            Preferences::from_stored(json!("not an object")),
            Preferences::default()
        );
    }

    #[test]
    fn validation_names_every_bad_field() {
        let bad = Preferences {
            page_size: 0,
            default_language: Some("Danish".into()),
            ..Preferences::default()
        };
        let Err(ServiceError::Invalid(fields)) = bad.validate() else {
            panic!("expected a validation error");
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["page_size", "default_language"]);
        assert!(Preferences::default().validate().is_ok());
    }

    #[test]
    fn unknown_fields_are_refused_on_input() {
        assert!(serde_json::from_value::<Preferences>(json!({"colour": "blue"})).is_err());
        let partial: Preferences = serde_json::from_value(json!({"theme": "light"})).unwrap();
        assert_eq!(partial.page_size, 25);
    }
}

//! One module per page family; each handler reads through the API and renders one template.

pub mod about;
pub mod account;
pub mod actions;
pub mod admin;
pub mod analysis;
pub mod crawls;
pub mod dashboard;
pub mod login;
pub mod networks;
pub mod projects;
pub mod sessions;
pub mod web_pages;
pub mod websites;

use serde::Deserialize;

/// `?cursor=` of a list page (the API's keyset cursor, passed through).
#[derive(Debug, Default, Deserialize)]
pub struct Cursor {
    pub cursor: Option<String>,
}

impl Cursor {
    /// `&cursor=…` for an API query, or nothing.
    pub fn param(&self) -> String {
        self.cursor
            .as_deref()
            .map(|c| format!("&cursor={}", super::page::encode_component(c)))
            .unwrap_or_default()
    }
}

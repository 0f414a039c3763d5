//! Stored pages: full-text search across them, one page's text and metadata, its raw HTML.

pub mod get;
pub mod html;
pub mod search;

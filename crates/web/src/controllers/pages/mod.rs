//! One stored page: its text and metadata, and its raw HTML.

pub mod get;
pub mod html;

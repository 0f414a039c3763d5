//! A project's websites: the catalogue its searches and crawled links found, and the
//! curation (status, actors, categories) its researchers lay over it.

pub mod create;
pub mod list;
pub mod prospects;
pub mod table;
pub mod update;

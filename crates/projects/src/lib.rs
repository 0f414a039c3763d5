//! Projects for research teams. A project groups search sessions, scraping jobs, analyses
//! and networks; its members hold a role (owner, editor, viewer). Every service checks
//! access here, in one place: [`access::require`] for something that exists,
//! [`access::target`] for the project a new thing goes into. A non-member learns nothing
//! (not found); a viewer who tries to change something is refused (forbidden).
#![forbid(unsafe_code)]

pub mod access;
pub mod activity;
pub mod jobs;
pub mod service;

pub use access::Need;

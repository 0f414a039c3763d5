//! The job kinds the platform ships. Later issues add search, crawl, analysis and network.

mod retention;

pub use retention::{RetentionCleanup, RetentionPayload};

//! Typed ids: each table's id is its own type, so that `store.network(owner, id)` with its
//! arguments swapped does not compile. Each serialises, binds and decodes exactly as the
//! `i64` it wraps (JSON numbers, `BIGINT` columns), so no wire format or schema changes.
//!
//! ```no_run
//! # async fn read(store: &dyn store::Store, owner: store::UserId, id: store::NetworkId) {
//! let network = store.network(owner, id).await;
//! # }
//! ```
//!
//! ```compile_fail
//! # async fn read(store: &dyn store::Store, owner: store::UserId, id: store::NetworkId) {
//! let network = store.network(id, owner).await; // swapped: does not compile
//! # }
//! ```

use std::fmt;
use std::str::FromStr;

/// Declares an id newtype over `i64`: transparent to serde and sqlx, shown and parsed as
/// the number.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Documented exactly as the `i64` it wraps (the same schema and component), so
        /// the OpenAPI document does not change.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <i64 as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                <i64 as utoipa::ToSchema>::name()
            }

            fn schemas(
                schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>,
            ) {
                <i64 as utoipa::ToSchema>::schemas(schemas)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

typed_id!(
    /// A user account.
    UserId
);
typed_id!(
    /// A project: a team's shared corpus.
    ProjectId
);
typed_id!(
    /// One entry of a project's audit trail.
    ActivityId
);
typed_id!(
    /// One website (domain, host or URL prefix) of a project.
    WebsiteId
);
typed_id!(
    /// A job in the job table.
    JobId
);
typed_id!(
    /// A search session.
    SearchSessionId
);
typed_id!(
    /// One query of a search session.
    SearchQueryId
);
typed_id!(
    /// One ranked result of a search session.
    SearchResultId
);
typed_id!(
    /// A scraping job.
    CrawlId
);
typed_id!(
    /// A URL in a scraping job's frontier.
    FrontierId
);
typed_id!(
    /// A stored page.
    PageId
);
typed_id!(
    /// An analysis run.
    AnalysisId
);
typed_id!(
    /// A network.
    NetworkId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_their_numbers() {
        let id = NetworkId::new(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<NetworkId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<NetworkId>().unwrap(), id);
        assert!("x".parse::<NetworkId>().is_err());
        assert_eq!(i64::from(id), 42);
    }
}

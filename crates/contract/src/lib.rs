//! The service contract: what every service function (search sessions, scraping jobs,
//! analyses, networks, …) returns when it cannot do what was asked. The HTTP API maps
//! [`ServiceError`] to its error envelope in one place (`web::error`), and the command line
//! maps it to a message in one place (`observatory::commands::service_error`).
#![forbid(unsafe_code)]

pub mod cursor;

use jobs::SubmitError;
use serde::Serialize;
use store::StoreError;

/// A problem with one field of a request: `field` names it as the request spells it
/// (`queries[3]`, `config.delay_secs`), `message` says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request broke rules; each issue names its field.
    #[error("invalid request: {}", summary(.0))]
    Invalid(Vec<FieldIssue>),
    /// No such thing, or not the caller's (never told apart).
    #[error("not found")]
    NotFound,
    /// Something named inside a resource the caller may read is not there (a node id not in
    /// the network); unlike [`ServiceError::NotFound`] its message names it.
    #[error("{0}")]
    Absent(String),
    /// The actor may not do this at all (a user administering accounts). Only for acts whose
    /// existence is public; anything owned by someone else is [`ServiceError::NotFound`].
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the thing's state (already finished, a duplicate…).
    #[error("{0}")]
    Conflict(String),
    /// The thing exists but has nothing to give yet (a network still building).
    #[error("{0}")]
    NotReady(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not queue the job: {0}")]
    Submit(String),
    /// Producing an export failed after the request was accepted.
    #[error("{0}")]
    Export(String),
    /// Something broke that the caller cannot fix (a worker thread died, hashing failed).
    #[error("internal error: {0}")]
    Internal(String),
}

fn summary(issues: &[FieldIssue]) -> String {
    issues
        .iter()
        .map(|i| format!("{}: {}", i.field, i.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<SubmitError> for ServiceError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Store(e) => ServiceError::Store(e),
            other => ServiceError::Submit(other.to_string()),
        }
    }
}

impl ServiceError {
    /// One issue on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldIssue::new(field, message)])
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_request_lists_its_fields() {
        let e = ServiceError::Invalid(vec![
            FieldIssue::new("name", "must not be empty"),
            FieldIssue::new("queries[2]", "is too long"),
        ]);
        assert_eq!(
            e.to_string(),
            "invalid request: name: must not be empty; queries[2]: is too long"
        );
        assert!(matches!(
            ServiceError::from(SubmitError::UnknownKind("x".into())),
            ServiceError::Submit(m) if m.contains("unknown job kind")
        ));
    }
}

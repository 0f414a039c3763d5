//! Error policy.
//!
//! - Library crates return their own `thiserror` enums; `anyhow` only at task edges.
//! - Every HTTP failure is an [`AppError`] and leaves as one envelope:
//!   `{"error": {"code": "...", "message": "...", "details": ...}}`.
//! - Another user's resource is `not_found`, never `forbidden`: ids do not leak existence.
//! - Internal errors are logged with their cause and answered with a generic message.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `validation_failed`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Extra structure: for validation errors, `{"fields": [{"field", "message"}]}`.
    #[schema(value_type = Object, nullable = true)]
    pub details: Option<Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    InvalidInput { field: Option<String>, message: String },
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    /// A 404 whose message names what is missing inside a resource the caller may read.
    #[error("{0}")]
    Missing(String),
    #[error("{0}")]
    Conflict(String),
    #[error("request body is too large")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the database is unavailable; try again in {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// A validation failure from a service's field-named issues.
    pub fn from_issues(issues: Vec<contract::FieldIssue>) -> Self {
        AppError::Validation(
            issues
                .into_iter()
                .map(|i| FieldError {
                    field: i.field,
                    message: i.message,
                })
                .collect(),
        )
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::InvalidInput { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound | AppError::Missing(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    fn details(&self) -> Option<Value> {
        match self {
            AppError::Validation(fields) => Some(json!({ "fields": fields })),
            AppError::InvalidInput {
                field: Some(field),
                message,
            } => Some(json!({ "fields": [FieldError { field: field.clone(), message: message.clone() }] })),
            AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } => {
                Some(json!({ "retry_after_secs": retry_after_secs }))
            }
            _ => None,
        }
    }

    fn message(&self) -> String {
        match self {
            AppError::Validation(fields) => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    }
}

/// The envelope for a status with no more specific error, e.g. an unknown route.
pub fn envelope_for_status(status: StatusCode) -> Response {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "method not allowed on this resource"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "unsupported content type"),
        s if s.is_server_error() => ("internal", "internal error"),
        _ => ("bad_request", "the request could not be processed"),
    };
    envelope(status, code, message.to_owned(), None)
}

fn envelope(status: StatusCode, code: &str, message: String, details: Option<Value>) -> Response {
    let body = ErrorEnvelope {
        error: ErrorBody {
            code: code.to_owned(),
            message,
            details,
        },
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let mut response = envelope(status, code, self.message(), self.details());
        if let AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => AppError::NotFound,
            store::StoreError::Conflict(m) => AppError::Conflict(m),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "the database is unavailable");
                AppError::Unavailable {
                    retry_after_secs: crate::db_health::RETRY_AFTER_SECS,
                }
            }
            other => AppError::Internal(other.into()),
        }
    }
}

/// The one mapping of the service contract onto the envelope.
impl From<contract::ServiceError> for AppError {
    fn from(e: contract::ServiceError) -> Self {
        use contract::ServiceError as E;
        match e {
            E::Invalid(issues) => AppError::from_issues(issues),
            E::NotFound => AppError::NotFound,
            E::Absent(m) => AppError::Missing(m),
            E::Conflict(m) | E::NotReady(m) => AppError::Conflict(m),
            E::Forbidden(m) => AppError::Forbidden(m),
            E::Store(e) => e.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => AppError::InvalidInput {
                field: None,
                message: format!(
                    "invalid request body: {}",
                    e.body_text()
                        .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
                ),
            },
            JsonRejection::JsonSyntaxError(_) => {
                AppError::BadRequest("request body is not valid JSON".into())
            }
            JsonRejection::MissingJsonContentType(_) => {
                AppError::UnsupportedMediaType("expected `Content-Type: application/json`".into())
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::InvalidInput {
            field: None,
            message: format!(
                "invalid query string: {}",
                rejection
                    .body_text()
                    .trim_start_matches("Failed to deserialize query string: ")
            ),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        // A malformed id cannot name anything that exists.
        AppError::NotFound
    }
}

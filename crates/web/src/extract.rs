//! Extractors whose rejections use the error envelope.
//!
//! Bodies and query strings are also refused, naming the field, when a string in them holds
//! a control character other than tab, line feed or carriage return: NUL in particular,
//! which PostgreSQL refuses in text (a 500 before) and which no name or query means.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;

/// `axum::Json` with envelope errors; bodies deny unknown fields where the type says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType(
                "expected `Content-Type: application/json`".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest(rejection.body_text())
            }
        })?;
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        if let Some((field, c)) = control_character_in_body(&bytes) {
            return Err(control_character(&field, c));
        }
        Ok(ApiJson(value))
    }
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The query string as `T`, with envelope errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let axum::extract::Query(value) = axum::extract::Query::<T>::try_from_uri(&parts.uri)?;
        let query = parts.uri.query().unwrap_or_default();
        for (key, val) in url::form_urlencoded::parse(query.as_bytes()) {
            if let Some(c) = forbidden_in(&key).or_else(|| forbidden_in(&val)) {
                return Err(control_character(&key, c));
            }
        }
        Ok(ApiQuery(value))
    }
}

#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

fn control_character(field: &str, c: char) -> AppError {
    AppError::field(
        field,
        format!(
            "must not contain control characters (found U+{:04X}); only tab, line feed and carriage return are allowed",
            u32::from(c)
        ),
    )
}

/// Control characters no field accepts: C0 except tab, LF and CR; DEL; C1.
fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn forbidden_in(text: &str) -> Option<char> {
    text.chars().find(|c| is_forbidden(*c))
}

/// The field (`name`, `queries[3]`, `config.delay_secs`) of the first string or key in a
/// JSON body that holds a forbidden character, and the character.
fn control_character_in_body(bytes: &[u8]) -> Option<(String, char)> {
    // Raw control bytes are not valid JSON, so a forbidden character is either escaped
    // (`\u0000`, `\b`, `\f`) or a raw DEL or C1 character: most bodies skip the walk.
    let may_hold = bytes
        .windows(2)
        .any(|w| matches!(w, [b'\\', b'u' | b'b' | b'f'] | [0xC2, 0x80..=0x9F]) || w[0] == 0x7F)
        || bytes.last() == Some(&0x7F);
    if !may_hold {
        return None;
    }
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let mut path = String::new();
    walk(&value, &mut path)
}

/// Depth-first over the body; serde_json already bounds nesting at 128 levels.
fn walk(value: &Value, path: &mut String) -> Option<(String, char)> {
    match value {
        Value::String(s) => forbidden_in(s).map(|c| (field_name(path), c)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = walk(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let found = forbidden_in(key)
                .map(|c| (field_name(path), c))
                .or_else(|| walk(item, path));
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

fn field_name(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_with_their_field() {
        let found = |body: &str| control_character_in_body(body.as_bytes());
        assert_eq!(found(r#"{"name":"a\u0000b"}"#), Some(("name".into(), '\0')));
        assert_eq!(
            found(r#"{"name":"ok","queries":["x","y\u0007"]}"#),
            Some(("queries[1]".into(), '\u{7}'))
        );
        assert_eq!(
            found(r#"{"config":{"exclude":["\b"]}}"#),
            Some(("config.exclude[0]".into(), '\u{8}'))
        );
        assert_eq!(found("{\"a\":\"x\u{7f}\"}"), Some(("a".into(), '\u{7f}')));
        assert_eq!(found("{\"a\":\"x\u{85}\"}"), Some(("a".into(), '\u{85}')));
        assert_eq!(found(r#"{"a\u0001":1}"#), Some(("a\u{1}".into(), '\u{1}')));
        assert_eq!(found(r#""\u0000""#), Some(("body".into(), '\0')));
        assert_eq!(
            found(r#"{"text":"line\nnext\ttab\r\n","u":"\u00e6\u00f8"}"#),
            None
        );
        assert_eq!(found(r#"{"name":"Vindmøller"}"#), None);
    }
}

//! Pages read their data through the JSON API, in process: what a page shows is exactly what
//! the API answers the same user, with the same ownership checks, caching and errors.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

use crate::auth::SESSION_COOKIE;

/// Largest API answer a page reads (a page of results is far smaller).
const MAX_BODY: usize = 32 * 1024 * 1024;

#[derive(Clone)]
pub struct InProcessApi(Router);

/// An API answer that was not a success, with the envelope's message.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub message: String,
}

impl InProcessApi {
    pub fn new(router: Router) -> Self {
        Self(router)
    }

    /// `GET path_and_query` as the holder of `token`, as JSON.
    pub async fn get(&self, token: &str, path_and_query: &str) -> Result<Value, ApiFailure> {
        let bytes = self.get_bytes(token, path_and_query).await?;
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// `GET path_and_query` as the holder of `token`, as the bytes of a success.
    pub async fn get_bytes(&self, token: &str, path_and_query: &str) -> Result<Bytes, ApiFailure> {
        self.send(Method::GET, token, path_and_query, None).await
    }

    /// `POST path` with a JSON `body` as the holder of `token`, as JSON.
    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Result<Value, ApiFailure> {
        let bytes = self.send(Method::POST, token, path, Some(body)).await?;
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// `method path` with a JSON `body` as the holder of `token`, as JSON.
    pub async fn send_json(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: &Value,
    ) -> Result<Value, ApiFailure> {
        let bytes = self.send(method, token, path, Some(body)).await?;
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn send(
        &self,
        method: Method,
        token: &str,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Result<Bytes, ApiFailure> {
        let builder = Request::builder()
            .method(method)
            .uri(path_and_query)
            .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
            .header(header::ACCEPT, "application/json");
        let request = match body {
            Some(json) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string())),
            None => builder.body(Body::empty()),
        }
        .map_err(|e| failure(StatusCode::BAD_REQUEST, e.to_string()))?;
        let response = self
            .0
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), MAX_BODY)
            .await
            .map_err(|e| failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        if status.is_success() {
            return Ok(bytes);
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let error = &body["error"];
        Err(failure(
            status,
            error["message"]
                .as_str()
                .unwrap_or("the request failed")
                .to_owned(),
        ))
    }
}

impl ApiFailure {
    /// A form that could not become a request.
    pub fn bad_request(message: &str) -> Self {
        failure(StatusCode::BAD_REQUEST, message.to_owned())
    }
}

fn failure(status: StatusCode, message: String) -> ApiFailure {
    ApiFailure { status, message }
}

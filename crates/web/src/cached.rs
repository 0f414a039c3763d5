//! Cached JSON views: a handler names the view's key and how to build it; the cache keeps
//! the serialized body, so a hit costs a lookup and a copy of bytes, not a query.

use std::future::Future;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use cache::{Bytes, Class, Key, Namespace};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A JSON body as the cache holds it.
pub struct CachedJson(pub Bytes);

impl IntoResponse for CachedJson {
    fn into_response(self) -> Response {
        (
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            self.0,
        )
            .into_response()
    }
}

/// The key of a view of `resource` belonging to `owner`.
pub fn view_key(
    resource: &'static str,
    owner: store::UserId,
    class: Class,
    entity: Option<i64>,
    variant: impl Into<String>,
) -> Key {
    Key::new(Namespace::new(resource, owner.get()), class, entity, variant)
}

/// The view under `key`, built by `build` on a miss. Errors (a 404 included) are never cached.
pub async fn cached_json<T, F, Fut>(state: &AppState, key: &Key, build: F) -> AppResult<CachedJson>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<T>>,
{
    state
        .cache
        .get_or_load(key, || async {
            let value = build().await?;
            serde_json::to_vec(&value)
                .map(Bytes::from)
                .map_err(AppError::internal)
        })
        .await
        .map(CachedJson)
}

/// Marks the owner's views of `resource` stale after a write.
pub async fn invalidate(state: &AppState, resource: &'static str, owner: store::UserId) {
    state
        .cache
        .invalidate(&[Namespace::new(resource, owner.get())])
        .await;
}

/// The view families that show a project's resources.
pub const PROJECT_VIEWS: [&str; 4] = [
    cache::resource::SEARCH,
    cache::resource::CRAWLS,
    cache::resource::ANALYSES,
    cache::resource::NETWORKS,
];

/// Marks every member's views of `resources` stale after a write in `project`: views are
/// kept per reader, and every member reads the project's resources.
pub async fn invalidate_project(state: &AppState, resources: &[&'static str], project: store::ProjectId) {
    let members = match state.store.member_ids(project).await {
        Ok(members) => members,
        Err(e) => {
            // The write stands; the views expire with their TTL.
            tracing::warn!(project = %project, error = %e, "could not read the project's members to invalidate views");
            return;
        }
    };
    let namespaces: Vec<Namespace> = members
        .iter()
        .flat_map(|user| resources.iter().map(move |r| Namespace::new(r, user.get())))
        .collect();
    state.cache.invalidate(&namespaces).await;
}

/// Marks all of one user's project views stale: their memberships changed, so what their
/// lists hold and which entities they may read did too.
pub async fn invalidate_member(state: &AppState, user: store::UserId) {
    let namespaces: Vec<Namespace> = PROJECT_VIEWS
        .iter()
        .map(|r| Namespace::new(r, user.get()))
        .collect();
    state.cache.invalidate(&namespaces).await;
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::search::{SearchSessionDetail, session_view};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;
use cache::{Class, resource};

/// A session with per-query status and counts.
#[utoipa::path(get, path = "/api/search/sessions/{id}", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SearchSessionDetail), (status = 404, body = ErrorEnvelope)))]
pub async fn get_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let key = view_key(
        resource::SEARCH,
        owner,
        Class::SessionLists,
        Some(id.get()),
        "detail",
    );
    cached_json(&state, &key, || async {
        let session = search::service::current_session(state.store.as_ref(), owner, id).await?;
        let queries = state.store.search_queries(owner, id).await?;
        Ok(SearchSessionDetail {
            session: session_view(&state, session).await?,
            queries: queries.into_iter().map(Into::into).collect(),
        })
    })
    .await
}

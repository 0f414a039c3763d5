use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::search::SearchSessionView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiQuery;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use cache::{Class, resource};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionListParams {
    /// Only this project's sessions.
    pub project_id: Option<i64>,
    /// Only this session and its snapshots.
    pub snapshot_of: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The search sessions of your projects, newest first.
#[utoipa::path(get, path = "/api/search/sessions", tag = "search", security(("bearer" = [])),
    params(SessionListParams),
    responses((status = 200, body = Page<SearchSessionView>), (status = 401, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<SessionListParams>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    }
    .validate()?;
    let project = params.project_id.map(store::ProjectId::new);
    projects::access::filter(state.store.as_ref(), owner, project).await?;
    let key = view_key(
        resource::SEARCH,
        owner,
        Class::SessionLists,
        None,
        format!("list:{params:?}"),
    );
    cached_json(&state, &key, || async {
        let rows = state
            .store
            .list_search_sessions(
                owner,
                params.project_id.map(store::ProjectId::new),
                params.snapshot_of.map(store::SearchSessionId::new),
                paging.request(),
            )
            .await?;
        let page = paging.page(rows, |s| s.id.get(), |s| s);
        let ids: Vec<store::SearchSessionId> = page.items.iter().map(|s| s.id).collect();
        let mut counts = state.store.search_session_counts_many(owner, &ids).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|s| {
                    let c = counts.remove(&s.id).unwrap_or_default();
                    SearchSessionView::new(s, c)
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    })
    .await
}

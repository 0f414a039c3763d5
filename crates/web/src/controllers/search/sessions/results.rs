use axum::extract::State;
use serde::Deserialize;
use store::ResultFilter;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::search::SearchResultView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use cache::{Class, resource};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultListParams {
    /// Only results of this query (its id).
    pub query_id: Option<i64>,
    /// Only results from this registrable domain.
    pub domain: Option<String>,
    /// Only excluded (`true`) or only kept (`false`) results.
    pub excluded: Option<bool>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A session's results in query order, then rank order; excluded results included and marked.
#[utoipa::path(get, path = "/api/search/sessions/{id}/results", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path), ResultListParams),
    responses((status = 200, body = Page<SearchResultView>), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list_results(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
    ApiQuery(params): ApiQuery<ResultListParams>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    }
    .validate()?;
    let key = view_key(
        resource::SEARCH,
        owner,
        Class::SearchResults,
        Some(id.get()),
        format!("results:{params:?}"),
    );
    cached_json(&state, &key, || async {
        state
            .store
            .search_session(owner, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let filter = ResultFilter {
            query_id: params.query_id.map(store::SearchQueryId::new),
            domain: params.domain.as_deref().map(|d| d.trim().to_ascii_lowercase()),
            excluded: params.excluded,
        };
        let rows = state
            .store
            .list_search_results(owner, id, &filter, paging.request())
            .await?;
        Ok(paging.page(rows, |r| r.ordinal, SearchResultView::from))
    })
    .await
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::search::SessionDomainView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use cache::{Class, resource};

/// The session's websites (registrable domains) with URL, query and result counts, in order
/// of first appearance; excluded results left out.
#[utoipa::path(get, path = "/api/search/sessions/{id}/domains", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<SessionDomainView>), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list_domains(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let paging = params.validate()?;
    let key = view_key(
        resource::SEARCH,
        owner,
        Class::Statistics,
        Some(id.get()),
        format!("domains:{:?}:{:?}", params.limit, params.cursor),
    );
    cached_json(&state, &key, || async {
        state
            .store
            .search_session(owner, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let rows = state.store.session_domains(owner, id, paging.request()).await?;
        Ok(paging.page(rows, |d| d.first_ordinal, SessionDomainView::from))
    })
    .await
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::search::SessionUrlView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// The session's unique URL list (normalized, excluded results left out) in order of first
/// appearance, with how many queries returned each: what a scraping job consumes.
#[utoipa::path(get, path = "/api/search/sessions/{id}/urls", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<SessionUrlView>), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list_urls(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<SessionUrlView>>> {
    let paging = params.validate()?;
    state
        .store
        .search_session(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = state
        .store
        .session_urls(user.user.id, id, paging.request())
        .await?;
    Ok(ApiJson(paging.page(
        rows,
        |u| u.first_ordinal,
        SessionUrlView::from,
    )))
}

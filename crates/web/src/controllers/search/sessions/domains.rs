use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::search::SessionDomainView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// The session's websites (registrable domains) with URL, query and result counts, in order
/// of first appearance; excluded results left out.
#[utoipa::path(get, path = "/api/search/sessions/{id}/domains", tag = "search", security(("bearer" = [])),
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<SessionDomainView>), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list_domains(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<ApiJson<Page<SessionDomainView>>> {
    let paging = params.validate()?;
    state
        .store
        .search_session(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = state
        .store
        .session_domains(user.user.id, id, paging.request())
        .await?;
    Ok(ApiJson(paging.page(
        rows,
        |d| d.first_ordinal,
        SessionDomainView::from,
    )))
}

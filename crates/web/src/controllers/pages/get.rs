use axum::extract::State;

use crate::auth::AuthUser;
use crate::controllers::crawls::PageView;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// A page's extracted text, language, links and fetch metadata.
#[utoipa::path(get, path = "/api/pages/{id}", tag = "crawls", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = PageView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_page(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::PageId>,
) -> AppResult<ApiJson<PageView>> {
    let page = state
        .store
        .page(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ApiJson(page.into()))
}

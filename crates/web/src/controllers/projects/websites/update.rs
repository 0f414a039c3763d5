use axum::extract::State;
use curation::service::{BulkChange, WebsiteChange, WebsiteView};

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// One website with its curation, queries, pages and inlinks.
#[utoipa::path(get, path = "/api/projects/{id}/websites/{website_id}", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path), ("website_id" = i64, Path)),
    responses((status = 200, body = WebsiteView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_website(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, website)): ApiPath<(store::ProjectId, store::WebsiteId)>,
) -> AppResult<ApiJson<WebsiteView>> {
    let website = curation::service::get_website(state.store.as_ref(), user.user.id, id, website).await?;
    Ok(ApiJson(website))
}

/// Set a website's status (`in`, `out`, `undecided`; `null` for the project's default),
/// name, categories (a `null` value removes one) or merge into another website's actor
/// (`null` undoes it) (editors and owners).
#[utoipa::path(patch, path = "/api/projects/{id}/websites/{website_id}", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path), ("website_id" = i64, Path)), request_body = WebsiteChange,
    responses((status = 200, body = WebsiteView), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn update_website(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, website)): ApiPath<(store::ProjectId, store::WebsiteId)>,
    ApiJson(body): ApiJson<WebsiteChange>,
) -> AppResult<ApiJson<WebsiteView>> {
    let website =
        curation::service::update_website(state.store.as_ref(), user.user.id, id, website, &body).await?;
    Ok(ApiJson(website))
}

/// The same for many websites at once (`{"websites": [{"id": 1, "status": "out"}, …]}`, at
/// most 1000): every change is checked first, and nothing is applied if one is wrong.
#[utoipa::path(patch, path = "/api/projects/{id}/websites", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = BulkChange,
    responses((status = 200, body = Vec<WebsiteView>), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn update_websites(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiJson(body): ApiJson<BulkChange>,
) -> AppResult<ApiJson<Vec<WebsiteView>>> {
    let websites = curation::service::update_websites(state.store.as_ref(), user.user.id, id, &body).await?;
    Ok(ApiJson(websites))
}

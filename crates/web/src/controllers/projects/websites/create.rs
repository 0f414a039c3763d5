use axum::extract::State;
use axum::http::StatusCode;
use curation::service::{NewUnit, WebsiteView};

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Add a unit: a host (`nyheder.tv2.dk`) or URL prefix (`tv2.dk/sport`) that refines a
/// website into an actor of its own, or a website to decide on before it turns up; with
/// its status, name, categories and merge (editors and owners).
#[utoipa::path(post, path = "/api/projects/{id}/websites", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NewUnit,
    responses((status = 201, body = WebsiteView), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn add_website(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiJson(body): ApiJson<NewUnit>,
) -> AppResult<(StatusCode, ApiJson<WebsiteView>)> {
    let website = curation::service::add_website(state.store.as_ref(), user.user.id, id, &body).await?;
    Ok((StatusCode::CREATED, ApiJson(website)))
}

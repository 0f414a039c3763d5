//! A project's members: list, add by name, change a role, remove (or leave).

use axum::extract::State;
use axum::http::StatusCode;
use projects::service::{MemberRequest, MemberUpdate};

use crate::auth::AuthUser;
use crate::controllers::projects::MemberView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The project's members and their roles.
#[utoipa::path(get, path = "/api/projects/{id}/members", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MemberView>), (status = 404, body = ErrorEnvelope)))]
pub async fn list_members(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
) -> AppResult<ApiJson<Vec<MemberView>>> {
    let members = projects::service::members(state.store.as_ref(), user.user.id, id).await?;
    Ok(ApiJson(members.into_iter().map(MemberView::from).collect()))
}

/// Add an existing user by name as `owner`, `editor` or `viewer` (owners only).
#[utoipa::path(post, path = "/api/projects/{id}/members", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MemberRequest,
    responses((status = 201, body = MemberView), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn add_member(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiJson(body): ApiJson<MemberRequest>,
) -> AppResult<(StatusCode, ApiJson<MemberView>)> {
    let member = projects::service::add_member(state.store.as_ref(), user.user.id, id, &body).await?;
    crate::cached::invalidate_member(&state, member.user_id).await;
    Ok((StatusCode::CREATED, ApiJson(member.into())))
}

/// Change a member's role (owners only). The last owner stays an owner.
#[utoipa::path(patch, path = "/api/projects/{id}/members/{user_id}", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path), ("user_id" = i64, Path)), request_body = MemberUpdate,
    responses((status = 200, body = MemberView), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_member(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, member)): ApiPath<(store::ProjectId, store::UserId)>,
    ApiJson(body): ApiJson<MemberUpdate>,
) -> AppResult<ApiJson<MemberView>> {
    let member =
        projects::service::update_member(state.store.as_ref(), user.user.id, id, member, &body).await?;
    crate::cached::invalidate_member(&state, member.user_id).await;
    Ok(ApiJson(member.into()))
}

/// Remove a member (owners), or leave the project yourself. The last owner cannot leave.
#[utoipa::path(delete, path = "/api/projects/{id}/members/{user_id}", tag = "projects", security(("bearer" = [])),
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn remove_member(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, member)): ApiPath<(store::ProjectId, store::UserId)>,
) -> AppResult<StatusCode> {
    projects::service::remove_member(state.store.as_ref(), user.user.id, id, member).await?;
    crate::cached::invalidate_member(&state, member).await;
    Ok(StatusCode::NO_CONTENT)
}

use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::AdminUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;

/// Delete a user and everything they own (administrators only).
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn delete_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<store::UserId>,
) -> AppResult<StatusCode> {
    accounts::users::delete_user(state.store.as_ref(), admin.actor(), id).await?;
    for resource in cache::resource::ALL {
        crate::cached::invalidate(&state, resource, id).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

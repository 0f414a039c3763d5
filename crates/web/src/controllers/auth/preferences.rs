use accounts::{Preferences, preferences};
use axum::extract::State;
use cache::{Class, resource};

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, invalidate, view_key};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Your interface preferences (defaults for anything never saved).
#[utoipa::path(get, path = "/api/auth/preferences", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Preferences), (status = 401, body = ErrorEnvelope)))]
pub async fn get_preferences(State(state): State<AppState>, user: AuthUser) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let key = view_key(resource::PREFERENCES, owner, Class::UserPreferences, None, "all");
    cached_json(&state, &key, || async {
        Ok(preferences::load(state.store.as_ref(), user.actor(), owner).await?)
    })
    .await
}

/// Replace your interface preferences whole; a field left out takes its default.
#[utoipa::path(put, path = "/api/auth/preferences", tag = "auth", security(("bearer" = [])),
    request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 401, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn put_preferences(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<Preferences>,
) -> AppResult<ApiJson<Preferences>> {
    let owner = user.user.id;
    preferences::save(state.store.as_ref(), user.actor(), owner, &body).await?;
    invalidate(&state, resource::PREFERENCES, owner).await;
    Ok(ApiJson(body))
}

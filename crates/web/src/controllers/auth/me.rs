use crate::auth::AuthUser;
use crate::controllers::UserView;
use crate::error::ErrorEnvelope;
use crate::extract::ApiJson;

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorEnvelope)))]
pub async fn me(user: AuthUser) -> ApiJson<UserView> {
    ApiJson(user.user.into())
}

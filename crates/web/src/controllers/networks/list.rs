use axum::extract::State;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::networks::NetworkView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiQuery;
use crate::pagination::{Page, ProjectPageParams};
use crate::state::AppState;
use cache::{Class, resource};

/// The networks of your projects, newest first.
#[utoipa::path(get, path = "/api/networks", tag = "networks", security(("bearer" = [])),
    params(ProjectPageParams),
    responses((status = 200, body = Page<NetworkView>), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_networks(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<ProjectPageParams>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let paging = params.paging().validate()?;
    projects::access::filter(state.store.as_ref(), owner, params.project()).await?;
    let key = view_key(
        resource::NETWORKS,
        owner,
        Class::NetworkMetadata,
        None,
        format!(
            "list:{:?}:{:?}:{:?}",
            params.project_id, params.limit, params.cursor
        ),
    );
    cached_json(&state, &key, || async {
        let rows =
            networks::service::list_networks(state.store.as_ref(), owner, params.project(), paging.request())
                .await?;
        Ok(paging.page(rows, |n| n.id.get(), NetworkView::from))
    })
    .await
}

use axum::extract::State;

use crate::auth::AuthUser;
use crate::cached::{CachedJson, cached_json, view_key};
use crate::controllers::analyses::AnalysisView;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::ApiPath;
use crate::state::AppState;
use cache::{Class, resource};

/// An analysis run and how many pages it has analysed and skipped.
#[utoipa::path(get, path = "/api/analyses/{id}", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AnalysisView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_analysis(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::AnalysisId>,
) -> AppResult<CachedJson> {
    let owner = user.user.id;
    let key = view_key(
        resource::ANALYSES,
        owner,
        Class::AnalysisResults,
        Some(id.get()),
        "run",
    );
    cached_json(&state, &key, || async {
        let run = analysis::service::current_analysis(state.store.as_ref(), owner, id).await?;
        Ok(AnalysisView::from(run))
    })
    .await
}

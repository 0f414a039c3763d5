use axum::extract::State;
use axum::http::StatusCode;
use store::AnalysisScope;

use crate::auth::AuthUser;
use crate::controllers::analyses::{AnalysisRequest, AnalysisView};
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

async fn start(
    state: &AppState,
    user: &AuthUser,
    scope: AnalysisScope,
    body: AnalysisRequest,
) -> AppResult<(StatusCode, ApiJson<AnalysisView>)> {
    let run = analysis::service::create_analysis(
        state.store.as_ref(),
        &state.registry,
        user.user.id,
        scope,
        body.options,
    )
    .await?;
    crate::cached::invalidate_project(state, &[cache::resource::ANALYSES], run.run.project_id).await;
    Ok((StatusCode::ACCEPTED, ApiJson(run.into())))
}

/// Analyse a scraping job's pages (queue `analysis`): noun lemmas, entities and keyword
/// phrases per page, with our own English/Danish/German models. Pages in other languages
/// or with fewer than 20 words are recorded as skipped, with the reason.
#[utoipa::path(post, path = "/api/crawls/{id}/analyses", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = AnalysisRequest,
    responses((status = 202, body = AnalysisView), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_analysis(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
    ApiJson(body): ApiJson<AnalysisRequest>,
) -> AppResult<(StatusCode, ApiJson<AnalysisView>)> {
    start(&state, &user, AnalysisScope::Crawl(id), body).await
}

/// Analyse the pages of every scraping job started from a search session (queue
/// `analysis`); otherwise as for a scraping job.
#[utoipa::path(post, path = "/api/search/sessions/{id}/analyses", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = AnalysisRequest,
    responses((status = 202, body = AnalysisView), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_session_analysis(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
    ApiJson(body): ApiJson<AnalysisRequest>,
) -> AppResult<(StatusCode, ApiJson<AnalysisView>)> {
    start(&state, &user, AnalysisScope::Session(id), body).await
}

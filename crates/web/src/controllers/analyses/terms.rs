use analysis::service::TopTerm;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use store::{AnalysisScope, PageTermsRecord, TermKind};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// A page's stored terms: noun lemmas, entities and keyword phrases with counts.
#[utoipa::path(get, path = "/api/pages/{id}/terms", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "The page's terms (`skipped` says why a page has none)", body = Object),
        (status = 404, body = ErrorEnvelope)))]
pub async fn page_terms(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::PageId>,
) -> AppResult<ApiJson<PageTermsRecord>> {
    let terms = state
        .store
        .page_terms(user.user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ApiJson(terms))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopTermsParams {
    /// `nouns` (default), `entities` (each with its type) or `keywords`.
    pub kind: Option<String>,
    /// Terms to return, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopTerms {
    /// Websites (registrable domains) with analysed pages: N in the idf.
    pub websites: usize,
    pub terms: Vec<TopTerm>,
}

/// A scraping job's most distinctive noun lemmas (or entities, or keywords): TF-IDF with
/// websites as documents
/// (tf = count / the website's nouns; idf = ln((1+N)/(1+df)) + 1), summed over websites.
#[utoipa::path(get, path = "/api/crawls/{id}/terms", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path), TopTermsParams),
    responses((status = 200, body = TopTerms), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn top_terms(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::CrawlId>,
    ApiQuery(params): ApiQuery<TopTermsParams>,
) -> AppResult<ApiJson<TopTerms>> {
    scope_top_terms(&state, &user, AnalysisScope::Crawl(id), params).await
}

/// The most distinctive noun lemmas of the pages of every scraping job started from a
/// search session, by TF-IDF over websites.
#[utoipa::path(get, path = "/api/search/sessions/{id}/terms", tag = "analysis", security(("bearer" = [])),
    params(("id" = i64, Path), TopTermsParams),
    responses((status = 200, body = TopTerms), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn session_top_terms(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::SearchSessionId>,
    ApiQuery(params): ApiQuery<TopTermsParams>,
) -> AppResult<ApiJson<TopTerms>> {
    scope_top_terms(&state, &user, AnalysisScope::Session(id), params).await
}

async fn scope_top_terms(
    state: &AppState,
    user: &AuthUser,
    scope: AnalysisScope,
    params: TopTermsParams,
) -> AppResult<ApiJson<TopTerms>> {
    let limit = params.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::field("limit", "must be between 1 and 500"));
    }
    let kind: TermKind = params
        .kind
        .as_deref()
        .unwrap_or("nouns")
        .parse()
        .map_err(|e: String| AppError::field("kind", e))?;
    let (websites, terms) =
        analysis::service::top_terms(state.store.as_ref(), user.user.id, scope, kind, limit).await?;
    Ok(ApiJson(TopTerms { websites, terms }))
}

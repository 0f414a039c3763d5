use axum::extract::State;
use networks::evidence::{Evidence, EvidenceQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EvidenceParams {
    /// An edge's source node id (with `target`).
    pub source: Option<String>,
    /// An edge's target node id (with `source`).
    pub target: Option<String>,
    /// A node id (alone).
    pub node: Option<String>,
    /// Items per page, 1–200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

/// Why an edge or a node is there. For a query–website edge, every search result that
/// links the two; for a website–term edge, the website's pages that use the term, each
/// with up to three keyword-in-context snippets whose `matches` mark the term (character
/// offsets), and in `term` how the weight is made (count, occurrences, df, idf, TF-IDF);
/// for a hyperlink, the linking pages with their target URLs and anchor texts; for a
/// projection, what the two nodes share; for a node, its edges heaviest first with the
/// evidence each has. A node id not in the network is a 404 naming it.
#[utoipa::path(get, path = "/api/networks/{id}/evidence", tag = "networks", security(("bearer" = [])),
    params(("id" = i64, Path), EvidenceParams),
    responses((status = 200, body = Evidence), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn network_evidence(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::NetworkId>,
    ApiQuery(params): ApiQuery<EvidenceParams>,
) -> AppResult<ApiJson<Evidence>> {
    let query = EvidenceQuery {
        source: params.source,
        target: params.target,
        node: params.node,
        cursor: params.cursor,
        limit: params.limit,
    };
    let evidence =
        networks::evidence::network_evidence(state.store.as_ref(), user.user.id, id, query).await?;
    Ok(ApiJson(evidence))
}

use axum::extract::State;
use curation::Origin;
use curation::service::{WebsiteFilter, WebsiteSort, WebsiteView};
use serde::Deserialize;
use store::WebsiteStatus;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, ErrorEnvelope};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebsiteParams {
    /// `in`, `out` or `undecided` (the website's actor's status).
    pub status: Option<String>,
    /// `search`, `crawl`, `link` or `curated`: how the website came in.
    pub origin: Option<String>,
    /// Text in the unit or the name.
    pub q: Option<String>,
    /// `sector` (has the category) or `sector:government`.
    pub category: Option<String>,
    /// `results` [default], `inlinks`, `pages`, `unit`, `first_seen` or `last_seen`.
    pub sort: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

fn parse<T: serde::de::DeserializeOwned>(
    field: &str,
    value: Option<&str>,
    allowed: &str,
) -> AppResult<Option<T>> {
    value
        .map(|v| {
            serde_json::from_value(serde_json::Value::String(v.trim().to_ascii_lowercase()))
                .map_err(|_| AppError::field(field, format!("unknown {field} `{v}`: use {allowed}")))
        })
        .transpose()
}

impl WebsiteParams {
    fn filter(&self) -> AppResult<WebsiteFilter> {
        Ok(WebsiteFilter {
            status: parse::<WebsiteStatus>("status", self.status.as_deref(), "in, out or undecided")?,
            origin: parse::<Origin>("origin", self.origin.as_deref(), "search, crawl, link or curated")?,
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            category: self.category.clone().filter(|c| !c.trim().is_empty()),
            sort: parse::<WebsiteSort>(
                "sort",
                self.sort.as_deref(),
                "results, inlinks, pages, unit, first_seen or last_seen",
            )?
            .unwrap_or_default(),
        })
    }
}

/// Every website the project has seen (from its search results and from the outlinks of
/// its crawled pages) and every unit its researchers added, with status, actor, categories,
/// queries and ranks, pages crawled, inlinks from IN websites, and first and last seen.
#[utoipa::path(get, path = "/api/projects/{id}/websites", tag = "websites", security(("bearer" = [])),
    params(("id" = i64, Path), WebsiteParams),
    responses((status = 200, body = Page<WebsiteView>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_websites(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<store::ProjectId>,
    ApiQuery(params): ApiQuery<WebsiteParams>,
) -> AppResult<ApiJson<Page<WebsiteView>>> {
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    }
    .validate()?;
    let filter = params.filter()?;
    let rows =
        curation::service::list_websites(state.store.as_ref(), user.user.id, id, &filter, paging.request())
            .await?;
    Ok(ApiJson(paging.page(rows, |w| w.id.get(), |w| w)))
}

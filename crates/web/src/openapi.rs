use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Issue Observatory API",
        description = "Search, crawl, NLP and network building for issue mapping. \
            Errors use one envelope; lists use `limit` + keyset `cursor`. See docs/api.md.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::error::ErrorEnvelope, crate::error::ErrorBody, crate::error::FieldError)),
    tags(
        (name = "auth", description = "Log in and out; your account"),
        (name = "search", description = "Search sessions: queries, ranked results with provenance, snapshots and comparison"),
        (name = "analysis", description = "Analysis runs: noun lemmas, entities and keywords per page; top terms by TF-IDF over websites"),
        (name = "crawls", description = "Scraping jobs: polite, resumable crawling and the pages with their main text"),
        (name = "networks", description = "Networks: query–website, website–term and hyperlink networks with backboning, communities and layout; GEXF, GraphML, CSV and JSON"),
        (name = "jobs", description = "Background jobs: progress and cancellation"),
        (name = "admin", description = "User administration and maintenance"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
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
        (name = "websites", description = "A project's websites and their curation: IN, OUT or undecided, actors (domains, hosts, URL prefixes, merged), categories, prospection, the actor table as CSV"),
        (name = "projects", description = "Projects: a team's shared corpus, with members (owner, editor, viewer) and an audit trail"),
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

/// The responses every route can give besides its own, added to each operation that does
/// not document them itself, so that clients generated from the spec handle them:
/// 401 where a token is required, 403 on administration routes, 422 where there is input
/// to refuse, 429 under the request quotas (with `Retry-After`), and 503 while the database
/// is unavailable (with `Retry-After`).
pub fn document_common_responses(spec: &mut utoipa::openapi::OpenApi) {
    for (path, item) in spec.paths.paths.iter_mut() {
        let operations = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, response: Response| {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(response));
            };
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_input = operation.request_body.is_some()
                || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if secured {
                add(
                    "401",
                    envelope("Not signed in, or the token is expired or revoked", false),
                );
            }
            if path.starts_with("/api/admin") {
                add("403", envelope("Signed in, but not an administrator", false));
            }
            if has_input {
                add(
                    "422",
                    envelope(
                        "Invalid input: `details.fields[]` names each field and what is wrong with it",
                        false,
                    ),
                );
            }
            if path.starts_with("/api/") {
                add(
                    "429",
                    envelope(
                        "Over a request quota (`RateLimit-*` headers) or too many failed logins; \
                         `details.retry_after_secs`",
                        true,
                    ),
                );
                add(
                    "503",
                    envelope("The database is unavailable; `details.retry_after_secs`", true),
                );
            }
        }
    }
}

fn envelope(description: &str, retry_after: bool) -> Response {
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
            .build(),
    );
    if retry_after {
        response = response.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                .description(Some("Seconds to wait before trying again"))
                .build(),
        );
    }
    response.build()
}

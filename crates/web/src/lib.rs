//! The HTTP API of Issue Observatory: axum routes under `controllers/<resource>/<action>.rs`,
//! one error envelope, keyset pagination, bearer/cookie auth, OpenAPI and metrics.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cached;
pub mod client_addr;
pub mod controllers;
pub mod db_health;
pub mod error;
pub mod extract;
pub mod metrics;
mod middleware;
pub mod openapi;
pub mod pagination;
pub mod ratelimit;
mod state;
mod ui;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use state::{AppState, SharedState, WebConfig};

use crate::error::envelope_for_status;

/// The API routes and the OpenAPI document generated from them.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut spec) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(controllers::api())
        .split_for_parts();
    openapi::document_common_responses(&mut spec);
    (router, spec)
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

pub fn router(state: AppState) -> Router {
    let (api, spec) = api();
    let config = &state.config;
    let proxies = config.trusted_proxies.clone();
    let in_process = ui::InProcessApi::new(api.clone().with_state(state.clone()));

    let mut app = api
        .route("/metrics", get(metrics::render))
        .merge(ui::routes().layer(axum::Extension(in_process)))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", spec))
        .fallback(ui::not_found)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(axum::middleware::from_fn(middleware::envelope_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            db_health::gate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::enforce,
        ))
        .layer(axum::middleware::from_fn(metrics::track));

    for (name, value) in middleware::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }

    if !config.cors_allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = config
            .cors_allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        );
    }

    let compress_when = SizeAbove::new(1024)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);

    app.layer(
        ServiceBuilder::new()
            .layer(SetSensitiveHeadersLayer::new([
                header::AUTHORIZATION,
                header::COOKIE,
                header::SET_COOKIE,
            ]))
            .layer(axum::middleware::from_fn(move |request, next| {
                client_addr::resolve(proxies.clone(), request, next)
            }))
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(request_span))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(CatchPanicLayer::custom(|_| {
                envelope_for_status(StatusCode::INTERNAL_SERVER_ERROR)
            }))
            .layer(
                CompressionLayer::new()
                    .gzip(true)
                    .br(true)
                    .compress_when(compress_when),
            ),
    )
    .with_state(state)
}

/// The span of one request in the logs: tower-http's default fields (method, URI, version)
/// and the client's address (behind a trusted proxy, the one it forwarded for).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let client = request
        .extensions()
        .get::<client_addr::ClientAddr>()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        uri = %request.uri(),
        version = ?request.version(),
        client = %client,
    )
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

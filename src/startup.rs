//! Assembles the application once, for `main` and for the tests: the routes of every resource and
//! the server around them. The state they share lives below, in `crate::app`.

use std::net::TcpListener;

use actix_web::dev::{ResourceDef, Server};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::AppState;
use crate::config::Config;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::cors::CorsPolicies;
use crate::http::extract::BodyLimit;
use crate::http::middleware::{request_context, BodyTimeout};
use crate::openapi::ApiDoc;

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listener.
    pub fn build(config: &Config) -> Result<Self, String> {
        let state = AppState::open(config)?;
        let document = openapi();
        let known_paths = web::Data::new(KnownPaths::of(&document));
        // Served as rendered once: every worker shares these bytes, and the document's own
        // structures (megabytes of them) are freed before the server starts.
        let rendered = web::Bytes::from(serde_json::to_vec(&document).map_err(|err| err.to_string())?);
        drop(document);
        let listener = TcpListener::bind(config.bind_addr)
            .map_err(|err| format!("cannot listen on {}: {err}", config.bind_addr))?;
        let port = listener.local_addr().map_err(|err| err.to_string())?.port();
        let body_limit = BodyLimit(config.body_limit);
        let body_timeout = BodyTimeout(config.body_timeout);
        let cors_origins = config.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(known_paths.clone())
                .app_data(body_limit)
                .app_data(body_limit.payload_config())
                .app_data(body_timeout)
                .app_data(path_config())
                .wrap(CorsPolicies::new(&cors_origins))
                .wrap(from_fn(request_context))
                .into_utoipa_app()
                .configure(routes)
                .into_app()
                .route("/openapi.json", web::get().to(served_document(rendered.clone())))
                .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::new(["/openapi.json"])))
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish()
                    }),
                )
                .default_service(web::to(unrouted))
        })
        .shutdown_timeout(config.shutdown_timeout.as_secs())
        .listen(listener)
        .map_err(|err| err.to_string())?;
        let workers = config.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        // Database work runs on each worker's blocking threads (`db::run`). More of them than
        // pooled connections would only wait on the pool's lock, and every such wait costs two
        // context switches: requests queue on the executor instead, which is far cheaper.
        let blocking_threads = (config.pool.max_size as usize).div_ceil(workers).max(1);
        server = server.workers(workers).worker_max_blocking_threads(blocking_threads);
        Ok(Application { server: server.run(), port })
    }

    /// The port actually bound (useful with port 0 in tests).
    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Every route of the API, registered so that utoipa collects their documentation.
fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(crate::health::configure).configure(crate::hsds::configure).service(
        utoipa_actix_web::scope("/api/v1")
            .service(crate::auth::token::issue_token)
            .configure(crate::services::configure)
            .configure(crate::providers::configure)
            .configure(crate::commissions::configure)
            .configure(crate::reports::configure)
            .configure(crate::settings::configure)
            .configure(crate::municipalities::configure)
            .configure(crate::diagnoses::configure)
            .configure(crate::programmes::configure)
            .configure(crate::locations::configure)
            .configure(crate::local_bank::configure)
            .configure(crate::residents::configure)
            .configure(crate::service_plans::configure)
            .configure(crate::fee_assessments::configure)
            .configure(crate::plan_items::configure)
            .configure(crate::api_clients::configure)
            .configure(crate::authorisations::configure)
            .configure(crate::time_bank::configure)
            .configure(crate::audit::configure),
    );
}

/// The documented paths with the methods each takes, so that another method on a known path is a
/// 405 naming them (`Allow`), not a 404 or a 400 about an id.
struct KnownPaths(Vec<(ResourceDef, Vec<&'static str>)>);

impl KnownPaths {
    fn of(document: &utoipa::openapi::OpenApi) -> Self {
        let mut paths: Vec<(ResourceDef, Vec<&'static str>)> = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ]
                .into_iter()
                .filter_map(|(method, operation)| operation.as_ref().map(|_| method))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        // A fixed path (`/providers/export`) takes precedence over a template that also matches it.
        paths.sort_by_key(|(resource, _)| resource.pattern().is_some_and(|pattern| pattern.contains('{')));
        KnownPaths(paths)
    }

    /// 405 when the request's path is known but not with its method.
    fn method_not_allowed(&self, req: &HttpRequest) -> Option<ApiError> {
        let (_, methods) = self.0.iter().find(|(resource, _)| resource.is_match(req.path()))?;
        let method = req.method().as_str();
        (!methods.contains(&method)).then(|| ApiError::MethodNotAllowed { allow: methods.join(", ") })
    }
}

/// Requests that no route takes: 405 on a known path, 404 elsewhere.
async fn unrouted(req: HttpRequest, known: web::Data<KnownPaths>) -> ApiResult<HttpResponse> {
    Err(known.method_not_allowed(&req).unwrap_or(ApiError::Status(actix_web::http::StatusCode::NOT_FOUND)))
}

/// A malformed path segment (e.g. an id that is not a UUID) is a 400 naming it, unless the path is
/// a fixed one that another method's template caught (`PATCH /providers/export`): that is a 405.
fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, req| {
        let known = req.app_data::<web::Data<KnownPaths>>().and_then(|known| known.method_not_allowed(req));
        known
            .unwrap_or_else(|| {
                // Not the parser's message: it would quote the segment, which may be anything.
                ApiError::bad_request(
                    "invalid path parameter",
                    vec![FieldError::new(
                        "id",
                        "invalid_id",
                        "ids are UUIDs, e.g. 0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
                    )],
                )
            })
            .into()
    })
}

/// `GET /openapi.json`: the document as rendered at start-up.
fn served_document(rendered: web::Bytes) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
    move || std::future::ready(HttpResponse::Ok().content_type("application/json").body(rendered.clone()))
}

/// The OpenAPI document, built from the same route registration as the server.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes).split_for_parts();
    crate::auth::access::document(&mut api);
    crate::openapi::refine(&mut api);
    api
}

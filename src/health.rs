//! The operations endpoints: liveness and readiness probes for orchestrators and load balancers,
//! and the Prometheus metrics for monitoring.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::AppState;
use crate::db::{self, DbPool};
use crate::error::{ApiError, ApiResult};
use crate::http::responses::DatabaseErrors;
use crate::metrics::CONTENT_TYPE;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health_live).service(health_ready).service(metrics);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
    /// The database backend in use (`sqlite` or `postgresql`); only on readiness.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "sqlite")]
    database: Option<&'static str>,
}

/// Liveness: the process answers.
///
/// Does not touch the database, so a database outage does not make an orchestrator restart
/// healthy replicas.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process is alive", body = Health, example = json!({"status": "ok"})))
)]
#[get("/health/live")]
async fn health_live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", database: None })
}

/// Readiness: the database answers.
///
/// A load balancer should route traffic only to replicas that answer 200 here.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health, example = json!({"status": "ready", "database": "sqlite"})),
        DatabaseErrors
    )
)]
#[get("/health/ready")]
async fn health_ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let pool: DbPool = state.pool.clone();
    db::run(&pool, |conn| db::ping(conn).map_err(ApiError::database_unavailable)).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready", database: Some(state.backend_name) }))
}

/// Prometheus metrics of this process.
///
/// Request counts by route pattern, method and status; latency histograms by route and method;
/// database pool gauges; database errors by kind. Each replica reports its own.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The metrics in the Prometheus text exposition format", body = String,
        content_type = "text/plain; version=0.0.4",
        example = json!("# TYPE cus_http_requests_total counter\n\
cus_http_requests_total{method=\"GET\",route=\"/api/v1/services/{id}\",status=\"200\"} 42\n\
# TYPE cus_db_pool_connections gauge\ncus_db_pool_connections 3\n")))
)]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(state.metrics.render(&state.pool))
}

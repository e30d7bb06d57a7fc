//! Liveness and readiness probes for orchestrators and load balancers.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::{self, DbPool};
use crate::error::{ApiError, ApiResult};
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health_live).service(health_ready);
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
        (status = 503, description = "The database is unavailable", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying")))
    )
)]
#[get("/health/ready")]
async fn health_ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let pool: DbPool = state.pool.clone();
    db::run(&pool, |conn| db::ping(conn).map_err(ApiError::database_unavailable)).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready", database: Some(state.backend_name) }))
}

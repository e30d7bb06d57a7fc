//! Provider reports (`/api/v1/commissions/{id}/reports`, `/api/v1/reports`): what a provider
//! delivered under a commission, reviewed by the centre; every submitted version is kept.

pub mod dto;
mod handlers;
pub mod model;
mod schedule;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_reports)
        .service(handlers::get_commission_summary)
        .service(handlers::list_commission_reports)
        .service(handlers::submit_report)
        .service(handlers::get_report)
        .service(handlers::list_report_versions)
        .service(handlers::correct_report)
        .service(handlers::accept_report)
        .service(handlers::return_report);
}

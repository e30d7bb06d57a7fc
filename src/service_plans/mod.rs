//! Individual plans of social services (`/api/v1/service-plans`, IPUS), with their items: a plan's
//! items are written as part of the plan. What providers reach of them is `plan_items`.

pub mod dto;
mod fees;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_service_plans)
        .service(handlers::create_service_plan)
        .service(handlers::get_service_plan)
        .service(handlers::update_service_plan)
        .service(handlers::submit_service_plan_for_approval)
        .service(handlers::approve_service_plan)
        .service(handlers::activate_service_plan)
        .service(handlers::close_service_plan)
        .service(handlers::add_plan_monitoring)
        .service(handlers::list_plan_revisions);
}

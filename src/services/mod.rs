//! The service catalogue (`/api/v1/services`): the local bank of social services.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_services)
        .service(handlers::create_service)
        .service(handlers::get_service)
        .service(handlers::update_service)
        .service(handlers::delete_service)
        .service(handlers::activate_service)
        .service(handlers::retire_service);
}

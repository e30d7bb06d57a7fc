//! Residents (`/api/v1/residents`): the people the centre plans services for. The most sensitive
//! data in the system: every read and write is audited, and each role sees only its view.

pub mod dto;
mod handlers;
pub mod model;
pub mod provider_view;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_residents)
        .service(handlers::search_residents)
        .service(handlers::create_resident)
        .service(handlers::get_resident)
        .service(handlers::update_resident)
        .service(handlers::export_resident)
        .service(handlers::anonymise_resident);
}

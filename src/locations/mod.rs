//! Locations (`/api/v1/locations`, issue 16): the places where services are given and applied
//! for (CUS offices, providers' premises, day centres), with weekly opening hours, dated
//! exceptions, accessibility and public contact details. Public records, no personal data; a
//! resident's home is never one (offers say `at_home`).

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_locations)
        .service(handlers::get_location)
        .service(handlers::create_location)
        .service(handlers::update_location)
        .service(handlers::archive_location)
        .service(handlers::activate_location);
}

//! Municipalities (`/api/v1/municipalities`): the gminas this CUS serves, by TERYT TERC code: the
//! founding gmina and those served under an inter-municipal agreement (porozumienie
//! międzygminne). Residents are registered in one of them.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_municipalities)
        .service(handlers::get_municipality)
        .service(handlers::create_municipality)
        .service(handlers::update_municipality)
        .service(handlers::activate_municipality)
        .service(handlers::deactivate_municipality);
}

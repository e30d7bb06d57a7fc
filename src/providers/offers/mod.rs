//! A provider's offers (`/api/v1/providers/{id}/offers`): which catalogue services it can deliver,
//! how much, and where. A resource of its own below its provider, laid out like the others.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_provider_offers)
        .service(handlers::create_provider_offer)
        .service(handlers::update_provider_offer)
        .service(handlers::delete_provider_offer);
}

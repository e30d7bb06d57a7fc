//! Authorisations (`/api/v1/authorisations`): the director's personal *upoważnienie* of a subject
//! (a person's or client's token subject) for a scope, e.g. an OUS approving individual plans.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_authorisations)
        .service(handlers::get_authorisation)
        .service(handlers::create_authorisation)
        .service(handlers::revoke_authorisation);
}

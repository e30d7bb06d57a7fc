//! The public local bank of services (bank usług lokalnych): the whole local offer as an anonymous,
//! cacheable read for mirrors and front ends; active services with the offers of active providers.

pub mod dto;
mod handlers;
mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_local_bank_services);
}

//! API clients (`/api/v1/api-clients`): systems that exchange a client id and secret for tokens.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_api_clients)
        .service(handlers::create_api_client)
        .service(handlers::get_api_client)
        .service(handlers::approve_api_client)
        .service(handlers::rotate_api_client_secret)
        .service(handlers::revoke_api_client);
}

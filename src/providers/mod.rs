//! The providers registry (`/api/v1/providers`): NGOs, social-economy entities, public units and
//! companies the centre commissions services to, with what each can deliver (offers).

mod csv_format;
pub mod dto;
mod handlers;
mod import;
pub mod model;
pub mod offers;
mod view;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    // `export` and `import` before `{id}`, which would otherwise claim them.
    cfg.service(handlers::list_providers)
        .service(handlers::export_providers)
        .service(handlers::import_providers)
        .service(handlers::create_provider)
        .service(handlers::get_provider)
        .service(handlers::update_provider)
        .service(handlers::activate_provider)
        .service(handlers::suspend_provider)
        .service(handlers::archive_provider)
        .configure(offers::configure);
}

//! Amendments and versions of programmes (`/api/v1/programmes/{id}/amendments`, `/versions`): after
//! adoption a programme changes only by a new resolution, which makes a new version from a day;
//! and what is in force on a day (`/programmes/{id}/services`, `/services/{id}/programmes`).

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::amend_programme)
        .service(handlers::list_programme_versions)
        .service(handlers::get_programme_version)
        .service(handlers::list_programme_services)
        .service(handlers::list_service_programmes);
}

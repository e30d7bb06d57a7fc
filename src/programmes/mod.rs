//! Programmes (`/api/v1/programmes`): the programme of social services (program usług
//! społecznych) a municipal council adopts by resolution on an adopted diagnosis, and the
//! catalogue services it offers, to whom, how to apply and how many.

pub mod dto;
mod handlers;
pub mod model;
pub mod versions;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_programmes)
        .service(handlers::get_programme)
        .service(handlers::create_programme)
        .service(handlers::update_programme)
        .service(handlers::consult_programme)
        .service(handlers::adopt_programme)
        .service(handlers::put_programme_in_force)
        .service(handlers::expire_programme)
        .service(handlers::repeal_programme)
        .configure(versions::configure);
}

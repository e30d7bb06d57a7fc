//! Diagnoses (`/api/v1/diagnoses`): the diagnosis of needs and potential of the local community
//! (diagnoza potrzeb i potencjału społeczności lokalnej, CUS act art. 13 ust. 1) that a
//! programme of social services rests on, for the municipalities it covers.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_diagnoses)
        .service(handlers::get_diagnosis)
        .service(handlers::create_diagnosis)
        .service(handlers::update_diagnosis)
        .service(handlers::adopt_diagnosis)
        .service(handlers::supersede_diagnosis);
}

//! Fee assessments (`/api/v1/fee-assessments`, ustalenie odpłatności, issue 14): the fee per unit
//! a resident pays for a service of a programme, from the household's income and size under the
//! programme's income table. The income is special data: only the single GET shows it.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_fee_assessments)
        .service(handlers::get_fee_assessment)
        .service(handlers::create_fee_assessment);
}

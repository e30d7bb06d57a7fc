//! Commissions (`/api/v1/commissions`): the centre commissions (*zleca*) a catalogue service to a
//! provider for a period and a budget; annexes are the only way its financial terms change.

pub mod dto;
pub mod eligibility;
mod handlers;
pub mod model;
pub mod reservation;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_commissions)
        .service(handlers::create_commission)
        .service(handlers::get_commission)
        .service(handlers::update_commission)
        .service(handlers::activate_commission)
        .service(handlers::suspend_commission)
        .service(handlers::resume_commission)
        .service(handlers::complete_commission)
        .service(handlers::terminate_commission)
        .service(handlers::list_commission_annexes)
        .service(handlers::create_commission_annex);
}

//! The centre's settings (`/api/v1/settings`): figures of its budget that rules of the law are
//! measured against, such as the grants planned each year for NGOs (the base of the 20% share of
//! small grants, public benefit act art. 19a ust. 6).

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_grant_year).service(handlers::put_grant_year);
}

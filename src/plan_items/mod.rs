//! The plan items providers deliver (`/api/v1/plan-items`): a provider's view of its items and the
//! deliveries it records on them. The items themselves are written as part of their plan
//! (`service_plans`), which owns their storage; this resource reads them and owns deliveries.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_plan_items).service(handlers::record_delivery).service(handlers::list_deliveries);
}

//! The time bank (`/api/v1/time-bank`; bank czasu, run by the community organiser, OSL, CUS act
//! art. 13 ust. 1): residents exchange help by the hour. An append-only ledger of transfers in
//! double entry: balances are sums of postings, a credit limit bounds how far a member may
//! receive ahead of giving, and a mistake is corrected by a reversing transfer, never deleted.

pub mod dto;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_time_bank_members)
        .service(handlers::get_time_bank_member)
        .service(handlers::create_time_bank_member)
        .service(handlers::leave_time_bank)
        .service(handlers::rejoin_time_bank)
        .service(handlers::list_time_bank_transfers)
        .service(handlers::get_time_bank_transfer)
        .service(handlers::create_time_bank_transfer)
        .service(handlers::reverse_time_bank_transfer);
}

//! The append-only audit log: every write and denied attempt, and every read of personal data,
//! recorded in the transaction of the work itself, so that there is never a change without its
//! event nor an event for a rolled-back change.

pub mod event;
mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub use event::{Event, Outcome};
pub use model::{audited, record, record_failure, record_read};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_audit_events);
}

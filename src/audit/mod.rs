//! The append-only audit log: every write and denied attempt, and every read of personal data,
//! recorded in the transaction of the work itself, so that there is never a change without its
//! event nor an event for a rolled-back change.

mod handlers;
pub mod model;

use actix_web::ResponseError;
use serde_json::{json, Value};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Actor;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_audit_events);
}

crate::text_enum! {
/// How an audited request ended: `success`, `denied` (401/403) or `failed` (anything else).
pub enum Outcome {
    Success,
    Denied,
    Failed,
}
}

/// What happened, to which resource.
#[derive(Debug, Clone)]
pub struct Event {
    /// The operation id, e.g. `create_service`.
    pub action: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub detail: Option<Value>,
}

impl Event {
    pub fn new(action: &'static str, resource_type: &'static str, resource_id: Option<String>) -> Self {
        Event { action, resource_type, resource_id, outcome: Outcome::Success, detail: None }
    }

    /// The event of a request that ended in `err`: the status and problem code, nothing personal.
    pub fn failed_with(mut self, outcome: Outcome, err: &ApiError) -> Self {
        self.outcome = outcome;
        self.detail = Some(json!({"status": err.status_code().as_u16(), "code": err.code()}));
        self
    }

    pub fn with_detail(mut self, detail: Value) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// Appends one event; call it inside the transaction of the work it records.
pub fn record(conn: &mut DbConnection, actor: &Actor, event: &Event) -> ApiResult<()> {
    model::insert(conn, actor, event)
}

/// Runs a write and its success event in one transaction; a failure is recorded after the
/// rollback, so the log keeps the attempt while the data keeps nothing of it.
pub fn audited<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    event: Event,
    work: impl FnOnce(&mut DbConnection) -> ApiResult<T>,
) -> ApiResult<T> {
    let result = conn.write_transaction(|conn| {
        let value = work(conn)?;
        record(conn, actor, &event)?;
        Ok(value)
    });
    if let Err(err) = &result {
        record_failure(conn, actor, event, err);
    }
    result
}

/// Records a failed write in its own transaction; the original error matters more than a failure
/// to record it, which is logged.
pub fn record_failure(conn: &mut DbConnection, actor: &Actor, event: Event, err: &ApiError) {
    let outcome = match err {
        ApiError::Unauthorized(_) | ApiError::Forbidden(_) | ApiError::Refused { .. } => Outcome::Denied,
        _ => Outcome::Failed,
    };
    let event = event.failed_with(outcome, err);
    if let Err(audit_err) = conn.write_transaction(|conn| record(conn, actor, &event)) {
        log::warn!("could not audit a failed {}: {audit_err}", event.action);
    }
}

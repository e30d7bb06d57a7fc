//! What the audit log records about a request: its outcome and the event. Plain values, below the
//! code that stores them (`model`) and the access rules that record denials.

use actix_web::ResponseError;
use serde_json::{json, Value};

use crate::error::ApiError;

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

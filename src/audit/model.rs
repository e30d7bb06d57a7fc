//! Audit event storage and queries.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::event::{Event, Outcome};
use crate::auth::caller::Actor;
use crate::clock;
use crate::db::schema::audit_events;
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Cursor;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
pub struct AuditRow {
    pub id: Id,
    pub occurred_at: NaiveDateTime,
    pub subject: String,
    pub client_id: Option<Id>,
    pub roles: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub request_id: Option<String>,
    pub source_address: Option<String>,
    pub detail: Option<String>,
}

pub fn insert(conn: &mut DbConnection, actor: &Actor, event: &Event) -> ApiResult<()> {
    let roles: Vec<&str> = actor.caller.roles().iter().map(AsRef::as_ref).collect();
    let row = AuditRow {
        id: Uuid::now_v7().into(),
        occurred_at: clock::now(),
        subject: actor.caller.subject.clone(),
        client_id: actor.caller.client_id.map(Id::from),
        roles: serde_json::to_string(&roles).unwrap_or_else(|_| "[]".to_owned()),
        action: event.action.to_owned(),
        resource_type: event.resource_type.to_owned(),
        resource_id: event.resource_id.clone(),
        outcome: event.outcome,
        request_id: actor.request_id.clone(),
        source_address: actor.source_address.clone(),
        detail: event.detail.as_ref().map(ToString::to_string),
    };
    diesel::insert_into(audit_events::table).values(&row).execute(conn)?;
    Ok(())
}

/// One audit event.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
    "occurred_at": "2026-11-26T10:15:00.123456Z",
    "subject": "client:0193a5f2-0000-7000-8000-000000000001",
    "client_id": "0193a5f2-0000-7000-8000-000000000001",
    "roles": ["ous"],
    "action": "update_service",
    "resource_type": "service",
    "resource_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a42",
    "outcome": "success",
    "request_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a43",
    "source_address": "10.0.0.7",
    "detail": null
}))]
pub struct AuditEvent {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The token's subject (`anonymous` without a token).
    pub subject: String,
    pub client_id: Option<Uuid>,
    pub roles: Vec<String>,
    /// The operation id.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub request_id: Option<String>,
    pub source_address: Option<String>,
    /// For failures, the status and problem code; for reads of personal data, the ids read.
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

impl AuditRow {
    pub fn to_dto(&self) -> ApiResult<AuditEvent> {
        Ok(AuditEvent {
            id: self.id.into(),
            occurred_at: clock::utc(self.occurred_at),
            subject: self.subject.clone(),
            client_id: self.client_id.map(Uuid::from),
            roles: serde_json::from_str(&self.roles).unwrap_or_default(),
            action: self.action.clone(),
            resource_type: self.resource_type.clone(),
            resource_id: self.resource_id.clone(),
            outcome: self.outcome,
            request_id: self.request_id.clone(),
            source_address: self.source_address.clone(),
            detail: self.detail.as_deref().and_then(|detail| serde_json::from_str(detail).ok()),
        })
    }
}

/// Filters of the audit log; newest events first.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// The token subject (`anonymous` for requests without a token).
    pub subject: Option<String>,
    pub client_id: Option<Uuid>,
    /// Resource type, e.g. `service`.
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    /// Operation id, e.g. `update_service`.
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    /// Events at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
    /// Events before this time.
    #[param(example = "2026-12-01T00:00:00Z")]
    pub occurred_before: Option<DateTime<Utc>>,
}

/// Events only sort newest first, so a cursor's key is the last id seen.
pub const SORT: &str = "-id";

pub fn list(
    conn: &mut DbConnection,
    filter: &AuditQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<AuditRow>> {
    let mut query = audit_events::table.select(AuditRow::as_select()).into_boxed();
    if let Some(subject) = &filter.subject {
        query = query.filter(audit_events::subject.eq(subject.clone()));
    }
    if let Some(client) = filter.client_id {
        query = query.filter(audit_events::client_id.eq(Id::from(client)));
    }
    if let Some(resource_type) = &filter.resource_type {
        query = query.filter(audit_events::resource_type.eq(resource_type.clone()));
    }
    if let Some(resource_id) = &filter.resource_id {
        query = query.filter(audit_events::resource_id.eq(resource_id.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(audit_events::outcome.eq(outcome));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(audit_events::occurred_at.ge(since.naive_utc()));
    }
    if let Some(before) = filter.occurred_before {
        query = query.filter(audit_events::occurred_at.lt(before.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(audit_events::id.lt(cursor.id.clone()));
    }
    Ok(query.order(audit_events::id.desc()).limit(i64::from(limit) + 1).load(conn)?)
}

/// Every event about one record, oldest first (for a GDPR export).
pub fn about(conn: &mut DbConnection, resource_type: &str, resource_id: &str) -> ApiResult<Vec<AuditEvent>> {
    let rows: Vec<AuditRow> = audit_events::table
        .filter(audit_events::resource_type.eq(resource_type))
        .filter(audit_events::resource_id.eq(resource_id))
        .order(audit_events::id.asc())
        .select(AuditRow::as_select())
        .load(conn)?;
    rows.iter().map(AuditRow::to_dto).collect()
}

/// Appends one event; call it inside the transaction of the work it records.
pub fn record(conn: &mut DbConnection, actor: &Actor, event: &Event) -> ApiResult<()> {
    insert(conn, actor, event)
}

/// Records a read: reads run outside a transaction, so the event gets a write transaction of its
/// own.
pub fn record_read(conn: &mut DbConnection, actor: &Actor, event: &Event) -> ApiResult<()> {
    conn.write_transaction(|conn| record(conn, actor, event))
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

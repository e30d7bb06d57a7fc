//! The time bank's API vocabulary: members with their balances, transfers of hours between them,
//! and what staff send to book them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::parse_date;
use crate::domain::text::clean;
use crate::error::ApiResult;
use crate::validation::FieldErrors;

crate::text_enum! {
/// `active`: gives and receives help; `left`: takes part in no new transfer (its balance and
/// ledger stay), until it `rejoin`s. Changed only by the `leave` and `rejoin` actions.
pub enum MemberStatus {
    Active,
    Left,
}
}

/// A state change of a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MemberAction {
    Leave,
    Rejoin,
}

impl Lifecycle for MemberStatus {
    type Action = MemberAction;

    fn allowed_actions(self) -> &'static [MemberAction] {
        match self {
            MemberStatus::Active => &[MemberAction::Leave],
            MemberStatus::Left => &[MemberAction::Rejoin],
        }
    }

    fn after(self, action: MemberAction) -> MemberStatus {
        match action {
            MemberAction::Leave => MemberStatus::Left,
            MemberAction::Rejoin => MemberStatus::Active,
        }
    }
}

/// The longest exchange one transfer books: a day.
pub const MAX_TRANSFER_MINUTES: i32 = 24 * 60;

/// A member of the time bank (bank czasu), with its balance computed from the ledger.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000071", "resident_id": "0193a5f2-0000-7000-8000-000000000041",
    "municipality_id": "0193a5f2-0000-7000-8000-000000000021", "joined_on": "2026-09-01",
    "status": "active", "left_on": null,
    "given_minutes": 240, "received_minutes": 90, "balance_minutes": 150,
    "created_at": "2026-09-01T09:00:00Z", "updated_at": "2026-09-01T09:00:00Z", "version": 1
}))]
pub struct Member {
    pub id: Uuid,
    /// The resident, as registered in `/api/v1/residents` (no personal data here).
    pub resident_id: Uuid,
    /// The gmina whose time bank the member belongs to.
    pub municipality_id: Uuid,
    pub joined_on: NaiveDate,
    pub status: MemberStatus,
    /// Set while the member has left.
    pub left_on: Option<NaiveDate>,
    /// Minutes of help given to other members, reversals subtracted.
    pub given_minutes: i64,
    /// Minutes of help received from other members, reversals subtracted.
    pub received_minutes: i64,
    /// `given_minutes - received_minutes`: never below minus the bank's credit limit after a
    /// transfer (`CUS_TIME_BANK_CREDIT_LIMIT_HOURS`); reversals may go below it.
    pub balance_minutes: i64,
    pub created_at: DateTime<Utc>,
    /// Changes with the membership (leave, rejoin), not with transfers.
    pub updated_at: DateTime<Utc>,
    /// +1 on every change of the membership; the ETag.
    pub version: i64,
}

/// A new membership.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "resident_id": "0193a5f2-0000-7000-8000-000000000041",
    "municipality_id": "0193a5f2-0000-7000-8000-000000000021", "joined_on": "2026-09-01"
}))]
pub struct MemberInput {
    /// A registered resident (422 `unknown_resident`), a member at most once (409 `already-member`).
    #[schema(required = true)]
    pub resident_id: Option<Uuid>,
    /// An active municipality of this CUS (422 `unknown_municipality`, `inactive_municipality`).
    #[schema(required = true)]
    pub municipality_id: Option<Uuid>,
    /// Not after today (422 `in_future`); today (Polish calendar) when absent.
    #[schema(value_type = Option<String>, format = Date, example = "2026-09-01")]
    pub joined_on: Option<String>,
}

/// A validated new membership.
#[derive(Debug, Clone)]
pub struct MemberDraft {
    pub resident_id: Uuid,
    pub municipality_id: Uuid,
    pub joined_on: NaiveDate,
}

/// A day given in a body: a valid date, not after `today` (422 `invalid_date`, `in_future`).
fn past_date(errors: &mut FieldErrors, field: &str, value: Option<&str>, today: NaiveDate) -> Option<NaiveDate> {
    let on = errors.parse_with(field, "invalid_date", value, parse_date);
    if on.is_some_and(|on| on > today) {
        errors.add(field, "in_future", format!("{field} cannot be a day still to come"));
        return None;
    }
    on
}

impl MemberInput {
    pub fn validate_draft(self, today: NaiveDate) -> ApiResult<MemberDraft> {
        let mut errors = FieldErrors::new();
        let resident_id = errors.required("resident_id", self.resident_id);
        let municipality_id = errors.required("municipality_id", self.municipality_id);
        let joined_on = past_date(&mut errors, "joined_on", self.joined_on.as_deref(), today);
        errors.finish(|| {
            Some(MemberDraft {
                resident_id: resident_id?,
                municipality_id: municipality_id?,
                joined_on: joined_on.unwrap_or(today),
            })
        })
    }
}

/// Hours of help one member gave another, as booked in the ledger.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000081",
    "giver_id": "0193a5f2-0000-7000-8000-000000000071", "receiver_id": "0193a5f2-0000-7000-8000-000000000072",
    "minutes": 90, "occurred_on": "2026-11-20", "description": "Zakupy i spacer",
    "reverses_id": null, "reversed_by_id": null,
    "recorded_at": "2026-11-20T15:00:00Z"
}))]
pub struct Transfer {
    /// UUIDv7: the ledger's order.
    pub id: Uuid,
    /// Gave the help: credited.
    pub giver_id: Uuid,
    /// Received the help: debited.
    pub receiver_id: Uuid,
    pub minutes: i32,
    pub occurred_on: NaiveDate,
    pub description: String,
    /// Set on a reversal: the transfer it cancels (its giver and receiver swapped).
    pub reverses_id: Option<Uuid>,
    /// Set on a transfer that was reversed: the reversal.
    pub reversed_by_id: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// A new transfer.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "giver_id": "0193a5f2-0000-7000-8000-000000000071", "receiver_id": "0193a5f2-0000-7000-8000-000000000072",
    "minutes": 90, "occurred_on": "2026-11-20", "description": "Zakupy i spacer"
}))]
pub struct TransferInput {
    /// An active member (422 `unknown_member`; 409 `member-not-active`).
    #[schema(required = true)]
    pub giver_id: Option<Uuid>,
    /// An active member other than the giver (422 `same_member`), whose balance the transfer
    /// may not take below minus the credit limit (409 `credit-limit-exceeded`).
    #[schema(required = true)]
    pub receiver_id: Option<Uuid>,
    /// 1 to 1440 (a day; 422 `range`).
    #[schema(required = true, minimum = 1, maximum = 1440, example = 90)]
    pub minutes: Option<i64>,
    /// Not after today (422 `in_future`), nor before either member joined (422 `before_joining`).
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-11-20")]
    pub occurred_on: Option<String>,
    /// What the help was; no personal data of third persons.
    #[schema(required = true, max_length = 500, example = "Zakupy i spacer")]
    pub description: Option<String>,
}

/// A validated new transfer.
#[derive(Debug, Clone)]
pub struct TransferDraft {
    pub giver_id: Uuid,
    pub receiver_id: Uuid,
    pub minutes: i32,
    pub occurred_on: NaiveDate,
    pub description: String,
}

const MAX_DESCRIPTION_CHARS: usize = 500;

/// A required text of at most `MAX_DESCRIPTION_CHARS`.
fn description(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<String> {
    let text = errors.required(field, clean(value))?;
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.add(field, "length", format!("{field} must be at most {MAX_DESCRIPTION_CHARS} characters"));
        return None;
    }
    Some(text)
}

impl TransferInput {
    pub fn validate_draft(self, today: NaiveDate) -> ApiResult<TransferDraft> {
        let mut errors = FieldErrors::new();
        let giver_id = errors.required("giver_id", self.giver_id);
        let receiver_id = errors.required("receiver_id", self.receiver_id);
        if giver_id.is_some() && giver_id == receiver_id {
            errors.add("receiver_id", "same_member", "a member cannot give help to itself");
        }
        let minutes = errors.required("minutes", self.minutes).and_then(|minutes| {
            let minutes = i32::try_from(minutes).ok().filter(|m| (1..=MAX_TRANSFER_MINUTES).contains(m));
            if minutes.is_none() {
                errors.add("minutes", "range", format!("minutes must be between 1 and {MAX_TRANSFER_MINUTES}"));
            }
            minutes
        });
        let occurred_on = errors.required("occurred_on", self.occurred_on.as_deref());
        let occurred_on = occurred_on.and_then(|on| past_date(&mut errors, "occurred_on", Some(on), today));
        let description = description(&mut errors, "description", self.description.as_deref());
        errors.finish(|| {
            Some(TransferDraft {
                giver_id: giver_id?,
                receiver_id: receiver_id?,
                minutes: minutes?,
                occurred_on: occurred_on?,
                description: description?,
            })
        })
    }
}

/// The body of a reversal: why the transfer is cancelled.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Pomyłka: usługę wykonała inna osoba"}))]
pub struct ReversalInput {
    /// Becomes the reversal's description.
    #[schema(required = true, max_length = 500, example = "Pomyłka: usługę wykonała inna osoba")]
    pub reason: Option<String>,
}

impl ReversalInput {
    pub fn validate_reason(self) -> ApiResult<String> {
        let mut errors = FieldErrors::new();
        let reason = description(&mut errors, "reason", self.reason.as_deref());
        errors.finish(|| reason)
    }
}

/// Filters and paging of the members, in joining order (of the records).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub status: Option<MemberStatus>,
    pub municipality_id: Option<Uuid>,
    /// The membership of this resident, if any.
    pub resident_id: Option<Uuid>,
    /// Only memberships changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// Filters and paging of the ledger, in booking order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TransferQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// The member's statement: transfers it gave or received.
    pub member_id: Option<Uuid>,
    /// Only transfers booked at or after this time (incremental sync; transfers never change).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

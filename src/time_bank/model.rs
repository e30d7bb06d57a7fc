//! Time bank storage: memberships, the transfers of the ledger and their postings (double entry,
//! see the migration), and the credit limit checked one transfer at a time per member.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sum;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    Member, MemberAction, MemberDraft, MemberQuery, MemberStatus, Transfer, TransferDraft, TransferQuery,
};
use crate::clock;
use crate::db::schema::{municipalities, residents, time_bank_members, time_bank_postings, time_bank_transfers};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::pagination::Cursor;
use crate::municipalities::dto::MunicipalityStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = time_bank_members, treat_none_as_null = true)]
pub struct MemberRow {
    pub id: Id,
    pub resident_id: Id,
    pub municipality_id: Id,
    pub joined_on: NaiveDate,
    pub status: MemberStatus,
    pub left_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = time_bank_transfers)]
pub struct TransferRow {
    pub id: Id,
    pub giver_id: Id,
    pub receiver_id: Id,
    pub minutes: i32,
    pub occurred_on: NaiveDate,
    pub description: String,
    pub reverses_id: Option<Id>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = time_bank_postings)]
struct PostingRow {
    member_id: Id,
    transfer_id: Id,
    minutes: i32,
}

/// A member's minutes given and received, from its postings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub given: i64,
    pub received: i64,
}

impl Totals {
    pub fn balance(self) -> i64 {
        self.given - self.received
    }
}

/// A membership with the totals of its postings.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub row: MemberRow,
    pub totals: Totals,
}

/// A transfer with the reversal that cancelled it, if any.
#[derive(Debug, Clone)]
pub struct TransferRecord {
    pub row: TransferRow,
    pub reversed_by: Option<Id>,
}

pub const MEMBER_NOT_FOUND: ApiError = ApiError::NotFound { resource: "time bank member" };
pub const TRANSFER_NOT_FOUND: ApiError = ApiError::NotFound { resource: "time bank transfer" };

impl MemberRecord {
    pub fn etag(&self) -> String {
        etag(self.row.version)
    }

    pub fn to_dto(&self) -> Member {
        let row = &self.row;
        Member {
            id: row.id.into(),
            resident_id: row.resident_id.into(),
            municipality_id: row.municipality_id.into(),
            joined_on: row.joined_on,
            status: row.status,
            left_on: row.left_on,
            given_minutes: self.totals.given,
            received_minutes: self.totals.received,
            balance_minutes: self.totals.balance(),
            created_at: clock::utc(row.created_at),
            updated_at: clock::utc(row.updated_at),
            version: row.version,
        }
    }
}

impl TransferRecord {
    pub fn to_dto(&self) -> Transfer {
        let row = &self.row;
        Transfer {
            id: row.id.into(),
            giver_id: row.giver_id.into(),
            receiver_id: row.receiver_id.into(),
            minutes: row.minutes,
            occurred_on: row.occurred_on,
            description: row.description.clone(),
            reverses_id: row.reverses_id.map(Into::into),
            reversed_by_id: self.reversed_by.map(Into::into),
            recorded_at: clock::utc(row.recorded_at),
        }
    }
}

/// The totals of these members, in two grouped sums over their postings (credits, debits); the
/// postings are INTEGER so that both backends sum them to a BIGINT.
fn totals(conn: &mut DbConnection, ids: &[Id]) -> ApiResult<HashMap<Id, Totals>> {
    let members = || time_bank_postings::table.filter(time_bank_postings::member_id.eq_any(ids));
    let by_member = (time_bank_postings::member_id, sum(time_bank_postings::minutes));
    let credits: Vec<(Id, Option<i64>)> = (members().filter(time_bank_postings::minutes.gt(0)))
        .group_by(time_bank_postings::member_id)
        .select(by_member)
        .load(conn)?;
    let debits: Vec<(Id, Option<i64>)> = (members().filter(time_bank_postings::minutes.lt(0)))
        .group_by(time_bank_postings::member_id)
        .select(by_member)
        .load(conn)?;
    let mut by_member: HashMap<Id, Totals> = HashMap::new();
    for (member, given) in credits {
        by_member.entry(member).or_default().given = given.unwrap_or(0);
    }
    for (member, received) in debits {
        by_member.entry(member).or_default().received = -received.unwrap_or(0);
    }
    Ok(by_member)
}

fn with_totals(conn: &mut DbConnection, rows: Vec<MemberRow>) -> ApiResult<Vec<MemberRecord>> {
    let ids: Vec<Id> = rows.iter().map(|row| row.id).collect();
    let totals = totals(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| MemberRecord { totals: totals.get(&row.id).copied().unwrap_or_default(), row })
        .collect())
}

fn member_row(conn: &mut DbConnection, id: Id) -> ApiResult<Option<MemberRow>> {
    Ok(time_bank_members::table.find(id).select(MemberRow::as_select()).first(conn).optional()?)
}

pub fn find_member(conn: &mut DbConnection, id: Uuid) -> ApiResult<MemberRecord> {
    let row = member_row(conn, id.into())?.ok_or(MEMBER_NOT_FOUND)?;
    with_totals(conn, vec![row])?.pop().ok_or(MEMBER_NOT_FOUND)
}

/// 422 at `resident_id` / `municipality_id` for an unregistered resident or a municipality this
/// CUS does not (or no longer) serve; 409 `already-member` naming the existing membership.
fn check_new_member(conn: &mut DbConnection, draft: &MemberDraft) -> ApiResult<()> {
    let mut errors = Vec::new();
    let resident: Option<Id> =
        residents::table.find(Id::from(draft.resident_id)).select(residents::id).first(conn).optional()?;
    if resident.is_none() {
        errors.push(FieldError::new("resident_id", "unknown_resident", "no resident is registered with this id"));
    }
    let municipality: Option<MunicipalityStatus> = municipalities::table
        .find(Id::from(draft.municipality_id))
        .select(municipalities::status)
        .first(conn)
        .optional()?;
    match municipality {
        None => errors.push(FieldError::new(
            "municipality_id",
            "unknown_municipality",
            "no municipality served by this CUS has this id",
        )),
        Some(MunicipalityStatus::Inactive) => errors.push(FieldError::new(
            "municipality_id",
            "inactive_municipality",
            "this municipality is no longer served by this CUS",
        )),
        Some(MunicipalityStatus::Active) => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let existing: Option<Id> = time_bank_members::table
        .filter(time_bank_members::resident_id.eq(Id::from(draft.resident_id)))
        .select(time_bank_members::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(member) => Err(ApiError::conflict(
            "already-member",
            "this resident is already a member of the time bank; a member who left rejoins",
        )
        .with("member_id", member.to_string())),
        None => Ok(()),
    }
}

pub fn insert_member(conn: &mut DbConnection, id: Uuid, draft: MemberDraft) -> ApiResult<MemberRecord> {
    check_new_member(conn, &draft)?;
    let now = clock::now();
    let row = MemberRow {
        id: id.into(),
        resident_id: draft.resident_id.into(),
        municipality_id: draft.municipality_id.into(),
        joined_on: draft.joined_on,
        status: MemberStatus::Active,
        left_on: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    diesel::insert_into(time_bank_members::table).values(&row).execute(conn)?;
    Ok(MemberRecord { row, totals: Totals::default() })
}

/// Leaves (on `today`) or rejoins.
pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    action: MemberAction,
    today: NaiveDate,
) -> ApiResult<MemberRecord> {
    let MemberRecord { mut row, totals } = find_member(conn, id)?;
    row.status = row.status.transition(action)?;
    row.left_on = (action == MemberAction::Leave).then_some(today);
    let row = crate::save_versioned!(conn, time_bank_members, row, MEMBER_NOT_FOUND)?;
    Ok(MemberRecord { row, totals })
}

/// The list's only order: creation (the ids are UUIDv7).
pub const SORT: &str = "id";

pub fn list_members(
    conn: &mut DbConnection,
    filter: &MemberQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<MemberRecord>> {
    let mut query = time_bank_members::table.select(MemberRow::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(time_bank_members::status.eq(status));
    }
    if let Some(municipality) = filter.municipality_id {
        query = query.filter(time_bank_members::municipality_id.eq(Id::from(municipality)));
    }
    if let Some(resident) = filter.resident_id {
        query = query.filter(time_bank_members::resident_id.eq(Id::from(resident)));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(time_bank_members::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(time_bank_members::id.gt(cursor.id.clone()));
    }
    let rows = query.order(time_bank_members::id.asc()).limit(i64::from(limit) + 1).load(conn)?;
    with_totals(conn, rows)
}

/// The reversals of these transfers, by the transfer they reverse.
fn reversals(conn: &mut DbConnection, ids: &[Id]) -> ApiResult<HashMap<Id, Id>> {
    let pairs: Vec<(Option<Id>, Id)> = time_bank_transfers::table
        .filter(time_bank_transfers::reverses_id.eq_any(ids))
        .select((time_bank_transfers::reverses_id, time_bank_transfers::id))
        .load(conn)?;
    Ok(pairs.into_iter().filter_map(|(reversed, by)| Some((reversed?, by))).collect())
}

fn with_reversals(conn: &mut DbConnection, rows: Vec<TransferRow>) -> ApiResult<Vec<TransferRecord>> {
    let ids: Vec<Id> = rows.iter().map(|row| row.id).collect();
    let reversals = reversals(conn, &ids)?;
    Ok(rows.into_iter().map(|row| TransferRecord { reversed_by: reversals.get(&row.id).copied(), row }).collect())
}

pub fn find_transfer(conn: &mut DbConnection, id: Uuid) -> ApiResult<TransferRecord> {
    let row = time_bank_transfers::table
        .find(Id::from(id))
        .select(TransferRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(TRANSFER_NOT_FOUND)?;
    with_reversals(conn, vec![row])?.pop().ok_or(TRANSFER_NOT_FOUND)
}

pub fn list_transfers(
    conn: &mut DbConnection,
    filter: &TransferQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<TransferRecord>> {
    let mut query = time_bank_transfers::table.select(TransferRow::as_select()).into_boxed();
    if let Some(member) = filter.member_id {
        // The member's postings walk their primary key (member_id, transfer_id) in the list's order.
        let postings = time_bank_postings::table
            .filter(time_bank_postings::member_id.eq(Id::from(member)))
            .select(time_bank_postings::transfer_id);
        query = query.filter(time_bank_transfers::id.eq_any(postings));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(time_bank_transfers::recorded_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(time_bank_transfers::id.gt(cursor.id.clone()));
    }
    let rows = query.order(time_bank_transfers::id.asc()).limit(i64::from(limit) + 1).load(conn)?;
    with_reversals(conn, rows)
}

/// The members of a transfer, locked until the transaction ends, in id order so that two
/// transfers between the same members cannot deadlock: balances are then checked one transfer at
/// a time. PostgreSQL locks the rows with `FOR UPDATE`, outside diesel's common subset; SQLite's
/// write transactions already run one at a time.
fn members_locked(conn: &mut DbConnection, mut ids: Vec<Id>) -> ApiResult<Vec<MemberRow>> {
    ids.sort();
    let query = time_bank_members::table.filter(time_bank_members::id.eq_any(ids)).order(time_bank_members::id);
    Ok(match conn {
        DbConnection::Pg(c) => query.select(MemberRow::as_select()).for_update().load(c)?,
        DbConnection::Sqlite(c) => query.select(MemberRow::as_select()).load(c)?,
    })
}

/// The credit limit the receiver's balance may not go below, as minutes (positive).
#[derive(Debug, Clone, Copy)]
pub struct CreditLimit(pub i64);

/// Books a transfer: both members active (409 `member-not-active`) and joined by `occurred_on`
/// (422 `before_joining`), and the receiver's balance after it not below minus the credit limit
/// (409 `credit-limit-exceeded`, naming the limit and what the receiver may still receive).
pub fn insert_transfer(
    conn: &mut DbConnection,
    id: Uuid,
    draft: TransferDraft,
    limit: CreditLimit,
    recorded_by: &str,
) -> ApiResult<TransferRecord> {
    let (giver, receiver) = (Id::from(draft.giver_id), Id::from(draft.receiver_id));
    let members = members_locked(conn, vec![giver, receiver])?;
    let mut errors = Vec::new();
    for (field, member) in [("giver_id", giver), ("receiver_id", receiver)] {
        match members.iter().find(|row| row.id == member) {
            None => errors.push(FieldError::new(field, "unknown_member", "no member of the time bank has this id")),
            Some(row) if row.joined_on > draft.occurred_on => errors.push(FieldError::new(
                "occurred_on",
                "before_joining",
                "occurred_on is before a member joined the time bank",
            )),
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if let Some(inactive) = members.iter().find(|row| row.status != MemberStatus::Active) {
        let role = if inactive.id == giver { "giver" } else { "receiver" };
        return Err(ApiError::conflict("member-not-active", format!("the {role} has left the time bank"))
            .with("member_id", inactive.id.to_string()));
    }
    let balance = totals(conn, &[receiver])?.get(&receiver).copied().unwrap_or_default().balance();
    let available = balance + limit.0;
    if i64::from(draft.minutes) > available {
        return Err(ApiError::conflict(
            "credit-limit-exceeded",
            "this transfer would take the receiver's balance below the time bank's credit limit",
        )
        .with("credit_limit_minutes", limit.0)
        .with("available_minutes", available.max(0)));
    }
    let row = TransferRow {
        id: id.into(),
        giver_id: giver,
        receiver_id: receiver,
        minutes: draft.minutes,
        occurred_on: draft.occurred_on,
        description: draft.description,
        reverses_id: None,
        recorded_by: recorded_by.to_owned(),
        recorded_at: clock::now(),
    };
    book(conn, row)
}

/// Writes a transfer and its two postings.
fn book(conn: &mut DbConnection, row: TransferRow) -> ApiResult<TransferRecord> {
    diesel::insert_into(time_bank_transfers::table).values(&row).execute(conn)?;
    let minutes = row.minutes;
    for posting in [
        PostingRow { member_id: row.giver_id, transfer_id: row.id, minutes },
        PostingRow { member_id: row.receiver_id, transfer_id: row.id, minutes: -minutes },
    ] {
        diesel::insert_into(time_bank_postings::table).values(&posting).execute(conn)?;
    }
    Ok(TransferRecord { row, reversed_by: None })
}

/// Cancels a transfer by booking its mirror image (giver and receiver swapped) today. A
/// correction is always possible: neither the credit limit nor a member's leaving stops it. 409
/// `already-reversed` (naming the reversal) or `reversal-not-reversible` for a reversal itself.
pub fn reverse(
    conn: &mut DbConnection,
    id: Uuid,
    reversal_id: Uuid,
    reason: String,
    today: NaiveDate,
    recorded_by: &str,
) -> ApiResult<TransferRecord> {
    let original = find_transfer(conn, id)?;
    members_locked(conn, vec![original.row.giver_id, original.row.receiver_id])?;
    if let Some(reversal) = original.reversed_by {
        return Err(ApiError::conflict("already-reversed", "this transfer was already reversed")
            .with("reversed_by_id", reversal.to_string()));
    }
    if original.row.reverses_id.is_some() {
        return Err(ApiError::conflict(
            "reversal-not-reversible",
            "a reversal is not reversed; book the original exchange again as a new transfer",
        ));
    }
    let row = TransferRow {
        id: reversal_id.into(),
        giver_id: original.row.receiver_id,
        receiver_id: original.row.giver_id,
        minutes: original.row.minutes,
        occurred_on: today,
        description: reason,
        reverses_id: Some(original.row.id),
        recorded_by: recorded_by.to_owned(),
        recorded_at: clock::now(),
    };
    book(conn, row)
}

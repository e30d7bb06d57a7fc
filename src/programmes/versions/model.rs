//! Amendments (a new version of an adopted programme) and reading the versions.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{AmendmentDraft, ProgrammeVersion};
use crate::clock;
use crate::db::schema::{programme_versions, programmes};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;
use crate::programmes::dto::ProgrammeAction;
use crate::programmes::model::{
    self, ensure_no_overlap, insert_services, services_of, services_of_versions, unknown_services, ProgrammeRecord,
    ProgrammeRow, ServiceRow, VersionRow, NOT_FOUND,
};

/// A version with its services, in the order they were given.
#[derive(Debug, Clone)]
pub struct VersionRecord {
    pub row: VersionRow,
    pub services: Vec<ServiceRow>,
}

impl VersionRecord {
    pub fn to_dto(&self) -> ApiResult<ProgrammeVersion> {
        let row = &self.row;
        Ok(ProgrammeVersion {
            programme_id: row.programme_id.into(),
            number: row.number,
            effective_from: row.effective_from,
            superseded_on: row.superseded_on,
            resolution: row.resolution(),
            changes: row.changes.clone(),
            title: row.title.clone(),
            period: row.period()?.into(),
            services: self.services.iter().map(ServiceRow::to_dto).collect::<ApiResult<_>>()?,
            created_at: clock::utc(row.created_at),
        })
    }
}

/// The next version an amendment makes of the current one (`previous`, whose services are
/// `previous_services`): the programme row takes its title and period and counts it as current,
/// and `previous` is superseded from its `effective_from`, which must come after the previous
/// one's (422 `not_after_previous_version`) and within the period (422 `outside_period`). The
/// seed amends its programme here too.
pub fn amended(
    row: &mut ProgrammeRow,
    previous: &mut VersionRow,
    previous_services: &[ServiceRow],
    amendment: AmendmentDraft,
    now: NaiveDateTime,
) -> ApiResult<VersionRecord> {
    let period = amendment.period.unwrap_or(previous.period()?);
    let effective_from = amendment.effective_from;
    let mut errors = Vec::new();
    if previous.effective_from.is_some_and(|from| effective_from <= from) {
        errors.push(FieldError::new(
            "effective_from",
            "not_after_previous_version",
            "an amendment takes effect after the version it changes",
        ));
    }
    if effective_from < period.start() || effective_from > period.end() {
        errors.push(FieldError::new("effective_from", "outside_period", "an amendment takes effect within the period"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let number = previous.number + 1;
    let services = match &amendment.services {
        Some(services) => services_of(row.id, number, services),
        None => previous_services.iter().cloned().map(|service| ServiceRow { version: number, ..service }).collect(),
    };
    let version = VersionRow {
        programme_id: row.id,
        number,
        effective_from: Some(effective_from),
        superseded_on: None,
        resolution_number: Some(amendment.resolution.number),
        resolution_adopted_on: Some(amendment.resolution.adopted_on),
        changes: Some(amendment.changes),
        title: amendment.title.unwrap_or_else(|| previous.title.clone()),
        period_start: period.start(),
        period_end: period.end(),
        created_at: now,
    };
    previous.superseded_on = Some(effective_from);
    row.title = version.title.clone();
    row.period_start = version.period_start;
    row.period_end = version.period_end;
    row.current_version = number;
    Ok(VersionRecord { row: version, services })
}

fn find_version(conn: &mut DbConnection, programme_id: Id, number: i32) -> ApiResult<VersionRow> {
    programme_versions::table
        .find((programme_id, number))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "programme version" })
}

/// Amends an adopted or in-force programme under `If-Match` (409 `invalid-state-transition`
/// otherwise: drafts change by `PATCH`): the new version's services are catalogue services (422
/// `unknown`) that no other programme of the municipality offers over the days it holds (409
/// `programme-overlap`).
pub fn amend(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    amendment: AmendmentDraft,
) -> ApiResult<(ProgrammeRecord, i32)> {
    let record = model::find(conn, id)?;
    if_match.require(record.etag())?;
    let ProgrammeRecord { mut row, services } = record;
    row.status.transition(ProgrammeAction::Amend)?;
    if let Some(offered) = &amendment.services {
        let unknown = unknown_services(conn, offered)?;
        if !unknown.is_empty() {
            return Err(ApiError::Validation(unknown));
        }
    }
    let mut previous = find_version(conn, row.id, row.current_version)?;
    let next = amended(&mut row, &mut previous, &services, amendment, clock::now())?;
    let holds = (next.row.effective_from.unwrap_or(next.row.period_start), next.row.period_end);
    ensure_no_overlap(conn, &row, &next.services, holds)?;
    let row = model::save(conn, row)?;
    diesel::update(programme_versions::table.find((previous.programme_id, previous.number)))
        .set(programme_versions::superseded_on.eq(previous.superseded_on))
        .execute(conn)?;
    diesel::insert_into(programme_versions::table).values(&next.row).execute(conn)?;
    insert_services(conn, &next.services)?;
    Ok((ProgrammeRecord { row, services: next.services }, next.row.number))
}

/// 404 unless the programme exists.
fn ensure_programme(conn: &mut DbConnection, id: Id) -> ApiResult<()> {
    let found: Option<Id> = programmes::table.find(id).select(programmes::id).first(conn).optional()?;
    found.map(|_| ()).ok_or(NOT_FOUND)
}

fn with_services(conn: &mut DbConnection, id: Id, rows: Vec<VersionRow>) -> ApiResult<Vec<VersionRecord>> {
    let mut services = services_of_versions(conn, id, rows.iter().map(|row| row.number).collect())?;
    Ok(rows
        .into_iter()
        .map(|row| VersionRecord { services: services.remove(&row.number).unwrap_or_default(), row })
        .collect())
}

/// The order of the versions' list: their number.
pub const SORT: &str = "number";

/// One page (plus one row) of a programme's versions, oldest first.
pub fn list(conn: &mut DbConnection, id: Uuid, cursor: Option<&Cursor>, limit: u32) -> ApiResult<Vec<VersionRecord>> {
    let id = Id::from(id);
    ensure_programme(conn, id)?;
    let mut query = programme_versions::table
        .filter(programme_versions::programme_id.eq(id))
        .select(VersionRow::as_select())
        .into_boxed();
    if let Some(cursor) = cursor {
        let after: i32 =
            cursor.id.parse().map_err(|_| ApiError::bad_request("invalid query parameter cursor", Vec::new()))?;
        query = query.filter(programme_versions::number.gt(after));
    }
    let rows = query.order(programme_versions::number.asc()).limit(i64::from(limit) + 1).load(conn)?;
    with_services(conn, id, rows)
}

pub fn find(conn: &mut DbConnection, id: Uuid, number: i32) -> ApiResult<VersionRecord> {
    let id = Id::from(id);
    ensure_programme(conn, id)?;
    let row = find_version(conn, id, number)?;
    with_services(conn, id, vec![row])?.pop().ok_or(NOT_FOUND)
}

/// The version of a programme in force on a day, with its services (409 `programme-not-in-force`).
pub fn in_force(conn: &mut DbConnection, id: Uuid, on: chrono::NaiveDate) -> ApiResult<VersionRecord> {
    let row = model::version_in_force(conn, id, on)?;
    let programme_id = row.programme_id;
    with_services(conn, programme_id, vec![row])?.pop().ok_or(NOT_FOUND)
}

//! Location storage: the record, its weekly hours (`location_hours`) and dated exceptions
//! (`location_exceptions`, `location_exception_hours`), the list with `open_at` worked out in
//! SQL, and the rule offers rely on: which locations an offer may be given at.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    Accessibility, AccessibilityFeature, Audience, Coordinates, HoursException, Interval, Location, LocationAction,
    LocationDraft, LocationFilter, LocationKind, LocationStatus, WallClock, Weekday, WeeklyHours,
};
use crate::clock;
use crate::db::schema::{location_exception_hours, location_exceptions, location_hours, locations, providers};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::Address;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;
use crate::providers::dto::Contact;

/// One row of `locations`, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = locations, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct LocationRow {
    pub id: Id,
    pub name: String,
    pub kind: LocationKind,
    pub provider_id: Option<Id>,
    pub street: Option<String>,
    pub building: String,
    pub postal_code: String,
    pub city: String,
    pub teryt: String,
    pub latitude_e7: Option<i64>,
    pub longitude_e7: Option<i64>,
    pub step_free: bool,
    pub accessible_toilet: bool,
    pub hearing_loop: bool,
    pub sign_language: bool,
    pub disabled_parking: bool,
    pub accessibility_note: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub status: LocationStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// One weekly interval.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = location_hours)]
pub struct HoursRow {
    pub location_id: Id,
    pub day: i32,
    pub opens: String,
    pub closes: String,
}

/// One dated exception; its intervals are `ExceptionHoursRow`s.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = location_exceptions)]
pub struct ExceptionRow {
    pub location_id: Id,
    pub on_date: NaiveDate,
    pub closed: bool,
    pub note: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = location_exception_hours)]
pub struct ExceptionHoursRow {
    pub location_id: Id,
    pub on_date: NaiveDate,
    pub opens: String,
    pub closes: String,
}

/// A location with its hours and exceptions.
#[derive(Debug, Clone)]
pub struct LocationRecord {
    pub row: LocationRow,
    pub hours: Vec<HoursRow>,
    pub exceptions: Vec<ExceptionRow>,
    pub exception_hours: Vec<ExceptionHoursRow>,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "location" };

/// Degrees as stored: integers of 10^-7 degree, so that a value reads back as it was written.
const E7: f64 = 10_000_000.0;

impl LocationRow {
    fn new(id: Uuid, draft: &LocationDraft, now: NaiveDateTime) -> Self {
        let mut row = LocationRow {
            id: id.into(),
            name: String::new(),
            kind: draft.kind,
            provider_id: None,
            street: None,
            building: String::new(),
            postal_code: String::new(),
            city: String::new(),
            teryt: String::new(),
            latitude_e7: None,
            longitude_e7: None,
            step_free: false,
            accessible_toilet: false,
            hearing_loop: false,
            sign_language: false,
            disabled_parking: false,
            accessibility_note: None,
            email: None,
            phone: None,
            website: None,
            status: LocationStatus::Active,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        row.set(draft);
        row
    }

    fn set(&mut self, draft: &LocationDraft) {
        let address = draft.address.clone();
        let accessibility = &draft.accessibility;
        self.name = draft.name.clone();
        self.kind = draft.kind;
        self.provider_id = draft.provider_id.map(Id::from);
        self.street = address.street;
        self.building = address.building.unwrap_or_default();
        self.postal_code = address.postal_code.unwrap_or_default();
        self.city = address.city.unwrap_or_default();
        self.teryt = address.teryt.unwrap_or_default();
        self.latitude_e7 = draft.coordinates.map(|c| (c.latitude * E7).round() as i64);
        self.longitude_e7 = draft.coordinates.map(|c| (c.longitude * E7).round() as i64);
        self.step_free = accessibility.step_free;
        self.accessible_toilet = accessibility.accessible_toilet;
        self.hearing_loop = accessibility.hearing_loop;
        self.sign_language = accessibility.sign_language;
        self.disabled_parking = accessibility.disabled_parking;
        self.accessibility_note = accessibility.note.clone();
        self.email = draft.contact.email.clone();
        self.phone = draft.contact.phone.clone();
        self.website = draft.contact.website.clone();
    }

    pub fn provider(&self) -> Option<Uuid> {
        self.provider_id.map(Uuid::from)
    }
}

/// The child rows of a draft.
fn children_of(id: Id, draft: &LocationDraft) -> (Vec<HoursRow>, Vec<ExceptionRow>, Vec<ExceptionHoursRow>) {
    let hours = draft
        .opening_hours
        .iter()
        .map(|h| HoursRow { location_id: id, day: h.day.iso(), opens: h.from.clone(), closes: h.to.clone() })
        .collect();
    let exceptions = draft
        .exceptions
        .iter()
        .map(|e| ExceptionRow { location_id: id, on_date: e.date, closed: e.closed, note: e.note.clone() })
        .collect();
    let exception_hours = draft
        .exceptions
        .iter()
        .flat_map(|e| {
            e.hours.iter().map(move |i| ExceptionHoursRow {
                location_id: id,
                on_date: e.date,
                opens: i.from.clone(),
                closes: i.to.clone(),
            })
        })
        .collect();
    (hours, exceptions, exception_hours)
}

impl LocationRecord {
    /// A new, active location (the seed builds its rows here too).
    pub fn new(id: Uuid, draft: &LocationDraft, now: NaiveDateTime) -> Self {
        let row = LocationRow::new(id, draft, now);
        let (hours, exceptions, exception_hours) = children_of(row.id, draft);
        LocationRecord { row, hours, exceptions, exception_hours }
    }

    pub fn etag(&self) -> String {
        etag(self.row.version)
    }

    pub fn to_dto(&self) -> ApiResult<Location> {
        let row = &self.row;
        let stored_day =
            |day: i32| Weekday::from_iso(day).ok_or_else(|| ApiError::internal("a stored weekday is out of range"));
        Ok(Location {
            id: row.id.into(),
            name: row.name.clone(),
            kind: row.kind,
            provider_id: row.provider(),
            address: Address {
                street: row.street.clone(),
                building: Some(row.building.clone()),
                postal_code: Some(row.postal_code.clone()),
                city: Some(row.city.clone()),
                teryt: Some(row.teryt.clone()),
            },
            coordinates: row.latitude_e7.zip(row.longitude_e7).map(|(latitude, longitude)| Coordinates {
                latitude: latitude as f64 / E7,
                longitude: longitude as f64 / E7,
            }),
            opening_hours: self
                .hours
                .iter()
                .map(|h| Ok(WeeklyHours { day: stored_day(h.day)?, from: h.opens.clone(), to: h.closes.clone() }))
                .collect::<ApiResult<_>>()?,
            exceptions: self
                .exceptions
                .iter()
                .map(|e| HoursException {
                    date: e.on_date,
                    closed: e.closed,
                    hours: self
                        .exception_hours
                        .iter()
                        .filter(|i| i.on_date == e.on_date)
                        .map(|i| Interval { from: i.opens.clone(), to: i.closes.clone() })
                        .collect(),
                    note: e.note.clone(),
                })
                .collect(),
            accessibility: Accessibility {
                step_free: row.step_free,
                accessible_toilet: row.accessible_toilet,
                hearing_loop: row.hearing_loop,
                sign_language: row.sign_language,
                disabled_parking: row.disabled_parking,
                note: row.accessibility_note.clone(),
            },
            contact: Contact { email: row.email.clone(), phone: row.phone.clone(), website: row.website.clone() },
            status: row.status,
            created_at: clock::utc(row.created_at),
            updated_at: clock::utc(row.updated_at),
            version: row.version,
        })
    }
}

/// Groups child rows by location.
fn by_location<T>(rows: Vec<T>, id: impl Fn(&T) -> Id) -> HashMap<Id, Vec<T>> {
    let mut grouped: HashMap<Id, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(id(&row)).or_default().push(row);
    }
    grouped
}

/// The rows with their hours and exceptions, three queries for any number of rows (the HSDS
/// view reads its pages through it too).
pub fn with_children(conn: &mut DbConnection, rows: Vec<LocationRow>) -> ApiResult<Vec<LocationRecord>> {
    let ids: Vec<Id> = rows.iter().map(|row| row.id).collect();
    let hours: Vec<HoursRow> = location_hours::table
        .filter(location_hours::location_id.eq_any(&ids))
        .order((location_hours::location_id, location_hours::day, location_hours::opens))
        .select(HoursRow::as_select())
        .load(conn)?;
    let exceptions: Vec<ExceptionRow> = location_exceptions::table
        .filter(location_exceptions::location_id.eq_any(&ids))
        .order((location_exceptions::location_id, location_exceptions::on_date))
        .select(ExceptionRow::as_select())
        .load(conn)?;
    let exception_hours: Vec<ExceptionHoursRow> = location_exception_hours::table
        .filter(location_exception_hours::location_id.eq_any(&ids))
        .order((
            location_exception_hours::location_id,
            location_exception_hours::on_date,
            location_exception_hours::opens,
        ))
        .select(ExceptionHoursRow::as_select())
        .load(conn)?;
    let (mut hours, mut exceptions, mut exception_hours) = (
        by_location(hours, |h| h.location_id),
        by_location(exceptions, |e| e.location_id),
        by_location(exception_hours, |e| e.location_id),
    );
    Ok(rows
        .into_iter()
        .map(|row| LocationRecord {
            hours: hours.remove(&row.id).unwrap_or_default(),
            exceptions: exceptions.remove(&row.id).unwrap_or_default(),
            exception_hours: exception_hours.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

fn find_row(conn: &mut DbConnection, id: Uuid) -> ApiResult<LocationRow> {
    locations::table.find(Id::from(id)).select(LocationRow::as_select()).first(conn).optional()?.ok_or(NOT_FOUND)
}

/// A location the audience may see (404 otherwise, as an unknown id).
pub fn find(conn: &mut DbConnection, audience: Audience, id: Uuid) -> ApiResult<LocationRecord> {
    let row = find_row(conn, id)?;
    if !audience.can_see(row.status, row.provider()) {
        return Err(NOT_FOUND);
    }
    with_children(conn, vec![row])?.pop().ok_or(NOT_FOUND)
}

/// The runner of a draft must be a registered provider (422 `unknown`).
fn ensure_provider(conn: &mut DbConnection, draft: &LocationDraft) -> ApiResult<()> {
    let Some(provider) = draft.provider_id else { return Ok(()) };
    let found: Option<Id> = providers::table.find(Id::from(provider)).select(providers::id).first(conn).optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(ApiError::Validation(vec![FieldError::new("provider_id", "unknown", "no provider has this id")])),
    }
}

/// Row by row: diesel's multi-backend connection has no batch insert.
fn insert_children(conn: &mut DbConnection, record: &LocationRecord) -> ApiResult<()> {
    for row in &record.hours {
        diesel::insert_into(location_hours::table).values(row).execute(conn)?;
    }
    for row in &record.exceptions {
        diesel::insert_into(location_exceptions::table).values(row).execute(conn)?;
    }
    for row in &record.exception_hours {
        diesel::insert_into(location_exception_hours::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// A new, active location; a provider caller only for its own provider (403).
pub fn insert(
    conn: &mut DbConnection,
    audience: Audience,
    id: Uuid,
    draft: LocationDraft,
) -> ApiResult<LocationRecord> {
    audience.ensure_may_write(draft.provider_id)?;
    ensure_provider(conn, &draft)?;
    let record = LocationRecord::new(id, &draft, clock::now());
    diesel::insert_into(locations::table).values(&record.row).execute(conn)?;
    insert_children(conn, &record)?;
    Ok(record)
}

fn save(conn: &mut DbConnection, row: LocationRow) -> ApiResult<LocationRow> {
    crate::save_versioned!(conn, locations, row, NOT_FOUND)
}

/// The location a write aims at: one the audience may see (404) and may change (403).
fn writable(conn: &mut DbConnection, audience: Audience, id: Uuid) -> ApiResult<LocationRecord> {
    let record = find(conn, audience, id)?;
    audience.ensure_may_write(record.row.provider())?;
    Ok(record)
}

/// Applies a change computed from the current record (a merge patch) under `If-Match`; a
/// provider caller may not hand its location to another runner (403).
pub fn update(
    conn: &mut DbConnection,
    audience: Audience,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Location) -> ApiResult<LocationDraft>,
) -> ApiResult<LocationRecord> {
    let record = writable(conn, audience, id)?;
    if_match.require(record.etag())?;
    let draft = change(&record.to_dto()?)?;
    audience.ensure_may_write(draft.provider_id)?;
    ensure_provider(conn, &draft)?;
    let mut row = record.row;
    row.set(&draft);
    let row = save(conn, row)?;
    diesel::delete(location_exception_hours::table.filter(location_exception_hours::location_id.eq(row.id)))
        .execute(conn)?;
    diesel::delete(location_exceptions::table.filter(location_exceptions::location_id.eq(row.id))).execute(conn)?;
    diesel::delete(location_hours::table.filter(location_hours::location_id.eq(row.id))).execute(conn)?;
    let (hours, exceptions, exception_hours) = children_of(row.id, &draft);
    let record = LocationRecord { row, hours, exceptions, exception_hours };
    insert_children(conn, &record)?;
    Ok(record)
}

pub fn transition(
    conn: &mut DbConnection,
    audience: Audience,
    id: Uuid,
    action: LocationAction,
) -> ApiResult<LocationRecord> {
    let mut record = writable(conn, audience, id)?;
    record.row.status = record.row.status.transition(action)?;
    let LocationRecord { row, hours, exceptions, exception_hours } = record;
    Ok(LocationRecord { row: save(conn, row)?, hours, exceptions, exception_hours })
}

/// The list's only order: creation (the ids are UUIDv7).
pub const SORT: &str = "id";

/// One page (plus one row, to tell whether another page follows) of the filtered list, of what
/// the audience may see. `open_at` is three uncorrelated subqueries, each walking an index from
/// the day (and time) it asks about: open in an exception's interval of that date, or, with no
/// exception that date, in a weekly interval of that weekday.
pub fn list(
    conn: &mut DbConnection,
    filter: &LocationFilter,
    audience: Audience,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<LocationRecord>> {
    let query_filter = &filter.query;
    let mut query = locations::table.select(LocationRow::as_select()).into_boxed();
    match audience {
        Audience::Staff => {}
        Audience::Public => query = query.filter(locations::status.eq(LocationStatus::Active)),
        Audience::Provider(own) => {
            query =
                query.filter(locations::status.eq(LocationStatus::Active).or(locations::provider_id.eq(Id::from(own))))
        }
    }
    if let Some(status) = query_filter.status {
        query = query.filter(locations::status.eq(status));
    }
    if let Some(provider) = query_filter.provider_id {
        query = query.filter(locations::provider_id.eq(Id::from(provider)));
    }
    if let Some(teryt) = &query_filter.teryt {
        query = query.filter(locations::teryt.eq(teryt.clone()));
    }
    if let Some(kind) = query_filter.kind {
        query = query.filter(locations::kind.eq(kind));
    }
    for feature in &filter.features {
        query = match feature {
            AccessibilityFeature::StepFree => query.filter(locations::step_free.eq(true)),
            AccessibilityFeature::AccessibleToilet => query.filter(locations::accessible_toilet.eq(true)),
            AccessibilityFeature::HearingLoop => query.filter(locations::hearing_loop.eq(true)),
            AccessibilityFeature::SignLanguage => query.filter(locations::sign_language.eq(true)),
            AccessibilityFeature::DisabledParking => query.filter(locations::disabled_parking.eq(true)),
        };
    }
    if let Some(WallClock { date, day, time }) = &filter.open_at {
        let in_exception = location_exception_hours::table
            .filter(location_exception_hours::on_date.eq(*date))
            .filter(location_exception_hours::opens.le(time.clone()))
            .filter(location_exception_hours::closes.gt(time.clone()))
            .select(location_exception_hours::location_id);
        let excepted = location_exceptions::table
            .filter(location_exceptions::on_date.eq(*date))
            .select(location_exceptions::location_id);
        let in_week = location_hours::table
            .filter(location_hours::day.eq(*day))
            .filter(location_hours::opens.le(time.clone()))
            .filter(location_hours::closes.gt(time.clone()))
            .select(location_hours::location_id);
        query = query.filter(
            locations::id.eq_any(in_exception).or(locations::id.ne_all(excepted).and(locations::id.eq_any(in_week))),
        );
    }
    if let Some(since) = query_filter.updated_since {
        query = query.filter(locations::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(locations::id.gt(cursor.id.clone()));
    }
    let rows = query.order(locations::id.asc()).limit(i64::from(limit) + 1).load(conn)?;
    with_children(conn, rows)
}

/// The locations an offer of `provider_id` is given at, under `field[index]`: each must exist
/// (422 `unknown`), be active (`archived`) and be run by that provider or by the CUS
/// (`other_provider`).
pub fn check_offer_locations(conn: &mut DbConnection, field: &str, provider_id: Uuid, ids: &[Uuid]) -> ApiResult<()> {
    let wanted: Vec<Id> = ids.iter().copied().map(Id::from).collect();
    let found: Vec<(Id, Option<Id>, LocationStatus)> = locations::table
        .filter(locations::id.eq_any(&wanted))
        .select((locations::id, locations::provider_id, locations::status))
        .load(conn)?;
    let mut errors = Vec::new();
    for (index, id) in wanted.iter().enumerate() {
        let field = format!("{field}[{index}]");
        match found.iter().find(|(found, _, _)| found == id) {
            None => errors.push(FieldError::new(field, "unknown", "no location has this id")),
            Some((_, Some(runner), _)) if *runner != Id::from(provider_id) => {
                errors.push(FieldError::new(field, "other_provider", "another provider runs this location"))
            }
            Some((_, _, LocationStatus::Archived)) => {
                errors.push(FieldError::new(field, "archived", "this location is archived"))
            }
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

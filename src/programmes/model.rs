//! Programme storage: the record, its versions (`programme_versions`) and each version's services
//! (`programme_services`), the rules of its lifecycle (what adoption and entry into force need, no
//! overlap of services), and which version is in force on a day.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    AccessCriteria, Capacity, CapacityKind, HowToApply, Programme, ProgrammeAction, ProgrammeConsultation,
    ProgrammeDraft, ProgrammeQuery, ProgrammeService, ProgrammeStatus, Publication, Resolution,
};
use crate::clock;
use crate::db::schema::{diagnoses, municipalities, programme_services, programme_versions, programmes, services};
use crate::db::{from_json_text, json_text, DbConnection, Id};
use crate::diagnoses::dto::DiagnosisStatus;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Money;
use crate::domain::period::DateRange;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;

/// One row of `programmes`, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = programmes, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ProgrammeRow {
    pub id: Id,
    pub municipality_id: Id,
    pub title: String,
    pub diagnosis_id: Id,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub resolution_number: Option<String>,
    pub resolution_adopted_on: Option<NaiveDate>,
    pub publication_year: Option<i32>,
    pub publication_position: Option<i32>,
    pub in_force_from: Option<NaiveDate>,
    pub consultation_from: Option<NaiveDate>,
    pub consultation_to: Option<NaiveDate>,
    pub consultation_summary: Option<String>,
    pub status: ProgrammeStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    /// The newest of its versions (`programme_versions.number`), whose content the row mirrors.
    pub current_version: i32,
}

/// One version of a programme: its content as one resolution made it, and from when.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = programme_versions)]
pub struct VersionRow {
    pub programme_id: Id,
    pub number: i32,
    pub effective_from: Option<NaiveDate>,
    /// The next version's `effective_from`; none for the newest.
    pub superseded_on: Option<NaiveDate>,
    pub resolution_number: Option<String>,
    pub resolution_adopted_on: Option<NaiveDate>,
    pub changes: Option<String>,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// One service a version of a programme offers; its lists are JSON arrays.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = programme_services)]
pub struct ServiceRow {
    pub programme_id: Id,
    pub version: i32,
    pub service_id: Id,
    pub position: i32,
    pub target_groups: String,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub disability_certificate_required: bool,
    pub income_threshold_per_person: Option<i64>,
    pub residence_required: bool,
    pub access_notes: Option<String>,
    pub apply_where: String,
    pub apply_documents: String,
    pub capacity_kind: CapacityKind,
    pub capacity_value: Option<i32>,
    pub quality_standard: String,
    /// The programme's own fee rule (JSON); none: the catalogue's.
    pub fee_rule: Option<String>,
}

/// A programme with the services of its current version, in the order they were given.
#[derive(Debug, Clone)]
pub struct ProgrammeRecord {
    pub row: ProgrammeRow,
    pub services: Vec<ServiceRow>,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "programme" };

impl ProgrammeRow {
    /// A new draft (the seed builds its rows here too).
    pub fn new(id: Uuid, draft: &ProgrammeDraft, now: NaiveDateTime) -> Self {
        let mut row = ProgrammeRow {
            id: id.into(),
            municipality_id: draft.municipality_id.into(),
            title: String::new(),
            diagnosis_id: draft.diagnosis_id.into(),
            period_start: draft.period.start(),
            period_end: draft.period.end(),
            resolution_number: None,
            resolution_adopted_on: None,
            publication_year: None,
            publication_position: None,
            in_force_from: None,
            consultation_from: None,
            consultation_to: None,
            consultation_summary: None,
            status: ProgrammeStatus::Draft,
            created_at: now,
            updated_at: now,
            version: 1,
            current_version: 1,
        };
        row.set(draft);
        row
    }

    fn set(&mut self, draft: &ProgrammeDraft) {
        self.municipality_id = draft.municipality_id.into();
        self.title = draft.title.clone();
        self.diagnosis_id = draft.diagnosis_id.into();
        self.period_start = draft.period.start();
        self.period_end = draft.period.end();
        self.resolution_number = draft.resolution.as_ref().map(|r| r.number.clone());
        self.resolution_adopted_on = draft.resolution.as_ref().map(|r| r.adopted_on);
        self.publication_year = draft.publication.map(|p| p.year);
        self.publication_position = draft.publication.map(|p| p.position);
        self.in_force_from = draft.in_force_from;
        self.consultation_from = draft.consultation.as_ref().map(|c| c.from);
        self.consultation_to = draft.consultation.as_ref().map(|c| c.to);
        self.consultation_summary = draft.consultation.as_ref().map(|c| c.summary.clone());
    }
}

impl VersionRow {
    /// Version 1: the programme as adopted (the draft being edited until then), effective from
    /// `in_force_from`.
    pub fn first(row: &ProgrammeRow) -> Self {
        VersionRow {
            programme_id: row.id,
            number: 1,
            effective_from: row.in_force_from,
            superseded_on: None,
            resolution_number: row.resolution_number.clone(),
            resolution_adopted_on: row.resolution_adopted_on,
            changes: None,
            title: row.title.clone(),
            period_start: row.period_start,
            period_end: row.period_end,
            created_at: row.created_at,
        }
    }

    pub fn resolution(&self) -> Option<Resolution> {
        match (&self.resolution_number, self.resolution_adopted_on) {
            (Some(number), Some(adopted_on)) => Some(Resolution { number: number.clone(), adopted_on }),
            _ => None,
        }
    }

    pub fn period(&self) -> ApiResult<DateRange> {
        DateRange::new(self.period_start, self.period_end)
            .map_err(|_| ApiError::internal("a stored programme period ends before it starts"))
    }
}

impl ServiceRow {
    pub fn new(programme_id: Id, version: i32, position: i32, service: &ProgrammeService) -> Self {
        let access = &service.access_criteria;
        ServiceRow {
            programme_id,
            version,
            service_id: service.service_id.into(),
            position,
            target_groups: json_text(&service.target_groups),
            age_min: access.age_min,
            age_max: access.age_max,
            disability_certificate_required: access.disability_certificate_required,
            income_threshold_per_person: access.income_threshold_per_person.map(Money::grosze),
            residence_required: access.residence_required,
            access_notes: access.notes.clone(),
            apply_where: service.how_to_apply.r#where.clone(),
            apply_documents: json_text(&service.how_to_apply.documents),
            capacity_kind: service.capacity.kind,
            capacity_value: service.capacity.value,
            quality_standard: service.quality_standard.clone(),
            fee_rule: service.fee_rule.as_ref().map(json_text),
        }
    }

    pub fn to_dto(&self) -> ApiResult<ProgrammeService> {
        Ok(ProgrammeService {
            service_id: self.service_id.into(),
            target_groups: from_json_text(&self.target_groups, "programme list")?,
            access_criteria: AccessCriteria {
                age_min: self.age_min,
                age_max: self.age_max,
                disability_certificate_required: self.disability_certificate_required,
                income_threshold_per_person: self.income_threshold_per_person.map(Money::from_grosze),
                residence_required: self.residence_required,
                notes: self.access_notes.clone(),
            },
            how_to_apply: HowToApply {
                r#where: self.apply_where.clone(),
                documents: from_json_text(&self.apply_documents, "programme list")?,
            },
            capacity: Capacity { kind: self.capacity_kind, value: self.capacity_value },
            quality_standard: self.quality_standard.clone(),
            fee_rule: self.fee_rule.as_deref().map(|rule| from_json_text(rule, "programme fee rule")).transpose()?,
        })
    }
}

impl ProgrammeRecord {
    pub fn etag(&self) -> String {
        etag(self.row.version)
    }

    pub fn to_dto(&self) -> ApiResult<Programme> {
        let row = &self.row;
        let adopting = VersionRow::first(row);
        let publication = match (row.publication_year, row.publication_position) {
            (Some(year), Some(position)) => Some(Publication { year, position }),
            _ => None,
        };
        let consultation = match (row.consultation_from, row.consultation_to, &row.consultation_summary) {
            (Some(from), Some(to), Some(summary)) => Some(ProgrammeConsultation { from, to, summary: summary.clone() }),
            _ => None,
        };
        Ok(Programme {
            id: row.id.into(),
            municipality_id: row.municipality_id.into(),
            title: row.title.clone(),
            diagnosis_id: row.diagnosis_id.into(),
            period: adopting.period()?.into(),
            resolution: adopting.resolution(),
            publication,
            in_force_from: row.in_force_from,
            consultation,
            services: self.services.iter().map(ServiceRow::to_dto).collect::<ApiResult<_>>()?,
            current_version: row.current_version,
            status: row.status,
            created_at: clock::utc(row.created_at),
            updated_at: clock::utc(row.updated_at),
            version: row.version,
        })
    }
}

/// The service rows of one version of a programme.
pub fn services_of(id: Id, version: i32, services: &[ProgrammeService]) -> Vec<ServiceRow> {
    (services.iter().zip(0..)).map(|(service, position)| ServiceRow::new(id, version, position, service)).collect()
}

/// The services of the programmes' current versions.
fn services_by_programme(conn: &mut DbConnection, ids: Vec<Id>) -> ApiResult<HashMap<Id, Vec<ServiceRow>>> {
    let rows: Vec<ServiceRow> = programme_services::table
        .inner_join(programmes::table)
        .filter(programme_services::programme_id.eq_any(ids))
        .filter(programme_services::version.eq(programmes::current_version))
        .order((programme_services::programme_id, programme_services::position))
        .select(ServiceRow::as_select())
        .load(conn)?;
    let mut by_programme: HashMap<Id, Vec<ServiceRow>> = HashMap::new();
    for row in rows {
        by_programme.entry(row.programme_id).or_default().push(row);
    }
    Ok(by_programme)
}

fn with_services(conn: &mut DbConnection, rows: Vec<ProgrammeRow>) -> ApiResult<Vec<ProgrammeRecord>> {
    let mut services = services_by_programme(conn, rows.iter().map(|row| row.id).collect())?;
    Ok(rows
        .into_iter()
        .map(|row| ProgrammeRecord { services: services.remove(&row.id).unwrap_or_default(), row })
        .collect())
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<ProgrammeRecord> {
    let row = programmes::table
        .find(Id::from(id))
        .select(ProgrammeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)?;
    with_services(conn, vec![row])?.pop().ok_or(NOT_FOUND)
}

/// The references of a draft: a registered municipality (422 `unknown_municipality`), catalogue
/// services (422 `unknown` at their index), an existing (422 `unknown`) adopted diagnosis (409
/// `diagnosis-not-adopted`).
fn ensure_references(conn: &mut DbConnection, draft: &ProgrammeDraft) -> ApiResult<()> {
    let mut errors = Vec::new();
    let municipality: Option<Id> = municipalities::table
        .find(Id::from(draft.municipality_id))
        .select(municipalities::id)
        .first(conn)
        .optional()?;
    if municipality.is_none() {
        errors.push(FieldError::new(
            "municipality_id",
            "unknown_municipality",
            "no municipality served by this CUS has this id",
        ));
    }
    let diagnosis: Option<DiagnosisStatus> =
        diagnoses::table.find(Id::from(draft.diagnosis_id)).select(diagnoses::status).first(conn).optional()?;
    if diagnosis.is_none() {
        errors.push(FieldError::new("diagnosis_id", "unknown", "no diagnosis has this id"));
    }
    errors.extend(unknown_services(conn, &draft.services)?);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    match diagnosis {
        Some(DiagnosisStatus::Adopted) => Ok(()),
        status => Err(ApiError::conflict(
            "diagnosis-not-adopted",
            "a programme rests on an adopted diagnosis of needs and potential",
        )
        .with("diagnosis_status", status.map(|s| s.as_ref().to_owned()))),
    }
}

/// 422 `unknown` at the index of each service that is not in the catalogue.
pub fn unknown_services(conn: &mut DbConnection, offered: &[ProgrammeService]) -> ApiResult<Vec<FieldError>> {
    let wanted: Vec<Id> = offered.iter().map(|s| Id::from(s.service_id)).collect();
    let found: Vec<Id> = services::table.filter(services::id.eq_any(&wanted)).select(services::id).load(conn)?;
    Ok((wanted.iter().enumerate())
        .filter(|(_, id)| !found.contains(id))
        .map(|(index, _)| {
            FieldError::new(format!("services[{index}].service_id"), "unknown", "no catalogue service has this id")
        })
        .collect())
}

/// Row by row: diesel's multi-backend connection has no batch insert.
pub fn insert_services(conn: &mut DbConnection, rows: &[ServiceRow]) -> ApiResult<()> {
    for row in rows {
        diesel::insert_into(programme_services::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: ProgrammeDraft) -> ApiResult<ProgrammeRecord> {
    ensure_references(conn, &draft)?;
    let row = ProgrammeRow::new(id, &draft, clock::now());
    diesel::insert_into(programmes::table).values(&row).execute(conn)?;
    let services = store_first_version(conn, &row, &draft)?;
    Ok(ProgrammeRecord { row, services })
}

/// (Re)writes version 1 and its services from a draft: until adoption it is the version being
/// edited.
fn store_first_version(
    conn: &mut DbConnection,
    row: &ProgrammeRow,
    draft: &ProgrammeDraft,
) -> ApiResult<Vec<ServiceRow>> {
    let first = VersionRow::first(row);
    let of_first = programme_services::version.eq(first.number);
    diesel::delete(programme_services::table.filter(programme_services::programme_id.eq(row.id)).filter(of_first))
        .execute(conn)?;
    diesel::delete(programme_versions::table.find((row.id, first.number))).execute(conn)?;
    diesel::insert_into(programme_versions::table).values(&first).execute(conn)?;
    let services = services_of(row.id, first.number, &draft.services);
    insert_services(conn, &services)?;
    Ok(services)
}

pub fn save(conn: &mut DbConnection, row: ProgrammeRow) -> ApiResult<ProgrammeRow> {
    crate::save_versioned!(conn, programmes, row, NOT_FOUND)
}

/// Applies a change computed from the current record (a merge patch) under `If-Match`, before
/// adoption only: after it a programme changes only by a new resolution (409 `amendment-needed`).
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Programme) -> ApiResult<ProgrammeDraft>,
) -> ApiResult<ProgrammeRecord> {
    let record = find(conn, id)?;
    if_match.require(record.etag())?;
    let current = record.to_dto()?;
    let mut row = record.row;
    if row.status.is_adopted() {
        return Err(ApiError::conflict("amendment-needed", "a programme changes only by a new resolution")
            .with("current_status", row.status.as_ref()));
    }
    let draft = change(&current)?;
    ensure_references(conn, &draft)?;
    row.set(&draft);
    let row = save(conn, row)?;
    let services = store_first_version(conn, &row, &draft)?;
    Ok(ProgrammeRecord { row, services })
}

/// 409 `programme-overlap` when another programme of the municipality, adopted or in force,
/// offers one of the same services in a version that holds some day of `from`..=`to`.
/// Adoptions and amendments in one municipality are checked one after the other: PostgreSQL
/// locks the municipality's row (`FOR UPDATE`, outside diesel's common subset); SQLite's write
/// transactions already run one at a time.
pub fn ensure_no_overlap(
    conn: &mut DbConnection,
    row: &ProgrammeRow,
    offered: &[ServiceRow],
    (from, to): (NaiveDate, NaiveDate),
) -> ApiResult<()> {
    if let DbConnection::Pg(c) = conn {
        municipalities::table.find(row.municipality_id).select(municipalities::id).for_update().first::<Id>(c)?;
    }
    let ids: Vec<Id> = offered.iter().map(|s| s.service_id).collect();
    let shared: Vec<(Id, Id)> = programme_services::table
        .inner_join(programmes::table)
        .inner_join(version_of_service())
        .filter(programmes::municipality_id.eq(row.municipality_id))
        .filter(programmes::id.ne(row.id))
        .filter(programmes::status.eq_any([ProgrammeStatus::Adopted, ProgrammeStatus::InForce]))
        .filter(held_over(from, to))
        .filter(programme_services::service_id.eq_any(ids))
        .order((programmes::id, programme_services::version, programme_services::position))
        .select((programmes::id, programme_services::service_id))
        .load(conn)?;
    let Some((other, _)) = shared.first().cloned() else {
        return Ok(());
    };
    let mut services: Vec<String> = Vec::new();
    for service in shared.iter().filter(|(p, _)| *p == other).map(|(_, s)| Uuid::from(*s).to_string()) {
        if !services.contains(&service) {
            services.push(service);
        }
    }
    Err(ApiError::conflict(
        "programme-overlap",
        "another programme of this municipality over an overlapping period already offers these services",
    )
    .with("programme_id", Uuid::from(other).to_string())
    .with("service_ids", services))
}

/// Moves a programme through its lifecycle. Adoption needs the resolution (409
/// `resolution-missing`) and no overlap; entry into force needs `in_force_from` and the
/// publication (409 `publication-missing`).
pub fn transition(conn: &mut DbConnection, id: Uuid, action: ProgrammeAction) -> ApiResult<ProgrammeRecord> {
    let mut record = find(conn, id)?;
    record.row.status = record.row.status.transition(action)?;
    let row = &record.row;
    match action {
        ProgrammeAction::Adopt => {
            if row.resolution_number.is_none() {
                return Err(ApiError::conflict(
                    "resolution-missing",
                    "adoption needs the council resolution: its number and date",
                ));
            }
            ensure_no_overlap(conn, row, &record.services, (row.period_start, row.period_end))?;
        }
        ProgrammeAction::PutInForce => {
            let mut missing = Vec::new();
            if row.in_force_from.is_none() {
                missing.push("in_force_from");
            }
            if row.publication_year.is_none() {
                missing.push("publication");
            }
            if !missing.is_empty() {
                return Err(ApiError::conflict(
                    "publication-missing",
                    format!("entry into force needs the publication and the day; missing: {}", missing.join(", ")),
                )
                .with("missing", missing));
            }
        }
        _ => {}
    }
    let ProgrammeRecord { row, services } = record;
    Ok(ProgrammeRecord { row: save(conn, row)?, services })
}

/// The list's only order: creation (the ids are UUIDv7).
pub const SORT: &str = "id";

/// One page (plus one row, to tell whether another page follows) of the filtered list.
pub fn list(
    conn: &mut DbConnection,
    filter: &ProgrammeQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<ProgrammeRecord>> {
    let mut query = programmes::table.select(ProgrammeRow::as_select()).into_boxed();
    if let Some(municipality) = filter.municipality_id {
        query = query.filter(programmes::municipality_id.eq(Id::from(municipality)));
    }
    if let Some(status) = filter.status {
        query = query.filter(programmes::status.eq(status));
    }
    if let Some(service) = filter.service_id {
        let current = diesel::alias!(programmes as offering_programmes);
        let offering = programme_services::table
            .inner_join(current.on(current.field(programmes::id).eq(programme_services::programme_id)))
            .filter(programme_services::service_id.eq(Id::from(service)))
            .filter(programme_services::version.eq(current.field(programmes::current_version)))
            .select(programme_services::programme_id);
        query = query.filter(programmes::id.eq_any(offering));
    }
    if let Some(on) = filter.in_force_on {
        query = query.filter(in_force_on(on));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(programmes::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(programmes::id.gt(cursor.id.clone()));
    }
    let rows = query.order(programmes::id.asc()).limit(i64::from(limit) + 1).load(conn)?;
    with_services(conn, rows)
}

/// A programme in force on a day: `in_force`, `in_force_from` ≤ day ≤ its period's end (the SQL
/// of `ProgrammeRow::is_in_force_on`).
#[diesel::dsl::auto_type]
fn in_force_on(on: NaiveDate) -> _ {
    let in_force: ProgrammeStatus = ProgrammeStatus::InForce;
    programmes::status.eq(in_force).and(programmes::in_force_from.le(on)).and(programmes::period_end.ge(on))
}

/// The version of a programme service row.
#[diesel::dsl::auto_type]
fn version_of_service() -> _ {
    programme_versions::table.on(programme_versions::programme_id
        .eq(programme_services::programme_id)
        .and(programme_versions::number.eq(programme_services::version)))
}

/// A version holding some day of `from`..=`to`: from its `effective_from` and the period's start
/// until superseded or the period ends.
#[diesel::dsl::auto_type]
fn held_over(from: NaiveDate, to: NaiveDate) -> _ {
    let starts_by = programme_versions::period_start
        .le(to)
        .and(programme_versions::effective_from.le(to).or(programme_versions::effective_from.is_null()));
    let lasts_until = programme_versions::superseded_on
        .gt(from)
        .or(programme_versions::superseded_on.is_null().and(programme_versions::period_end.ge(from)));
    starts_by.and(lasts_until)
}

/// The version whose days hold `on`: effective from then or before, not yet superseded.
#[diesel::dsl::auto_type]
fn effective_on(on: NaiveDate) -> _ {
    programme_versions::effective_from
        .le(on)
        .and(programme_versions::superseded_on.is_null().or(programme_versions::superseded_on.gt(on)))
}

impl ProgrammeRow {
    /// See `in_force_on`, which lists programmes by the same rule.
    fn is_in_force_on(&self, on: NaiveDate) -> bool {
        self.status == ProgrammeStatus::InForce
            && self.in_force_from.is_some_and(|from| from <= on)
            && on <= self.period_end
    }
}

/// The services of some versions of one programme, by version, in the order they were given.
pub fn services_of_versions(
    conn: &mut DbConnection,
    programme_id: Id,
    numbers: Vec<i32>,
) -> ApiResult<HashMap<i32, Vec<ServiceRow>>> {
    let rows: Vec<ServiceRow> = programme_services::table
        .filter(programme_services::programme_id.eq(programme_id))
        .filter(programme_services::version.eq_any(numbers))
        .order((programme_services::version, programme_services::position))
        .select(ServiceRow::as_select())
        .load(conn)?;
    let mut by_version: HashMap<i32, Vec<ServiceRow>> = HashMap::new();
    for row in rows {
        by_version.entry(row.version).or_default().push(row);
    }
    Ok(by_version)
}

/// The version of a programme in force on `on`; 409 `programme-not-in-force` naming the day, the
/// programme's status and the days it is in force when it is not in force that day.
pub fn version_in_force(conn: &mut DbConnection, id: Uuid, on: NaiveDate) -> ApiResult<VersionRow> {
    let row: ProgrammeRow = programmes::table
        .find(Id::from(id))
        .select(ProgrammeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)?;
    let version = if row.is_in_force_on(on) {
        programme_versions::table
            .filter(programme_versions::programme_id.eq(row.id))
            .filter(effective_on(on))
            .select(VersionRow::as_select())
            .first(conn)
            .optional()?
    } else {
        None
    };
    version.ok_or_else(|| {
        ApiError::conflict("programme-not-in-force", "the programme is not in force on this day")
            .with("on", on.to_string())
            .with("programme_status", row.status.as_ref())
            .with("in_force_from", row.in_force_from.map(|from| from.to_string()))
            .with("in_force_until", row.period_end.to_string())
    })
}

/// 404 unless the catalogue service exists.
pub fn ensure_service(conn: &mut DbConnection, id: Uuid) -> ApiResult<()> {
    let found: Option<Id> = services::table.find(Id::from(id)).select(services::id).first(conn).optional()?;
    found.map(|_| ()).ok_or(ApiError::NotFound { resource: "service" })
}

/// A service as the version of a programme in force on a day offers it.
#[derive(Debug, Clone)]
pub struct TermsInForce {
    pub programme_id: Uuid,
    pub municipality_id: Uuid,
    /// The title of the version in force.
    pub title: String,
    pub version: i32,
    pub service: ServiceRow,
}

/// The programmes in force on `on` offering a catalogue service, each with the terms of its
/// version in force, in programme order; with a page, those after its cursor, `limit` + 1 of them.
pub fn offering(
    conn: &mut DbConnection,
    service_id: Uuid,
    on: NaiveDate,
    municipality_id: Option<Uuid>,
    page: Option<(Option<&Cursor>, u32)>,
) -> ApiResult<Vec<TermsInForce>> {
    let mut query = programme_services::table
        .inner_join(programmes::table)
        .inner_join(version_of_service())
        .filter(programme_services::service_id.eq(Id::from(service_id)))
        .filter(in_force_on(on))
        .filter(effective_on(on))
        .select((programmes::municipality_id, programme_versions::title, ServiceRow::as_select()))
        .into_boxed();
    if let Some(municipality) = municipality_id {
        query = query.filter(programmes::municipality_id.eq(Id::from(municipality)));
    }
    if let Some((cursor, limit)) = page {
        if let Some(cursor) = cursor {
            query = query.filter(programme_services::programme_id.gt(cursor.id.clone()));
        }
        query = query.limit(i64::from(limit) + 1);
    }
    let rows: Vec<(Id, String, ServiceRow)> = query.order(programme_services::programme_id.asc()).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(municipality, title, service)| TermsInForce {
            programme_id: service.programme_id.into(),
            municipality_id: municipality.into(),
            title,
            version: service.version,
            service,
        })
        .collect())
}

/// The terms under which the programme in force in a municipality on a day offers a catalogue
/// service, none when no programme in force there offers it. Requests, plans and fees use these:
/// a service is granted, and its fee set, under the programme in force. Overlapping programmes of
/// a municipality never share a service (`ensure_no_overlap`), so there is at most one.
pub fn terms_in_force(
    conn: &mut DbConnection,
    municipality_id: Uuid,
    service_id: Uuid,
    on: NaiveDate,
) -> ApiResult<Option<TermsInForce>> {
    Ok(offering(conn, service_id, on, Some(municipality_id), Some((None, 0)))?.pop())
}

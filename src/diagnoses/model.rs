//! Diagnosis storage: the record, the municipalities it covers (`diagnosis_municipalities`, which
//! programmes query), and the rules of adoption.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    Consultation, Diagnosis, DiagnosisAction, DiagnosisDocument, DiagnosisDraft, DiagnosisQuery, DiagnosisStatus, Need,
    RENEWAL_MONTHS,
};
use crate::clock;
use crate::db::schema::{diagnoses, diagnosis_municipalities, municipalities};
use crate::db::{from_json_text, json_text, DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;

/// One row of `diagnoses`, as stored; its lists are JSON arrays.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = diagnoses, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct DiagnosisRow {
    pub id: Id,
    pub title: String,
    pub methods: String,
    pub consultation_from: Option<NaiveDate>,
    pub consultation_to: Option<NaiveDate>,
    pub consultation_how: Option<String>,
    pub document_url: Option<String>,
    pub document_sha256: Option<String>,
    pub needs: String,
    pub resources: String,
    pub gaps: String,
    pub status: DiagnosisStatus,
    pub adopted_on: Option<NaiveDate>,
    pub next_due_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// One municipality a diagnosis covers.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = diagnosis_municipalities)]
pub struct CoverageRow {
    pub diagnosis_id: Id,
    pub municipality_id: Id,
    pub position: i32,
}

/// A diagnosis with the municipalities it covers, in the order they were given.
#[derive(Debug, Clone)]
pub struct DiagnosisRecord {
    pub row: DiagnosisRow,
    pub coverage: Vec<CoverageRow>,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "diagnosis" };

impl DiagnosisRow {
    /// A new draft (the seed builds its rows here too).
    pub fn new(id: Uuid, draft: &DiagnosisDraft, now: NaiveDateTime) -> Self {
        let mut row = DiagnosisRow {
            id: id.into(),
            title: String::new(),
            methods: String::new(),
            consultation_from: None,
            consultation_to: None,
            consultation_how: None,
            document_url: None,
            document_sha256: None,
            needs: String::new(),
            resources: String::new(),
            gaps: String::new(),
            status: DiagnosisStatus::Draft,
            adopted_on: None,
            next_due_on: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        row.set(draft);
        row
    }

    fn set(&mut self, draft: &DiagnosisDraft) {
        self.title = draft.title.clone();
        self.methods = json_text(&draft.methods);
        self.consultation_from = draft.consultation.as_ref().map(|c| c.from);
        self.consultation_to = draft.consultation.as_ref().map(|c| c.to);
        self.consultation_how = draft.consultation.as_ref().map(|c| c.how.clone());
        self.document_url = draft.document.as_ref().map(|d| d.url.clone());
        self.document_sha256 = draft.document.as_ref().map(|d| d.sha256.clone());
        self.needs = json_text(&draft.needs);
        self.resources = json_text(&draft.resources);
        self.gaps = json_text(&draft.gaps);
    }

    /// Records the adoption on `on`: a new diagnosis is due 5 years later.
    pub fn adopt_on(&mut self, on: NaiveDate) -> ApiResult<()> {
        let due = on
            .checked_add_months(Months::new(RENEWAL_MONTHS))
            .ok_or_else(|| ApiError::internal("an adoption date too far in the future"))?;
        self.adopted_on = Some(on);
        self.next_due_on = Some(due);
        Ok(())
    }

    /// What adoption needs and the diagnosis lacks, by field name.
    fn missing_for_adoption(&self) -> ApiResult<Vec<&'static str>> {
        let needs: Vec<Need> = from_json_text(&self.needs, "diagnosis list")?;
        let mut missing = Vec::new();
        if self.consultation_from.is_none() {
            missing.push("consultation");
        }
        if self.document_url.is_none() {
            missing.push("document");
        }
        if needs.is_empty() {
            missing.push("needs");
        }
        Ok(missing)
    }
}

impl DiagnosisRecord {
    pub fn etag(&self) -> String {
        etag(self.row.version)
    }

    /// The view, with `overdue` as of `today`.
    pub fn to_dto(&self, today: NaiveDate) -> ApiResult<Diagnosis> {
        let row = &self.row;
        let consultation = match (row.consultation_from, row.consultation_to, &row.consultation_how) {
            (Some(from), Some(to), Some(how)) => Some(Consultation { from, to, how: how.clone() }),
            _ => None,
        };
        let document = match (&row.document_url, &row.document_sha256) {
            (Some(url), Some(sha256)) => Some(DiagnosisDocument { url: url.clone(), sha256: sha256.clone() }),
            _ => None,
        };
        Ok(Diagnosis {
            id: row.id.into(),
            title: row.title.clone(),
            municipality_ids: self.coverage.iter().map(|c| c.municipality_id.into()).collect(),
            methods: from_json_text(&row.methods, "diagnosis list")?,
            consultation,
            document,
            needs: from_json_text(&row.needs, "diagnosis list")?,
            resources: from_json_text(&row.resources, "diagnosis list")?,
            gaps: from_json_text(&row.gaps, "diagnosis list")?,
            status: row.status,
            adopted_on: row.adopted_on,
            next_due_on: row.next_due_on,
            overdue: row.status == DiagnosisStatus::Adopted && row.next_due_on.is_some_and(|due| today > due),
            created_at: clock::utc(row.created_at),
            updated_at: clock::utc(row.updated_at),
            version: row.version,
        })
    }
}

/// The coverage rows of a draft.
pub fn coverage_of(id: Id, draft: &DiagnosisDraft) -> Vec<CoverageRow> {
    (draft.municipality_ids.iter().zip(0..))
        .map(|(municipality, position)| CoverageRow {
            diagnosis_id: id,
            municipality_id: (*municipality).into(),
            position,
        })
        .collect()
}

/// The coverage of these diagnoses, each in its order.
fn coverage(conn: &mut DbConnection, ids: Vec<Id>) -> ApiResult<HashMap<Id, Vec<CoverageRow>>> {
    let rows: Vec<CoverageRow> = diagnosis_municipalities::table
        .filter(diagnosis_municipalities::diagnosis_id.eq_any(ids))
        .order((diagnosis_municipalities::diagnosis_id, diagnosis_municipalities::position))
        .select(CoverageRow::as_select())
        .load(conn)?;
    let mut by_diagnosis: HashMap<Id, Vec<CoverageRow>> = HashMap::new();
    for row in rows {
        by_diagnosis.entry(row.diagnosis_id).or_default().push(row);
    }
    Ok(by_diagnosis)
}

fn with_coverage(conn: &mut DbConnection, rows: Vec<DiagnosisRow>) -> ApiResult<Vec<DiagnosisRecord>> {
    let mut coverage = coverage(conn, rows.iter().map(|row| row.id).collect())?;
    Ok(rows
        .into_iter()
        .map(|row| DiagnosisRecord { coverage: coverage.remove(&row.id).unwrap_or_default(), row })
        .collect())
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<DiagnosisRecord> {
    let row = diagnoses::table
        .find(Id::from(id))
        .select(DiagnosisRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)?;
    with_coverage(conn, vec![row])?.pop().ok_or(NOT_FOUND)
}

/// 422 `unknown_municipality` at the index of every id that names no registered municipality.
fn ensure_registered(conn: &mut DbConnection, ids: &[Uuid]) -> ApiResult<()> {
    let wanted: Vec<Id> = ids.iter().copied().map(Id::from).collect();
    let found: Vec<Id> =
        municipalities::table.filter(municipalities::id.eq_any(&wanted)).select(municipalities::id).load(conn)?;
    let unknown: Vec<FieldError> = (wanted.iter().enumerate())
        .filter(|(_, id)| !found.contains(id))
        .map(|(index, _)| {
            FieldError::new(
                format!("municipality_ids[{index}]"),
                "unknown_municipality",
                "no municipality served by this CUS has this id",
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(unknown))
    }
}

/// Row by row: diesel's multi-backend connection has no batch insert.
fn insert_coverage(conn: &mut DbConnection, coverage: &[CoverageRow]) -> ApiResult<()> {
    for row in coverage {
        diesel::insert_into(diagnosis_municipalities::table).values(row).execute(conn)?;
    }
    Ok(())
}

fn replace_coverage(conn: &mut DbConnection, id: Id, coverage: &[CoverageRow]) -> ApiResult<()> {
    diesel::delete(diagnosis_municipalities::table.filter(diagnosis_municipalities::diagnosis_id.eq(id)))
        .execute(conn)?;
    insert_coverage(conn, coverage)
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: DiagnosisDraft) -> ApiResult<DiagnosisRecord> {
    ensure_registered(conn, &draft.municipality_ids)?;
    let row = DiagnosisRow::new(id, &draft, clock::now());
    diesel::insert_into(diagnoses::table).values(&row).execute(conn)?;
    let coverage = coverage_of(row.id, &draft);
    insert_coverage(conn, &coverage)?;
    Ok(DiagnosisRecord { row, coverage })
}

fn save(conn: &mut DbConnection, row: DiagnosisRow) -> ApiResult<DiagnosisRow> {
    crate::save_versioned!(conn, diagnoses, row, NOT_FOUND)
}

/// Applies a change computed from the current record (a merge patch) under `If-Match`, to a
/// draft only: an adopted diagnosis changes by being superseded (409 `diagnosis-adopted`).
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    today: NaiveDate,
    change: impl FnOnce(&Diagnosis) -> ApiResult<DiagnosisDraft>,
) -> ApiResult<DiagnosisRecord> {
    let record = find(conn, id)?;
    if_match.require(record.etag())?;
    let current = record.to_dto(today)?;
    let mut row = record.row;
    if row.status != DiagnosisStatus::Draft {
        return Err(ApiError::conflict(
            "diagnosis-adopted",
            "only a draft diagnosis changes; an adopted one is replaced by a new diagnosis and superseded",
        )
        .with("current_status", row.status.as_ref())
        .with("allowed_actions", row.status.allowed_actions().iter().map(AsRef::as_ref).collect::<Vec<_>>()));
    }
    let draft = change(&current)?;
    ensure_registered(conn, &draft.municipality_ids)?;
    row.set(&draft);
    let row = save(conn, row)?;
    let coverage = coverage_of(row.id, &draft);
    replace_coverage(conn, row.id, &coverage)?;
    Ok(DiagnosisRecord { row, coverage })
}

/// Adopts (on `adopted_on`) or supersedes a diagnosis. Adoption needs a consultation, the
/// document and a need: 409 `diagnosis-incomplete` lists what is `missing`.
pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    action: DiagnosisAction,
    adopted_on: Option<NaiveDate>,
) -> ApiResult<DiagnosisRecord> {
    let DiagnosisRecord { mut row, coverage } = find(conn, id)?;
    row.status = row.status.transition(action)?;
    if action == DiagnosisAction::Adopt {
        let on = adopted_on.ok_or_else(|| ApiError::internal("an adoption without its date"))?;
        let missing = row.missing_for_adoption()?;
        if !missing.is_empty() {
            return Err(ApiError::conflict(
                "diagnosis-incomplete",
                format!("adoption needs a consultation, the document and a need; missing: {}", missing.join(", ")),
            )
            .with("missing", missing));
        }
        row.adopt_on(on)?;
    }
    Ok(DiagnosisRecord { row: save(conn, row)?, coverage })
}

/// The list's only order: creation (the ids are UUIDv7).
pub const SORT: &str = "id";

/// One page (plus one row, to tell whether another page follows) of the filtered list.
pub fn list(
    conn: &mut DbConnection,
    filter: &DiagnosisQuery,
    today: NaiveDate,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<DiagnosisRecord>> {
    let mut query = diagnoses::table.select(DiagnosisRow::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(diagnoses::status.eq(status));
    }
    if let Some(municipality) = filter.municipality_id {
        let covering = diagnosis_municipalities::table
            .filter(diagnosis_municipalities::municipality_id.eq(Id::from(municipality)))
            .select(diagnosis_municipalities::diagnosis_id);
        query = query.filter(diagnoses::id.eq_any(covering));
    }
    match filter.overdue {
        Some(true) => {
            query =
                query.filter(diagnoses::status.eq(DiagnosisStatus::Adopted)).filter(diagnoses::next_due_on.lt(today))
        }
        Some(false) => {
            query = query.filter(diagnoses::status.ne(DiagnosisStatus::Adopted).or(diagnoses::next_due_on.ge(today)))
        }
        None => {}
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(diagnoses::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(diagnoses::id.gt(cursor.id.clone()));
    }
    let rows = query.order(diagnoses::id.asc()).limit(i64::from(limit) + 1).load(conn)?;
    with_coverage(conn, rows)
}

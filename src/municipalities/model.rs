//! Municipality storage, and the rule residents rely on: a TERYT code names an active gmina.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    MunicipalAgreement, Municipality, MunicipalityAction, MunicipalityDraft, MunicipalityQuery, MunicipalityRole,
    MunicipalityStatus, Population, PublicMunicipality,
};
use crate::clock;
use crate::db::schema::municipalities;
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::DateRange;
use crate::domain::text;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;

/// One row of `municipalities`, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = municipalities, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct MunicipalityRow {
    pub id: Id,
    pub teryt: String,
    pub name: String,
    pub name_sort_key: String,
    pub search_text: String,
    pub role: MunicipalityRole,
    pub agreement_number: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub agreement_start: Option<NaiveDate>,
    pub agreement_end: Option<NaiveDate>,
    pub population_count: Option<i64>,
    pub population_as_of: Option<NaiveDate>,
    pub status: MunicipalityStatus,
    pub needs_review: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "municipality" };

impl MunicipalityRow {
    /// A new, active municipality (the seed builds its rows here too).
    pub fn new(id: Uuid, draft: MunicipalityDraft, now: NaiveDateTime) -> Self {
        let mut row = MunicipalityRow {
            id: id.into(),
            teryt: draft.teryt.as_str().to_owned(),
            name: String::new(),
            name_sort_key: String::new(),
            search_text: String::new(),
            role: draft.role,
            agreement_number: None,
            agreement_signed_on: None,
            agreement_start: None,
            agreement_end: None,
            population_count: None,
            population_as_of: None,
            status: MunicipalityStatus::Active,
            needs_review: false,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        row.set(draft);
        row
    }

    /// Writes a validated draft into the row, with the derived search and sort keys; the TERYT
    /// code stays what it was created with.
    fn set(&mut self, draft: MunicipalityDraft) {
        self.search_text = text::fold(&draft.name);
        self.name_sort_key = text::polish_sort_key(&draft.name);
        self.name = draft.name;
        self.role = draft.role;
        self.agreement_number = draft.agreement.as_ref().map(|a| a.number.clone());
        self.agreement_signed_on = draft.agreement.as_ref().map(|a| a.signed_on);
        self.agreement_start = draft.agreement.as_ref().map(|a| a.period.start());
        self.agreement_end = draft.agreement.as_ref().map(|a| a.period.end());
        self.population_count = draft.population.as_ref().map(|p| p.count);
        self.population_as_of = draft.population.as_ref().map(|p| p.as_of);
    }

    pub fn etag(&self) -> String {
        etag(self.version)
    }

    fn agreement(&self) -> ApiResult<Option<MunicipalAgreement>> {
        let (Some(number), Some(signed_on), Some(start), Some(end)) =
            (&self.agreement_number, self.agreement_signed_on, self.agreement_start, self.agreement_end)
        else {
            return Ok(None);
        };
        let period =
            DateRange::new(start, end).map_err(|_| ApiError::internal("a stored agreement ends before it starts"))?;
        Ok(Some(MunicipalAgreement { number: number.clone(), signed_on, period: period.into() }))
    }

    pub fn to_dto(&self) -> ApiResult<Municipality> {
        Ok(Municipality {
            id: self.id.into(),
            teryt: self.teryt.clone(),
            name: self.name.clone(),
            role: self.role,
            agreement: self.agreement()?,
            population: self
                .population_count
                .zip(self.population_as_of)
                .map(|(count, as_of)| Population { count, as_of }),
            status: self.status,
            needs_review: self.needs_review,
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }

    pub fn to_public(&self) -> PublicMunicipality {
        PublicMunicipality { id: self.id.into(), teryt: self.teryt.clone(), name: self.name.clone() }
    }

    /// This row's position in the list's order, for the next page's cursor.
    pub fn position(&self) -> (String, String) {
        (self.name_sort_key.clone(), self.id.to_string())
    }
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<MunicipalityRow> {
    municipalities::table
        .find(Id::from(id))
        .select(MunicipalityRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)
}

fn find_by_teryt(conn: &mut DbConnection, teryt: &str) -> ApiResult<Option<MunicipalityRow>> {
    Ok(municipalities::table
        .filter(municipalities::teryt.eq(teryt))
        .select(MunicipalityRow::as_select())
        .first(conn)
        .optional()?)
}

/// 409 `duplicate-teryt` naming the municipality that has the code.
fn ensure_teryt_free(conn: &mut DbConnection, teryt: &str) -> ApiResult<()> {
    match find_by_teryt(conn, teryt)? {
        Some(existing) => Err(ApiError::conflict("duplicate-teryt", "another municipality has this TERYT code")
            .with("existing_id", existing.id.to_string())),
        None => Ok(()),
    }
}

/// 409 `founder-exists` naming the founder, when a municipality other than `except` is one: a
/// CUS is a unit of one gmina.
fn ensure_no_other_founder(conn: &mut DbConnection, except: Option<&Id>) -> ApiResult<()> {
    let mut query = municipalities::table
        .filter(municipalities::role.eq(MunicipalityRole::Founder))
        .select(municipalities::id)
        .into_boxed();
    if let Some(except) = except {
        query = query.filter(municipalities::id.ne(except.to_string()));
    }
    match query.first::<String>(conn).optional()? {
        Some(founder) => Err(ApiError::conflict(
            "founder-exists",
            "another municipality is the founder; a CUS has one founding gmina",
        )
        .with("existing_id", founder)),
        None => Ok(()),
    }
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: MunicipalityDraft) -> ApiResult<MunicipalityRow> {
    ensure_teryt_free(conn, draft.teryt.as_str())?;
    if draft.role == MunicipalityRole::Founder {
        ensure_no_other_founder(conn, None)?;
    }
    let row = MunicipalityRow::new(id, draft, clock::now());
    diesel::insert_into(municipalities::table).values(&row).execute(conn)?;
    Ok(row)
}

fn save(conn: &mut DbConnection, row: MunicipalityRow) -> ApiResult<MunicipalityRow> {
    crate::save_versioned!(conn, municipalities, row, NOT_FOUND)
}

/// Applies a change computed from the current record (a merge patch) under `If-Match`. An
/// accepted change is the staff's review: it clears `needs_review`.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Municipality) -> ApiResult<MunicipalityDraft>,
) -> ApiResult<MunicipalityRow> {
    let mut row = find(conn, id)?;
    if_match.require(row.etag())?;
    let draft = change(&row.to_dto()?)?;
    if draft.role == MunicipalityRole::Founder && row.role != MunicipalityRole::Founder {
        ensure_no_other_founder(conn, Some(&row.id))?;
    }
    row.set(draft);
    row.needs_review = false;
    save(conn, row)
}

pub fn transition(conn: &mut DbConnection, id: Uuid, action: MunicipalityAction) -> ApiResult<MunicipalityRow> {
    let mut row = find(conn, id)?;
    row.status = row.status.transition(action)?;
    save(conn, row)
}

/// A resident's municipality under `field`: the TERYT code must name a registered (422
/// `unknown_municipality`) and active (422 `inactive_municipality`) gmina.
pub fn ensure_served(conn: &mut DbConnection, field: &str, teryt: &str) -> ApiResult<()> {
    let error = |code: &str, message: &str| Err(ApiError::Validation(vec![FieldError::new(field, code, message)]));
    match find_by_teryt(conn, teryt)? {
        None => error("unknown_municipality", "no municipality served by this CUS has this TERYT code"),
        Some(row) if row.status != MunicipalityStatus::Active => {
            error("inactive_municipality", "the municipality with this TERYT code is no longer served")
        }
        Some(_) => Ok(()),
    }
}

/// The list's only order: Polish alphabetical order of the name, then id.
pub const SORT: &str = "name";

/// One page (plus one row, to tell whether another page follows) of the filtered list;
/// `only_active` for the public.
pub fn list(
    conn: &mut DbConnection,
    filter: &MunicipalityQuery,
    only_active: bool,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<MunicipalityRow>> {
    let mut query = municipalities::table.select(MunicipalityRow::as_select()).into_boxed();
    if only_active {
        query = query.filter(municipalities::status.eq(MunicipalityStatus::Active));
    }
    if let Some(role) = filter.role {
        query = query.filter(municipalities::role.eq(role));
    }
    if let Some(status) = filter.status {
        query = query.filter(municipalities::status.eq(status));
    }
    if let Some(q) = filter.q.as_deref() {
        query = query.filter(municipalities::search_text.like(text::like_contains(&text::fold(q.trim()))).escape('\\'));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(municipalities::updated_at.ge(since.naive_utc()));
    }
    let query = crate::keyset!(
        query,
        municipalities::name_sort_key,
        municipalities::id,
        cursor.map(|c| c.key.clone()),
        cursor.map(|c| c.id.clone()),
        false
    );
    Ok(query.limit(i64::from(limit) + 1).load(conn)?)
}

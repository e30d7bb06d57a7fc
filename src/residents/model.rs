//! Resident storage and queries. Views per role are decided in the handlers' one `view_for`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::Sex;
use super::dto::{birth_year, LegalRepresentative, Resident, ResidentDraft, ResidentPseudonym};
use super::provider_view::ResidentContact;
use crate::clock;
use crate::db::schema::{plan_items, residents, service_plans};
use crate::db::{DbConnection, Id};
use crate::domain::text;
use crate::domain::Address;
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;
use crate::municipalities::model as municipalities;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = residents, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ResidentRow {
    pub id: Id,
    pub first_name: String,
    pub last_name: String,
    pub pesel: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    pub street: Option<String>,
    pub building: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub teryt: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub legal_representative: Option<String>,
    pub notes_on_needs: String,
    pub search_text: String,
    pub anonymised_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "resident" };

impl ResidentRow {
    fn set(&mut self, draft: ResidentDraft) {
        self.search_text = text::fold(&format!("{} {}", draft.first_name, draft.last_name));
        self.first_name = draft.first_name;
        self.last_name = draft.last_name;
        self.pesel = draft.pesel.map(|pesel| pesel.as_str().to_owned());
        self.birth_date = draft.birth_date;
        self.birth_year = birth_year(draft.birth_date);
        self.sex = draft.sex;
        self.street = draft.address.street;
        self.building = draft.address.building;
        self.postal_code = draft.address.postal_code;
        self.city = draft.address.city;
        self.teryt = draft.address.teryt;
        self.phone = draft.phone;
        self.email = draft.email;
        self.legal_representative = draft.legal_representative.map(|r| serde_json::to_string(&r).unwrap_or_default());
        self.notes_on_needs = draft.notes_on_needs;
    }

    pub fn etag(&self) -> String {
        etag(self.version)
    }

    fn address(&self) -> Address {
        Address {
            street: self.street.clone(),
            building: self.building.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            teryt: self.teryt.clone(),
        }
    }

    pub fn to_full(&self) -> ApiResult<Resident> {
        Ok(Resident {
            id: self.id.into(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            pesel: self.pesel.clone(),
            birth_date: self.birth_date,
            sex: self.sex,
            address: self.address(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            legal_representative: self
                .legal_representative
                .as_deref()
                .and_then(|r| serde_json::from_str::<LegalRepresentative>(r).ok()),
            notes_on_needs: self.notes_on_needs.clone(),
            anonymised: self.anonymised_at.is_some(),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }

    pub fn to_pseudonym(&self, active_plans: i64) -> ApiResult<ResidentPseudonym> {
        Ok(ResidentPseudonym {
            id: self.id.into(),
            year_of_birth: self.birth_year,
            municipality: self.teryt.clone(),
            active_plans,
        })
    }

    pub fn to_contact(&self) -> ApiResult<ResidentContact> {
        Ok(ResidentContact {
            id: self.id.into(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            address: self.address(),
            phone: self.phone.clone(),
        })
    }
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<ResidentRow> {
    residents::table.find(Id::from(id)).select(ResidentRow::as_select()).first(conn).optional()?.ok_or(NOT_FOUND)
}

/// PESEL identifies one resident: 409 naming the record that has it.
fn ensure_pesel_free(conn: &mut DbConnection, row: &ResidentRow) -> ApiResult<()> {
    let Some(pesel) = &row.pesel else { return Ok(()) };
    let existing: Option<String> = residents::table
        .filter(residents::pesel.eq(pesel))
        .filter(residents::id.ne(&row.id))
        .select(residents::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(existing_id) => {
            Err(ApiError::conflict("duplicate-pesel", "another resident has this PESEL")
                .with("existing_id", existing_id))
        }
        None => Ok(()),
    }
}

/// A resident lives in a gmina this CUS serves: checked when the TERYT code is set or changed,
/// so that a change of another field of a resident of a gmina no longer served still passes.
fn ensure_municipality_served(conn: &mut DbConnection, row: &ResidentRow, before: Option<&str>) -> ApiResult<()> {
    match row.teryt.as_deref() {
        Some(teryt) if before != Some(teryt) => municipalities::ensure_served(conn, "address.teryt", teryt),
        _ => Ok(()),
    }
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: ResidentDraft) -> ApiResult<ResidentRow> {
    let now = clock::now();
    let mut row = ResidentRow {
        id: id.into(),
        first_name: String::new(),
        last_name: String::new(),
        pesel: None,
        birth_date: None,
        birth_year: None,
        sex: None,
        street: None,
        building: None,
        postal_code: None,
        city: None,
        teryt: None,
        phone: None,
        email: None,
        legal_representative: None,
        notes_on_needs: String::new(),
        search_text: String::new(),
        anonymised_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    row.set(draft);
    ensure_municipality_served(conn, &row, None)?;
    ensure_pesel_free(conn, &row)?;
    diesel::insert_into(residents::table).values(&row).execute(conn)?;
    Ok(row)
}

fn save(conn: &mut DbConnection, row: ResidentRow) -> ApiResult<ResidentRow> {
    crate::save_versioned!(conn, residents, row, NOT_FOUND)
}

fn ensure_not_anonymised(row: &ResidentRow) -> ApiResult<()> {
    if row.anonymised_at.is_some() {
        return Err(ApiError::conflict("anonymised", "the resident's identity was erased; the record cannot change"));
    }
    Ok(())
}

pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Resident) -> ApiResult<ResidentDraft>,
) -> ApiResult<ResidentRow> {
    let mut row = find(conn, id)?;
    if_match.require(row.etag())?;
    ensure_not_anonymised(&row)?;
    let before = row.teryt.clone();
    row.set(change(&row.to_full()?)?);
    ensure_municipality_served(conn, &row, before.as_deref())?;
    ensure_pesel_free(conn, &row)?;
    save(conn, row)
}

/// Erases identity for good and keeps what statistics need: year of birth, municipality, and the
/// plans with their goals, items and counts (their free texts are erased too), and the fees
/// assessed without the household's income.
pub fn anonymise(conn: &mut DbConnection, id: Uuid) -> ApiResult<ResidentRow> {
    let mut row = find(conn, id)?;
    ensure_not_anonymised(&row)?;
    const ERASED: &str = "(anonimizowano)";
    row.first_name = ERASED.to_owned();
    row.last_name = ERASED.to_owned();
    row.search_text = String::new();
    row.pesel = None;
    row.birth_date = None;
    row.sex = None;
    row.street = None;
    row.building = None;
    row.postal_code = None;
    row.city = None;
    row.phone = None;
    row.email = None;
    row.legal_representative = None;
    row.notes_on_needs = String::new();
    row.anonymised_at = Some(clock::now());
    crate::service_plans::model::erase_free_texts(conn, row.id)?;
    crate::fee_assessments::model::erase_household_figures(conn, row.id)?;
    save(conn, row)
}

/// Active plans per resident, for the pseudonymous view.
pub fn active_plan_counts(conn: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<(String, i64)>> {
    Ok(service_plans::table
        .filter(service_plans::resident_id.eq_any(ids))
        .filter(service_plans::status.eq("active"))
        .group_by(service_plans::resident_id)
        .select((service_plans::resident_id, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Which residents a list may show: a provider only those with an active item it delivers.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub provider: Option<Uuid>,
}

/// Residents are listed in id order; the cursor is the last id seen.
pub const SORT: &str = "id";

/// What a list or search looks for.
#[derive(Debug, Default)]
pub struct ResidentFilter {
    pub name: Option<String>,
    /// A canonical PESEL, matched exactly.
    pub pesel: Option<String>,
    pub teryt: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

/// One page (plus one row) of residents, in id order.
pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    filter: &ResidentFilter,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<ResidentRow>> {
    let mut query = residents::table.select(ResidentRow::as_select()).into_boxed();
    if let Some(provider) = scope.provider {
        let served = plan_items::table
            .inner_join(service_plans::table)
            .filter(plan_items::provider_id.eq(provider.to_string()))
            .filter(plan_items::status.eq("active"))
            .filter(service_plans::status.eq("active"))
            .select(service_plans::resident_id);
        query = query.filter(residents::id.eq_any(served));
    }
    if let Some(name) = &filter.name {
        query = query.filter(residents::search_text.like(text::like_contains(&text::fold(name.trim()))).escape('\\'));
    }
    if let Some(pesel) = &filter.pesel {
        query = query.filter(residents::pesel.eq(pesel.clone()));
    }
    if let Some(teryt) = &filter.teryt {
        query = query.filter(residents::teryt.eq(teryt.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(residents::updated_at.ge(since));
    }
    if let Some(cursor) = cursor {
        query = query.filter(residents::id.gt(cursor.id.clone()));
    }
    Ok(query.order(residents::id.asc()).limit(i64::from(limit) + 1).load(conn)?)
}

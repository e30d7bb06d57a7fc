//! Fee assessment storage, and the rules of an assessment: the fee rule in force for a service of
//! a programme, the programme in force, and the income table applied.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{AssessmentDraft, AssessmentExemption, FeeAssessment, FeeAssessmentDetail, FeeAssessmentQuery};
use crate::clock;
use crate::db::schema::{fee_assessments, programmes, residents, services};
use crate::db::{from_json_text, json_text, DbConnection, Id};
use crate::domain::fee::{AssessmentError, FeeRule};
use crate::domain::money::Money;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::pagination::Cursor;
use crate::programmes::dto::ProgrammeStatus;
use crate::services::model::ServiceRow;

/// One row of `fee_assessments`, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = fee_assessments, treat_none_as_default_value = false)]
pub struct AssessmentRow {
    pub id: Id,
    pub resident_id: Id,
    pub programme_id: Id,
    pub service_id: Id,
    /// None once the resident is anonymised, as `income_per_person`.
    pub household_income: Option<i64>,
    pub household_size: i32,
    pub income_per_person: Option<i64>,
    pub stated_on: NaiveDate,
    pub bracket: String,
    pub fee_per_unit: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub exemption_code: Option<String>,
    pub exemption_note: Option<String>,
    pub assessed_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "fee assessment" };

impl AssessmentRow {
    pub fn etag(&self) -> String {
        etag(self.version)
    }

    /// The view without the income, for lists and the create response.
    pub fn to_dto(&self) -> ApiResult<FeeAssessment> {
        Ok(FeeAssessment {
            id: self.id.into(),
            resident_id: self.resident_id.into(),
            programme_id: self.programme_id.into(),
            service_id: self.service_id.into(),
            fee_per_unit: Money::from_grosze(self.fee_per_unit),
            bracket: from_json_text(&self.bracket, "fee bracket")?,
            stated_on: self.stated_on,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            exemption: self
                .exemption_code
                .clone()
                .map(|code| AssessmentExemption { code, note: self.exemption_note.clone() }),
            assessed_by: self.assessed_by.clone(),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }

    /// The view with the household's figures, for the single GET.
    pub fn to_detail(&self) -> ApiResult<FeeAssessmentDetail> {
        Ok(FeeAssessmentDetail {
            assessment: self.to_dto()?,
            household_income: self.household_income.map(Money::from_grosze),
            household_size: self.household_size,
            income_per_person: self.income_per_person.map(Money::from_grosze),
        })
    }
}

/// The fee rule that applies to a service of a programme on a day, under the version in force that
/// day: the programme's own, else the
/// catalogue's default; with the catalogue entry (its unit cost). 422 `unknown` for no such
/// programme, `not_in_programme` for a service it does not offer; 409 `programme-not-in-force`
/// unless it is in force that day (`in_force`, `in_force_from` ≤ day ≤ the period's end).
pub fn effective_fee_rule(
    conn: &mut DbConnection,
    programme_id: Uuid,
    service_id: Uuid,
    on: NaiveDate,
) -> ApiResult<(FeeRule, ServiceRow)> {
    let programme: Option<(Id, ProgrammeStatus, Option<NaiveDate>, NaiveDate)> = programmes::table
        .find(Id::from(programme_id))
        .select((programmes::municipality_id, programmes::status, programmes::in_force_from, programmes::period_end))
        .first(conn)
        .optional()?;
    let Some((municipality_id, status, in_force_from, period_end)) = programme else {
        return Err(ApiError::Validation(vec![FieldError::new("programme_id", "unknown", "no programme has this id")]));
    };
    let in_force =
        status == ProgrammeStatus::InForce && in_force_from.is_some_and(|from| from <= on) && on <= period_end;
    if !in_force {
        return Err(ApiError::conflict(
            "programme-not-in-force",
            "a fee is set under the programme in force on the day the assessment takes effect",
        )
        .with("programme_status", status.as_ref()));
    }
    let terms = crate::programmes::model::terms_in_force(conn, municipality_id.uuid(), service_id, on)?;
    let Some(terms) = terms.filter(|terms| terms.programme_id == programme_id) else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "service_id",
            "not_in_programme",
            "the version of the programme in force that day does not offer this service",
        )]));
    };
    let own_rule = terms.service.fee_rule;
    let service = services::table
        .find(Id::from(service_id))
        .select(ServiceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::internal("a programme offers a service missing from the catalogue"))?;
    let rule = match own_rule {
        Some(rule) => from_json_text(&rule, "programme fee rule")?,
        None => service.fee_rule()?,
    };
    Ok((rule, service))
}

/// Assesses the fee and stores the assessment. 422 `unknown` resident, `unknown_exemption`, or
/// `no_criterion` for a day before the criteria known; 409 `fee-rule-needs-review`,
/// `fee-not-income-dependent` (free or fixed: nothing to assess), `unit-cost-missing`.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    draft: AssessmentDraft,
    assessed_by: &str,
) -> ApiResult<AssessmentRow> {
    let resident: Option<Id> =
        residents::table.find(Id::from(draft.resident_id)).select(residents::id).first(conn).optional()?;
    if resident.is_none() {
        return Err(ApiError::Validation(vec![FieldError::new("resident_id", "unknown", "no resident has this id")]));
    }
    let (rule, service) = effective_fee_rule(conn, draft.programme_id, draft.service_id, draft.valid_from)?;
    let table =
        match rule {
            FeeRule::IncomeTable(table) => table,
            FeeRule::NeedsReview { .. } => return Err(ApiError::conflict(
                "fee-rule-needs-review",
                "the service's fee rule is free text from before income tables: replace it with an income table first",
            )),
            FeeRule::Free | FeeRule::Fixed { .. } => {
                return Err(ApiError::conflict(
                    "fee-not-income-dependent",
                    "the service's fee does not depend on income: no assessment is needed",
                ))
            }
        };
    if let Some(exemption) = &draft.exemption {
        if !table.exemptions.iter().any(|known| known.code == exemption.code) {
            return Err(ApiError::Validation(vec![FieldError::new(
                "exemption.code",
                "unknown_exemption",
                "not one of the exemptions of the service's fee rule",
            )]));
        }
    }
    let assessed = table
        .assess(
            draft.household_income,
            draft.household_size,
            draft.stated_on,
            service.unit_cost.map(Money::from_grosze),
        )
        .map_err(|err| match err {
            AssessmentError::NoCriterion => ApiError::Validation(vec![FieldError::new(
                "stated_on",
                "no_criterion",
                "the statutory income criterion is known from 2018-10-01",
            )]),
            AssessmentError::NoUnitCost => ApiError::conflict(
                "unit-cost-missing",
                "the bracket is a percentage of the unit cost, which the catalogue entry does not state",
            ),
        })?;
    let now = clock::now();
    let row = AssessmentRow {
        id: id.into(),
        resident_id: draft.resident_id.into(),
        programme_id: draft.programme_id.into(),
        service_id: draft.service_id.into(),
        household_income: Some(draft.household_income.grosze()),
        household_size: i32::try_from(draft.household_size).unwrap_or(i32::MAX),
        income_per_person: Some(assessed.income_per_person.grosze()),
        stated_on: draft.stated_on,
        bracket: json_text(&assessed.bracket),
        fee_per_unit: if draft.exemption.is_some() { 0 } else { assessed.fee_per_unit.grosze() },
        valid_from: draft.valid_from,
        valid_to: draft.valid_to,
        exemption_code: draft.exemption.as_ref().map(|e| e.code.clone()),
        exemption_note: draft.exemption.and_then(|e| e.note),
        assessed_by: assessed_by.to_owned(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    diesel::insert_into(fee_assessments::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<AssessmentRow> {
    fee_assessments::table
        .find(Id::from(id))
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)
}

/// The assessment of a resident's service valid on a day (the latest made, should several be),
/// which a plan item's fee follows.
pub fn in_force(
    conn: &mut DbConnection,
    resident_id: Uuid,
    service_id: Uuid,
    on: NaiveDate,
) -> ApiResult<Option<AssessmentRow>> {
    Ok(fee_assessments::table
        .filter(fee_assessments::resident_id.eq(Id::from(resident_id)))
        .filter(fee_assessments::service_id.eq(Id::from(service_id)))
        .filter(fee_assessments::valid_from.le(on))
        .filter(fee_assessments::valid_to.is_null().or(fee_assessments::valid_to.ge(on)))
        .order(fee_assessments::id.desc())
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The list's only order: creation (the ids are UUIDv7).
pub const SORT: &str = "id";

/// One page (plus one row, to tell whether another page follows) of the filtered list.
pub fn list(
    conn: &mut DbConnection,
    filter: &FeeAssessmentQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<AssessmentRow>> {
    let mut query = fee_assessments::table.select(AssessmentRow::as_select()).into_boxed();
    if let Some(resident) = filter.resident_id {
        query = query.filter(fee_assessments::resident_id.eq(Id::from(resident)));
    }
    if let Some(service) = filter.service_id {
        query = query.filter(fee_assessments::service_id.eq(Id::from(service)));
    }
    if let Some(cursor) = cursor {
        query = query.filter(fee_assessments::id.gt(cursor.id.clone()));
    }
    Ok(query.order(fee_assessments::id.asc()).limit(i64::from(limit) + 1).load(conn)?)
}

/// Every assessment of a resident with the household's figures, for the resident's export (GDPR
/// art. 15).
pub fn of_resident(conn: &mut DbConnection, resident_id: Id) -> ApiResult<Vec<FeeAssessmentDetail>> {
    let rows: Vec<AssessmentRow> = fee_assessments::table
        .filter(fee_assessments::resident_id.eq(resident_id))
        .order(fee_assessments::id)
        .select(AssessmentRow::as_select())
        .load(conn)?;
    rows.iter().map(AssessmentRow::to_detail).collect()
}

/// On a resident's erasure (GDPR art. 17) the household's income and the exemption's note go;
/// the fee, the bracket and the household's size stay for the programme's statistics.
pub fn erase_household_figures(conn: &mut DbConnection, resident_id: Id) -> ApiResult<()> {
    diesel::update(fee_assessments::table.filter(fee_assessments::resident_id.eq(resident_id)))
        .set((
            fee_assessments::household_income.eq(None::<i64>),
            fee_assessments::income_per_person.eq(None::<i64>),
            fee_assessments::exemption_note.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

//! What a new or changed plan item is granted under: the programme in force in the resident's
//! municipality on the item's first day, the fee derived from that programme's rule (or the
//! resident's fee assessment), and the capacity of the programme's service.

use chrono::{Datelike, Months, NaiveDate};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::dto::{FeeSource, ItemDraft, ItemFee, ItemStatus, PlanStatus};
use crate::db::schema::{municipalities, plan_items, residents, service_plans};
use crate::db::{DbConnection, Id};
use crate::domain::fee::FeeRule;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::programmes::dto::CapacityKind;
use crate::programmes::model::TermsInForce;

/// A municipality a resident lives in: its id and TERYT code.
pub struct Municipality {
    id: Uuid,
    teryt: String,
}

/// The registered municipality of the resident's address (residents.teryt = municipalities.teryt).
pub fn municipality_of(conn: &mut DbConnection, resident_id: Uuid) -> ApiResult<Option<Municipality>> {
    let teryt: Option<String> =
        residents::table.find(Id::from(resident_id)).select(residents::teryt).first(conn).optional()?.flatten();
    let Some(teryt) = teryt else {
        return Ok(None);
    };
    let id: Option<Id> = municipalities::table
        .filter(municipalities::teryt.eq(&teryt))
        .select(municipalities::id)
        .first(conn)
        .optional()?;
    Ok(id.map(|id| Municipality { id: id.into(), teryt }))
}

/// 422 `no_municipality` at `resident_id`: a plan item is granted under the programme of the
/// resident's municipality, which the resident's address must name.
pub fn no_municipality() -> FieldError {
    FieldError::new(
        "resident_id",
        "no_municipality",
        "the resident's address names no registered municipality, whose programme of social services a plan item \
         is granted under",
    )
}

/// The programme in force on the item's first day in the municipality offering its service, or
/// 422 `not_in_programme` at the item's `service_id`.
pub fn terms_for(
    conn: &mut DbConnection,
    municipality: &Municipality,
    item: &ItemDraft,
    field: String,
) -> ApiResult<Result<TermsInForce, FieldError>> {
    let terms = crate::programmes::model::terms_in_force(conn, municipality.id, item.service_id, item.start_on)?;
    Ok(terms.ok_or_else(|| {
        FieldError::new(
            field,
            "not_in_programme",
            "no programme of social services in force in the resident's municipality on the item's start offers \
             this service",
        )
    }))
}

fn item_conflict(code: &'static str, detail: &str, index: usize) -> ApiError {
    ApiError::conflict(code, detail.to_owned()).with("item", format!("items[{index}]"))
}

fn times(per_unit: Money, quantity: i64) -> ApiResult<Money> {
    per_unit
        .grosze()
        .checked_mul(quantity)
        .map(Money::from_grosze)
        .ok_or_else(|| ApiError::internal("a plan item's fee is out of range"))
}

/// The item's fee under the effective rule of the programme service (its own, else the
/// catalogue's): none when free; the amount times the quantity when fixed; for an income table
/// the resident's assessment in force on the item's first day, its fee per unit times the
/// quantity (409 `fee-assessment-missing` without one); 409 `fee-rule-needs-review` for a rule
/// still in free text.
pub fn derive(
    conn: &mut DbConnection,
    resident_id: Uuid,
    terms: &TermsInForce,
    item: &ItemDraft,
    index: usize,
) -> ApiResult<ItemFee> {
    let (rule, _) =
        crate::fee_assessments::model::effective_fee_rule(conn, terms.programme_id, item.service_id, item.start_on)?;
    let fee = |total, basis, assessment_id| ItemFee { total, basis: Some(basis), assessment_id };
    match rule {
        FeeRule::Free => Ok(fee(None, FeeSource::Free, None)),
        FeeRule::Fixed { amount } => Ok(fee(Some(times(amount, item.quantity)?), FeeSource::Fixed, None)),
        FeeRule::IncomeTable(_) => {
            let assessment =
                crate::fee_assessments::model::in_force(conn, resident_id, item.service_id, item.start_on)?;
            let Some(assessment) = assessment else {
                return Err(item_conflict(
                    "fee-assessment-missing",
                    "the service's fee depends on income: assess the resident's fee for the service (valid on the \
                     item's start) before planning it",
                    index,
                ));
            };
            let basis = if assessment.exemption_code.is_some() { FeeSource::Exempt } else { FeeSource::Assessment };
            let total = times(Money::from_grosze(assessment.fee_per_unit), item.quantity)?;
            Ok(fee(Some(total), basis, Some(assessment.id.into())))
        }
        FeeRule::NeedsReview { .. } => Err(item_conflict(
            "fee-rule-needs-review",
            "the service's fee rule is free text from before income tables: replace it with an income table first",
            index,
        )),
    }
}

/// An item's dates and quantity, as capacity counts them.
#[derive(Debug, Clone, Copy)]
struct Span {
    start_on: NaiveDate,
    end_on: NaiveDate,
    quantity: i64,
}

impl Span {
    fn overlaps(&self, other: &Span) -> bool {
        self.start_on <= other.end_on && other.start_on <= self.end_on
    }

    /// The part of the quantity falling in `first..=last`, spread evenly over the item's days and
    /// rounded up to a whole unit (an item counts in every month it touches).
    fn within(&self, first: NaiveDate, last: NaiveDate) -> i64 {
        let days = |from: NaiveDate, to: NaiveDate| (to - from).num_days() + 1;
        let overlap = days(self.start_on.max(first), self.end_on.min(last)).max(0);
        let total = days(self.start_on, self.end_on);
        (self.quantity * overlap + total - 1) / total
    }
}

/// The items counting against the capacity besides the one checked: of other plans not closed,
/// items planned or active of the same service for any resident of the municipality, as they are
/// in force (a change awaiting approval counts once approved); and the plan's own other items of
/// the service, as drafted.
fn overlapping(
    conn: &mut DbConnection,
    municipality: &Municipality,
    plan_id: Id,
    items: &[ItemDraft],
    index: usize,
) -> ApiResult<Vec<Span>> {
    let item = &items[index];
    let live = [ItemStatus::Planned, ItemStatus::Active];
    let rows: Vec<(NaiveDate, NaiveDate, i64)> = plan_items::table
        .inner_join(service_plans::table.inner_join(residents::table))
        .filter(plan_items::service_id.eq(Id::from(item.service_id)))
        .filter(plan_items::start_on.le(item.end_on))
        .filter(plan_items::end_on.ge(item.start_on))
        .filter(plan_items::status.eq_any(live))
        .filter(plan_items::plan_id.ne(plan_id))
        .filter(service_plans::status.ne(PlanStatus::Closed))
        .filter(residents::teryt.eq(&municipality.teryt))
        .select((plan_items::start_on, plan_items::end_on, plan_items::quantity))
        .load(conn)?;
    let this = Span { start_on: item.start_on, end_on: item.end_on, quantity: item.quantity };
    let own = items
        .iter()
        .enumerate()
        .filter(|(other, draft)| *other != index && draft.service_id == item.service_id && live.contains(&draft.status))
        .map(|(_, draft)| Span { start_on: draft.start_on, end_on: draft.end_on, quantity: draft.quantity });
    Ok(rows
        .into_iter()
        .map(|(start_on, end_on, quantity)| Span { start_on, end_on, quantity })
        .chain(own)
        .filter(|span| span.overlaps(&this))
        .collect())
}

/// 409 `capacity-exceeded` when the item would take the programme's service over its capacity
/// in the municipality: `places`, the item and those overlapping its dates; `units_per_month`,
/// in a calendar month the item covers, their monthly quantities (see `Span::within`).
/// Plans of one municipality are checked one after the other, so two cannot both take the last
/// place: PostgreSQL locks the municipality's row (as programmes' adoption does), SQLite's write
/// transactions already run one at a time.
pub fn ensure_capacity(
    conn: &mut DbConnection,
    municipality: &Municipality,
    terms: &TermsInForce,
    plan_id: Id,
    items: &[ItemDraft],
    index: usize,
) -> ApiResult<()> {
    let capacity = (terms.service.capacity_kind, terms.service.capacity_value.map(i64::from));
    let (kind, Some(value)) = capacity else {
        return Ok(());
    };
    if kind == CapacityKind::Unlimited {
        return Ok(());
    }
    if let DbConnection::Pg(c) = conn {
        municipalities::table.find(Id::from(municipality.id)).select(municipalities::id).for_update().first::<Id>(c)?;
    }
    let item = &items[index];
    let this = Span { start_on: item.start_on, end_on: item.end_on, quantity: item.quantity };
    let mut others = overlapping(conn, municipality, plan_id, items, index)?;
    others.push(this);
    let over = match kind {
        CapacityKind::Places => (others.len() as i64 > value).then_some(None),
        _ => months(item.start_on, item.end_on).find_map(|(first, last)| {
            let used: i64 = others.iter().map(|span| span.within(first, last)).sum();
            (used > value).then(|| Some(first.format("%Y-%m").to_string()))
        }),
    };
    let Some(month) = over else {
        return Ok(());
    };
    let mut conflict = ApiError::conflict(
        "capacity-exceeded",
        "the item would take the programme's service over its capacity in the municipality",
    )
    .with("programme_id", terms.programme_id.to_string())
    .with("service_id", item.service_id.to_string())
    .with("capacity", json!({"kind": kind.as_ref(), "value": value}))
    .with("item", format!("items[{index}]"));
    if let Some(month) = month {
        conflict = conflict.with("month", month);
    }
    Err(conflict)
}

/// The calendar months `start..=end` touches, each as its first and last day.
fn months(start: NaiveDate, end: NaiveDate) -> impl Iterator<Item = (NaiveDate, NaiveDate)> {
    let first = start.with_day(1).unwrap_or(start);
    std::iter::successors(Some(first), |month| month.checked_add_months(Months::new(1)))
        .take_while(move |month| *month <= end)
        .map(|month| {
            (month, month.checked_add_months(Months::new(1)).map_or(month, |next| next.pred_opt().unwrap_or(next)))
        })
}

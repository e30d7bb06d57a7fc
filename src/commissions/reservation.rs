//! Reserved contracts (*zamówienia zastrzeżone*, Pzp art. 361): a `public_procurement` commission
//! reserved to a provider with a social mission, reinvested profits and participatory governance
//! (ust. 1 pkt 1-3, verified by the staff and validated with the input), no other reserved
//! contract for the same services in the last 3 years (pkt 4, checked here), for at most 3 years
//! (ust. 2). Stored in its own table beside the commission.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::{Reservation, RESERVED_AWARD_INTERVAL_MONTHS};
use super::eligibility::NOT_ELIGIBLE;
use crate::clock;
use crate::db::schema::{commission_reservations, commissions, providers};
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult};

/// The verified conditions of ust. 1 pkt 1-3 (all true: the input is refused otherwise, and the
/// table's CHECK holds it).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = commission_reservations, treat_none_as_default_value = false)]
pub struct ReservationRow {
    pub commission_id: Id,
    pub public_service_mission: bool,
    pub profits_reinvested: bool,
    pub participatory_governance: bool,
    pub created_at: NaiveDateTime,
}

impl ReservationRow {
    /// A reservation recorded now, its conditions met (as validation ensures).
    pub fn new(commission_id: Id) -> Self {
        ReservationRow {
            commission_id,
            public_service_mission: true,
            profits_reinvested: true,
            participatory_governance: true,
            created_at: clock::now(),
        }
    }

    pub fn to_dto(&self) -> Reservation {
        Reservation {
            public_service_mission: Some(self.public_service_mission),
            profits_reinvested: Some(self.profits_reinvested),
            participatory_governance: Some(self.participatory_governance),
        }
    }
}

pub fn of(conn: &mut DbConnection, commission_id: &Id) -> ApiResult<Option<ReservationRow>> {
    Ok(commission_reservations::table.find(commission_id).select(ReservationRow::as_select()).first(conn).optional()?)
}

/// The reservations of a page of commissions, by commission id (one query).
pub fn of_each(conn: &mut DbConnection, commission_ids: Vec<Id>) -> ApiResult<HashMap<Id, ReservationRow>> {
    let rows: Vec<ReservationRow> = commission_reservations::table
        .filter(commission_reservations::commission_id.eq_any(commission_ids))
        .select(ReservationRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|row| (row.commission_id, row)).collect())
}

/// Records whether the commission is reserved: keeps, adds or removes its row.
pub fn store(
    conn: &mut DbConnection,
    commission_id: &Id,
    before: Option<&ReservationRow>,
    after: Option<&ReservationRow>,
) -> ApiResult<()> {
    match (before, after) {
        (None, Some(row)) => {
            diesel::insert_into(commission_reservations::table).values(row).execute(conn)?;
        }
        (Some(_), None) => {
            diesel::delete(commission_reservations::table.find(commission_id)).execute(conn)?;
        }
        _ => {}
    }
    Ok(())
}

/// Pzp art. 361 ust. 1 pkt 4: refuses (409 `provider-not-eligible`) a reserved commission whose
/// provider received another reserved contract for the same service starting less than 3 years
/// from this one's start. Only awarded (activated) contracts count, not drafts; checked at creation
/// and at activation. The window looks both ways: drafts may be activated in any order, and a
/// later-starting contract awarded first is an award of the last 3 years all the same. Served by
/// the index on commissions (provider_id, service_id, period_start). Concurrent checks for one
/// provider run one after the other: PostgreSQL locks the provider's row (`FOR UPDATE`, outside
/// diesel's common subset), SQLite's write transactions already run one at a time.
pub fn ensure_no_recent_award(
    conn: &mut DbConnection,
    commission_id: &Id,
    provider_id: &Id,
    service_id: &Id,
    start: NaiveDate,
) -> ApiResult<()> {
    let interval = Months::new(RESERVED_AWARD_INTERVAL_MONTHS);
    let (since, until) = start
        .checked_sub_months(interval)
        .zip(start.checked_add_months(interval))
        .ok_or_else(|| ApiError::internal("a commission's start is out of the calendar's range"))?;
    if let DbConnection::Pg(c) = conn {
        providers::table.find(provider_id).select(providers::id).for_update().first::<Id>(c)?;
    }
    let awarded: Option<(Id, NaiveDate)> = commission_reservations::table
        .inner_join(commissions::table)
        .filter(commissions::provider_id.eq(provider_id))
        .filter(commissions::service_id.eq(service_id))
        .filter(commissions::period_start.gt(since))
        .filter(commissions::period_start.lt(until))
        .filter(commissions::activated_on.is_not_null())
        .filter(commissions::id.ne(commission_id))
        .select((commissions::id, commissions::period_start))
        .first(conn)
        .optional()?;
    let Some((awarded_id, awarded_start)) = awarded else {
        return Ok(());
    };
    Err(ApiError::conflict(
        NOT_ELIGIBLE,
        format!(
            "a reserved contract may not go to a provider awarded another reserved contract for the same service starting less than 3 years apart (Pzp art. 361 ust. 1 pkt 4); that one starts on {awarded_start}"
        ),
    )
    .with("rule", "no reserved contract for the same service in the last 3 years")
    .with("legal_basis", "Pzp art. 361 ust. 1 pkt 4")
    .with("awarded_commission_id", awarded_id.to_string())
    .with("awarded_start", awarded_start.to_string()))
}

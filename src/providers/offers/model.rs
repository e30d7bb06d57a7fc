//! Offer storage, with the locations each offer is given at (`offer_locations`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{Offer, OfferDraft};
use crate::clock;
use crate::db::schema::{offer_locations, provider_offers, services};
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = provider_offers, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct OfferRow {
    pub id: Id,
    pub provider_id: Id,
    pub service_id: Id,
    pub capacity_per_month: Option<i64>,
    pub area_served: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub at_home: bool,
}

/// One location an offer is given at.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = offer_locations)]
pub struct OfferLocationRow {
    pub offer_id: Id,
    pub location_id: Id,
    pub position: i32,
}

/// An offer with the locations it is given at, in the order they were given.
#[derive(Debug, Clone)]
pub struct OfferRecord {
    pub row: OfferRow,
    pub location_ids: Vec<Uuid>,
}

const NOT_FOUND: ApiError = ApiError::NotFound { resource: "offer" };

impl OfferRecord {
    pub fn etag(&self) -> String {
        etag(self.row.version)
    }

    pub fn to_dto(&self) -> ApiResult<Offer> {
        let row = &self.row;
        Ok(Offer {
            id: row.id.into(),
            provider_id: row.provider_id.into(),
            service_id: row.service_id.into(),
            capacity_per_month: row.capacity_per_month,
            area_served: serde_json::from_str(&row.area_served).unwrap_or_default(),
            notes: row.notes.clone(),
            location_ids: self.location_ids.clone(),
            at_home: row.at_home,
            created_at: clock::utc(row.created_at),
            updated_at: clock::utc(row.updated_at),
            version: row.version,
        })
    }
}

impl OfferRow {
    fn set(&mut self, draft: &OfferDraft) {
        let codes: Vec<&str> = draft.area_served.iter().map(|t| t.as_str()).collect();
        self.capacity_per_month = draft.capacity_per_month;
        self.area_served = serde_json::to_string(&codes).unwrap_or_else(|_| "[]".to_owned());
        self.notes = draft.notes.clone();
        self.at_home = draft.at_home;
    }
}

/// The offers with their locations.
fn with_locations(conn: &mut DbConnection, rows: Vec<OfferRow>) -> ApiResult<Vec<OfferRecord>> {
    let links: Vec<(Id, Id)> = offer_locations::table
        .filter(offer_locations::offer_id.eq_any(rows.iter().map(|row| row.id).collect::<Vec<_>>()))
        .order((offer_locations::offer_id, offer_locations::position))
        .select((offer_locations::offer_id, offer_locations::location_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let location_ids =
                links.iter().filter(|(offer, _)| *offer == row.id).map(|(_, l)| Uuid::from(*l)).collect();
            OfferRecord { row, location_ids }
        })
        .collect())
}

/// Offers of one provider, in creation order.
pub fn list(conn: &mut DbConnection, provider_id: Uuid) -> ApiResult<Vec<OfferRecord>> {
    let rows = provider_offers::table
        .filter(provider_offers::provider_id.eq(Id::from(provider_id)))
        .order(provider_offers::id.asc())
        .select(OfferRow::as_select())
        .load(conn)?;
    with_locations(conn, rows)
}

fn find(conn: &mut DbConnection, provider_id: Uuid, id: Uuid) -> ApiResult<OfferRow> {
    provider_offers::table
        .filter(provider_offers::provider_id.eq(Id::from(provider_id)))
        .filter(provider_offers::id.eq(Id::from(id)))
        .select(OfferRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)
}

/// Replaces the offer's locations with the draft's, checked against the locations' rules.
fn set_locations(conn: &mut DbConnection, row: OfferRow, draft: &OfferDraft) -> ApiResult<OfferRecord> {
    crate::locations::model::check_offer_locations(conn, "location_ids", row.provider_id.into(), &draft.location_ids)?;
    diesel::delete(offer_locations::table.filter(offer_locations::offer_id.eq(row.id))).execute(conn)?;
    for (location_id, position) in draft.location_ids.iter().zip(0..) {
        let link = OfferLocationRow { offer_id: row.id, location_id: (*location_id).into(), position };
        diesel::insert_into(offer_locations::table).values(&link).execute(conn)?;
    }
    Ok(OfferRecord { row, location_ids: draft.location_ids.clone() })
}

/// Whether the provider offers the service (used by commissions and plans).
pub fn offers_service(conn: &mut DbConnection, provider_id: Uuid, service_id: Uuid) -> ApiResult<bool> {
    let count: i64 = provider_offers::table
        .filter(provider_offers::provider_id.eq(Id::from(provider_id)))
        .filter(provider_offers::service_id.eq(Id::from(service_id)))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn insert(conn: &mut DbConnection, provider_id: Uuid, id: Uuid, draft: OfferDraft) -> ApiResult<OfferRecord> {
    let service_status: Option<String> =
        services::table.find(Id::from(draft.service_id)).select(services::status).first(conn).optional()?;
    match service_status.as_deref() {
        None => {
            return Err(ApiError::Validation(vec![crate::error::FieldError::new(
                "service_id",
                "unknown",
                "no catalogue service has this id",
            )]))
        }
        Some("active") => {}
        Some(status) => {
            return Err(ApiError::conflict(
                "service-not-active",
                format!("the catalogue service is {status}, not active"),
            )
            .with("service_status", status.to_owned()))
        }
    }
    if offers_service(conn, provider_id, draft.service_id)? {
        return Err(ApiError::conflict("duplicate-offer", "the provider already offers this service"));
    }
    let now = clock::now();
    let mut row = OfferRow {
        id: id.into(),
        provider_id: provider_id.into(),
        service_id: draft.service_id.into(),
        capacity_per_month: None,
        area_served: String::new(),
        notes: String::new(),
        created_at: now,
        updated_at: now,
        version: 1,
        at_home: false,
    };
    row.set(&draft);
    diesel::insert_into(provider_offers::table).values(&row).execute(conn)?;
    set_locations(conn, row, &draft)
}

/// A merge patch of an offer; its service cannot change (create another offer instead).
pub fn update(
    conn: &mut DbConnection,
    provider_id: Uuid,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Offer) -> ApiResult<OfferDraft>,
) -> ApiResult<OfferRecord> {
    let row = find(conn, provider_id, id)?;
    let record = with_locations(conn, vec![row])?.pop().ok_or(NOT_FOUND)?;
    if_match.require(record.etag())?;
    let draft = change(&record.to_dto()?)?;
    let mut row = record.row;
    if row.service_id != draft.service_id.into() {
        return Err(ApiError::Validation(vec![crate::error::FieldError::new(
            "service_id",
            "read_only",
            "the service of an offer cannot change; create another offer",
        )]));
    }
    row.set(&draft);
    let row = crate::save_versioned!(conn, provider_offers, row, NOT_FOUND)?;
    set_locations(conn, row, &draft)
}

pub fn delete(conn: &mut DbConnection, provider_id: Uuid, id: Uuid, if_match: &IfMatch) -> ApiResult<()> {
    let row = find(conn, provider_id, id)?;
    if_match.require(etag(row.version))?;
    diesel::delete(offer_locations::table.filter(offer_locations::offer_id.eq(row.id))).execute(conn)?;
    diesel::delete(provider_offers::table.find(&row.id).filter(provider_offers::version.eq(row.version)))
        .execute(conn)?;
    Ok(())
}

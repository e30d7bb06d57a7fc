//! Offer storage.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{Offer, OfferDraft};
use crate::clock;
use crate::db::schema::{provider_offers, services};
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
}

const NOT_FOUND: ApiError = ApiError::NotFound { resource: "offer" };

impl OfferRow {
    pub fn etag(&self) -> String {
        etag(self.version)
    }

    fn set(&mut self, draft: OfferDraft) {
        let codes: Vec<&str> = draft.area_served.iter().map(|t| t.as_str()).collect();
        self.capacity_per_month = draft.capacity_per_month;
        self.area_served = serde_json::to_string(&codes).unwrap_or_else(|_| "[]".to_owned());
        self.notes = draft.notes;
    }

    pub fn to_dto(&self) -> ApiResult<Offer> {
        Ok(Offer {
            id: self.id.into(),
            provider_id: self.provider_id.into(),
            service_id: self.service_id.into(),
            capacity_per_month: self.capacity_per_month,
            area_served: serde_json::from_str(&self.area_served).unwrap_or_default(),
            notes: self.notes.clone(),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }
}

/// Offers of one provider, in creation order.
pub fn list(conn: &mut DbConnection, provider_id: Uuid) -> ApiResult<Vec<OfferRow>> {
    Ok(provider_offers::table
        .filter(provider_offers::provider_id.eq(Id::from(provider_id)))
        .order(provider_offers::id.asc())
        .select(OfferRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, provider_id: Uuid, id: Uuid) -> ApiResult<OfferRow> {
    provider_offers::table
        .filter(provider_offers::provider_id.eq(Id::from(provider_id)))
        .filter(provider_offers::id.eq(Id::from(id)))
        .select(OfferRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)
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

pub fn insert(conn: &mut DbConnection, provider_id: Uuid, id: Uuid, draft: OfferDraft) -> ApiResult<OfferRow> {
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
    };
    row.set(draft);
    diesel::insert_into(provider_offers::table).values(&row).execute(conn)?;
    Ok(row)
}

/// A merge patch of an offer; its service cannot change (create another offer instead).
pub fn update(
    conn: &mut DbConnection,
    provider_id: Uuid,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Offer) -> ApiResult<OfferDraft>,
) -> ApiResult<OfferRow> {
    let mut row = find(conn, provider_id, id)?;
    if_match.require(row.etag())?;
    let draft = change(&row.to_dto()?)?;
    if row.service_id != draft.service_id.into() {
        return Err(ApiError::Validation(vec![crate::error::FieldError::new(
            "service_id",
            "read_only",
            "the service of an offer cannot change; create another offer",
        )]));
    }
    row.set(draft);
    crate::save_versioned!(conn, provider_offers, row, NOT_FOUND)
}

pub fn delete(conn: &mut DbConnection, provider_id: Uuid, id: Uuid, if_match: &IfMatch) -> ApiResult<()> {
    let row = find(conn, provider_id, id)?;
    if_match.require(row.etag())?;
    diesel::delete(provider_offers::table.find(&row.id).filter(provider_offers::version.eq(row.version)))
        .execute(conn)?;
    Ok(())
}

//! Offers: which catalogue services a provider can deliver, how much, and where.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::clock;
use crate::db::schema::{provider_offers, services};
use crate::db::{DbConnection, Id};
use crate::domain::Teryt;
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::validation::FieldErrors;

/// A catalogue service a provider can deliver.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-0000000000f1",
    "provider_id": "0193a5f2-0000-7000-8000-0000000000aa",
    "service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
    "capacity_per_month": 400,
    "area_served": ["2611011", "2611022"],
    "notes": "Także w weekendy.",
    "created_at": "2026-11-26T10:00:00Z",
    "updated_at": "2026-11-26T10:00:00Z",
    "version": 1
}))]
pub struct Offer {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub service_id: Uuid,
    /// Units of the service's unit per month, when known.
    pub capacity_per_month: Option<i64>,
    /// TERYT TERC codes of the municipalities served.
    pub area_served: Vec<String>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The writable fields of an offer; `service_id` only on creation.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "capacity_per_month": 400, "area_served": ["2611011"], "notes": "Także w weekendy."}))]
pub struct OfferInput {
    #[schema(required = true)]
    pub service_id: Option<Uuid>,
    /// 0 to 1,000,000.
    pub capacity_per_month: Option<i64>,
    /// Up to 100 distinct TERYT TERC codes.
    pub area_served: Option<Vec<String>>,
    /// At most 2000 characters.
    pub notes: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OfferDraft {
    pub service_id: Uuid,
    pub capacity_per_month: Option<i64>,
    pub area_served: Vec<Teryt>,
    pub notes: String,
}

impl OfferInput {
    pub fn validate_draft(self) -> ApiResult<OfferDraft> {
        let mut errors = FieldErrors::new();
        let service_id = errors.required("service_id", self.service_id);
        if self.capacity_per_month.is_some_and(|c| !(0..=1_000_000).contains(&c)) {
            errors.add("capacity_per_month", "range", "capacity_per_month must be between 0 and 1000000");
        }
        let codes = self.area_served.unwrap_or_default();
        if codes.len() > 100 {
            errors.add("area_served", "length", "at most 100 municipalities");
        }
        let mut area_served: Vec<Teryt> = Vec::with_capacity(codes.len());
        for (index, code) in codes.iter().enumerate() {
            match Teryt::parse(code) {
                Ok(teryt) if area_served.contains(&teryt) => {
                    errors.add(format!("area_served[{index}]"), "duplicate", "this municipality is listed twice")
                }
                Ok(teryt) => area_served.push(teryt),
                Err(err) => errors.add(format!("area_served[{index}]"), err.code(), err.message()),
            }
        }
        let notes = self.notes.map(|n| n.trim().to_owned()).unwrap_or_default();
        if notes.chars().count() > 2000 {
            errors.add("notes", "length", "notes must be at most 2000 characters long");
        }
        errors.finish(|| {
            Some(OfferDraft {
                service_id: service_id?,
                capacity_per_month: self.capacity_per_month,
                area_served,
                notes,
            })
        })
    }
}

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
    if !if_match.matches(&row.etag()) {
        return Err(ApiError::PreconditionFailed { current_etag: row.etag() });
    }
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
    if !if_match.matches(&row.etag()) {
        return Err(ApiError::PreconditionFailed { current_etag: row.etag() });
    }
    diesel::delete(provider_offers::table.find(&row.id).filter(provider_offers::version.eq(row.version)))
        .execute(conn)?;
    Ok(())
}

//! Offers: API vocabulary and the checks that need no database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::Teryt;
use crate::error::ApiResult;
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
    "location_ids": ["0193a5f2-0000-7000-8000-000000000c01"],
    "at_home": true,
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
    /// Where it is given (`/api/v1/locations`): the provider's own locations or the CUS's.
    pub location_ids: Vec<Uuid>,
    /// Given at the resident's home, which needs no location.
    pub at_home: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The writable fields of an offer; `service_id` only on creation.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "capacity_per_month": 400, "area_served": ["2611011"], "notes": "Także w weekendy.", "location_ids": ["0193a5f2-0000-7000-8000-000000000c01"], "at_home": true}))]
pub struct OfferInput {
    #[schema(required = true)]
    pub service_id: Option<Uuid>,
    /// 0 to 1,000,000.
    pub capacity_per_month: Option<i64>,
    /// Up to 100 distinct TERYT TERC codes.
    pub area_served: Option<Vec<String>>,
    /// At most 2000 characters.
    pub notes: Option<String>,
    /// Distinct ids of active locations run by the provider or by the CUS (422 `unknown`,
    /// `archived`, `other_provider` at the index).
    pub location_ids: Option<Vec<Uuid>>,
    /// `false` unless sent.
    pub at_home: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct OfferDraft {
    pub service_id: Uuid,
    pub capacity_per_month: Option<i64>,
    pub area_served: Vec<Teryt>,
    pub notes: String,
    pub location_ids: Vec<Uuid>,
    pub at_home: bool,
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
        let location_ids = self.location_ids.unwrap_or_default();
        for (index, id) in location_ids.iter().enumerate() {
            if location_ids[..index].contains(id) {
                errors.add(format!("location_ids[{index}]"), "duplicate", "this location is listed twice");
            }
        }
        errors.finish(|| {
            Some(OfferDraft {
                service_id: service_id?,
                capacity_per_month: self.capacity_per_month,
                area_served,
                notes,
                location_ids,
                at_home: self.at_home.unwrap_or(false),
            })
        })
    }
}

//! Plan items for providers: the item query and deliveries, with the checks that need no database.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::caller::Caller;
use crate::domain::period::parse_date;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::validation::FieldErrors;

/// A delivery a provider records on its plan item.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"delivered_on": "2026-12-03", "units": 2, "note": "Pomoc przy zakupach"}))]
pub struct DeliveryInput {
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub delivered_on: Option<String>,
    #[schema(required = true)]
    pub units: Option<i64>,
    pub note: Option<String>,
}

/// A validated delivery.
#[derive(Debug, Clone)]
pub struct DeliveryDraft {
    pub delivered_on: NaiveDate,
    pub units: i64,
    pub note: String,
}

impl DeliveryInput {
    pub fn validate_draft(self) -> ApiResult<DeliveryDraft> {
        let mut errors = FieldErrors::new();
        let date = errors.required("delivered_on", self.delivered_on.as_deref());
        let delivered_on = errors.parse_with("delivered_on", "invalid_date", date, parse_date);
        let units = errors.required("units", self.units);
        if units.is_some_and(|u| !(1..=10_000).contains(&u)) {
            errors.add("units", "range", "units must be between 1 and 10000");
        }
        let note = self.note.map(|n| n.trim().to_owned()).unwrap_or_default();
        if note.chars().count() > 2000 {
            errors.add("note", "length", "note must be at most 2000 characters long");
        }
        errors.finish(|| Some(DeliveryDraft { delivered_on: delivered_on?, units: units?, note }))
    }
}

/// A recorded delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub delivered_on: NaiveDate,
    pub units: i64,
    pub note: String,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

/// Filters of the plan-item list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanItemQuery {
    /// `me` for a provider user's own items; CUS staff give a provider id.
    #[param(
        example = "me",
        pattern = "^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    )]
    pub provider: String,
}

impl PlanItemQuery {
    /// The provider whose items are asked for: `me` for a provider user, an id for CUS staff.
    pub fn provider_for(&self, caller: &Caller) -> ApiResult<Uuid> {
        let provider = self.provider.as_str();
        let id = || {
            provider.parse::<Uuid>().map_err(|_| {
                ApiError::bad_request(
                    "invalid query parameter provider",
                    vec![FieldError::new("provider", "invalid_id", "give a provider id, or me")],
                )
            })
        };
        match (caller.provider_scope(), provider) {
            (Some(own), "me") => Ok(own),
            (Some(own), _) if id()? == own => Ok(own),
            // Another provider's items are a record the caller may not know exists.
            (Some(_), _) => Err(ApiError::NotFound { resource: "provider" }),
            (None, "me") => Err(ApiError::Validation(vec![FieldError::new(
                "provider",
                "not_a_provider",
                "me stands for the caller's own provider, and a staff caller has none: give a provider id",
            )])),
            (None, _) => id(),
        }
    }
}

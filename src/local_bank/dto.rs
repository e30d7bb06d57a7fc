//! The local bank's public shapes: catalogue fields and offers, never a contact or a person.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::services::dto::Service;

/// Paging and incremental sync of the local bank, in order of the last change.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LocalBankQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only what changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// An active provider's offer of a service, with the provider's public name only.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalBankOffer {
    pub offer_id: Uuid,
    pub provider_id: Uuid,
    /// The provider's registered name (a legal person's, never a contact person's).
    #[schema(example = "Fundacja Dobry Dom")]
    pub provider_name: String,
    pub provider_short_name: Option<String>,
    /// Where the provider gives the service (active locations, see `/api/v1/locations`).
    pub location_ids: Vec<Uuid>,
    /// Given at the resident's home (w miejscu zamieszkania), which needs no location.
    pub at_home: bool,
    /// The gminas (TERYT) the provider serves with this offer.
    pub area_served: Vec<String>,
    /// Whether an active commission (zlecenie) of this provider for this service covers today;
    /// `false` marks an offer the CUS does not fund.
    pub funded_by_cus: bool,
}

/// An active catalogue service with the offers of active providers.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalBankService {
    #[serde(flatten)]
    pub service: Service,
    pub offers: Vec<LocalBankOffer>,
}

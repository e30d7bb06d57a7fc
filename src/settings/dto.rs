//! Settings' API vocabulary.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Money;
use crate::error::ApiResult;
use crate::validation::FieldErrors;

/// The grants a budget year plans for NGOs' public tasks (*dotacje planowane w roku budżetowym na
/// realizację zadań publicznych przez organizacje pozarządowe*): small grants of that year total at
/// most 20% of it (public benefit act art. 19a ust. 6).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "planned_ngo_grants": "1500000.00", "small_grant_limit": "300000.00",
    "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z", "version": 1}))]
pub struct GrantYear {
    pub year: i32,
    #[schema(value_type = String, example = "1500000.00")]
    pub planned_ngo_grants: Money,
    /// 20% of `planned_ngo_grants`: what the year's small grants may transfer in total.
    #[schema(value_type = String, example = "300000.00")]
    pub small_grant_limit: Money,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The writable figure of a grant year.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"planned_ngo_grants": "1500000.00"}))]
pub struct GrantYearInput {
    #[schema(required = true, value_type = Option<String>, example = "1500000.00")]
    pub planned_ngo_grants: Option<String>,
}

/// Budget years the API accepts.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl GrantYearInput {
    pub fn validate(self) -> ApiResult<Money> {
        let mut errors = FieldErrors::new();
        let amount = errors.required("planned_ngo_grants", self.planned_ngo_grants.as_deref());
        let amount = errors.parse_with("planned_ngo_grants", "invalid_amount", amount, Money::parse);
        errors.finish(|| amount)
    }
}

//! What the director sends and everyone concerned reads about authorisations.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::validation::FieldErrors;

crate::text_enum! {
/// What an authorisation allows: `approve_plans`, approving individual plans (IPUS) for the
/// director (CUS act).
pub enum Scope {
    ApprovePlans,
}
}

/// An authorisation by the director.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000011", "subject": "anna.nowak", "scope": "approve_plans",
    "valid_from": "2026-12-01", "valid_to": "2027-11-30", "granted_by": "jan.kowalski",
    "revoked_at": null, "revoked_by": null,
    "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z", "version": 1
}))]
pub struct Authorisation {
    pub id: Uuid,
    /// Token subject of the authorised person or client.
    pub subject: String,
    pub scope: Scope,
    pub valid_from: NaiveDate,
    /// Last day it holds; `null`: until revoked.
    pub valid_to: Option<NaiveDate>,
    /// Subject of the director who granted it.
    pub granted_by: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A new authorisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject": "anna.nowak", "scope": "approve_plans", "valid_from": "2026-12-01", "valid_to": "2027-11-30"}))]
pub struct NewAuthorisation {
    #[schema(required = true)]
    pub subject: Option<String>,
    #[schema(required = true, value_type = Option<Scope>)]
    pub scope: Option<String>,
    #[schema(required = true)]
    pub valid_from: Option<NaiveDate>,
    /// On or after `valid_from`; omit for an authorisation until revoked.
    pub valid_to: Option<NaiveDate>,
}

/// A validated new authorisation.
#[derive(Debug, Clone)]
pub struct AuthorisationDraft {
    pub subject: String,
    pub scope: Scope,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl NewAuthorisation {
    pub fn validate_draft(self) -> ApiResult<AuthorisationDraft> {
        let mut errors = FieldErrors::new();
        let subject = errors.required("subject", self.subject.as_deref().map(str::trim));
        // Its longest length is the shared limit of short texts, checked on every body.
        if subject.is_some_and(str::is_empty) {
            errors.add("subject", "length", "subject may not be empty");
        }
        let scope = errors.required_enum::<Scope>("scope", self.scope.as_deref());
        let valid_from = errors.required("valid_from", self.valid_from);
        if let (Some(from), Some(to)) = (valid_from, self.valid_to) {
            if to < from {
                errors.add("valid_to", "before_start", "valid_to may not be before valid_from");
            }
        }
        errors.finish(|| {
            Some(AuthorisationDraft {
                subject: subject?.to_owned(),
                scope: scope?,
                valid_from: valid_from?,
                valid_to: self.valid_to,
            })
        })
    }
}

/// Filters and paging of the list (oldest first). Callers other than the director see only
/// their own authorisations.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuthorisationQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    #[param(example = "anna.nowak")]
    pub subject: Option<String>,
    pub scope: Option<Scope>,
    /// Only authorisations that hold on this day (valid and not revoked).
    #[param(example = "2026-12-02")]
    pub active_on: Option<NaiveDate>,
    /// Only authorisations changed at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

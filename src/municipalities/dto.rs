//! Municipalities' API vocabulary: the gmina as staff and the public read it, what staff send,
//! and its validation into a `MunicipalityDraft`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::{parse_date, DateRange, Period};
use crate::domain::text::clean;
use crate::domain::Teryt;
use crate::error::ApiResult;
use crate::http::merge_patch;
use crate::validation::FieldErrors;

crate::text_enum! {
/// Why the CUS serves a gmina: `founder`, the gmina that created the centre (gmina
/// tworząca; exactly one), or `agreement_party`, a gmina served under an inter-municipal
/// agreement (porozumienie międzygminne, CUS act art. 3).
pub enum MunicipalityRole {
    Founder,
    AgreementParty,
}
}

crate::text_enum! {
/// `active`: served, residents may be registered in it; `inactive`: no longer served (the
/// agreement ended), kept for the records of its residents. Changed only by the `activate` and
/// `deactivate` actions.
pub enum MunicipalityStatus {
    Active,
    Inactive,
}
}

/// A state change of a municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MunicipalityAction {
    Activate,
    Deactivate,
}

impl Lifecycle for MunicipalityStatus {
    type Action = MunicipalityAction;

    fn allowed_actions(self) -> &'static [MunicipalityAction] {
        match self {
            MunicipalityStatus::Active => &[MunicipalityAction::Deactivate],
            MunicipalityStatus::Inactive => &[MunicipalityAction::Activate],
        }
    }

    fn after(self, action: MunicipalityAction) -> MunicipalityStatus {
        match action {
            MunicipalityAction::Activate => MunicipalityStatus::Active,
            MunicipalityAction::Deactivate => MunicipalityStatus::Inactive,
        }
    }
}

/// The inter-municipal agreement (porozumienie międzygminne) under which the CUS serves a gmina.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MunicipalAgreement {
    #[schema(example = "OR.0152.3.2026")]
    pub number: String,
    pub signed_on: NaiveDate,
    /// The days it covers, both included.
    pub period: Period,
}

/// The gmina's population (liczba mieszkańców) on a date: the denominator of the
/// per-1,000-residents indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Population {
    #[schema(example = 49_000)]
    pub count: i64,
    #[schema(example = "2025-12-31")]
    pub as_of: NaiveDate,
}

/// A gmina (municipality) the CUS serves, as staff read it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000021", "teryt": "2611011", "name": "Starachowice",
    "role": "agreement_party",
    "agreement": {"number": "OR.0152.3.2026", "signed_on": "2026-01-15", "period": {"start": "2026-02-01", "end": "2028-12-31"}},
    "population": {"count": 47_500, "as_of": "2025-12-31"},
    "status": "active", "needs_review": false,
    "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z", "version": 1
}))]
pub struct Municipality {
    pub id: Uuid,
    /// TERYT TERC code of the gmina, 7 digits (voivodeship, powiat, gmina, type).
    pub teryt: String,
    pub name: String,
    pub role: MunicipalityRole,
    /// The agreement of an `agreement_party`; `null` for the founder (and for one registered by
    /// the migration until staff enter it).
    pub agreement: Option<MunicipalAgreement>,
    pub population: Option<Population>,
    pub status: MunicipalityStatus,
    /// Registered by the migration from the codes residents already used (named by the code, no
    /// agreement): staff confirm it with a change, which clears the flag.
    pub needs_review: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// +1 on every change; the ETag.
    pub version: i64,
}

/// What the public reads of an active gmina: its code and name, and nothing else (so that a full
/// record never reads as a public one: the two are exclusive in `MunicipalityView`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "0193a5f2-0000-7000-8000-000000000021", "teryt": "2611011", "name": "Starachowice"}))]
pub struct PublicMunicipality {
    pub id: Uuid,
    pub teryt: String,
    pub name: String,
}

/// A municipality as the caller may see it: the full record (Municipality) with a token, the
/// code and name of an active gmina (PublicMunicipality) without one.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum MunicipalityView {
    Full(Municipality),
    Public(PublicMunicipality),
}

/// The writable fields of a municipality, as sent on create.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "teryt": "2611011", "name": "Starachowice", "role": "agreement_party",
    "agreement": {"number": "OR.0152.3.2026", "signed_on": "2026-01-15", "period": {"start": "2026-02-01", "end": "2028-12-31"}},
    "population": {"count": 47_500, "as_of": "2025-12-31"}
}))]
pub struct MunicipalityInput {
    /// TERYT TERC, 7 digits; unique (409 `duplicate-teryt`). Fixed once created.
    #[schema(required = true, example = "2611011")]
    pub teryt: Option<String>,
    #[validate(length(max = 200))]
    #[schema(required = true, max_length = 200)]
    pub name: Option<String>,
    /// One founder at most (409 `founder-exists`).
    #[schema(required = true, value_type = Option<MunicipalityRole>)]
    pub role: Option<String>,
    /// Required for an `agreement_party`, refused for the `founder` (422 `not_allowed`).
    pub agreement: Option<MunicipalAgreementInput>,
    pub population: Option<PopulationInput>,
}

/// An agreement as sent.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MunicipalAgreementInput {
    #[validate(length(max = 100))]
    #[schema(required = true, max_length = 100, example = "OR.0152.3.2026")]
    pub number: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-01-15")]
    pub signed_on: Option<String>,
    #[schema(required = true)]
    pub period: Option<Period>,
}

/// A population figure as sent.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationInput {
    /// At least 1.
    #[schema(required = true, minimum = 1, example = 47_500)]
    pub count: Option<i64>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2025-12-31")]
    pub as_of: Option<String>,
}

/// A validated agreement.
#[derive(Debug, Clone)]
pub struct AgreementTerms {
    pub number: String,
    pub signed_on: NaiveDate,
    pub period: DateRange,
}

/// A validated municipality, ready to be stored.
#[derive(Debug, Clone)]
pub struct MunicipalityDraft {
    pub teryt: Teryt,
    pub name: String,
    pub role: MunicipalityRole,
    pub agreement: Option<AgreementTerms>,
    pub population: Option<Population>,
}

impl MunicipalityInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<MunicipalityDraft> {
        let mut errors = FieldErrors::new();
        errors.check(&self);
        let teryt = errors
            .required("teryt", self.teryt.as_deref())
            .and_then(|code| Teryt::parse(code).map_err(|err| errors.add("teryt", err.code(), err.message())).ok());
        let name = errors.required("name", clean(self.name.as_deref()));
        let role = errors.required_enum::<MunicipalityRole>("role", self.role.as_deref());
        let agreement = match (role, self.agreement) {
            (Some(MunicipalityRole::Founder), Some(_)) => {
                errors.add("agreement", "not_allowed", "the founding gmina serves itself: it has no agreement");
                None
            }
            (Some(MunicipalityRole::AgreementParty), agreement) => {
                errors.required("agreement", agreement).and_then(|agreement| parse_agreement(&mut errors, agreement))
            }
            _ => None,
        };
        let population = self.population.and_then(|population| parse_population(&mut errors, population));
        errors.finish(|| {
            let role = role?;
            Some(MunicipalityDraft {
                teryt: teryt?,
                name: name?,
                role,
                agreement: match role {
                    MunicipalityRole::Founder => None,
                    MunicipalityRole::AgreementParty => Some(agreement?),
                },
                population,
            })
        })
    }
}

fn parse_agreement(errors: &mut FieldErrors, agreement: MunicipalAgreementInput) -> Option<AgreementTerms> {
    errors.check_at("agreement", &agreement);
    let number = errors.required("agreement.number", clean(agreement.number.as_deref()));
    let signed_on = errors.required("agreement.signed_on", agreement.signed_on.as_deref());
    let signed_on = errors.parse_with("agreement.signed_on", "invalid_date", signed_on, parse_date);
    let period = DateRange::parse_required(errors, "agreement.period", agreement.period);
    Some(AgreementTerms { number: number?, signed_on: signed_on?, period: period? })
}

fn parse_population(errors: &mut FieldErrors, population: PopulationInput) -> Option<Population> {
    let count = errors.required("population.count", population.count);
    if count.is_some_and(|count| count < 1) {
        errors.add("population.count", "range", "population.count must be at least 1");
    }
    let as_of = errors.required("population.as_of", population.as_of.as_deref());
    let as_of = errors.parse_with("population.as_of", "invalid_date", as_of, parse_date);
    Some(Population { count: count.filter(|count| *count >= 1)?, as_of: as_of? })
}

/// Fields a merge patch may not touch: identity (the TERYT code too: residents are registered
/// under it), metadata, the review flag and the status (changed by actions).
const READ_ONLY_FIELDS: [&str; 7] = ["id", "teryt", "status", "needs_review", "created_at", "updated_at", "version"];

/// Applies a JSON merge patch to the current record and validates the result as a whole.
pub fn apply_patch(current: &Municipality, patch: &merge_patch::Patch) -> ApiResult<MunicipalityDraft> {
    let mut input: MunicipalityInput =
        merge_patch::patched(current, patch, &READ_ONLY_FIELDS, "; status changes through the actions")?;
    input.teryt = Some(current.teryt.clone());
    input.validate_draft()
}

/// Filters and paging of the list, in Polish alphabetical order of the name.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MunicipalityQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub role: Option<MunicipalityRole>,
    /// The public sees active municipalities only, whatever it asks.
    pub status: Option<MunicipalityStatus>,
    /// Case- and diacritic-insensitive search in the name (`zory` finds `Żory`).
    #[param(max_length = 200, example = "starachowice")]
    pub q: Option<String>,
    /// Only municipalities changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

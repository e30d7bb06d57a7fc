//! Programmes' API vocabulary: the programme as staff read it, what they send, and its validation
//! into a `ProgrammeDraft`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::fee::{parse_fee_rule, FeeRule, FeeRuleInput};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Money;
use crate::domain::period::{parse_date, DateRange, Period};
use crate::domain::text::clean;
use crate::error::ApiResult;
use crate::http::merge_patch;
use crate::services::dto::TargetGroup;
use crate::validation::FieldErrors;

crate::text_enum! {
/// `draft` and `in_consultation`: being prepared, changed by `PATCH`; `adopted` by the council;
/// `in_force` once published; `expired` at the end of its period; `repealed` by the council.
/// Changed only by the actions.
pub enum ProgrammeStatus {
    Draft,
    InConsultation,
    Adopted,
    InForce,
    Expired,
    Repealed,
}
}

/// A state change of a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProgrammeAction {
    Consult,
    Adopt,
    PutInForce,
    Expire,
    Repeal,
    /// A new resolution changing an adopted programme: a new version, the status unchanged.
    Amend,
}

impl Lifecycle for ProgrammeStatus {
    type Action = ProgrammeAction;

    fn allowed_actions(self) -> &'static [ProgrammeAction] {
        match self {
            ProgrammeStatus::Draft => &[ProgrammeAction::Consult],
            ProgrammeStatus::InConsultation => &[ProgrammeAction::Adopt],
            ProgrammeStatus::Adopted => &[ProgrammeAction::PutInForce, ProgrammeAction::Repeal, ProgrammeAction::Amend],
            ProgrammeStatus::InForce => &[ProgrammeAction::Expire, ProgrammeAction::Repeal, ProgrammeAction::Amend],
            ProgrammeStatus::Expired | ProgrammeStatus::Repealed => &[],
        }
    }

    fn after(self, action: ProgrammeAction) -> ProgrammeStatus {
        match action {
            ProgrammeAction::Consult => ProgrammeStatus::InConsultation,
            ProgrammeAction::Adopt => ProgrammeStatus::Adopted,
            ProgrammeAction::PutInForce => ProgrammeStatus::InForce,
            ProgrammeAction::Expire => ProgrammeStatus::Expired,
            ProgrammeAction::Repeal => ProgrammeStatus::Repealed,
            ProgrammeAction::Amend => self,
        }
    }
}

impl ProgrammeStatus {
    /// Adopted by the council: changed only by a new resolution.
    pub fn is_adopted(self) -> bool {
        !matches!(self, ProgrammeStatus::Draft | ProgrammeStatus::InConsultation)
    }
}

crate::text_enum! {
/// `places` (miejsca), `units_per_month` (jednostki miesięcznie) or `unlimited`.
pub enum CapacityKind {
    Places,
    UnitsPerMonth,
    Unlimited,
}
}

/// The council resolution adopting the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Resolution {
    #[schema(example = "XII/145/2026")]
    pub number: String,
    #[schema(example = "2026-06-25")]
    pub adopted_on: NaiveDate,
}

/// Its publication in the voivodeship's official journal (Dziennik Urzędowy Województwa).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Publication {
    #[schema(example = 2026)]
    pub year: i32,
    #[schema(example = 3412)]
    pub position: i32,
}

/// The public consultation of the programme: the days it ran, both included, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeConsultation {
    #[schema(example = "2026-05-01")]
    pub from: NaiveDate,
    #[schema(example = "2026-05-21")]
    pub to: NaiveDate,
    #[schema(example = "14 uwag, 9 uwzględnionych")]
    pub summary: String,
}

/// Who may use a programme service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AccessCriteria {
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub disability_certificate_required: bool,
    pub income_threshold_per_person: Option<Money>,
    /// Residence in the programme's municipality.
    pub residence_required: bool,
    pub notes: Option<String>,
}

/// Where to apply and with which documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HowToApply {
    #[schema(example = "Punkt informacyjny CUS, ul. Radomska 12")]
    pub r#where: String,
    pub documents: Vec<String>,
}

/// How much the programme offers: `value` places or units a month; none when `unlimited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Capacity {
    pub kind: CapacityKind,
    pub value: Option<i32>,
}

/// A catalogue service the programme offers, under its terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProgrammeService {
    pub service_id: Uuid,
    pub target_groups: Vec<TargetGroup>,
    pub access_criteria: AccessCriteria,
    pub how_to_apply: HowToApply,
    pub capacity: Capacity,
    pub quality_standard: String,
    /// The programme's fee for the service; none: the catalogue's default applies.
    pub fee_rule: Option<FeeRule>,
}

/// A programme of social services (program usług społecznych).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000041", "municipality_id": "0193a5f2-0000-7000-8000-000000000021", "title": "Program usług społecznych Starachowic 2027-2029",
    "diagnosis_id": "0193a5f2-0000-7000-8000-000000000031", "period": {"start": "2027-01-01", "end": "2029-12-31"},
    "resolution": {"number": "XII/145/2026", "adopted_on": "2026-06-25"}, "publication": {"year": 2026, "position": 3412},
    "in_force_from": "2027-01-01", "consultation": {"from": "2026-05-01", "to": "2026-05-21", "summary": "14 uwag, 9 uwzględnionych"},
    "services": [{"service_id": "0193a5f2-0000-7000-8000-000000000011", "target_groups": ["person", "special_needs_group"],
        "access_criteria": {"age_min": 60, "age_max": 120, "disability_certificate_required": false, "income_threshold_per_person": "1823.00", "residence_required": true, "notes": "Pierwszeństwo dla osób samotnych"},
        "how_to_apply": {"where": "Punkt informacyjny CUS, ul. Radomska 12", "documents": ["wniosek", "zaświadczenie lekarskie"]},
        "capacity": {"kind": "places", "value": 25}, "quality_standard": "Standard usług opiekuńczych CUS 2026"}],
    "current_version": 2, "status": "in_force", "created_at": "2026-04-20T09:00:00Z", "updated_at": "2026-07-15T09:00:00Z", "version": 5
}))]
pub struct Programme {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub title: String,
    /// The adopted diagnosis it rests on.
    pub diagnosis_id: Uuid,
    pub period: Period,
    /// Needed to adopt.
    pub resolution: Option<Resolution>,
    /// Needed to put in force.
    pub publication: Option<Publication>,
    /// Needed to put in force.
    pub in_force_from: Option<NaiveDate>,
    pub consultation: Option<ProgrammeConsultation>,
    /// Those of the current version.
    pub services: Vec<ProgrammeService>,
    /// The newest version (1 until an amendment), whose `title`, `period` and `services` these
    /// are; `resolution` stays the one that adopted the programme. The version in force on a day:
    /// `GET .../{id}/services?on=`.
    #[schema(example = 2)]
    pub current_version: i32,
    pub status: ProgrammeStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// +1 on every change; the ETag.
    pub version: i64,
}

/// The writable fields of a programme, as sent on create.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "municipality_id": "0193a5f2-0000-7000-8000-000000000021", "title": "Program usług społecznych Starachowic 2027-2029",
    "diagnosis_id": "0193a5f2-0000-7000-8000-000000000031", "period": {"start": "2027-01-01", "end": "2029-12-31"},
    "resolution": {"number": "XII/145/2026", "adopted_on": "2026-06-25"}, "publication": {"year": 2026, "position": 3412},
    "in_force_from": "2027-01-01", "consultation": {"from": "2026-05-01", "to": "2026-05-21", "summary": "14 uwag, 9 uwzględnionych"},
    "services": [{"service_id": "0193a5f2-0000-7000-8000-000000000011", "target_groups": ["person", "special_needs_group"],
        "access_criteria": {"age_min": 60, "age_max": 120, "disability_certificate_required": false, "income_threshold_per_person": "1823.00", "residence_required": true, "notes": "Pierwszeństwo dla osób samotnych"},
        "how_to_apply": {"where": "Punkt informacyjny CUS, ul. Radomska 12", "documents": ["wniosek", "zaświadczenie lekarskie"]},
        "capacity": {"kind": "places", "value": 25}, "quality_standard": "Standard usług opiekuńczych CUS 2026"}]
}))]
pub struct ProgrammeInput {
    /// A registered municipality (422 `unknown_municipality`).
    #[schema(required = true)]
    pub municipality_id: Option<Uuid>,
    #[validate(length(max = 300))]
    #[schema(required = true, max_length = 300)]
    pub title: Option<String>,
    /// An existing diagnosis (422 `unknown`), adopted (409 `diagnosis-not-adopted`).
    #[schema(required = true)]
    pub diagnosis_id: Option<Uuid>,
    #[schema(required = true)]
    pub period: Option<Period>,
    pub resolution: Option<ResolutionInput>,
    pub publication: Option<PublicationInput>,
    #[schema(value_type = Option<String>, format = Date, example = "2026-08-01")]
    pub in_force_from: Option<String>,
    pub consultation: Option<ProgrammeConsultationInput>,
    /// Catalogue services (422 `unknown` at the index of one that is not, `duplicate` when twice).
    pub services: Option<Vec<ProgrammeServiceInput>>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionInput {
    #[schema(required = true, example = "XII/145/2026")]
    pub number: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-06-25")]
    pub adopted_on: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationInput {
    #[schema(required = true, example = 2026)]
    pub year: Option<i32>,
    #[schema(required = true, example = 3412)]
    pub position: Option<i32>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeConsultationInput {
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-05-01")]
    pub from: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-05-21")]
    pub to: Option<String>,
    #[schema(required = true)]
    pub summary: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeServiceInput {
    #[schema(required = true)]
    pub service_id: Option<Uuid>,
    #[schema(required = true, value_type = Option<Vec<TargetGroup>>)]
    pub target_groups: Option<Vec<String>>,
    pub access_criteria: Option<AccessCriteriaInput>,
    #[schema(required = true)]
    pub how_to_apply: Option<HowToApplyInput>,
    #[schema(required = true)]
    pub capacity: Option<CapacityInput>,
    #[schema(required = true)]
    pub quality_standard: Option<String>,
    /// Overrides the catalogue's default fee (`free`, `fixed` or `income_table`).
    pub fee_rule: Option<FeeRuleInput>,
}

/// `age_min` not above `age_max` (422 `age_order`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessCriteriaInput {
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub disability_certificate_required: Option<bool>,
    #[schema(value_type = Option<String>, example = "1823.00")]
    pub income_threshold_per_person: Option<String>,
    pub residence_required: Option<bool>,
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HowToApplyInput {
    #[schema(required = true)]
    pub r#where: Option<String>,
    pub documents: Option<Vec<String>>,
}

/// `value` required unless `unlimited`, at least 1.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    #[schema(required = true, value_type = Option<CapacityKind>)]
    pub kind: Option<String>,
    pub value: Option<i32>,
}

/// A validated programme, ready to be stored once its references are known to exist.
#[derive(Debug, Clone)]
pub struct ProgrammeDraft {
    pub municipality_id: Uuid,
    pub title: String,
    pub diagnosis_id: Uuid,
    pub period: DateRange,
    pub resolution: Option<Resolution>,
    pub publication: Option<Publication>,
    pub in_force_from: Option<NaiveDate>,
    pub consultation: Option<ProgrammeConsultation>,
    pub services: Vec<ProgrammeService>,
}

const MAX_TEXT_CHARS: usize = 2000;

pub(super) fn text(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<String> {
    let text = errors.required(field, clean(value))?;
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.add(field, "length", format!("{field} must be at most {MAX_TEXT_CHARS} characters"));
        return None;
    }
    Some(text)
}

pub(super) fn date(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<NaiveDate> {
    let value = errors.required(field, value);
    errors.parse_with(field, "invalid_date", value, parse_date)
}

impl ProgrammeInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<ProgrammeDraft> {
        let mut errors = FieldErrors::new();
        errors.check(&self);
        let municipality_id = errors.required("municipality_id", self.municipality_id);
        let title = errors.required("title", clean(self.title.as_deref()));
        let diagnosis_id = errors.required("diagnosis_id", self.diagnosis_id);
        let period = DateRange::parse_required(&mut errors, "period", self.period);
        let resolution = self.resolution.map(|r| parse_resolution(&mut errors, r));
        let publication = self.publication.map(|p| parse_publication(&mut errors, p));
        let in_force_from =
            errors.parse_with("in_force_from", "invalid_date", self.in_force_from.as_deref(), parse_date);
        let consultation = self.consultation.map(|c| parse_consultation(&mut errors, c));
        let services = parse_services(&mut errors, self.services.unwrap_or_default());
        errors.finish(|| {
            Some(ProgrammeDraft {
                municipality_id: municipality_id?,
                title: title?,
                diagnosis_id: diagnosis_id?,
                period: period?,
                resolution: resolution.map(|r| r.ok_or(())).transpose().ok()?,
                publication: publication.map(|p| p.ok_or(())).transpose().ok()?,
                in_force_from,
                consultation: consultation.map(|c| c.ok_or(())).transpose().ok()?,
                services: services?,
            })
        })
    }
}

pub(super) fn parse_resolution(errors: &mut FieldErrors, input: ResolutionInput) -> Option<Resolution> {
    let number = text(errors, "resolution.number", input.number.as_deref());
    let adopted_on = date(errors, "resolution.adopted_on", input.adopted_on.as_deref());
    Some(Resolution { number: number?, adopted_on: adopted_on? })
}

fn parse_publication(errors: &mut FieldErrors, input: PublicationInput) -> Option<Publication> {
    let mut positive = |field: &str, value: Option<i32>| {
        let value = errors.required(field, value)?;
        if value < 1 {
            errors.add(field, "range", format!("{field} must be at least 1"));
            return None;
        }
        Some(value)
    };
    let year = positive("publication.year", input.year);
    let position = positive("publication.position", input.position);
    Some(Publication { year: year?, position: position? })
}

fn parse_consultation(errors: &mut FieldErrors, input: ProgrammeConsultationInput) -> Option<ProgrammeConsultation> {
    let from = date(errors, "consultation.from", input.from.as_deref());
    let to = date(errors, "consultation.to", input.to.as_deref());
    let summary = text(errors, "consultation.summary", input.summary.as_deref());
    let (from, to) = (from?, to?);
    if to < from {
        errors.add("consultation.to", "period_order", "the consultation must not end before it starts");
        return None;
    }
    Some(ProgrammeConsultation { from, to, summary: summary? })
}

pub(super) fn parse_services(
    errors: &mut FieldErrors,
    inputs: Vec<ProgrammeServiceInput>,
) -> Option<Vec<ProgrammeService>> {
    let mut seen: Vec<Uuid> = Vec::new();
    let services: Vec<Option<ProgrammeService>> = (inputs.into_iter().enumerate())
        .map(|(index, input)| {
            let field = format!("services[{index}]");
            let service = parse_service(errors, &field, input)?;
            if seen.contains(&service.service_id) {
                errors.add(format!("{field}.service_id"), "duplicate", "this service is listed twice");
                return None;
            }
            seen.push(service.service_id);
            Some(service)
        })
        .collect();
    services.into_iter().collect()
}

fn parse_service(errors: &mut FieldErrors, field: &str, input: ProgrammeServiceInput) -> Option<ProgrammeService> {
    let service_id = errors.required(&format!("{field}.service_id"), input.service_id);
    let groups_field = format!("{field}.target_groups");
    let groups = errors.required(&groups_field, input.target_groups).unwrap_or_default();
    let target_groups: Vec<Option<TargetGroup>> = (groups.iter().enumerate())
        .map(|(index, group)| errors.required_enum::<TargetGroup>(&format!("{groups_field}[{index}]"), Some(group)))
        .collect();
    let access_criteria =
        parse_access(errors, &format!("{field}.access_criteria"), input.access_criteria.unwrap_or_default());
    let how_field = format!("{field}.how_to_apply");
    let how_to_apply = errors.required(&how_field, input.how_to_apply).and_then(|how| {
        let r#where = text(errors, &format!("{how_field}.where"), how.r#where.as_deref());
        let documents: Vec<Option<String>> = (how.documents.unwrap_or_default().iter().enumerate())
            .map(|(index, document)| text(errors, &format!("{how_field}.documents[{index}]"), Some(document)))
            .collect();
        Some(HowToApply { r#where: r#where?, documents: documents.into_iter().collect::<Option<_>>()? })
    });
    let capacity_field = format!("{field}.capacity");
    let capacity = errors.required(&capacity_field, input.capacity).and_then(|capacity| {
        let kind = errors.required_enum::<CapacityKind>(&format!("{capacity_field}.kind"), capacity.kind.as_deref())?;
        let value_field = format!("{capacity_field}.value");
        let value = match (kind, capacity.value) {
            (CapacityKind::Unlimited, None) => None,
            (CapacityKind::Unlimited, Some(_)) => {
                errors.add(value_field, "not_allowed", "an unlimited capacity has no value");
                return None;
            }
            (_, value) => {
                let value = errors.required(&value_field, value)?;
                if value < 1 {
                    errors.add(value_field, "range", "the capacity must be at least 1");
                    return None;
                }
                Some(value)
            }
        };
        Some(Capacity { kind, value })
    });
    let quality_standard = text(errors, &format!("{field}.quality_standard"), input.quality_standard.as_deref());
    let fee_rule = match &input.fee_rule {
        Some(fee) => Some(parse_fee_rule(errors, &format!("{field}.fee_rule"), fee)?),
        None => None,
    };
    Some(ProgrammeService {
        service_id: service_id?,
        target_groups: target_groups.into_iter().collect::<Option<_>>()?,
        access_criteria: access_criteria?,
        how_to_apply: how_to_apply?,
        capacity: capacity?,
        quality_standard: quality_standard?,
        fee_rule,
    })
}

fn parse_access(errors: &mut FieldErrors, field: &str, input: AccessCriteriaInput) -> Option<AccessCriteria> {
    let mut valid = true;
    for (name, age) in [("age_min", input.age_min), ("age_max", input.age_max)] {
        if age.is_some_and(|age| !(0..=150).contains(&age)) {
            errors.add(format!("{field}.{name}"), "range", "an age is between 0 and 150");
            valid = false;
        }
    }
    if let (Some(min), Some(max)) = (input.age_min, input.age_max) {
        if min > max {
            errors.add(format!("{field}.age_max"), "age_order", "age_max must not be below age_min");
            valid = false;
        }
    }
    let threshold_field = format!("{field}.income_threshold_per_person");
    let threshold = errors.parse_with(
        &threshold_field,
        "invalid_amount",
        input.income_threshold_per_person.as_deref(),
        Money::parse,
    );
    if input.income_threshold_per_person.is_some() && threshold.is_none() {
        valid = false;
    }
    let notes = match clean(input.notes.as_deref()) {
        Some(_) => Some(text(errors, &format!("{field}.notes"), input.notes.as_deref())?),
        None => None,
    };
    valid.then_some(AccessCriteria {
        age_min: input.age_min,
        age_max: input.age_max,
        disability_certificate_required: input.disability_certificate_required.unwrap_or(false),
        income_threshold_per_person: threshold,
        residence_required: input.residence_required.unwrap_or(false),
        notes,
    })
}

/// Fields a merge patch may not touch: identity, metadata, and what the actions set.
const READ_ONLY_FIELDS: [&str; 6] = ["id", "status", "created_at", "updated_at", "version", "current_version"];

/// Applies a JSON merge patch to the current record and validates the result as a whole.
pub fn apply_patch(current: &Programme, patch: &merge_patch::Patch) -> ApiResult<ProgrammeDraft> {
    let input: ProgrammeInput =
        merge_patch::patched(current, patch, &READ_ONLY_FIELDS, "; status changes through the actions")?;
    input.validate_draft()
}

/// Filters and paging of the list, in creation order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub municipality_id: Option<Uuid>,
    pub status: Option<ProgrammeStatus>,
    /// Only programmes offering this catalogue service.
    pub service_id: Option<Uuid>,
    /// Only programmes in force on this day: `in_force`, `in_force_from` ≤ day ≤ the period's end.
    #[param(value_type = Option<String>, format = Date, example = "2026-09-01")]
    pub in_force_on: Option<NaiveDate>,
    /// Only programmes changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

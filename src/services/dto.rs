//! The catalogue's API vocabulary: what clients send and receive, and its validation into a
//! `ServiceDraft` that model code can store without further checks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumString, VariantNames};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::fee::{parse_fee_rule, FeeRule, FeeRuleInput};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::{Money, ServiceArea};
use crate::error::ApiResult;
use crate::http::merge_patch;
use crate::http::pagination::Sort;
use crate::validation::FieldErrors;

crate::text_enum! {
/// Who a service is for (art. 2 ust. 1): `person` (osoba), `family` (rodzina), `social_group`
/// (grupa społeczna), `special_needs_group` (grupa o szczególnych potrzebach), `all_residents`
/// (ogół mieszkańców).
pub enum TargetGroup {
    Person,
    Family,
    SocialGroup,
    SpecialNeedsGroup,
    AllResidents,
}
}

crate::text_enum! {
/// Where and how a service is delivered: `at_home` (w miejscu zamieszkania), `day_centre`
/// (dzienny ośrodek), `outreach` (streetworking, praca w środowisku), `residential` (całodobowo),
/// `online` (zdalnie), `community` (w społeczności lokalnej).
pub enum DeliveryMode {
    AtHome,
    DayCentre,
    Outreach,
    Residential,
    Online,
    Community,
}
}

crate::text_enum! {
/// The unit a service is planned, commissioned and reported in: `hour` (godzina), `visit`
/// (wizyta), `meal` (posiłek), `day` (dzień), `session` (sesja, spotkanie), `month` (miesiąc),
/// `place` (miejsce).
pub enum ServiceUnit {
    Hour,
    Visit,
    Meal,
    Day,
    Session,
    Month,
    Place,
}
}

crate::text_enum! {
/// Who delivers: `own_staff` (kadra CUS), `commissioned` (zlecana podmiotom zewnętrznym) or `both`.
pub enum DeliveredBy {
    OwnStaff,
    Commissioned,
    Both,
}
}

crate::text_enum! {
/// Lifecycle of a catalogue entry: `draft` (projekt, not public), `active` (offered), `retired`
/// (wycofana, kept for history). Changed only by the `activate` and `retire` actions.
pub enum ServiceStatus {
    Draft,
    Active,
    Retired,
}
}

/// A state change of a catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ServiceAction {
    Activate,
    Retire,
}

impl Lifecycle for ServiceStatus {
    type Action = ServiceAction;

    fn allowed_actions(self) -> &'static [ServiceAction] {
        match self {
            ServiceStatus::Draft | ServiceStatus::Retired => &[ServiceAction::Activate],
            ServiceStatus::Active => &[ServiceAction::Retire],
        }
    }

    fn after(self, action: ServiceAction) -> ServiceStatus {
        match action {
            ServiceAction::Activate => ServiceStatus::Active,
            ServiceAction::Retire => ServiceStatus::Retired,
        }
    }
}

/// A catalogue entry of the local bank of social services.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
    "code": "OPIEKA-DOM",
    "name": "Usługi opiekuńcze w miejscu zamieszkania",
    "description": "Pomoc w codziennych czynnościach, pielęgnacja i kontakt z otoczeniem.",
    "area": "social_assistance",
    "target_groups": ["person"],
    "delivery_mode": "at_home",
    "unit": "hour",
    "unit_cost": "45.00",
    "fee_rule": {"kind": "income_table", "basis": "percent_of_criterion",
        "brackets": [{"up_to": "100.00", "fee": {"per_unit": "0.00"}}, {"up_to": "200.00", "fee": {"percent_of_unit_cost": "20.00"}}, {"up_to": null, "fee": {"percent_of_unit_cost": "50.00"}}],
        "exemptions": [{"code": "two_disabled_in_household", "description": "Dwie lub więcej osób niepełnosprawnych w gospodarstwie domowym"}]},
    "eligibility": "Osoby, które z powodu wieku lub choroby wymagają pomocy innych osób.",
    "delivered_by": "commissioned",
    "status": "active",
    "created_at": "2026-11-26T10:15:00Z",
    "updated_at": "2026-11-26T10:20:00Z",
    "version": 2
}))]
pub struct Service {
    pub id: Uuid,
    /// Unique short code, upper case.
    pub code: String,
    pub name: String,
    pub description: String,
    pub area: ServiceArea,
    pub target_groups: Vec<TargetGroup>,
    pub delivery_mode: DeliveryMode,
    pub unit: ServiceUnit,
    /// Cost of one unit to the centre, when known.
    pub unit_cost: Option<Money>,
    /// The default fee; a programme may set its own for the service.
    pub fee_rule: FeeRule,
    /// Who may receive the service (kryteria dostępu).
    pub eligibility: String,
    pub delivered_by: DeliveredBy,
    pub status: ServiceStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// +1 on every change; the ETag.
    pub version: i64,
}

/// The writable fields of a catalogue entry, as sent on create.
///
/// Enumerations arrive as text and are checked with every other field, so that one 422 lists
/// every problem of the request.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "OPIEKA-DOM",
    "name": "Usługi opiekuńcze w miejscu zamieszkania",
    "description": "Pomoc w codziennych czynnościach, pielęgnacja i kontakt z otoczeniem.",
    "area": "social_assistance",
    "target_groups": ["person"],
    "delivery_mode": "at_home",
    "unit": "hour",
    "unit_cost": "45.00",
    "fee_rule": {"kind": "income_table", "basis": "percent_of_criterion",
        "brackets": [{"up_to": "100.00", "fee": {"per_unit": "0.00"}}, {"up_to": "200.00", "fee": {"percent_of_unit_cost": "20.00"}}, {"up_to": null, "fee": {"percent_of_unit_cost": "50.00"}}],
        "exemptions": [{"code": "two_disabled_in_household", "description": "Dwie lub więcej osób niepełnosprawnych w gospodarstwie domowym"}]},
    "eligibility": "Osoby, które z powodu wieku lub choroby wymagają pomocy innych osób.",
    "delivered_by": "commissioned"
}))]
pub struct ServiceInput {
    /// 2-32 letters, digits, `-`, `_` or `.`, starting with a letter or digit; stored upper case.
    #[schema(required = true, example = "OPIEKA-DOM")]
    pub code: Option<String>,
    #[validate(length(max = 200))]
    #[schema(required = true, max_length = 200)]
    pub name: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(required = true, value_type = Option<ServiceArea>)]
    pub area: Option<String>,
    /// One to five distinct target groups.
    #[schema(required = true, value_type = Option<Vec<TargetGroup>>)]
    pub target_groups: Option<Vec<String>>,
    #[schema(required = true, value_type = Option<DeliveryMode>)]
    pub delivery_mode: Option<String>,
    #[schema(required = true, value_type = Option<ServiceUnit>)]
    pub unit: Option<String>,
    #[schema(value_type = Option<String>, example = "45.00")]
    pub unit_cost: Option<String>,
    #[schema(required = true)]
    pub fee_rule: Option<FeeRuleInput>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub eligibility: Option<String>,
    #[schema(required = true, value_type = Option<DeliveredBy>)]
    pub delivered_by: Option<String>,
}

/// A validated catalogue entry, ready to be stored.
#[derive(Debug, Clone)]
pub struct ServiceDraft {
    pub code: String,
    pub name: String,
    pub description: String,
    pub area: ServiceArea,
    pub target_groups: Vec<TargetGroup>,
    pub delivery_mode: DeliveryMode,
    pub unit: ServiceUnit,
    pub unit_cost: Option<Money>,
    pub fee_rule: FeeRule,
    pub eligibility: String,
    pub delivered_by: DeliveredBy,
}

const MAX_TARGET_GROUPS: usize = 5;

impl ServiceInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<ServiceDraft> {
        let mut errors = FieldErrors::new();
        errors.check(&self);
        let code = errors.required("code", self.code.as_deref()).and_then(|code| parse_code(&mut errors, code));
        let name = errors
            .required("name", self.name.as_deref().map(str::trim))
            .filter(|name| not_blank(&mut errors, "name", name));
        let area = errors.required_enum::<ServiceArea>("area", self.area.as_deref());
        let target_groups = parse_target_groups(&mut errors, self.target_groups.as_deref());
        let delivery_mode = errors.required_enum::<DeliveryMode>("delivery_mode", self.delivery_mode.as_deref());
        let unit = errors.required_enum::<ServiceUnit>("unit", self.unit.as_deref());
        let unit_cost = errors.parse_with("unit_cost", "invalid_amount", self.unit_cost.as_deref(), Money::parse);
        let fee_rule = (errors.required("fee_rule", self.fee_rule.as_ref()))
            .and_then(|fee| parse_fee_rule(&mut errors, "fee_rule", fee));
        let delivered_by = errors.required_enum::<DeliveredBy>("delivered_by", self.delivered_by.as_deref());
        errors.finish(|| {
            Some(ServiceDraft {
                code: code?,
                name: name?.to_owned(),
                description: self.description.map(|d| d.trim().to_owned()).unwrap_or_default(),
                area: area?,
                target_groups: target_groups?,
                delivery_mode: delivery_mode?,
                unit: unit?,
                unit_cost,
                fee_rule: fee_rule?,
                eligibility: self.eligibility.map(|e| e.trim().to_owned()).unwrap_or_default(),
                delivered_by: delivered_by?,
            })
        })
    }
}

fn not_blank(errors: &mut FieldErrors, field: &str, value: &str) -> bool {
    if value.is_empty() {
        errors.add(field, "blank", format!("{field} must not be blank"));
    }
    !value.is_empty()
}

fn parse_code(errors: &mut FieldErrors, code: &str) -> Option<String> {
    let code = code.trim().to_uppercase();
    let valid_chars = code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let starts_well = code.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !(2..=32).contains(&code.len()) || !valid_chars || !starts_well {
        errors.add(
            "code",
            "pattern",
            "code must be 2-32 letters (A-Z), digits, '-', '_' or '.', starting with a letter or digit",
        );
        return None;
    }
    Some(code)
}

fn parse_target_groups(errors: &mut FieldErrors, groups: Option<&[String]>) -> Option<Vec<TargetGroup>> {
    let groups = errors.required("target_groups", groups)?;
    if groups.is_empty() || groups.len() > MAX_TARGET_GROUPS {
        errors.add("target_groups", "length", format!("give 1 to {MAX_TARGET_GROUPS} target groups"));
        return None;
    }
    let mut parsed = Vec::with_capacity(groups.len());
    let mut valid = true;
    for (index, group) in groups.iter().enumerate() {
        let field = format!("target_groups[{index}]");
        match errors.parse_enum::<TargetGroup>(&field, Some(group)) {
            Some(group) if parsed.contains(&group) => {
                errors.add(field, "duplicate", format!("{} is listed twice", group.as_ref()));
                valid = false;
            }
            Some(group) => parsed.push(group),
            None => valid = false,
        }
    }
    valid.then_some(parsed)
}

/// Fields a merge patch may not touch: identity, metadata and the status (changed by actions).
const READ_ONLY_FIELDS: [&str; 5] = ["id", "status", "created_at", "updated_at", "version"];

/// Applies a JSON merge patch to the current entry and validates the result as a whole.
pub fn apply_patch(current: &Service, patch: &merge_patch::Patch) -> ApiResult<ServiceDraft> {
    let input: ServiceInput =
        merge_patch::patched(current, patch, &READ_ONLY_FIELDS, "; status changes through the actions")?;
    input.validate_draft()
}

/// Sort orders of the catalogue list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, AsRefStr, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum ServiceSortField {
    /// Polish alphabetical order of the name.
    Name,
    Code,
    UpdatedAt,
}

/// Filters, search, sort and paging of the catalogue list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceListQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `name` (Polish alphabetical order, the default), `code` or `updated_at`; prefix `-` for descending.
    #[param(schema_with = crate::http::pagination::sort_schema::<ServiceSortField>, example = "-updated_at")]
    pub sort: Option<Sort<ServiceSortField>>,
    pub area: Option<ServiceArea>,
    pub status: Option<ServiceStatus>,
    /// Services for this target group.
    pub target_group: Option<TargetGroup>,
    pub delivery_mode: Option<DeliveryMode>,
    /// Only entries changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
    /// Case- and diacritic-insensitive search in code, name and description (`zlobek` finds `Żłobek`).
    #[param(max_length = 200, example = "opieka")]
    pub q: Option<String>,
}

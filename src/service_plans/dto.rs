//! Individual plans of social services (IPUS): API vocabulary and the checks that need no database.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::{parse_date, DateRange, Period};
use crate::domain::text::clean;
use crate::domain::Money;
use crate::error::ApiResult;
use crate::services::dto::ServiceUnit;
use crate::validation::FieldErrors;

crate::text_enum! {
/// `draft` (projekt, until approved; it may be submitted for approval), `approved`
/// (zatwierdzony), `active` (realizowany), `closed` (zakończony). A change to an approved or active
/// plan keeps its status (the approved revision stays in force) and is submitted and approved again.
pub enum PlanStatus {
    Draft,
    Approved,
    Active,
    Closed,
}
}

/// A state change of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsRefStr)]
#[strum(serialize_all = "snake_case")]
pub enum PlanAction {
    SubmitForApproval,
    Approve,
    Activate,
    Close,
}

impl Lifecycle for PlanStatus {
    type Action = PlanAction;

    fn allowed_actions(self) -> &'static [PlanAction] {
        match self {
            PlanStatus::Draft => &[PlanAction::SubmitForApproval, PlanAction::Approve],
            PlanStatus::Approved => {
                &[PlanAction::Activate, PlanAction::Close, PlanAction::SubmitForApproval, PlanAction::Approve]
            }
            PlanStatus::Active => &[PlanAction::Close, PlanAction::SubmitForApproval, PlanAction::Approve],
            PlanStatus::Closed => &[],
        }
    }

    fn after(self, action: PlanAction) -> PlanStatus {
        match action {
            PlanAction::SubmitForApproval => self,
            PlanAction::Approve if self == PlanStatus::Draft => PlanStatus::Approved,
            PlanAction::Approve => self,
            PlanAction::Activate => PlanStatus::Active,
            PlanAction::Close => PlanStatus::Closed,
        }
    }
}

crate::text_enum! {
/// Where the plan's latest revision stands: `approved` (it is the revision in force), `draft`
/// (changed since, not yet submitted) or `pending_approval` (submitted; until it is approved the
/// last approved revision stays in force). A material change (goals, items, period, quantities,
/// fees) of an approved plan makes a new revision; monitoring, consent, the coordinator, the
/// needs assessment and goal or item progress do not.
pub enum RevisionStatus {
    Approved,
    Draft,
    PendingApproval,
}
}

crate::text_enum! {
/// `open`, `achieved` (osiągnięty) or `not_achieved`.
pub enum GoalStatus {
    Open,
    Achieved,
    NotAchieved,
}
}

crate::text_enum! {
/// `planned`, `active` (delivered now), `completed`, `cancelled`.
pub enum ItemStatus {
    Planned,
    Active,
    Completed,
    Cancelled,
}
}

/// A state change of a plan item, made by its plan's actions: activating the plan starts its
/// approved items, closing it completes the active ones and cancels the planned ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsRefStr)]
#[strum(serialize_all = "snake_case")]
pub enum ItemAction {
    Start,
    Complete,
    Cancel,
}

impl Lifecycle for ItemStatus {
    type Action = ItemAction;

    fn allowed_actions(self) -> &'static [ItemAction] {
        match self {
            ItemStatus::Planned => &[ItemAction::Start, ItemAction::Cancel],
            ItemStatus::Active => &[ItemAction::Complete, ItemAction::Cancel],
            ItemStatus::Completed | ItemStatus::Cancelled => &[],
        }
    }

    fn after(self, action: ItemAction) -> ItemStatus {
        match action {
            ItemAction::Start => ItemStatus::Active,
            ItemAction::Complete => ItemStatus::Completed,
            ItemAction::Cancel => ItemStatus::Cancelled,
        }
    }
}

crate::text_enum! {
/// Why a plan closed: `completed` (zrealizowany), `resigned` (rezygnacja), `other`.
pub enum ClosureReason {
    Completed,
    Resigned,
    Other,
}
}

/// A goal of the plan (cel), with an indicator and a target date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Assigned by the server (`g1`, `g2`, ...) when absent.
    pub id: Option<String>,
    #[schema(required = true, example = "Samodzielne przygotowywanie posiłków")]
    pub description: Option<String>,
    #[schema(example = "liczba posiłków przygotowanych samodzielnie w tygodniu")]
    pub indicator: Option<String>,
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub target_date: Option<String>,
    /// Default `open`.
    #[schema(value_type = Option<GoalStatus>)]
    pub status: Option<String>,
}

/// A service in the plan: what, from whom (and under which commission), how much and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanItemInput {
    /// Kept from the current plan when changing it; absent for a new item.
    pub id: Option<Uuid>,
    /// The plan's own id, as items are read; ignored on input.
    #[serde(default, skip_serializing)]
    #[schema(read_only)]
    pub plan_id: Option<Uuid>,
    /// Whether the item's terms are approved, as items are read; ignored on input.
    #[serde(default, skip_serializing)]
    #[schema(read_only)]
    pub terms_approved: Option<bool>,
    #[schema(required = true)]
    pub service_id: Option<Uuid>,
    /// Must offer the service.
    #[schema(required = true)]
    pub provider_id: Option<Uuid>,
    /// The commission funding the item: of that provider, covering the item's dates.
    pub commission_id: Option<Uuid>,
    #[schema(required = true, example = 60)]
    pub quantity: Option<i64>,
    #[schema(required = true, value_type = Option<ServiceUnit>)]
    pub unit: Option<String>,
    #[schema(required = true, example = "3 razy w tygodniu po 2 godziny")]
    pub frequency: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub start_on: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub end_on: Option<String>,
    /// What the resident pays for the item in all (odpłatność): derived, not typed (see
    /// ServicePlan). Read-only: omit it (or send `null`) to take the derived fee; a fee sent must
    /// equal it (the stored fee for an unchanged item), else 422 `fee_mismatch` naming the total.
    #[schema(value_type = Option<String>, read_only, example = "300.00")]
    pub fee: Option<String>,
    /// How the fee was derived, as the full plan shows it; ignored on input.
    #[serde(default, skip_serializing)]
    #[schema(read_only, value_type = Option<ItemFeeBasis>)]
    pub fee_basis: Option<serde_json::Value>,
    /// Default `planned`. `active` only keeps an unchanged active item active: a new or changed
    /// item is `planned` until an approval (activation, or approving the changed plan) starts it.
    #[schema(value_type = Option<ItemStatus>)]
    pub status: Option<String>,
}

crate::text_enum! {
/// What a plan item's fee follows: `free` (nieodpłatna) or `fixed` (stała opłata) under the fee
/// rule of the programme in force (else the catalogue's); `assessment`, the resident's fee
/// assessment (decyzja o odpłatności) for an income-dependent fee; `exempt`, such an assessment
/// with an exemption (zwolnienie), so no fee.
pub enum FeeSource {
    Free,
    Fixed,
    Assessment,
    Exempt,
}
}

/// How a plan item's fee was derived.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemFeeBasis {
    pub kind: FeeSource,
    /// The fee assessment applied (`assessment`, `exempt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<Uuid>,
}

/// A plan item as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanItem {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub service_id: Uuid,
    pub provider_id: Uuid,
    pub commission_id: Option<Uuid>,
    pub quantity: i64,
    pub unit: ServiceUnit,
    pub frequency: String,
    #[schema(value_type = String, format = Date)]
    pub start_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end_on: NaiveDate,
    #[schema(value_type = Option<String>)]
    pub fee: Option<Money>,
    /// In the full plan only (KIPUS, director): providers and the OUS's overview see the fee, not
    /// its basis (an exemption says something of the household). None for items planned before
    /// fees were derived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee_basis: Option<ItemFeeBasis>,
    /// The status in force: a changed item keeps its status (and its provider the approved terms)
    /// until the change is approved.
    pub status: ItemStatus,
    /// Whether these terms are approved: false for a new or changed item until the plan's next
    /// approval.
    pub terms_approved: bool,
}

/// The resident's consent (zgoda): when, to what, and to whom data may be passed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub given_on: Option<String>,
    #[schema(required = true, example = "udział w IPUS i przekazanie danych realizatorom usług")]
    pub scope: Option<String>,
    /// To whom data may be passed.
    #[schema(example = json!(["realizatorzy usług z planu"]))]
    pub recipients: Option<Vec<String>>,
}

/// A monitoring entry (monitorowanie realizacji planu).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringEntry {
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    #[schema(required = true)]
    pub note: Option<String>,
    /// Set by the server: the subject who wrote it.
    pub author: Option<String>,
}

impl MonitoringEntry {
    /// The entry as kept: a date, a note and its author.
    pub fn validate_entry(self, author: String) -> ApiResult<MonitoringEntry> {
        let mut errors = FieldErrors::new();
        let date = errors.required("date", self.date.as_deref());
        let date = errors.parse_with("date", "invalid_date", date, parse_date);
        let note = errors.required("note", self.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
        errors.finish(|| Some(MonitoringEntry { date: Some(date?.to_string()), note, author: Some(author) }))
    }
}

/// How a plan ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-31", "reason": "completed", "summary_interview_on": "2026-12-20",
    "summary": "Usługi opiekuńcze zrealizowane w pełnym wymiarze; pani samodzielnie przygotowuje posiłki.",
    "outcome": "Cele osiągnięte."}))]
pub struct Closure {
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    #[schema(required = true, value_type = Option<ClosureReason>)]
    pub reason: Option<String>,
    /// Date of the summary interview (rozmowa podsumowująca): not in the future, not before the
    /// plan's period starts.
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub summary_interview_on: Option<String>,
    /// The course of the plan and its results (opis przebiegu i rezultatów), which closing
    /// requires (art. 7 of the CUS act).
    #[schema(required = true)]
    pub summary: Option<String>,
    pub outcome: Option<String>,
}

/// A validated closure and its summary interview's date, which the plan's period bounds.
pub struct ClosureDraft {
    pub closure: Closure,
    pub summary_interview_on: NaiveDate,
}

impl Closure {
    pub fn validate_closure(self, today: NaiveDate) -> ApiResult<ClosureDraft> {
        let mut errors = FieldErrors::new();
        let date = errors.required("date", self.date.as_deref());
        errors.parse_with("date", "invalid_date", date, parse_date);
        errors.required_enum::<ClosureReason>("reason", self.reason.as_deref());
        let interview = errors.required("summary_interview_on", self.summary_interview_on.as_deref());
        let interview = errors.parse_with("summary_interview_on", "invalid_date", interview, parse_date);
        if interview.is_some_and(|on| on > today) {
            errors.add("summary_interview_on", "in_future", "the summary interview must have taken place");
        }
        let summary = errors.required("summary", clean(self.summary.as_deref()));
        errors.finish(|| Some(ClosureDraft { summary_interview_on: interview?, closure: Closure { summary, ..self } }))
    }
}

/// The writable fields of a plan.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "resident_id": "0193a5f2-0000-7000-8000-000000000a01",
    "requested_on": "2026-11-02",
    "needs_assessment": "Po udarze, wymaga pomocy w higienie i zakupach; mieszka sama.",
    "goals": [{"description": "Samodzielne przygotowywanie posiłków", "indicator": "posiłki w tygodniu", "target_date": "2027-05-31"}],
    "items": [{"service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "provider_id": "0193a5f2-0000-7000-8000-0000000000aa",
               "quantity": 120, "unit": "hour", "frequency": "3 razy w tygodniu", "start_on": "2026-12-01", "end_on": "2027-05-31"}],
    "consent": {"given_on": "2026-11-05", "scope": "udział w IPUS", "recipients": ["realizatorzy usług"]},
    "period": {"start": "2026-12-01", "end": "2027-05-31"}
}))]
pub struct ServicePlanInput {
    #[schema(required = true)]
    pub resident_id: Option<Uuid>,
    /// The coordinator (KIPUS) subject; default the caller.
    pub coordinator: Option<String>,
    /// When the resident asked (wniosek); the plan is due 30 days later.
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub requested_on: Option<String>,
    pub needs_assessment: Option<String>,
    pub goals: Option<Vec<Goal>>,
    pub items: Option<Vec<PlanItemInput>>,
    pub consent: Option<Consent>,
    /// At most one year.
    #[schema(required = true)]
    pub period: Option<Period>,
}

/// A validated plan item.
#[derive(Debug, Clone)]
pub struct ItemDraft {
    pub id: Option<Uuid>,
    pub service_id: Uuid,
    pub provider_id: Uuid,
    pub commission_id: Option<Uuid>,
    pub quantity: i64,
    pub unit: ServiceUnit,
    pub frequency: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// The fee the input states, which must equal the derived one.
    pub claimed_fee: Option<Money>,
    /// The fee, set by the plan's checks: derived for a new or changed item, kept for another.
    pub fee: Option<ItemFee>,
    pub status: ItemStatus,
}

/// A plan item's fee and what it was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFee {
    pub total: Option<Money>,
    pub basis: Option<FeeSource>,
    pub assessment_id: Option<Uuid>,
}

/// A validated plan.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    pub resident_id: Uuid,
    pub coordinator: Option<String>,
    pub requested_on: NaiveDate,
    pub needs_assessment: String,
    pub goals: Vec<Goal>,
    pub items: Vec<ItemDraft>,
    pub consent: Option<Consent>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

fn date(errors: &mut FieldErrors, field: &str, value: Option<&str>, required: bool) -> Option<NaiveDate> {
    let value = if required { errors.required(field, value) } else { value };
    errors.parse_with(field, "invalid_date", value, parse_date)
}

/// The last day a plan starting on `start` may run: at most one year (art. 7 of the CUS act).
pub fn last_allowed_day(start: NaiveDate) -> NaiveDate {
    start.with_year(start.year() + 1).unwrap_or(start + Duration::days(365)) - Duration::days(1)
}

impl ServicePlanInput {
    pub fn validate_draft(self) -> ApiResult<PlanDraft> {
        let mut errors = FieldErrors::new();
        let resident_id = errors.required("resident_id", self.resident_id);
        let requested_on = date(&mut errors, "requested_on", self.requested_on.as_deref(), true);
        let needs_assessment = clean(self.needs_assessment.as_deref()).unwrap_or_default();
        if needs_assessment.chars().count() > 20_000 {
            errors.add("needs_assessment", "length", "needs_assessment must be at most 20000 characters long");
        }
        let period = DateRange::parse_required(&mut errors, "period", self.period);
        if period.is_some_and(|period| period.end() > last_allowed_day(period.start())) {
            errors.add("period.end", "period_too_long", "an individual plan runs at most one year");
        }
        let (start, end) = (period.map(DateRange::start), period.map(DateRange::end));
        let mut goals = self.goals.unwrap_or_default();
        for (index, goal) in goals.iter_mut().enumerate() {
            let prefix = format!("goals[{index}]");
            errors.required(&format!("{prefix}.description"), clean(goal.description.as_deref()));
            date(&mut errors, &format!("{prefix}.target_date"), goal.target_date.as_deref(), false);
            let status = errors
                .parse_enum::<GoalStatus>(&format!("{prefix}.status"), goal.status.as_deref())
                .unwrap_or(GoalStatus::Open);
            goal.status = Some(status.as_ref().to_owned());
            goal.id = Some(clean(goal.id.as_deref()).unwrap_or_else(|| format!("g{}", index + 1)));
        }
        let mut items = Vec::new();
        for (index, item) in self.items.unwrap_or_default().into_iter().enumerate() {
            let prefix = format!("items[{index}]");
            let field = |name: &str| format!("{prefix}.{name}");
            let service_id = errors.required(&field("service_id"), item.service_id);
            let provider_id = errors.required(&field("provider_id"), item.provider_id);
            let quantity = errors.required(&field("quantity"), item.quantity);
            if quantity.is_some_and(|q| !(1..=1_000_000).contains(&q)) {
                errors.add(field("quantity"), "range", "quantity must be between 1 and 1000000");
            }
            let unit = errors.required_enum::<ServiceUnit>(&field("unit"), item.unit.as_deref());
            let frequency = errors.required(&field("frequency"), clean(item.frequency.as_deref()));
            let start_on = date(&mut errors, &field("start_on"), item.start_on.as_deref(), true);
            let end_on = date(&mut errors, &field("end_on"), item.end_on.as_deref(), true);
            if let (Some(item_start), Some(item_end), Some(start), Some(end)) = (start_on, end_on, start, end) {
                if item_end < item_start || item_start < start || item_end > end {
                    errors.add(
                        field("end_on"),
                        "outside_plan",
                        "an item runs within the plan's period, start before end",
                    );
                }
            }
            let claimed_fee = errors.parse_with(&field("fee"), "invalid_amount", item.fee.as_deref(), Money::parse);
            let status = errors
                .parse_enum::<ItemStatus>(&field("status"), item.status.as_deref())
                .unwrap_or(ItemStatus::Planned);
            if let (
                Some(service_id),
                Some(provider_id),
                Some(quantity),
                Some(unit),
                Some(frequency),
                Some(start_on),
                Some(end_on),
            ) = (service_id, provider_id, quantity, unit, frequency, start_on, end_on)
            {
                items.push(ItemDraft {
                    id: item.id,
                    service_id,
                    provider_id,
                    commission_id: item.commission_id,
                    quantity,
                    unit,
                    frequency,
                    start_on,
                    end_on,
                    claimed_fee,
                    fee: None,
                    status,
                });
            }
        }
        let consent = self.consent.inspect(|consent| {
            date(&mut errors, "consent.given_on", consent.given_on.as_deref(), true);
            errors.required("consent.scope", clean(consent.scope.as_deref()));
        });
        errors.finish(|| {
            Some(PlanDraft {
                resident_id: resident_id?,
                coordinator: clean(self.coordinator.as_deref()),
                requested_on: requested_on?,
                needs_assessment,
                goals,
                items,
                consent,
                period_start: start?,
                period_end: end?,
            })
        })
    }
}

/// A plan in full: for its coordinator (KIPUS) and the director.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePlan {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub coordinator: String,
    #[schema(value_type = String, format = Date)]
    pub requested_on: NaiveDate,
    /// `requested_on` + 30 days: when the plan should be ready.
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// Still a draft after `due_on`.
    pub overdue: bool,
    pub needs_assessment: String,
    pub goals: Vec<Goal>,
    pub items: Vec<PlanItem>,
    pub consent: Option<Consent>,
    pub period: Period,
    pub status: PlanStatus,
    pub revision_status: RevisionStatus,
    pub approval_requested_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The revision in force (the last approved); below `revision` while a change awaits approval.
    pub approved_revision: Option<i32>,
    pub monitoring: Vec<MonitoringEntry>,
    pub closure: Option<Closure>,
    /// Incremented by every change after approval; earlier revisions stay readable.
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The OUS's view of a plan: its shape and progress, no health or family details.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePlanOverview {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub status: PlanStatus,
    pub period: Period,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub goals: usize,
    pub goals_achieved: usize,
    pub items: Vec<PlanItem>,
    pub revision: i32,
    /// The revision in force (the last approved); below `revision` while a change awaits approval.
    pub approved_revision: Option<i32>,
    pub revision_status: RevisionStatus,
}

/// A plan as the caller's role may see it: `kipus` and `director` everything (ServicePlan), `ous`
/// an overview without health or family details (ServicePlanOverview).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ServicePlanView {
    Full(Box<ServicePlan>),
    Overview(ServicePlanOverview),
}

/// An earlier state of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRevision {
    pub number: i32,
    /// The plan as it was.
    #[schema(value_type = Object)]
    pub plan: serde_json::Value,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Filters of the plan list (newest first).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanListQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub status: Option<PlanStatus>,
    pub resident_id: Option<Uuid>,
    /// Plans of this coordinator; `me` for the caller's own.
    pub coordinator: Option<String>,
    /// Drafts past their due date.
    pub overdue: Option<bool>,
    pub updated_since: Option<DateTime<Utc>>,
}

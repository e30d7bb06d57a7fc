//! Commissions' API vocabulary and validation into a `CommissionDraft`.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
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
/// How the service is commissioned: `open_competition` (otwarty konkurs ofert, art. 11 and 13 of
/// the public benefit act), `small_grant` (mały grant, art. 19a: at most 10,000 PLN and 90 days, at
/// most 20,000 PLN per provider per year), `regranting` (regranting through an operator, art.
/// 16a), `public_procurement` (zamówienie publiczne, social services regime, Pzp art. 359-361),
/// `social_assistance_act` (zlecenie na podstawie ustawy o pomocy społecznej, art. 25), `own_unit`
/// (own organisational unit).
pub enum CommissionMode {
    OpenCompetition,
    SmallGrant,
    Regranting,
    PublicProcurement,
    SocialAssistanceAct,
    OwnUnit,
}
}

impl CommissionMode {
    /// Open competitions, small grants and regranting are modes of the public benefit act, whose
    /// art. 16 ust. 2 (at most 5 years) and art. 18 ust. 1 (final report in 30 days) bind them.
    pub fn under_public_benefit_act(self) -> bool {
        matches!(self, CommissionMode::OpenCompetition | CommissionMode::SmallGrant | CommissionMode::Regranting)
    }
}

crate::text_enum! {
/// Form of the task of an open competition or a small grant: `powierzenie` (financing: fully
/// funded) or `wspieranie` (co-financing: the provider brings an own contribution).
pub enum CompetitionForm {
    Powierzenie,
    Wspieranie,
}
}

crate::text_enum! {
/// The reach of a small grant's task (art. 19a ust. 1: *o charakterze lokalnym lub regionalnym*):
/// `local` or `regional`.
pub enum TaskScope {
    Local,
    Regional,
}
}

crate::text_enum! {
/// How often the provider reports: `monthly` and `quarterly` partial reports plus the final one,
/// or `final_only`.
pub enum ReportingSchedule {
    Monthly,
    Quarterly,
    FinalOnly,
}
}

crate::text_enum! {
/// `draft` (not yet signed), `active` (signed, running), `suspended` (wstrzymane), `completed`
/// (wykonane), `terminated` (rozwiązane, with a reason). Changed only by the actions.
pub enum CommissionStatus {
    Draft,
    Active,
    Suspended,
    Completed,
    Terminated,
}
}

/// A state change of a commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsRefStr)]
#[strum(serialize_all = "snake_case")]
pub enum CommissionAction {
    Activate,
    Suspend,
    Resume,
    Complete,
    Terminate,
}

impl Lifecycle for CommissionStatus {
    type Action = CommissionAction;

    fn allowed_actions(self) -> &'static [CommissionAction] {
        use CommissionAction::*;
        match self {
            CommissionStatus::Draft => &[Activate, Terminate],
            CommissionStatus::Active => &[Suspend, Complete, Terminate],
            CommissionStatus::Suspended => &[Resume, Terminate],
            CommissionStatus::Completed | CommissionStatus::Terminated => &[],
        }
    }

    fn after(self, action: CommissionAction) -> CommissionStatus {
        match action {
            CommissionAction::Activate | CommissionAction::Resume => CommissionStatus::Active,
            CommissionAction::Suspend => CommissionStatus::Suspended,
            CommissionAction::Complete => CommissionStatus::Completed,
            CommissionAction::Terminate => CommissionStatus::Terminated,
        }
    }
}

/// The signed agreement (umowa): number and date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    #[schema(example = "UM/2026/014")]
    pub number: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date, example = "2026-01-15")]
    pub signed_on: Option<String>,
}

/// The publication of a small grant's offer (art. 19a ust. 3-5): made public for 7 days, anyone
/// may submit remarks, and the agreement is signed only after those 7 days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmallGrantOffer {
    /// The day the offer was made public (BIP, the centre's site, its notice board), `YYYY-MM-DD`.
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-03-02")]
    pub published_on: Option<String>,
    /// The remarks received on the offer, as recorded by the centre (up to 10,000 characters).
    #[schema(example = "Brak uwag")]
    pub remarks: Option<String>,
}

/// A reserved contract (*zamówienie zastrzeżone*, Pzp art. 361 ust. 1): a public procurement of
/// social services reserved to providers that meet all the conditions of pkt 1-3, as the staff
/// verified them for this provider (each must be present and `true`). Pkt 4 (no reserved contract
/// for the same services in the last 3 years) the server checks itself, and ust. 2 limits the
/// contract to 3 years.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// Pkt 1: the provider's aim is a public service mission linked to delivering the services.
    #[schema(required = true, example = true)]
    pub public_service_mission: Option<bool>,
    /// Pkt 2: its profits are reinvested to achieve that aim (or distributed on participatory
    /// principles).
    #[schema(required = true, example = true)]
    pub profits_reinvested: Option<bool>,
    /// Pkt 3: its management or ownership rests on employee ownership or participatory principles,
    /// or requires the active participation of employees, users or stakeholders.
    #[schema(required = true, example = true)]
    pub participatory_governance: Option<bool>,
}

/// One payment of the grant (transza).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tranche {
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-02-10")]
    pub date: Option<String>,
    #[schema(required = true, value_type = Option<String>, example = "30000.00")]
    pub amount: Option<String>,
}

/// The provider's own contribution (wkład własny).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnContribution {
    #[schema(value_type = Option<String>, example = "5000.00")]
    pub financial: Option<String>,
    /// Personal (volunteer work) and in-kind contribution, valued in PLN.
    #[schema(value_type = Option<String>, example = "2000.00")]
    pub non_financial: Option<String>,
}

/// A result the provider commits to (rezultat), measured by an indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedResult {
    /// Unique within the commission; reports refer to it.
    #[schema(required = true, example = "Liczba godzin usług opiekuńczych")]
    pub indicator: Option<String>,
    #[schema(required = true, example = "godzina")]
    pub unit: Option<String>,
    #[schema(required = true, example = 4800)]
    pub planned_value: Option<i64>,
}

/// When reports are due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reporting {
    /// Default `final_only`.
    #[schema(value_type = Option<ReportingSchedule>)]
    pub schedule: Option<String>,
    /// Days after a reporting period ends when its report is due (1-365); default 30. The final
    /// report of the public benefit act modes is due 30 days after the task ends whatever this says
    /// (art. 18 ust. 1); the other modes' final report takes this term of the agreement.
    #[schema(example = 30)]
    pub due_days: Option<i32>,
}

/// A commission (zlecenie realizacji usługi społecznej).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = commission_example)]
pub struct Commission {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub service_id: Uuid,
    pub provider_id: Uuid,
    pub mode: CommissionMode,
    pub form: Option<CompetitionForm>,
    pub agreement: Agreement,
    pub period: Period,
    #[schema(value_type = String, example = "60000.00")]
    pub amount: Money,
    pub tranches: Vec<Tranche>,
    pub own_contribution: OwnContribution,
    pub planned_units: i64,
    pub unit: ServiceUnit,
    pub planned_recipients: i64,
    pub expected_results: Vec<ExpectedResult>,
    pub reporting: Reporting,
    pub task_scope: Option<TaskScope>,
    pub offer: Option<SmallGrantOffer>,
    /// Null unless the commission is a reserved contract (Pzp art. 361).
    pub reservation: Option<Reservation>,
    pub status: CommissionStatus,
    pub termination_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The writable fields of a commission, as sent on create and as the target of a merge patch.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = input_example)]
pub struct CommissionInput {
    /// Unique, 1-50 letters, digits, `/`, `-`, `_` or `.` (e.g. `CUS/2026/014`).
    #[schema(required = true)]
    pub reference: Option<String>,
    #[schema(required = true)]
    pub title: Option<String>,
    #[schema(required = true)]
    pub service_id: Option<Uuid>,
    #[schema(required = true)]
    pub provider_id: Option<Uuid>,
    #[schema(required = true, value_type = Option<CommissionMode>)]
    pub mode: Option<String>,
    /// Required for `open_competition`, allowed for `small_grant` (art. 19a: financing or
    /// co-financing), refused for the other modes.
    #[schema(value_type = Option<CompetitionForm>)]
    pub form: Option<String>,
    pub agreement: Option<Agreement>,
    #[schema(required = true)]
    pub period: Option<Period>,
    #[schema(required = true, value_type = Option<String>, example = "60000.00")]
    pub amount: Option<String>,
    /// At least one; they must add up to `amount`.
    #[schema(required = true)]
    pub tranches: Option<Vec<Tranche>>,
    pub own_contribution: Option<OwnContribution>,
    #[schema(required = true)]
    pub planned_units: Option<i64>,
    /// The unit of the catalogue service.
    #[schema(required = true, value_type = Option<ServiceUnit>)]
    pub unit: Option<String>,
    #[schema(required = true)]
    pub planned_recipients: Option<i64>,
    pub expected_results: Option<Vec<ExpectedResult>>,
    pub reporting: Option<Reporting>,
    /// Required for `small_grant` (art. 19a ust. 1), only there.
    #[schema(value_type = Option<TaskScope>)]
    pub task_scope: Option<String>,
    /// Required for `small_grant` (art. 19a ust. 3-5), only there; `agreement.signed_on` may not
    /// come before `published_on` + 7 days.
    pub offer: Option<SmallGrantOffer>,
    /// Makes a `public_procurement` commission a reserved contract (*zamówienie zastrzeżone*, Pzp
    /// art. 361), only there: every condition of ust. 1 pkt 1-3 true, at most 3 years (ust. 2).
    pub reservation: Option<Reservation>,
}

/// Validated commission terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommissionDraft {
    pub reference: String,
    pub title: String,
    pub service_id: Uuid,
    pub provider_id: Uuid,
    pub mode: CommissionMode,
    pub form: Option<CompetitionForm>,
    pub agreement_number: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub amount: Money,
    pub tranches: Vec<(NaiveDate, Money)>,
    pub own_financial: Money,
    pub own_non_financial: Money,
    pub planned_units: i64,
    pub unit: ServiceUnit,
    pub planned_recipients: i64,
    pub expected_results: Vec<(String, String, i64)>,
    pub schedule: ReportingSchedule,
    pub due_days: i32,
    pub task_scope: Option<TaskScope>,
    pub offer_published_on: Option<NaiveDate>,
    pub offer_remarks: Option<String>,
    /// A reserved contract (Pzp art. 361), its conditions of ust. 1 pkt 1-3 all met.
    pub reserved: bool,
}

/// Art. 19a of the public benefit act.
pub const SMALL_GRANT_MAX: Money = Money::from_grosze(1_000_000);
pub const SMALL_GRANT_MAX_DAYS: i64 = 90;
pub const SMALL_GRANT_YEARLY_MAX: Money = Money::from_grosze(2_000_000);
/// Art. 19a ust. 6: small grants of a budget year total at most this share of the grants planned
/// that year for NGOs.
pub const SMALL_GRANT_BUDGET_SHARE_PERCENT: i64 = 20;
/// Art. 19a ust. 5: the agreement is signed only after the offer was public for 7 days.
pub const OFFER_PUBLICATION_DAYS: i64 = 7;
/// Art. 16 ust. 2: an agreement under the public benefit act runs for at most 5 years.
const PUBLIC_BENEFIT_MAX_MONTHS: u32 = 60;
/// Pzp art. 361 ust. 2: a reserved contract runs for at most 3 years.
const RESERVED_CONTRACT_MAX_MONTHS: u32 = 36;
/// Pzp art. 361 ust. 1 pkt 4: no second reserved contract for the same services within 3 years.
pub const RESERVED_AWARD_INTERVAL_MONTHS: u32 = 36;
/// Art. 18 ust. 1: the final report is due 30 days after the task ends.
pub const FINAL_REPORT_DAYS: i32 = 30;
const DEFAULT_DUE_DAYS: i32 = 30;

/// Whether the period runs past `months` months from its start: its last allowed day is the day
/// before the same date `months` later.
fn runs_longer_than(period: DateRange, months: u32) -> bool {
    let last = period.start().checked_add_months(Months::new(months)).and_then(|d| d.pred_opt());
    last.is_some_and(|last| period.end() > last)
}

fn parse_money(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<Money> {
    errors.parse_with(field, "invalid_amount", value, Money::parse)
}

impl CommissionInput {
    /// Checks every field and rule that needs no database, reporting every problem at once.
    pub fn validate_draft(self) -> ApiResult<CommissionDraft> {
        let mut errors = FieldErrors::new();
        let reference = errors.required("reference", clean(self.reference.as_deref())).filter(|reference| {
            let valid =
                reference.len() <= 50 && reference.chars().all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c));
            if !valid {
                errors.add("reference", "pattern", "reference must be 1-50 letters, digits, '/', '-', '_' or '.'");
            }
            valid
        });
        let title = errors.required("title", clean(self.title.as_deref()));
        if title.as_ref().is_some_and(|t| t.chars().count() > 300) {
            errors.add("title", "length", "title must be at most 300 characters long");
        }
        let service_id = errors.required("service_id", self.service_id);
        let provider_id = errors.required("provider_id", self.provider_id);
        let mode = errors.required_enum::<CommissionMode>("mode", self.mode.as_deref());
        let form = errors.parse_enum::<CompetitionForm>("form", self.form.as_deref());
        match (mode, self.form.is_some()) {
            (Some(CommissionMode::OpenCompetition), false) => {
                errors.add("form", "required", "an open competition's task is either powierzenie or wspieranie")
            }
            (Some(mode), true) if !matches!(mode, CommissionMode::OpenCompetition | CommissionMode::SmallGrant) => {
                errors.add(
                    "form",
                    "not_allowed",
                    "form applies only to open competitions and small grants (public benefit act art. 11, 19a)",
                )
            }
            _ => {}
        }
        let agreement = self.agreement.unwrap_or_default();
        let agreement_number = clean(agreement.number.as_deref());
        if agreement_number.as_ref().is_some_and(|n| n.chars().count() > 100) {
            errors.add("agreement.number", "length", "agreement.number must be at most 100 characters long");
        }
        let agreement_signed_on =
            errors.parse_with("agreement.signed_on", "invalid_date", agreement.signed_on.as_deref(), parse_date);
        let reserved = reservation_terms(&mut errors, mode, self.reservation);
        let period = DateRange::parse_required(&mut errors, "period", self.period);
        if let (Some(mode), Some(period)) = (mode, period) {
            if mode.under_public_benefit_act() && runs_longer_than(period, PUBLIC_BENEFIT_MAX_MONTHS) {
                errors.add(
                    "period.end",
                    "agreement_period_max",
                    "an agreement under the public benefit act runs for at most 5 years (art. 16 ust. 2)",
                );
            }
        }
        if reserved && period.is_some_and(|period| runs_longer_than(period, RESERVED_CONTRACT_MAX_MONTHS)) {
            errors.add(
                "period.end",
                "reserved_contract_period_max",
                "a reserved contract runs for at most 3 years (Pzp art. 361 ust. 2)",
            );
        }
        let (start, end) = (period.map(DateRange::start), period.map(DateRange::end));
        let amount = errors.required("amount", self.amount.as_deref());
        let amount = parse_money(&mut errors, "amount", amount);
        if amount == Some(Money::ZERO) {
            errors.add("amount", "range", "amount must be positive");
        }
        let tranches = self.tranches.unwrap_or_default();
        if tranches.is_empty() {
            errors.add("tranches", "required", "give at least one tranche");
        }
        let mut parsed_tranches = Vec::with_capacity(tranches.len());
        for (index, tranche) in tranches.iter().enumerate() {
            let date = errors.required(&format!("tranches[{index}].date"), tranche.date.as_deref());
            let date = errors.parse_with(&format!("tranches[{index}].date"), "invalid_date", date, parse_date);
            let value = errors.required(&format!("tranches[{index}].amount"), tranche.amount.as_deref());
            let value = parse_money(&mut errors, &format!("tranches[{index}].amount"), value);
            if let (Some(date), Some(value)) = (date, value) {
                parsed_tranches.push((date, value));
            }
        }
        if let Some(amount) = amount {
            let sum: i64 = parsed_tranches.iter().map(|(_, value)| value.grosze()).sum();
            if parsed_tranches.len() == tranches.len() && !tranches.is_empty() && sum != amount.grosze() {
                errors.add(
                    "tranches",
                    "tranches_sum",
                    format!("the tranches add up to {} but the amount is {amount}", Money::from_grosze(sum)),
                );
            }
        }
        let own = self.own_contribution.unwrap_or_default();
        let own_financial =
            parse_money(&mut errors, "own_contribution.financial", own.financial.as_deref()).unwrap_or(Money::ZERO);
        let own_non_financial =
            parse_money(&mut errors, "own_contribution.non_financial", own.non_financial.as_deref())
                .unwrap_or(Money::ZERO);
        if form == Some(CompetitionForm::Wspieranie) && own_financial == Money::ZERO && own_non_financial == Money::ZERO
        {
            errors.add("own_contribution", "required", "wspieranie (co-funding) needs an own contribution");
        }
        let small_grant =
            small_grant_terms(&mut errors, mode, self.task_scope.as_deref(), self.offer, agreement_signed_on);
        if mode == Some(CommissionMode::SmallGrant) {
            if amount.is_some_and(|amount| amount > SMALL_GRANT_MAX) {
                errors.add(
                    "amount",
                    "small_grant_amount",
                    format!("a small grant is at most {SMALL_GRANT_MAX} PLN (public benefit act art. 19a ust. 1)"),
                );
            }
            if period.is_some_and(|period| period.days() > SMALL_GRANT_MAX_DAYS) {
                errors.add(
                    "period",
                    "small_grant_period",
                    format!(
                        "a small grant lasts at most {SMALL_GRANT_MAX_DAYS} days, both ends counted (art. 19a ust. 1)"
                    ),
                );
            }
        }
        let planned_units = errors.required("planned_units", self.planned_units);
        let planned_recipients = errors.required("planned_recipients", self.planned_recipients);
        for (field, value) in [("planned_units", planned_units), ("planned_recipients", planned_recipients)] {
            if value.is_some_and(|v| !(0..=1_000_000_000).contains(&v)) {
                errors.add(field, "range", format!("{field} must be between 0 and 1000000000"));
            }
        }
        let unit = errors.required_enum::<ServiceUnit>("unit", self.unit.as_deref());
        let expected_results = parse_expected_results(&mut errors, self.expected_results.unwrap_or_default());
        let reporting = self.reporting.unwrap_or_default();
        let schedule = errors.parse_enum::<ReportingSchedule>("reporting.schedule", reporting.schedule.as_deref());
        let due_days = reporting.due_days.unwrap_or(DEFAULT_DUE_DAYS);
        if !(1..=365).contains(&due_days) {
            errors.add("reporting.due_days", "range", "reporting.due_days must be between 1 and 365");
        }

        errors.finish(|| {
            Some(CommissionDraft {
                reference: reference?,
                title: title?,
                service_id: service_id?,
                provider_id: provider_id?,
                mode: mode?,
                form,
                agreement_number,
                agreement_signed_on,
                period_start: start?,
                period_end: end?,
                amount: amount?,
                tranches: parsed_tranches,
                own_financial,
                own_non_financial,
                planned_units: planned_units?,
                unit: unit?,
                planned_recipients: planned_recipients?,
                expected_results,
                schedule: schedule.unwrap_or(ReportingSchedule::FinalOnly),
                due_days,
                task_scope: small_grant.scope,
                offer_published_on: small_grant.published_on,
                offer_remarks: small_grant.remarks,
                reserved,
            })
        })
    }
}

/// A small grant's own terms, as read.
#[derive(Default)]
struct SmallGrantTerms {
    scope: Option<TaskScope>,
    published_on: Option<NaiveDate>,
    remarks: Option<String>,
}

/// Art. 19a: a small grant's task is local or regional, its offer was published, and its agreement
/// is signed no earlier than 7 days after the publication. Other modes take neither field.
fn small_grant_terms(
    errors: &mut FieldErrors,
    mode: Option<CommissionMode>,
    scope: Option<&str>,
    offer: Option<SmallGrantOffer>,
    signed_on: Option<NaiveDate>,
) -> SmallGrantTerms {
    if mode != Some(CommissionMode::SmallGrant) {
        if scope.is_some() {
            errors.add("task_scope", "not_allowed", "task_scope applies only to small grants (art. 19a ust. 1)");
        }
        if offer.is_some() {
            errors.add("offer", "not_allowed", "offer applies only to small grants (art. 19a ust. 3)");
        }
        return SmallGrantTerms::default();
    }
    let scope_value = errors.parse_enum::<TaskScope>("task_scope", scope);
    if scope.is_none() {
        errors.add(
            "task_scope",
            "required",
            "a small grant's task is of local or regional character (public benefit act art. 19a ust. 1)",
        );
    }
    let offer = offer.unwrap_or_default();
    let published = errors.required("offer.published_on", offer.published_on.as_deref());
    let published_on = errors.parse_with("offer.published_on", "invalid_date", published, parse_date);
    let remarks = clean(offer.remarks.as_deref());
    if remarks.as_ref().is_some_and(|r| r.chars().count() > 10_000) {
        errors.add("offer.remarks", "length", "offer.remarks must be at most 10000 characters long");
    }
    if let (Some(published_on), Some(signed_on)) = (published_on, signed_on) {
        if signed_on < published_on + Duration::days(OFFER_PUBLICATION_DAYS) {
            errors.add(
                "agreement.signed_on",
                "signed_before_offer_period",
                "a small grant's agreement is signed only after its offer was public for 7 days (public benefit act art. 19a ust. 5)",
            );
        }
    }
    SmallGrantTerms { scope: scope_value, published_on, remarks }
}

/// Pzp art. 361 ust. 1 pkt 1-3: only a public procurement may be reserved, and only to a provider
/// meeting every condition. Returns whether the commission is reserved.
fn reservation_terms(errors: &mut FieldErrors, mode: Option<CommissionMode>, reservation: Option<Reservation>) -> bool {
    let Some(reservation) = reservation else {
        return false;
    };
    if mode.is_some_and(|mode| mode != CommissionMode::PublicProcurement) {
        errors.add(
            "reservation",
            "reservation_not_allowed",
            "only a public_procurement commission may be a reserved contract (Pzp art. 361)",
        );
        return false;
    }
    let conditions = [
        (
            "public_service_mission",
            reservation.public_service_mission,
            1,
            "has a public service mission linked to the services",
        ),
        ("profits_reinvested", reservation.profits_reinvested, 2, "reinvests its profits to achieve that aim"),
        (
            "participatory_governance",
            reservation.participatory_governance,
            3,
            "is managed or owned on participatory principles",
        ),
    ];
    for (name, met, point, condition) in conditions {
        let field = format!("reservation.{name}");
        if errors.required(&field, met) == Some(false) {
            errors.add(
                field,
                "reservation_condition_unmet",
                format!("a contract is reserved only to a provider that {condition} (Pzp art. 361 ust. 1 pkt {point})"),
            );
        }
    }
    true
}

fn parse_expected_results(errors: &mut FieldErrors, results: Vec<ExpectedResult>) -> Vec<(String, String, i64)> {
    if results.len() > 50 {
        errors.add("expected_results", "length", "at most 50 expected results");
    }
    let mut parsed: Vec<(String, String, i64)> = Vec::with_capacity(results.len());
    for (index, result) in results.into_iter().enumerate() {
        let prefix = format!("expected_results[{index}]");
        let indicator = errors.required(&format!("{prefix}.indicator"), clean(result.indicator.as_deref()));
        let unit = errors.required(&format!("{prefix}.unit"), clean(result.unit.as_deref()));
        let planned = errors.required(&format!("{prefix}.planned_value"), result.planned_value);
        if planned.is_some_and(|p| p < 0) {
            errors.add(format!("{prefix}.planned_value"), "range", "planned_value must not be negative");
        }
        if let Some(indicator) = &indicator {
            if parsed.iter().any(|(existing, _, _)| existing == indicator) {
                errors.add(format!("{prefix}.indicator"), "duplicate", "each indicator may appear once");
            }
        }
        if let (Some(indicator), Some(unit), Some(planned)) = (indicator, unit, planned) {
            parsed.push((indicator, unit, planned));
        }
    }
    parsed
}

/// A documented change of a signed commission's financial terms (aneks).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "reason": "Zwiększenie liczby godzin usług w IV kwartale (aneks nr 1)",
    "amount": "66000.00",
    "period": {"start": "2026-02-01", "end": "2026-12-31"},
    "tranches": [{"date": "2026-02-10", "amount": "30000.00"}, {"date": "2026-07-10", "amount": "30000.00"}, {"date": "2026-10-10", "amount": "6000.00"}]
}))]
pub struct AnnexInput {
    /// Why the terms change: 1-2000 characters.
    #[schema(required = true)]
    pub reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub amount: Option<String>,
    pub period: Option<Period>,
    pub tranches: Option<Vec<Tranche>>,
    pub own_contribution: Option<OwnContribution>,
}

/// A recorded annex.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-0000000000d1",
    "commission_id": "0193a5f2-0000-7000-8000-0000000000c1",
    "reason": "Zwiększenie liczby godzin usług w IV kwartale (aneks nr 1)",
    "changes": {"amount": {"before": "60000.00", "after": "66000.00"}},
    "created_by": "user-ous",
    "created_at": "2026-09-01T10:00:00Z"
}))]
pub struct Annex {
    pub id: Uuid,
    pub commission_id: Uuid,
    pub reason: String,
    /// Each changed term with its value before and after.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The reason of a termination.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Rozwiązanie umowy za porozumieniem stron"}))]
pub struct TerminationInput {
    /// 1-2000 characters.
    #[schema(required = true)]
    pub reason: Option<String>,
}

/// Filters and paging of the commission list (newest first).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CommissionListQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub status: Option<CommissionStatus>,
    pub mode: Option<CommissionMode>,
    pub provider_id: Option<Uuid>,
    pub service_id: Option<Uuid>,
    /// Commissions running on this day.
    #[param(value_type = Option<String>, format = Date, example = "2026-06-30")]
    pub active_on: Option<NaiveDate>,
    /// Case- and diacritic-insensitive search in reference and title.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only commissions changed at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// The example of a commission's input. A commission's example extends it, so that the two show the
/// same terms without writing them twice.
fn input_example() -> Value {
    json!({
        "reference": "CUS/2026/014",
        "title": "Usługi opiekuńcze w miejscu zamieszkania 2026",
        "service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
        "provider_id": "0193a5f2-0000-7000-8000-0000000000aa",
        "mode": "open_competition",
        "form": "wspieranie",
        "agreement": {"number": "UM/2026/014", "signed_on": "2026-01-15"},
        "period": {"start": "2026-02-01", "end": "2026-12-31"},
        "amount": "60000.00",
        "tranches": [{"date": "2026-02-10", "amount": "30000.00"}, {"date": "2026-07-10", "amount": "30000.00"}],
        "own_contribution": {"financial": "5000.00", "non_financial": "2000.00"},
        "planned_units": 4800,
        "unit": "hour",
        "planned_recipients": 40,
        "expected_results": [{"indicator": "Liczba godzin usług opiekuńczych", "unit": "godzina", "planned_value": 4800}],
        "reporting": {"schedule": "quarterly", "due_days": 30}
    })
}

/// `input_example` as the stored commission: with its id, status and version.
fn commission_example() -> Value {
    let mut example = input_example();
    for (field, value) in [
        ("id", json!("0193a5f2-0000-7000-8000-0000000000c1")),
        ("task_scope", Value::Null),
        ("offer", Value::Null),
        ("reservation", Value::Null),
        ("status", json!("active")),
        ("termination_reason", Value::Null),
        ("created_at", json!("2026-01-10T09:00:00Z")),
        ("updated_at", json!("2026-01-15T12:00:00Z")),
        ("version", json!(2)),
    ] {
        example[field] = value;
    }
    example
}

//! Provider reports' API vocabulary (the template of annex 5 to the regulation of 24 October
//! 2018, Dz.U. 2018 poz. 2057) and the checks that need no database.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::commissions::dto::CommissionMode;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::{DateRange, Period};
use crate::domain::{Money, Teryt};
use crate::error::ApiResult;
use crate::validation::FieldErrors;

crate::text_enum! {
/// `partial` (sprawozdanie częściowe), `annual` (roczne), `final` (końcowe: due 30 days after the
/// task ends).
pub enum ReportKind {
    Partial,
    Annual,
    Final,
}
}

crate::text_enum! {
/// The template a report follows, set by the commission's mode: `simplified` (sprawozdanie
/// uproszczone, regulation of 24 October 2018, Dz.U. 2018 poz. 2055) for small grants, with the
/// totals of costs and funding and the results but no cost table by line; `annex_5` (annex 5 to
/// the regulation of the same day, Dz.U. 2018 poz. 2057) for every other mode, with its cost table.
pub enum ReportTemplate {
    #[serde(rename = "annex_5")]
    #[strum(serialize = "annex_5")]
    Annex5,
    Simplified,
}
}

impl ReportTemplate {
    pub fn for_mode(mode: CommissionMode) -> Self {
        if mode == CommissionMode::SmallGrant {
            ReportTemplate::Simplified
        } else {
            ReportTemplate::Annex5
        }
    }
}

crate::text_enum! {
/// `submitted` (awaiting review), `returned` (zwrócone do poprawy: the provider submits a
/// correction, a new version), `accepted` (przyjęte).
pub enum ReportStatus {
    Submitted,
    Returned,
    Accepted,
}
}

/// A state change of a report: the reviewer's `accept` and `return`, the provider's correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr)]
pub enum ReportAction {
    #[strum(serialize = "accept")]
    Accept,
    #[strum(serialize = "return")]
    Return,
    #[strum(serialize = "submit a correction")]
    Correct,
}

impl Lifecycle for ReportStatus {
    type Action = ReportAction;

    fn allowed_actions(self) -> &'static [ReportAction] {
        match self {
            ReportStatus::Submitted => &[ReportAction::Accept, ReportAction::Return],
            ReportStatus::Returned => &[ReportAction::Correct],
            ReportStatus::Accepted => &[],
        }
    }

    fn after(self, action: ReportAction) -> ReportStatus {
        match action {
            ReportAction::Accept => ReportStatus::Accepted,
            ReportAction::Return => ReportStatus::Returned,
            ReportAction::Correct => ReportStatus::Submitted,
        }
    }
}

crate::text_enum! {
/// Section of a cost line: `activity` (koszty realizacji działań) or `administrative` (koszty
/// administracyjne).
pub enum CostSection {
    Activity,
    Administrative,
}
}

/// People reached: a total, and optional breakdowns that must each add up to it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipients {
    #[schema(required = true, example = 42)]
    pub total: Option<i64>,
    /// Age band (e.g. `0-17`, `18-64`, `65+`) to count.
    #[schema(example = json!({"65+": 30, "18-64": 12}))]
    pub by_age_band: Option<BTreeMap<String, i64>>,
    /// `female`, `male` or `unknown` to count.
    #[schema(example = json!({"female": 28, "male": 14}))]
    pub by_sex: Option<BTreeMap<String, i64>>,
    /// TERYT TERC municipality code to count.
    #[schema(example = json!({"2611011": 42}))]
    pub by_area: Option<BTreeMap<String, i64>>,
}

/// What was achieved for one expected result of the commission.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultAchieved {
    /// One of the commission's expected results' indicators.
    #[schema(required = true, example = "Liczba godzin usług opiekuńczych")]
    pub indicator: Option<String>,
    #[schema(required = true, example = 1210)]
    pub achieved_value: Option<i64>,
    /// How it was measured (źródło informacji).
    #[schema(example = "karty czasu pracy opiekunek")]
    pub measured_by: Option<String>,
}

/// What was done, and how it differed from the plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activities {
    #[schema(required = true)]
    pub description: Option<String>,
    pub deviations: Option<String>,
}

/// One cost line: planned and actual cost, the actual split by source of funds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostLine {
    #[schema(required = true, value_type = Option<CostSection>)]
    pub section: Option<String>,
    #[schema(required = true, example = "Wynagrodzenia opiekunek")]
    pub name: Option<String>,
    #[schema(value_type = Option<String>, example = "15000.00")]
    pub planned: Option<String>,
    /// Must equal `from_grant + own_financial + own_non_financial`.
    #[schema(required = true, value_type = Option<String>, example = "14800.00")]
    pub actual: Option<String>,
    #[schema(value_type = Option<String>, example = "13000.00")]
    pub from_grant: Option<String>,
    #[schema(value_type = Option<String>, example = "1300.00")]
    pub own_financial: Option<String>,
    #[schema(value_type = Option<String>, example = "500.00")]
    pub own_non_financial: Option<String>,
}

/// Sources of funding of the reported costs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// Grant used (dotacja); equals the cost lines' `from_grant`.
    #[schema(required = true, value_type = Option<String>, example = "13000.00")]
    pub grant: Option<String>,
    /// Own financial means; with `recipient_fees` and `other_public` equals the lines' `own_financial`.
    #[schema(value_type = Option<String>, example = "800.00")]
    pub own_financial: Option<String>,
    /// Own non-financial contribution: personal (volunteer work) and in kind; together they equal
    /// the lines' `own_non_financial`.
    #[schema(value_type = Option<String>, example = "500.00")]
    pub own_non_financial_personal: Option<String>,
    #[schema(value_type = Option<String>, example = "0.00")]
    pub own_non_financial_in_kind: Option<String>,
    /// Fees paid by recipients (świadczenia pieniężne od odbiorców).
    #[schema(value_type = Option<String>, example = "500.00")]
    pub recipient_fees: Option<String>,
    /// Other public funds.
    #[schema(value_type = Option<String>, example = "0.00")]
    pub other_public: Option<String>,
}

/// A report as the provider submits it (and each correction, as a new version).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "partial",
    "period": {"start": "2026-02-01", "end": "2026-04-30"},
    "units_delivered": 1210,
    "recipients": {"total": 42, "by_sex": {"female": 28, "male": 14}},
    "results": [{"indicator": "Liczba godzin usług opiekuńczych", "achieved_value": 1210, "measured_by": "karty czasu pracy"}],
    "activities": {"description": "Usługi opiekuńcze w domach 42 osób.", "deviations": "Brak"},
    "cost_lines": [
        {"section": "activity", "name": "Wynagrodzenia opiekunek", "planned": "15000.00", "actual": "14800.00", "from_grant": "13000.00", "own_financial": "1300.00", "own_non_financial": "500.00"}
    ],
    "funding": {"grant": "13000.00", "own_financial": "800.00", "own_non_financial_personal": "500.00", "own_non_financial_in_kind": "0.00", "recipient_fees": "500.00", "other_public": "0.00"},
    "volunteer_hours": 40,
    "additional_info": ""
}))]
pub struct ReportInput {
    /// Required on submission; a correction keeps the report's kind (may be omitted).
    #[schema(value_type = Option<ReportKind>)]
    pub kind: Option<String>,
    /// Inside the commission's period; a correction keeps the report's period.
    pub period: Option<Period>,
    #[schema(required = true)]
    pub units_delivered: Option<i64>,
    #[schema(required = true)]
    pub recipients: Option<Recipients>,
    pub results: Option<Vec<ResultAchieved>>,
    #[schema(required = true)]
    pub activities: Option<Activities>,
    /// The cost table of the `annex_5` template: required there (at least one line), refused on the
    /// `simplified` one (422 `not_in_template`), which reports the totals in `funding` only.
    pub cost_lines: Option<Vec<CostLine>>,
    #[schema(required = true)]
    pub funding: Option<Funding>,
    pub volunteer_hours: Option<i64>,
    pub additional_info: Option<String>,
}

/// The figures of a validated report that rules and summaries use; the whole submission is kept
/// as `content`.
#[derive(Debug, Clone)]
pub struct ReportDraft {
    pub kind: ReportKind,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub units_delivered: i64,
    pub recipients_total: i64,
    pub grant: Money,
    pub own_financial: Money,
    pub own_non_financial: Money,
    pub indicators: Vec<(usize, String)>,
    pub content: Value,
}

fn money(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Money {
    errors.parse_with(field, "invalid_amount", value, Money::parse).unwrap_or(Money::ZERO)
}

fn sum(values: impl IntoIterator<Item = Money>) -> Money {
    Money::from_grosze(values.into_iter().map(Money::grosze).sum())
}

fn check_breakdown(
    errors: &mut FieldErrors,
    field: &str,
    total: i64,
    breakdown: Option<&BTreeMap<String, i64>>,
    key_ok: impl Fn(&str) -> Result<(), String>,
) {
    let Some(breakdown) = breakdown else { return };
    for (key, count) in breakdown {
        if let Err(reason) = key_ok(key) {
            errors.add(format!("recipients.{field}.{key}"), "invalid_key", reason);
        }
        if *count < 0 {
            errors.add(format!("recipients.{field}.{key}"), "range", "a count must not be negative");
        }
    }
    let counted: i64 = breakdown.values().sum();
    if counted != total {
        errors.add(
            format!("recipients.{field}"),
            "breakdown_sum",
            format!("the breakdown adds up to {counted}, not the total {total}"),
        );
    }
}

fn non_negative(errors: &mut FieldErrors, field: &str, value: Option<i64>) {
    if value.is_some_and(|v| !(0..=1_000_000_000).contains(&v)) {
        errors.add(field, "range", format!("{field} must be between 0 and 1000000000"));
    }
}

fn text_limit(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) {
    if value.is_some_and(|v| v.chars().count() > max) {
        errors.add(field, "length", format!("{field} must be at most {max} characters long"));
    }
}

impl ReportInput {
    /// Checks every field of the template's parts and that the totals add up (on `annex_5`, the
    /// cost lines by source equal the funding), reporting every problem at once.
    pub fn validate_draft(self, template: ReportTemplate) -> ApiResult<ReportDraft> {
        let mut errors = FieldErrors::new();
        let kind = errors.required_enum::<ReportKind>("kind", self.kind.as_deref());
        let period = DateRange::parse_required(&mut errors, "period", self.period.clone());
        let (start, end) = (period.map(DateRange::start), period.map(DateRange::end));
        let units = errors.required("units_delivered", self.units_delivered);
        non_negative(&mut errors, "units_delivered", units);
        non_negative(&mut errors, "volunteer_hours", self.volunteer_hours);
        let recipients = errors.required("recipients", self.recipients.clone()).unwrap_or_default();
        let total = errors.required("recipients.total", recipients.total);
        non_negative(&mut errors, "recipients.total", total);
        if let Some(total) = total {
            check_breakdown(&mut errors, "by_age_band", total, recipients.by_age_band.as_ref(), |band| {
                if band.is_empty() || band.len() > 20 {
                    Err("an age band is 1-20 characters, e.g. 65+".to_owned())
                } else {
                    Ok(())
                }
            });
            check_breakdown(&mut errors, "by_sex", total, recipients.by_sex.as_ref(), |sex| match sex {
                "female" | "male" | "unknown" => Ok(()),
                _ => Err("use female, male or unknown".to_owned()),
            });
            check_breakdown(&mut errors, "by_area", total, recipients.by_area.as_ref(), |code| {
                Teryt::parse(code).map(|_| ()).map_err(|err| err.message().to_owned())
            });
        }
        let mut indicators = Vec::new();
        for (index, result) in self.results.iter().flatten().enumerate() {
            let prefix = format!("results[{index}]");
            if let Some(indicator) = errors.required(&format!("{prefix}.indicator"), result.indicator.as_deref()) {
                indicators.push((index, indicator.trim().to_owned()));
            }
            let achieved = errors.required(&format!("{prefix}.achieved_value"), result.achieved_value);
            non_negative(&mut errors, &format!("{prefix}.achieved_value"), achieved);
            text_limit(&mut errors, &format!("{prefix}.measured_by"), result.measured_by.as_deref(), 1000);
        }
        let activities = errors.required("activities", self.activities.clone()).unwrap_or_default();
        let description = errors.required(
            "activities.description",
            activities.description.as_deref().map(str::trim).filter(|d| !d.is_empty()),
        );
        text_limit(&mut errors, "activities.description", description, 10_000);
        text_limit(&mut errors, "activities.deviations", activities.deviations.as_deref(), 10_000);
        text_limit(&mut errors, "additional_info", self.additional_info.as_deref(), 10_000);

        match (template, self.cost_lines.as_ref().is_some_and(|lines| !lines.is_empty())) {
            (ReportTemplate::Annex5, false) => errors.add(
                "cost_lines",
                "required",
                "the report of annex 5 (Dz.U. 2018 poz. 2057) has a cost table: give at least one cost line",
            ),
            (ReportTemplate::Simplified, true) => errors.add(
                "cost_lines",
                "not_in_template",
                "the simplified report of a small grant (Dz.U. 2018 poz. 2055) has no cost table by line: report the totals in funding",
            ),
            _ => {}
        }
        let mut lines = (Vec::new(), Vec::new(), Vec::new());
        for (index, line) in self.cost_lines.iter().flatten().enumerate() {
            let prefix = format!("cost_lines[{index}]");
            errors.required_enum::<CostSection>(&format!("{prefix}.section"), line.section.as_deref());
            errors.required(&format!("{prefix}.name"), line.name.as_deref().map(str::trim).filter(|n| !n.is_empty()));
            money(&mut errors, &format!("{prefix}.planned"), line.planned.as_deref());
            let actual_text = errors.required(&format!("{prefix}.actual"), line.actual.as_deref());
            let actual = money(&mut errors, &format!("{prefix}.actual"), actual_text);
            let grant = money(&mut errors, &format!("{prefix}.from_grant"), line.from_grant.as_deref());
            let own = money(&mut errors, &format!("{prefix}.own_financial"), line.own_financial.as_deref());
            let non_financial =
                money(&mut errors, &format!("{prefix}.own_non_financial"), line.own_non_financial.as_deref());
            let by_source = sum([grant, own, non_financial]);
            if actual_text.is_some() && by_source != actual {
                errors.add(
                    format!("{prefix}.actual"),
                    "line_sum",
                    format!("the sources add up to {by_source} but the actual cost is {actual}"),
                );
            }
            lines.0.push(grant);
            lines.1.push(own);
            lines.2.push(non_financial);
        }
        let funding = errors.required("funding", self.funding.clone()).unwrap_or_default();
        let grant_text = errors.required("funding.grant", funding.grant.as_deref());
        let grant = money(&mut errors, "funding.grant", grant_text);
        let own_financial = sum([
            money(&mut errors, "funding.own_financial", funding.own_financial.as_deref()),
            money(&mut errors, "funding.recipient_fees", funding.recipient_fees.as_deref()),
            money(&mut errors, "funding.other_public", funding.other_public.as_deref()),
        ]);
        let own_non_financial = sum([
            money(&mut errors, "funding.own_non_financial_personal", funding.own_non_financial_personal.as_deref()),
            money(&mut errors, "funding.own_non_financial_in_kind", funding.own_non_financial_in_kind.as_deref()),
        ]);
        if errors.is_empty() && template == ReportTemplate::Annex5 {
            for (field, lines_total, funded, what) in [
                ("funding.grant", sum(lines.0), grant, "grant"),
                (
                    "funding.own_financial",
                    sum(lines.1),
                    own_financial,
                    "own financial means, fees and other public funds",
                ),
                (
                    "funding.own_non_financial_personal",
                    sum(lines.2),
                    own_non_financial,
                    "own non-financial contribution",
                ),
            ] {
                if lines_total != funded {
                    errors.add(
                        field,
                        "funding_mismatch",
                        format!("the cost lines use {lines_total} of {what} but the funding declares {funded}"),
                    );
                }
            }
        }
        let content = serde_json::to_value(&self).unwrap_or(Value::Null);
        errors.finish(|| {
            Some(ReportDraft {
                kind: kind?,
                period_start: start?,
                period_end: end?,
                units_delivered: units?,
                recipients_total: total?,
                grant,
                own_financial,
                own_non_financial,
                indicators,
                content,
            })
        })
    }
}

/// The outcome of a review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Review {
    /// `accepted` or `returned`.
    pub outcome: String,
    pub comments: Vec<ReviewComment>,
    pub reviewed_by: String,
    pub reviewed_at: DateTime<Utc>,
}

/// A reviewer's remark on a field or section.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewComment {
    /// The field or section the remark is about, e.g. `cost_lines[0]` or `activities`.
    #[schema(required = true, example = "cost_lines[0]")]
    pub field: Option<String>,
    #[schema(required = true, example = "Proszę doprecyzować liczbę godzin w kwietniu.")]
    pub comment: Option<String>,
}

/// Remarks that return a report for correction.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comments": [{"field": "cost_lines[0]", "comment": "Proszę doprecyzować liczbę godzin w kwietniu."}]}))]
pub struct ReturnInput {
    /// At least one.
    #[schema(required = true)]
    pub comments: Option<Vec<ReviewComment>>,
}

impl ReturnInput {
    pub fn validate(self) -> ApiResult<Vec<ReviewComment>> {
        let mut errors = FieldErrors::new();
        let comments = errors.required("comments", self.comments).unwrap_or_default();
        if comments.is_empty() {
            errors.add("comments", "length", "give at least one comment");
        }
        let mut clean = Vec::with_capacity(comments.len());
        for (index, comment) in comments.into_iter().enumerate() {
            let field = errors.required(
                &format!("comments[{index}].field"),
                comment.field.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()),
            );
            let text = errors.required(
                &format!("comments[{index}].comment"),
                comment.comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
            );
            text_limit(&mut errors, &format!("comments[{index}].comment"), text.as_deref(), 5000);
            clean.push(ReviewComment { field, comment: text });
        }
        errors.finish(|| Some(clean))
    }
}

/// A report with its current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    pub id: Uuid,
    pub commission_id: Uuid,
    pub provider_id: Uuid,
    pub kind: ReportKind,
    /// The template the report follows, by the commission's mode.
    pub template: ReportTemplate,
    pub period: Period,
    pub status: ReportStatus,
    /// Number of the current version (1 for the first submission).
    pub current_version: i32,
    /// When the report was due: the end of its period plus the commission's `due_days`; a final
    /// report 30 days after the task ends for the public benefit act modes (art. 18 ust. 1), the
    /// agreement's `final_due_days` for the others.
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// Not yet accepted and past `due_on`.
    pub overdue: bool,
    /// First submitted after `due_on`. A late report is accepted all the same: lateness is recorded,
    /// never a reason to refuse it.
    pub submitted_late: bool,
    /// Days between `due_on` and the first submission; 0 when on time.
    pub days_late: i64,
    pub first_submitted_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The current version as submitted.
    #[schema(value_type = Object)]
    pub content: Value,
    /// The review of the current version, if any.
    pub review: Option<Review>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// One submitted version of a report; never changed once submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportVersion {
    pub number: i32,
    #[schema(value_type = Object)]
    pub content: Value,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub review: Option<Review>,
}

/// Filters of the cross-commission report list (newest first).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportListQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub status: Option<ReportStatus>,
    pub kind: Option<ReportKind>,
    /// Not accepted and past due (true), or the others (false).
    pub overdue: Option<bool>,
    pub provider_id: Option<Uuid>,
    pub commission_id: Option<Uuid>,
    /// Only reports changed at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// Figures of a commission so far.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "commission_id": "0193a5f2-0000-7000-8000-0000000000c1",
    "planned_units": 4800,
    "units": {"accepted": 1210, "including_pending": 2500},
    "planned_recipients": 40,
    "recipients": {"accepted": 42, "including_pending": 42},
    "grant": {"amount": "60000.00", "used_accepted": "13000.00", "used_including_pending": "27000.00", "remaining": "33000.00"},
    "own_contribution": {
        "planned_financial": "5000.00", "planned_non_financial": "2000.00",
        "financial_accepted": "1300.00", "financial_including_pending": "2600.00",
        "non_financial_accepted": "500.00", "non_financial_including_pending": "1000.00"},
    "reports": {"expected": 5, "due": 2, "overdue": 0, "submitted": 1, "returned": 0, "accepted": 1, "next_due_on": "2026-08-30"}
}))]
pub struct CommissionSummary {
    pub commission_id: Uuid,
    pub planned_units: i64,
    pub units: Figures,
    pub planned_recipients: i64,
    /// The final report's total when there is one, otherwise the largest partial total (people
    /// recur across periods, so totals are not added up).
    pub recipients: Figures,
    pub grant: GrantFigures,
    pub own_contribution: OwnContributionFigures,
    pub reports: ReportCounts,
}

/// A figure from accepted reports only, and including reports awaiting review.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    pub accepted: i64,
    pub including_pending: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantFigures {
    #[schema(value_type = String)]
    pub amount: Money,
    #[schema(value_type = String)]
    pub used_accepted: Money,
    #[schema(value_type = String)]
    pub used_including_pending: Money,
    /// Amount minus the grant used including pending reports.
    #[schema(value_type = String)]
    pub remaining: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnContributionFigures {
    #[schema(value_type = String)]
    pub planned_financial: Money,
    #[schema(value_type = String)]
    pub planned_non_financial: Money,
    #[schema(value_type = String)]
    pub financial_accepted: Money,
    #[schema(value_type = String)]
    pub financial_including_pending: Money,
    #[schema(value_type = String)]
    pub non_financial_accepted: Money,
    #[schema(value_type = String)]
    pub non_financial_including_pending: Money,
}

/// Reports expected by the schedule and where they stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCounts {
    /// Reports the schedule asks for over the whole commission (the final one included).
    pub expected: usize,
    /// Expected reports whose due date has come.
    pub due: usize,
    /// Due reports not submitted (or returned and not corrected) by their due date.
    pub overdue: usize,
    pub submitted: usize,
    pub returned: usize,
    pub accepted: usize,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_due_on: Option<NaiveDate>,
}

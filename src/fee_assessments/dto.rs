//! Fee assessments' API vocabulary: the assessment as listed (no income), as read alone (with
//! the household's figures), what staff send, and its validation into an `AssessmentDraft`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::fee::BracketUsed;
use crate::domain::money::Money;
use crate::domain::period::parse_date;
use crate::domain::text::clean;
use crate::error::ApiResult;
use crate::validation::FieldErrors;

/// The exemption an assessment applies (zwolnienie z odpłatności): one of the rule's reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssessmentExemption {
    #[schema(example = "two_disabled_in_household")]
    pub code: String,
    #[schema(example = "Orzeczenia o niepełnosprawności obojga małżonków")]
    pub note: Option<String>,
}

/// A fee assessment as listed and as created: the fee and the bracket, never the income.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000051", "resident_id": "0193a5f2-0000-7000-8000-000000000061",
    "programme_id": "0193a5f2-0000-7000-8000-000000000041", "service_id": "0193a5f2-0000-7000-8000-000000000011",
    "fee_per_unit": "9.00", "bracket": {"index": 1, "above": "100.00", "up_to": "200.00", "basis": "percent_of_criterion",
        "criterion": "823.00", "fee": {"percent_of_unit_cost": "20.00"}},
    "stated_on": "2027-01-10", "valid_from": "2027-02-01", "valid_to": "2027-12-31", "exemption": null,
    "assessed_by": "kipus:anna.nowak", "created_at": "2027-01-12T09:00:00Z", "updated_at": "2027-01-12T09:00:00Z", "version": 1
}))]
pub struct FeeAssessment {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub programme_id: Uuid,
    pub service_id: Uuid,
    /// What one unit of the service costs the resident; 0.00 when exempt.
    pub fee_per_unit: Money,
    pub bracket: BracketUsed,
    /// The day the income and household were stated (oświadczenie).
    pub stated_on: NaiveDate,
    pub valid_from: NaiveDate,
    /// None: until a new assessment.
    pub valid_to: Option<NaiveDate>,
    pub exemption: Option<AssessmentExemption>,
    /// The subject of the token that assessed it.
    pub assessed_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// One assessment with the household's figures (special data: only here).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeAssessmentDetail {
    #[serde(flatten)]
    pub assessment: FeeAssessment,
    /// The household's monthly income (dochód gospodarstwa domowego); null once the resident is
    /// anonymised.
    pub household_income: Option<Money>,
    pub household_size: i32,
    /// The income divided by the household's size, to the grosz; null once the resident is
    /// anonymised.
    pub income_per_person: Option<Money>,
}

/// An assessment as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "resident_id": "0193a5f2-0000-7000-8000-000000000061", "programme_id": "0193a5f2-0000-7000-8000-000000000041",
    "service_id": "0193a5f2-0000-7000-8000-000000000011", "household_income": "2400.00", "household_size": 2,
    "stated_on": "2027-01-10", "valid_from": "2027-02-01", "valid_to": "2027-12-31"
}))]
pub struct FeeAssessmentInput {
    /// A registered resident (422 `unknown`).
    #[schema(required = true)]
    pub resident_id: Option<Uuid>,
    /// A programme (422 `unknown`) in force on `valid_from` (409 `programme-not-in-force`).
    #[schema(required = true)]
    pub programme_id: Option<Uuid>,
    /// A service the programme offers (422 `not_in_programme`).
    #[schema(required = true)]
    pub service_id: Option<Uuid>,
    /// The household's monthly income in PLN.
    #[schema(required = true, value_type = Option<String>, example = "2400.00")]
    pub household_income: Option<String>,
    /// 1-20 people.
    #[schema(required = true, minimum = 1, maximum = 20, example = 2)]
    pub household_size: Option<i32>,
    /// From 2018-10-01, when the criteria this API knows start.
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2027-01-10")]
    pub stated_on: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2027-02-01")]
    pub valid_from: Option<String>,
    /// Not before `valid_from` (422 `period_order`).
    #[schema(value_type = Option<String>, format = Date, example = "2027-12-31")]
    pub valid_to: Option<String>,
    /// One of the rule's exemptions (422 `unknown_exemption`): the fee is then 0.00.
    pub exemption: Option<ExemptionInput>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExemptionInput {
    #[schema(required = true)]
    pub code: Option<String>,
    /// At most 1000 characters.
    pub note: Option<String>,
}

/// A validated assessment request, whose references the model checks.
#[derive(Debug, Clone)]
pub struct AssessmentDraft {
    pub resident_id: Uuid,
    pub programme_id: Uuid,
    pub service_id: Uuid,
    pub household_income: Money,
    pub household_size: u32,
    pub stated_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub exemption: Option<AssessmentExemption>,
}

const MAX_HOUSEHOLD: i32 = 20;
const MAX_NOTE_CHARS: usize = 1000;

fn date(errors: &mut FieldErrors, field: &str, value: Option<&str>, required: bool) -> Option<NaiveDate> {
    let value = if required { errors.required(field, value) } else { value };
    errors.parse_with(field, "invalid_date", value, parse_date)
}

impl FeeAssessmentInput {
    /// Checks every field and reports every problem at once; no message repeats the income.
    pub fn validate_draft(self) -> ApiResult<AssessmentDraft> {
        let mut errors = FieldErrors::new();
        let resident_id = errors.required("resident_id", self.resident_id);
        let programme_id = errors.required("programme_id", self.programme_id);
        let service_id = errors.required("service_id", self.service_id);
        let income = errors.required("household_income", self.household_income.as_deref());
        let household_income = errors.parse_with("household_income", "invalid_amount", income, Money::parse);
        let household_size = errors.required("household_size", self.household_size).and_then(|size| {
            if !(1..=MAX_HOUSEHOLD).contains(&size) {
                errors.add("household_size", "range", format!("a household has 1 to {MAX_HOUSEHOLD} people"));
                return None;
            }
            u32::try_from(size).ok()
        });
        let stated_on = date(&mut errors, "stated_on", self.stated_on.as_deref(), true);
        let valid_from = date(&mut errors, "valid_from", self.valid_from.as_deref(), true);
        let valid_to = date(&mut errors, "valid_to", self.valid_to.as_deref(), false);
        if let (Some(from), Some(to)) = (valid_from, valid_to) {
            if to < from {
                errors.add("valid_to", "period_order", "valid_to must not be before valid_from");
            }
        }
        let exemption = self.exemption.map(|exemption| {
            let code = errors.required("exemption.code", clean(exemption.code.as_deref()));
            let note = clean(exemption.note.as_deref());
            if note.as_ref().is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
                errors.add(
                    "exemption.note",
                    "length",
                    format!("exemption.note must be at most {MAX_NOTE_CHARS} characters"),
                );
            }
            code.map(|code| AssessmentExemption { code, note })
        });
        errors.finish(|| {
            Some(AssessmentDraft {
                resident_id: resident_id?,
                programme_id: programme_id?,
                service_id: service_id?,
                household_income: household_income?,
                household_size: household_size?,
                stated_on: stated_on?,
                valid_from: valid_from?,
                valid_to,
                exemption: exemption.map(|e| e.ok_or(())).transpose().ok()?,
            })
        })
    }
}

/// Filters and paging of the list, in creation order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeeAssessmentQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub resident_id: Option<Uuid>,
    pub service_id: Option<Uuid>,
}

//! Fees (odpłatność) as the programme of social services sets them, shared by the catalogue (its
//! default rule), programmes (their override), fee assessments and plan items; and the
//! computation of an income-dependent fee.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use super::money::Money;
use crate::validation::FieldErrors;

/// A non-negative number with at most two decimal places, written as a string (`"150"`,
/// `"1200.50"`): a percentage or an amount in PLN, as its field says. Held in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, pattern = r"^\d{1,13}\.\d{2}$", example = "150.00")]
pub struct Decimal(i64);

impl Decimal {
    pub const HUNDRED: Decimal = Decimal(10_000);

    pub const fn from_whole(whole: i64) -> Self {
        Decimal(whole * 100)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Parses as money is parsed: `150`, `150.5`, `150,50`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Money::parse(text)
            .map(|money| Decimal(money.grosze()))
            .map_err(|_| "not a number: write it like 150 or 1200.50 (at most two decimal places, no sign)".to_owned())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Money::from_grosze(self.0).fmt(f)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Decimal::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// Reads a stored amount (the stored forms of rules are JSON, written by `Serialize`).
fn money_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
    Money::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

crate::text_enum! {
/// What an income table's thresholds measure the income per person in the household against:
/// `percent_of_criterion` (% kryterium dochodowego, ustawa o pomocy społecznej art. 8) or `pln`.
pub enum FeeBasis {
    PercentOfCriterion,
    Pln,
}
}

/// The fee of one bracket: a fixed amount per unit, or a percentage of the service's unit cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BracketFee {
    /// PLN per unit.
    PerUnit(#[serde(deserialize_with = "money_text")] Money),
    /// Per cent of the catalogue's unit cost, 0-100, per unit.
    PercentOfUnitCost(Decimal),
}

/// One bracket: incomes per person up to `up_to` (inclusive, above the previous bracket's); the
/// last bracket has none and takes every higher income.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FeeBracket {
    /// Per cent of the criterion or PLN, as the table's basis says; none in the last bracket.
    pub up_to: Option<Decimal>,
    pub fee: BracketFee,
}

/// A reason the programme frees a resident from the fee (zwolnienie z odpłatności).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FeeExemption {
    #[schema(example = "two_disabled_in_household")]
    pub code: String,
    #[schema(example = "Dwie lub więcej osób niepełnosprawnych w gospodarstwie domowym")]
    pub description: String,
}

/// An income table (tabela odpłatności): brackets in ascending order, the last open-ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IncomeTable {
    pub basis: FeeBasis,
    pub brackets: Vec<FeeBracket>,
    pub exemptions: Vec<FeeExemption>,
}

/// The fee a resident pays (odpłatność), as set by the programme of social services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeeRule {
    /// Free of charge (nieodpłatnie).
    Free,
    /// A fixed fee per unit (odpłatność stała).
    Fixed {
        #[serde(deserialize_with = "money_text")]
        amount: Money,
    },
    /// By the income per person in the household (odpłatność zależna od dochodu).
    IncomeTable(IncomeTable),
    /// A free-text income-dependent rule from before income tables: shown, never accepted, and
    /// to be replaced by a table.
    NeedsReview { description: String },
}

impl FeeRule {
    /// The kinds a client may send.
    pub const ACCEPTED_KINDS: &'static str = "free, fixed, income_table";
}

/// A fee rule as sent: `{"kind": "free"}`, `{"kind": "fixed", "amount": "12.50"}` or
/// `{"kind": "income_table", "basis": "percent_of_criterion", "brackets": [{"up_to": "100",
/// "fee": {"per_unit": "0"}}, {"up_to": null, "fee": {"percent_of_unit_cost": "50"}}],
/// "exemptions": [{"code": "...", "description": "..."}]}`.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeRuleInput {
    /// `free`, `fixed` or `income_table` (a `needs_review` rule is replaced, never sent).
    #[schema(required = true, value_type = Option<String>, example = "fixed")]
    pub kind: Option<String>,
    /// Only for `fixed`.
    #[schema(value_type = Option<String>, example = "12.50")]
    pub amount: Option<String>,
    /// Only for `income_table`.
    #[schema(value_type = Option<FeeBasis>)]
    pub basis: Option<String>,
    /// Only for `income_table`: ascending `up_to`, exactly one open-ended bracket, the last.
    pub brackets: Option<Vec<FeeBracketInput>>,
    /// Only for `income_table`: codes unique.
    pub exemptions: Option<Vec<FeeExemptionInput>>,
    /// Shown on a `needs_review` rule; never accepted.
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeBracketInput {
    #[schema(value_type = Option<String>, example = "150")]
    pub up_to: Option<String>,
    #[schema(required = true)]
    pub fee: Option<BracketFeeInput>,
}

/// Exactly one of the two.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BracketFeeInput {
    #[schema(value_type = Option<String>, example = "12.00")]
    pub per_unit: Option<String>,
    #[schema(value_type = Option<String>, example = "50")]
    pub percent_of_unit_cost: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeExemptionInput {
    #[schema(required = true)]
    pub code: Option<String>,
    #[schema(required = true)]
    pub description: Option<String>,
}

const MAX_BRACKETS: usize = 20;
const MAX_EXEMPTIONS: usize = 20;
const MAX_CODE_CHARS: usize = 64;
const MAX_DESCRIPTION_CHARS: usize = 1000;

/// Parses a fee rule sent at `field` (`fee_rule`, `services[0].fee_rule`), recording every
/// problem under its path.
pub fn parse_fee_rule(errors: &mut FieldErrors, field: &str, fee: &FeeRuleInput) -> Option<FeeRule> {
    let kind = errors.required(&format!("{field}.kind"), fee.kind.as_deref())?;
    let forbid = |errors: &mut FieldErrors, name: &str, present: bool| {
        if present {
            errors.add(
                format!("{field}.{name}"),
                "not_allowed",
                format!("{field}.{name} is not allowed for this kind"),
            );
        }
    };
    let table_fields = [
        ("basis", fee.basis.is_some()),
        ("brackets", fee.brackets.is_some()),
        ("exemptions", fee.exemptions.is_some()),
    ];
    forbid(errors, "description", fee.description.is_some());
    match kind {
        "free" | "fixed" => {
            for (name, present) in table_fields {
                forbid(errors, name, present);
            }
            if kind == "free" {
                forbid(errors, "amount", fee.amount.is_some());
                return Some(FeeRule::Free);
            }
            let amount_field = format!("{field}.amount");
            let amount = errors.required(&amount_field, fee.amount.as_deref());
            errors
                .parse_with(&amount_field, "invalid_amount", amount, Money::parse)
                .map(|amount| FeeRule::Fixed { amount })
        }
        "income_table" => {
            forbid(errors, "amount", fee.amount.is_some());
            parse_table(errors, field, fee).map(FeeRule::IncomeTable)
        }
        "needs_review" | "income_dependent" => {
            errors.add(
                format!("{field}.kind"),
                "needs_review",
                format!(
                    "a free-text income-dependent rule is no longer accepted: send an income_table (or one of: {})",
                    FeeRule::ACCEPTED_KINDS
                ),
            );
            None
        }
        _ => {
            errors.add(
                format!("{field}.kind"),
                "unknown_value",
                format!("unknown value; use one of: {}", FeeRule::ACCEPTED_KINDS),
            );
            None
        }
    }
}

fn parse_table(errors: &mut FieldErrors, field: &str, fee: &FeeRuleInput) -> Option<IncomeTable> {
    let basis = errors.required_enum::<FeeBasis>(&format!("{field}.basis"), fee.basis.as_deref());
    let brackets_field = format!("{field}.brackets");
    let inputs = errors.required(&brackets_field, fee.brackets.as_deref()).unwrap_or_default();
    if fee.brackets.is_some() && (inputs.is_empty() || inputs.len() > MAX_BRACKETS) {
        errors.add(&brackets_field, "length", format!("give 1 to {MAX_BRACKETS} brackets"));
    }
    let last = inputs.len().saturating_sub(1);
    let mut previous: Option<Decimal> = None;
    let brackets: Vec<Option<FeeBracket>> = (inputs.iter().enumerate())
        .map(|(index, input)| {
            let at = format!("{brackets_field}[{index}]");
            let up_to_field = format!("{at}.up_to");
            let up_to = errors.parse_with(&up_to_field, "invalid_number", input.up_to.as_deref(), Decimal::parse);
            match (index == last, input.up_to.is_some()) {
                (true, true) => errors.add(&up_to_field, "open_ended_last", "the last bracket is open-ended: no up_to"),
                (false, false) => errors.add(&up_to_field, "required", "only the last bracket is open-ended"),
                _ => {}
            }
            if let (Some(up_to), Some(below)) = (up_to, previous) {
                if up_to <= below {
                    errors.add(&up_to_field, "ascending", "each bracket's up_to is above the previous one's");
                }
            }
            previous = up_to.or(previous);
            let fee = errors
                .required(&format!("{at}.fee"), input.fee.as_ref())
                .and_then(|fee| parse_bracket_fee(errors, &format!("{at}.fee"), fee));
            Some(FeeBracket { up_to: if input.up_to.is_some() { Some(up_to?) } else { None }, fee: fee? })
        })
        .collect();
    let exemptions =
        parse_exemptions(errors, &format!("{field}.exemptions"), fee.exemptions.as_deref().unwrap_or_default());
    Some(IncomeTable { basis: basis?, brackets: brackets.into_iter().collect::<Option<_>>()?, exemptions: exemptions? })
}

fn parse_bracket_fee(errors: &mut FieldErrors, field: &str, fee: &BracketFeeInput) -> Option<BracketFee> {
    match (fee.per_unit.as_deref(), fee.percent_of_unit_cost.as_deref()) {
        (Some(amount), None) => errors
            .parse_with(&format!("{field}.per_unit"), "invalid_amount", Some(amount), Money::parse)
            .map(BracketFee::PerUnit),
        (None, Some(percent)) => {
            let percent_field = format!("{field}.percent_of_unit_cost");
            let percent = errors.parse_with(&percent_field, "invalid_number", Some(percent), Decimal::parse)?;
            if percent > Decimal::HUNDRED {
                errors.add(percent_field, "range", "a percentage of the unit cost is between 0 and 100");
                return None;
            }
            Some(BracketFee::PercentOfUnitCost(percent))
        }
        _ => {
            errors.add(field, "one_of", "give exactly one of per_unit and percent_of_unit_cost");
            None
        }
    }
}

fn parse_exemptions(errors: &mut FieldErrors, field: &str, inputs: &[FeeExemptionInput]) -> Option<Vec<FeeExemption>> {
    if inputs.len() > MAX_EXEMPTIONS {
        errors.add(field, "length", format!("give at most {MAX_EXEMPTIONS} exemptions"));
        return None;
    }
    let mut seen: Vec<String> = Vec::new();
    let exemptions: Vec<Option<FeeExemption>> = (inputs.iter().enumerate())
        .map(|(index, input)| {
            let at = format!("{field}[{index}]");
            let code = bounded(errors, &format!("{at}.code"), input.code.as_deref(), MAX_CODE_CHARS);
            let description =
                bounded(errors, &format!("{at}.description"), input.description.as_deref(), MAX_DESCRIPTION_CHARS);
            let code = code?;
            if seen.contains(&code) {
                errors.add(format!("{at}.code"), "duplicate", "this exemption code is listed twice");
                return None;
            }
            seen.push(code.clone());
            Some(FeeExemption { code, description: description? })
        })
        .collect();
    exemptions.into_iter().collect()
}

fn bounded(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    let text = errors.required(field, super::text::clean(value))?;
    if text.chars().count() > max {
        errors.add(field, "length", format!("{field} must be at most {max} characters"));
        return None;
    }
    Some(text)
}

/// The statutory income criterion (kryterium dochodowe, ustawa o pomocy społecznej art. 8 ust. 1)
/// on a day: for a person alone and per person in a family; none before 2018-10-01.
pub fn income_criterion(on: NaiveDate, household_size: u32) -> Option<Money> {
    const PERIODS: [((i32, u32, u32), i64, i64); 3] =
        [((2025, 1, 1), 101_000, 82_300), ((2022, 1, 1), 77_600, 60_000), ((2018, 10, 1), 70_100, 52_800)];
    PERIODS.iter().find_map(|&((year, month, day), alone, per_person)| {
        let from = NaiveDate::from_ymd_opt(year, month, day)?;
        (on >= from).then(|| Money::from_grosze(if household_size <= 1 { alone } else { per_person }))
    })
}

/// `numerator / denominator` to the nearest whole unit, halves up (non-negative operands).
fn rounded_div(numerator: i128, denominator: i128) -> i64 {
    i64::try_from((2 * numerator + denominator) / (2 * denominator)).unwrap_or(i64::MAX)
}

/// The household's monthly income shared by its members, to the grosz.
pub fn income_per_person(household_income: Money, household_size: u32) -> Money {
    Money::from_grosze(rounded_div(i128::from(household_income.grosze()), i128::from(household_size.max(1))))
}

/// Why an income table gives no fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentError {
    /// The statutory criterion is not known on the day the income was stated.
    NoCriterion,
    /// The bracket is a percentage of a unit cost the catalogue does not state.
    NoUnitCost,
}

/// The bracket an assessment used, as the assessment keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BracketUsed {
    /// Its position in the table, from 0.
    pub index: u32,
    /// The previous bracket's bound (exclusive); none for the first.
    pub above: Option<Decimal>,
    /// Its own bound (inclusive); none for the last, open-ended one.
    pub up_to: Option<Decimal>,
    pub basis: FeeBasis,
    /// The statutory criterion on the day stated, for the household's size.
    #[serde(deserialize_with = "money_text")]
    pub criterion: Money,
    pub fee: BracketFee,
}

/// An income table applied to one household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessed {
    pub income_per_person: Money,
    pub bracket: BracketUsed,
    pub fee_per_unit: Money,
}

impl IncomeTable {
    /// The bracket an income per person falls in: the first whose `up_to` it does not exceed.
    fn bracket_for(&self, income_per_person: Money, criterion: Money) -> usize {
        let income = i128::from(income_per_person.grosze());
        let within = |up_to: Decimal| match self.basis {
            // income ≤ up_to% × criterion, in whole grosze × 10 000 to stay exact.
            FeeBasis::PercentOfCriterion => {
                income * 10_000 <= i128::from(up_to.hundredths()) * i128::from(criterion.grosze())
            }
            FeeBasis::Pln => income <= i128::from(up_to.hundredths()),
        };
        (self.brackets.iter())
            .position(|bracket| bracket.up_to.is_none_or(within))
            .unwrap_or(self.brackets.len().saturating_sub(1))
    }

    /// The fee per unit for a household's monthly income and size, stated on a day.
    pub fn assess(
        &self,
        household_income: Money,
        household_size: u32,
        stated_on: NaiveDate,
        unit_cost: Option<Money>,
    ) -> Result<Assessed, AssessmentError> {
        let criterion = income_criterion(stated_on, household_size).ok_or(AssessmentError::NoCriterion)?;
        let income_per_person = income_per_person(household_income, household_size);
        let index = self.bracket_for(income_per_person, criterion);
        let fee = self.brackets.get(index).map(|b| b.fee).unwrap_or(BracketFee::PerUnit(Money::ZERO));
        let fee_per_unit = match fee {
            BracketFee::PerUnit(amount) => amount,
            BracketFee::PercentOfUnitCost(percent) => {
                let cost = unit_cost.ok_or(AssessmentError::NoUnitCost)?;
                Money::from_grosze(rounded_div(i128::from(cost.grosze()) * i128::from(percent.hundredths()), 10_000))
            }
        };
        let bracket = BracketUsed {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            above: index.checked_sub(1).and_then(|below| self.brackets.get(below)).and_then(|b| b.up_to),
            up_to: self.brackets.get(index).and_then(|b| b.up_to),
            basis: self.basis,
            criterion,
            fee,
        };
        Ok(Assessed { income_per_person, bracket, fee_per_unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn pln(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn table(basis: FeeBasis, brackets: &[(Option<&str>, BracketFee)]) -> IncomeTable {
        IncomeTable {
            basis,
            brackets: (brackets.iter())
                .map(|(up_to, fee)| FeeBracket { up_to: up_to.map(|u| Decimal::parse(u).unwrap()), fee: *fee })
                .collect(),
            exemptions: Vec::new(),
        }
    }

    #[test]
    fn the_criterion_follows_its_dated_amounts_and_the_household_size() {
        assert_eq!(income_criterion(day("2018-09-30"), 1), None);
        assert_eq!(income_criterion(day("2018-10-01"), 1), Some(pln("701.00")));
        assert_eq!(income_criterion(day("2021-12-31"), 3), Some(pln("528.00")));
        assert_eq!(income_criterion(day("2022-01-01"), 1), Some(pln("776.00")));
        assert_eq!(income_criterion(day("2024-12-31"), 2), Some(pln("600.00")));
        assert_eq!(income_criterion(day("2025-01-01"), 1), Some(pln("1010.00")));
        assert_eq!(income_criterion(day("2026-12-03"), 4), Some(pln("823.00")));
    }

    #[test]
    fn income_per_person_is_rounded_to_the_grosz() {
        assert_eq!(income_per_person(pln("1000.00"), 3), pln("333.33"));
        assert_eq!(income_per_person(pln("2000.00"), 3), pln("666.67"));
        assert_eq!(income_per_person(pln("1500.00"), 1), pln("1500.00"));
    }

    #[test]
    fn a_percent_of_criterion_bracket_includes_its_bound() {
        let rule = table(
            FeeBasis::PercentOfCriterion,
            &[
                (Some("100"), BracketFee::PerUnit(Money::ZERO)),
                (Some("150"), BracketFee::PerUnit(pln("5.00"))),
                (None, BracketFee::PerUnit(pln("12.00"))),
            ],
        );
        let on = day("2026-03-01");
        // Alone: 1010.00 is exactly 100 %; one grosz more is in the next bracket.
        assert_eq!(rule.assess(pln("1010.00"), 1, on, None).unwrap().bracket.index, 0);
        assert_eq!(rule.assess(pln("1010.01"), 1, on, None).unwrap().fee_per_unit, pln("5.00"));
        // Two people at 823.00 each: 150 % is 1234.50 per person.
        let assessed = rule.assess(pln("2469.00"), 2, on, None).unwrap();
        let bracket = &assessed.bracket;
        assert_eq!((bracket.index, bracket.criterion, assessed.income_per_person), (1, pln("823.00"), pln("1234.50")));
        assert_eq!((bracket.above, bracket.up_to), (Decimal::parse("100").ok(), Decimal::parse("150").ok()));
        let top = rule.assess(pln("2469.02"), 2, on, None).unwrap().bracket;
        assert_eq!((top.index, top.up_to), (2, None));
    }

    #[test]
    fn a_pln_bracket_and_a_percent_of_the_unit_cost() {
        let rule = table(
            FeeBasis::Pln,
            &[
                (Some("1200"), BracketFee::PercentOfUnitCost(Decimal::parse("10").unwrap())),
                (None, BracketFee::PercentOfUnitCost(Decimal::parse("33.33").unwrap())),
            ],
        );
        let on = day("2026-03-01");
        let low = rule.assess(pln("1200.00"), 1, on, Some(pln("45.00"))).unwrap();
        assert_eq!((low.bracket.index, low.fee_per_unit), (0, pln("4.50")));
        // 33.33 % of 45.00 is 14.9985: rounded to 15.00.
        let high = rule.assess(pln("3000.00"), 2, on, Some(pln("45.00"))).unwrap();
        assert_eq!((high.bracket.index, high.fee_per_unit), (1, pln("15.00")));
        assert_eq!(rule.assess(pln("3000.00"), 2, on, None), Err(AssessmentError::NoUnitCost));
        assert_eq!(rule.assess(pln("3000.00"), 2, day("2017-01-01"), None), Err(AssessmentError::NoCriterion));
    }

    fn input(value: serde_json::Value) -> FeeRuleInput {
        serde_json::from_value(value).unwrap()
    }

    fn fields(value: serde_json::Value) -> Vec<(String, String)> {
        let mut errors = FieldErrors::new();
        assert_eq!(parse_fee_rule(&mut errors, "fee_rule", &input(value)), None);
        errors.into_errors().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_table_is_validated_with_the_path_of_each_problem() {
        let found = fields(serde_json::json!({"kind": "income_table", "basis": "pln", "brackets": [
            {"up_to": "1000", "fee": {"per_unit": "0"}},
            {"up_to": "900", "fee": {"percent_of_unit_cost": "101"}},
            {"fee": {"per_unit": "1", "percent_of_unit_cost": "2"}},
            {"up_to": "2000", "fee": {"per_unit": "5"}}],
            "exemptions": [{"code": "a", "description": "x"}, {"code": "a", "description": "y"}]}));
        let expected = [
            ("fee_rule.brackets[1].up_to", "ascending"),
            ("fee_rule.brackets[1].fee.percent_of_unit_cost", "range"),
            ("fee_rule.brackets[2].up_to", "required"),
            ("fee_rule.brackets[2].fee", "one_of"),
            ("fee_rule.brackets[3].up_to", "open_ended_last"),
            ("fee_rule.exemptions[1].code", "duplicate"),
        ];
        for (field, code) in expected {
            assert!(found.contains(&(field.to_owned(), code.to_owned())), "{field} {code} in {found:?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:?}");
    }

    #[test]
    fn a_valid_table_round_trips_through_its_stored_json() {
        let mut errors = FieldErrors::new();
        let rule = parse_fee_rule(
            &mut errors,
            "fee_rule",
            &input(serde_json::json!({"kind": "income_table", "basis": "percent_of_criterion",
                "brackets": [{"up_to": "100", "fee": {"per_unit": "0"}}, {"up_to": null, "fee": {"percent_of_unit_cost": "50"}}],
                "exemptions": [{"code": "disabled", "description": "Niepełnosprawność"}]})),
        )
        .unwrap();
        let stored = serde_json::to_string(&rule).unwrap();
        assert_eq!(serde_json::from_str::<FeeRule>(&stored).unwrap(), rule);
        let shown: FeeRuleInput = serde_json::from_str(&stored).unwrap();
        assert_eq!(parse_fee_rule(&mut errors, "fee_rule", &shown), Some(rule));
        assert!(errors.is_empty());
    }

    #[test]
    fn a_needs_review_rule_is_never_accepted() {
        let found = fields(serde_json::json!({"kind": "needs_review", "description": "wg uchwały"}));
        assert!(found.contains(&("fee_rule.kind".to_owned(), "needs_review".to_owned())), "{found:?}");
    }
}

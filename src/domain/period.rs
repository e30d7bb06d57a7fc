//! Date ranges: the `{start, end}` shape the API reads and writes, and the range it stands for,
//! which cannot end before it starts. Commissions, reports and plans share them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::FieldErrors;

/// A date range, both days included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-02-01")]
    pub start: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub end: Option<String>,
}

impl From<DateRange> for Period {
    fn from(range: DateRange) -> Self {
        Period { start: Some(range.start.to_string()), end: Some(range.end.to_string()) }
    }
}

/// Days from `start` to `end`, both included; the end is never before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

/// A range that would end before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvertedRange;

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, InvertedRange> {
        if end < start {
            return Err(InvertedRange);
        }
        Ok(DateRange { start, end })
    }

    pub fn start(self) -> NaiveDate {
        self.start
    }

    pub fn end(self) -> NaiveDate {
        self.end
    }

    /// How many days the range covers, both ends included.
    pub fn days(self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Reads a required period under `field`: `required` or `invalid_date` on `<field>.start` and
    /// `<field>.end`, and `period_order` on `<field>.end` when it ends before it starts.
    pub fn parse_required(errors: &mut FieldErrors, field: &str, period: Option<Period>) -> Option<DateRange> {
        let period = errors.required(field, period).unwrap_or_default();
        let start = required_date(errors, &format!("{field}.start"), period.start.as_deref());
        let end_field = format!("{field}.end");
        let end = required_date(errors, &end_field, period.end.as_deref());
        let range = DateRange::new(start?, end?);
        if range.is_err() {
            errors.add(end_field, "period_order", "the period must not end before it starts");
        }
        range.ok()
    }
}

fn required_date(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<NaiveDate> {
    let value = errors.required(field, value);
    errors.parse_with(field, "invalid_date", value, parse_date)
}

/// A calendar day written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| "not a date (YYYY-MM-DD)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn a_range_cannot_end_before_it_starts() {
        assert_eq!(DateRange::new(day("2026-05-01"), day("2026-04-30")), Err(InvertedRange));
        let one_day = DateRange::new(day("2026-05-01"), day("2026-05-01")).unwrap();
        assert_eq!(one_day.days(), 1);
    }

    #[test]
    fn an_inverted_period_is_a_field_error_on_its_end() {
        let mut errors = FieldErrors::new();
        let period = Period { start: Some("2026-05-01".into()), end: Some("2026-04-30".into()) };
        assert_eq!(DateRange::parse_required(&mut errors, "period", Some(period)), None);
        let errors = errors.into_errors();
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("period.end", "period_order"));
    }
}

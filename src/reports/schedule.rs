//! The reports a commission's schedule expects, and when each is due.

use chrono::{Datelike, Duration, NaiveDate};

use super::dto::ReportKind;
use crate::commissions::dto::ReportingSchedule;
use crate::commissions::model::CommissionRow;

/// One expected report: its kind, the period it covers and its due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub kind: ReportKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due_on: NaiveDate,
}

/// The reports a commission's schedule expects, each due by `due_on`.
pub fn expected(commission: &CommissionRow) -> Vec<Slot> {
    expected_in(
        commission.reporting_schedule,
        commission.period_start,
        commission.period_end,
        (commission.reporting_due_days, commission.final_due_days()),
    )
}

/// Partial reports per calendar month or quarter of the period (the last one cut at the period's
/// end, and none for a piece that the final report already closes), each due `due_days` after
/// its piece, then the final report, due `final_due_days` after the commission ends.
fn expected_in(schedule: ReportingSchedule, start: NaiveDate, end: NaiveDate, terms: (i32, i32)) -> Vec<Slot> {
    let (due_days, final_due_days) = terms;
    let due = |day: NaiveDate| day + Duration::days(i64::from(due_days));
    let months = match schedule {
        ReportingSchedule::Monthly => Some(1),
        ReportingSchedule::Quarterly => Some(3),
        ReportingSchedule::FinalOnly => None,
    };
    let mut slots = Vec::new();
    if let Some(months) = months {
        let mut piece_start = start;
        loop {
            let piece_end = last_day_of_span(piece_start, months).min(end);
            if piece_end >= end {
                break;
            }
            slots.push(Slot { kind: ReportKind::Partial, start: piece_start, end: piece_end, due_on: due(piece_end) });
            piece_start = piece_end + Duration::days(1);
        }
    }
    slots.push(Slot { kind: ReportKind::Final, start, end, due_on: end + Duration::days(i64::from(final_due_days)) });
    slots
}

/// The last day of the calendar month (`months` = 1) or quarter (`months` = 3) holding `day`.
fn last_day_of_span(day: NaiveDate, months: u32) -> NaiveDate {
    let span_index = (day.month0()) / months;
    let next_month0 = (span_index + 1) * months;
    let (year, month0) = if next_month0 >= 12 { (day.year() + 1, next_month0 - 12) } else { (day.year(), next_month0) };
    NaiveDate::from_ymd_opt(year, month0 + 1, 1).map(|first| first - Duration::days(1)).unwrap_or(day)
}

/// When a report of this kind and period is due: a final one after the commission ends, by its
/// own term (30 days for the public benefit act modes, art. 18 ust. 1).
pub fn due_on(kind: ReportKind, period_end: NaiveDate, commission: &CommissionRow) -> NaiveDate {
    if kind == ReportKind::Final {
        return commission.period_end + Duration::days(i64::from(commission.final_due_days()));
    }
    period_end + Duration::days(i64::from(commission.reporting_due_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn final_only_expects_one_report_thirty_days_after_the_end() {
        let slots = expected_in(ReportingSchedule::FinalOnly, day("2026-02-01"), day("2026-12-31"), (30, 30));
        assert_eq!(
            slots,
            vec![Slot {
                kind: ReportKind::Final,
                start: day("2026-02-01"),
                end: day("2026-12-31"),
                due_on: day("2027-01-30")
            }]
        );
    }

    #[test]
    fn quarterly_splits_at_calendar_quarters() {
        let slots = expected_in(ReportingSchedule::Quarterly, day("2026-02-15"), day("2026-11-30"), (30, 30));
        let ends: Vec<String> =
            slots.iter().map(|s| format!("{:?} {}..{} due {}", s.kind, s.start, s.end, s.due_on)).collect();
        assert_eq!(
            ends,
            vec![
                "Partial 2026-02-15..2026-03-31 due 2026-04-30",
                "Partial 2026-04-01..2026-06-30 due 2026-07-30",
                "Partial 2026-07-01..2026-09-30 due 2026-10-30",
                "Final 2026-02-15..2026-11-30 due 2026-12-30",
            ]
        );
    }

    #[test]
    fn monthly_crosses_the_year_end() {
        let slots = expected_in(ReportingSchedule::Monthly, day("2026-11-10"), day("2027-01-20"), (14, 30));
        assert_eq!(slots.len(), 3);
        assert_eq!((slots[1].start, slots[1].end), (day("2026-12-01"), day("2026-12-31")));
        assert_eq!(slots[2].kind, ReportKind::Final);
    }
}

//! Timestamps as both backends store them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Europe::Warsaw;

/// Now in UTC, truncated to microseconds: PostgreSQL keeps microseconds and SQLite nanoseconds,
/// and a value must read back exactly as it was written on both.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
}

/// Today's date where the centre works (Europe/Warsaw, CET/CEST): the law's days and terms (the
/// 30-day IPUS term, the 7 days of a small grant's offer, an authorisation's validity, a report's
/// due date) run by the Polish calendar, not UTC's, which is a day behind until 01:00 or 02:00.
pub fn today() -> NaiveDate {
    date_in_poland(Utc::now())
}

fn date_in_poland(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Warsaw).date_naive()
}

/// A stored timestamp (UTC) as the API shows it.
pub fn utc(timestamp: NaiveDateTime) -> DateTime<Utc> {
    timestamp.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_at(utc: &str) -> String {
        date_in_poland(utc.parse().unwrap()).to_string()
    }

    #[test]
    fn the_polish_day_starts_an_hour_before_utc_s_in_winter_and_two_in_summer() {
        assert_eq!(date_at("2026-12-02T22:59:59Z"), "2026-12-02");
        assert_eq!(date_at("2026-12-02T23:00:00Z"), "2026-12-03");
        assert_eq!(date_at("2026-06-30T21:59:59Z"), "2026-06-30");
        assert_eq!(date_at("2026-06-30T22:00:00Z"), "2026-07-01");
    }
}

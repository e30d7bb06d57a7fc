//! Timestamps as both backends store them.

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};

/// Now in UTC, truncated to microseconds: PostgreSQL keeps microseconds and SQLite nanoseconds,
/// and a value must read back exactly as it was written on both.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
}

/// A stored timestamp (UTC) as the API shows it.
pub fn utc(timestamp: NaiveDateTime) -> DateTime<Utc> {
    timestamp.and_utc()
}

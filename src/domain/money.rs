//! Money in PLN, held as integer grosze: no floats anywhere, and not SQLite's lossy NUMERIC.

use std::fmt;

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

/// An amount in PLN, written as a decimal string with two places (`"2499985.00"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, pattern = r"^\d{1,13}\.\d{2}$", example = "45.00")]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_grosze(grosze: i64) -> Self {
        Money(grosze)
    }

    pub fn grosze(self) -> i64 {
        self.0
    }

    /// Parses a non-negative amount as people write it: `45`, `45.5`, `45.50`, `45,50`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let invalid = || "not an amount in PLN: write it like 1234.50 (at most two decimal places)".to_owned();
        let (whole, fraction) = match text.split_once(['.', ',']) {
            Some((_, "")) => return Err(invalid()),
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 2 {
            return Err(invalid());
        }
        // 13 digits of złoty keep every sum of amounts far from i64 overflow.
        if whole.len() > 13 {
            return Err("larger than the largest amount accepted (9999999999999.99)".to_owned());
        }
        let whole: i64 = whole.parse().map_err(|_| invalid())?;
        let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        Ok(Money(whole * 100 + fraction))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn parses_the_forms_people_type_and_prints_two_places() {
        for (input, grosze, shown) in [
            ("45", 4500, "45.00"),
            ("45.5", 4550, "45.50"),
            ("45,50", 4550, "45.50"),
            (" 0.01 ", 1, "0.01"),
            ("2499985.00", 249_998_500, "2499985.00"),
        ] {
            let money = Money::parse(input).unwrap();
            assert_eq!(money.grosze(), grosze, "{input}");
            assert_eq!(money.to_string(), shown);
        }
    }

    #[test]
    fn rejects_negative_fractional_grosze_and_garbage() {
        for input in ["-1.00", "1.005", "1.", ".5", "abc", "1e3", "", "12345678901234.00", "1 000"] {
            assert!(Money::parse(input).is_err(), "{input} should be rejected");
        }
    }
}

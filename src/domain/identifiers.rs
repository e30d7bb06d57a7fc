//! Polish official identifiers, parsed once at the edge: a value of these types is known valid.
//!
//! Each type accepts what people type (surrounding whitespace, and where noted separators or a
//! country prefix) and keeps only the canonical form, so equal identifiers compare equal.

use std::fmt;

use chrono::NaiveDate;

/// Why an identifier was rejected: a machine `code` for clients and a message naming the rule.
///
/// The message is a `&'static str` on purpose: it can never echo the input, which matters for
/// PESEL (personal data under RODO/GDPR) ending up in logs or error responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IdentifierError {
    code: &'static str,
    message: &'static str,
}

impl IdentifierError {
    const fn format(message: &'static str) -> Self {
        Self { code: "format", message }
    }

    const fn checksum(message: &'static str) -> Self {
        Self { code: "checksum", message }
    }

    const fn date(message: &'static str) -> Self {
        Self { code: "date", message }
    }

    const fn range(message: &'static str) -> Self {
        Self { code: "range", message }
    }

    /// `format`, `checksum`, `date` or `range`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &'static str {
        self.message
    }
}

/// Drops whitespace (also the no-break space of copy-pasted documents) and, if asked, hyphens.
/// Any other character is kept, so that the digit check rejects it.
fn strip_separators(input: &str, hyphens: bool) -> String {
    input.chars().filter(|&c| !(c.is_whitespace() || (hyphens && c == '-'))).collect()
}

fn is_digits(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit())
}

/// Sum of digit × weight over the leading digits that have a weight.
fn weighted_sum(digits: &str, weights: &[u32]) -> u32 {
    digits.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum()
}

fn digit_at(digits: &str, index: usize) -> u32 {
    u32::from(digits.as_bytes()[index] - b'0')
}

/// Display and `AsRef<str>` both give the canonical form.
macro_rules! canonical_text {
    ($($name:ident),+) => {$(
        impl $name {
            /// The canonical form, as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )+};
}

canonical_text!(Nip, Regon, Krs, Pesel, Teryt, PostalCode);

/// NIP (numer identyfikacji podatkowej): 10 digits, the last a mod-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nip(String);

impl Nip {
    const WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];

    /// Accepts `8567346215`, `856-734-62-15` and the EU VAT form `PL 8567346215`.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let trimmed = input.trim();
        // `get` rather than slicing: the input may start with a multi-byte character.
        let unprefixed = match trimmed.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("PL") => &trimmed[2..],
            _ => trimmed,
        };
        let digits = strip_separators(unprefixed, true);
        if !is_digits(&digits, 10) {
            return Err(IdentifierError::format(
                "NIP must have 10 digits (an optional PL prefix, spaces and hyphens are allowed)",
            ));
        }
        let check = weighted_sum(&digits, &Self::WEIGHTS) % 11;
        // A remainder of 10 has no check digit: the tax office never issues such a NIP.
        if check == 10 {
            return Err(IdentifierError::checksum(
                "no valid NIP starts with these 9 digits (their check digit would be 10)",
            ));
        }
        if check != digit_at(&digits, 9) {
            return Err(IdentifierError::checksum("the NIP check digit does not match"));
        }
        Ok(Nip(digits))
    }
}

/// REGON (numer w rejestrze podmiotów gospodarki narodowej): 9 digits for an entity, 14 for a
/// local unit (jednostka lokalna), whose first 9 digits are the parent entity's REGON.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Regon(String);

impl Regon {
    const WEIGHTS_9: [u32; 8] = [8, 9, 2, 3, 4, 5, 6, 7];
    const WEIGHTS_14: [u32; 13] = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];

    /// Accepts 9 or 14 digits, with spaces or hyphens between groups.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let digits = strip_separators(input, true);
        let valid =
            |len: usize, weights: &[u32]| weighted_sum(&digits, weights) % 11 % 10 == digit_at(&digits, len - 1);
        if is_digits(&digits, 9) {
            if !valid(9, &Self::WEIGHTS_9) {
                return Err(IdentifierError::checksum("the REGON check digit does not match"));
            }
        } else if is_digits(&digits, 14) {
            if !valid(9, &Self::WEIGHTS_9) {
                return Err(IdentifierError::checksum("the first 9 digits of a 14-digit REGON are not a valid REGON"));
            }
            if !valid(14, &Self::WEIGHTS_14) {
                return Err(IdentifierError::checksum("the REGON check digit does not match"));
            }
        } else {
            return Err(IdentifierError::format("REGON must have 9 or 14 digits"));
        }
        Ok(Regon(digits))
    }
}

/// KRS number (numer w Krajowym Rejestrze Sądowym): a plain sequence number without a check
/// digit, written with leading zeros to 10 digits in court documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Krs(String);

impl Krs {
    /// Accepts 1 to 10 digits (spaces allowed) and pads them with zeros: `249506` -> `0000249506`.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let digits = strip_separators(input, false);
        if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::format("KRS number must have 1 to 10 digits"));
        }
        if digits.bytes().all(|b| b == b'0') {
            return Err(IdentifierError::range("KRS number cannot be all zeros"));
        }
        Ok(Krs(format!("{digits:0>10}")))
    }
}

/// Sex as encoded in a PESEL (digit 10: odd for men, even for women).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
}

/// PESEL (powszechny elektroniczny system ewidencji ludności): 11 digits encoding the birth
/// date and sex, the last a check digit.
///
/// Personal data: `Debug` prints `Pesel(***)` so that a PESEL never reaches logs through `{:?}`,
/// and parse errors never contain the input. `Display` and `as_str` give the digits, for storage.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Pesel(String);

impl Pesel {
    const WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

    /// Accepts exactly 11 digits (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let digits = input.trim();
        if !is_digits(digits, 11) {
            return Err(IdentifierError::format("PESEL must have 11 digits"));
        }
        let check = (10 - weighted_sum(digits, &Self::WEIGHTS) % 10) % 10;
        if check != digit_at(digits, 10) {
            return Err(IdentifierError::checksum("the PESEL check digit does not match"));
        }
        if Self::encoded_date(digits).is_none() {
            return Err(IdentifierError::date("the birth date encoded in the PESEL is not a real date"));
        }
        Ok(Pesel(digits.to_owned()))
    }

    /// The birth date: the month carries the century (+80 for 1800s, +0 for 1900s, +20 for
    /// 2000s, +40 for 2100s, +60 for 2200s).
    fn encoded_date(digits: &str) -> Option<NaiveDate> {
        let two = |i: usize| digit_at(digits, i) * 10 + digit_at(digits, i + 1);
        let (year, month, day) = (two(0), two(2), two(4));
        let (century, month) = match month {
            81..=92 => (1800, month - 80),
            1..=12 => (1900, month),
            21..=32 => (2000, month - 20),
            41..=52 => (2100, month - 40),
            61..=72 => (2200, month - 60),
            _ => return None,
        };
        NaiveDate::from_ymd_opt(century + i32::try_from(year).ok()?, month, day)
    }

    pub fn birth_date(&self) -> NaiveDate {
        Self::encoded_date(&self.0).expect("a parsed PESEL encodes a real date")
    }

    pub fn sex(&self) -> Sex {
        if digit_at(&self.0, 9) % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

impl fmt::Debug for Pesel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pesel(***)")
    }
}

/// TERYT TERC code of a gmina: `WW PP GG R` = województwo, powiat, gmina and its type
/// (1 gmina miejska, 2 gmina wiejska, 3 gmina miejsko-wiejska, 4 miasto w gminie
/// miejsko-wiejskiej, 5 obszar wiejski w gminie miejsko-wiejskiej, 8 dzielnica m.st. Warszawy,
/// 9 delegatura miasta, e.g. Krakowa, Łodzi, Poznania, Wrocławia).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Teryt(String);

impl Teryt {
    /// Accepts exactly 7 digits (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let digits = input.trim();
        if !is_digits(digits, 7) {
            return Err(IdentifierError::format("TERYT municipality code must have 7 digits"));
        }
        // Voivodeship codes are the even numbers 02 (dolnośląskie) to 32 (zachodniopomorskie).
        let voivodeship = digit_at(digits, 0) * 10 + digit_at(digits, 1);
        if !(2..=32).contains(&voivodeship) || !voivodeship.is_multiple_of(2) {
            return Err(IdentifierError::range("the TERYT voivodeship code must be an even number from 02 to 32"));
        }
        if !matches!(digit_at(digits, 6), 1..=5 | 8 | 9) {
            return Err(IdentifierError::range("the TERYT municipality type (last digit) must be 1 to 5, 8 or 9"));
        }
        Ok(Teryt(digits.to_owned()))
    }
}

/// Polish postal code (kod pocztowy), canonically `NN-NNN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostalCode(String);

impl PostalCode {
    /// Accepts `NN-NNN` or `NNNNN` (surrounding whitespace is ignored).
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let text = input.trim();
        let (head, tail) = match text.split_once('-') {
            Some(parts) => parts,
            None if text.len() == 5 && text.is_char_boundary(2) => text.split_at(2),
            None => ("", ""),
        };
        if !is_digits(head, 2) || !is_digits(tail, 3) {
            return Err(IdentifierError::format("postal code must be written as NN-NNN (5 digits)"));
        }
        Ok(PostalCode(format!("{head}-{tail}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: fmt::Debug>(result: Result<T, IdentifierError>) -> &'static str {
        result.expect_err("should be rejected").code()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn nip_accepts_typed_forms_and_keeps_digits_only() {
        for input in [
            "8567346215",
            "856-734-62-15",
            "856 734 62 15",
            "PL 856-734-62-15",
            "PL8567346215",
            "pl8567346215",
            "  8567346215\t",
        ] {
            let nip = Nip::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(nip.as_str(), "8567346215", "{input}");
            assert_eq!(nip.to_string(), "8567346215");
            assert_eq!(nip.as_ref(), "8567346215");
        }
        assert_eq!(Nip::parse("PL 856-734-62-15").unwrap(), Nip::parse("8567346215").unwrap());
    }

    #[test]
    fn nip_rejects_wrong_length_letters_and_bad_check_digit() {
        for input in [
            "",
            "856734621",
            "85673462150",
            "856734621X",
            "DE8567346215",
            "8567346215PL",
            "856.734.62.15",
            "٨567346215",
        ] {
            assert_eq!(code(Nip::parse(input)), "format", "{input}");
        }
        let err = Nip::parse("8567346216").unwrap_err();
        assert_eq!(err.code(), "checksum");
        assert_eq!(err.to_string(), "the NIP check digit does not match");
        assert_eq!(
            Nip::parse("85673462").unwrap_err().to_string(),
            "NIP must have 10 digits (an optional PL prefix, spaces and hyphens are allowed)"
        );
    }

    #[test]
    fn nip_with_remainder_ten_is_invalid_whatever_the_last_digit() {
        // 1·6 + 2·5 + 3·7 + 4·2 + 5·3 + 6·4 + 7·5 + 8·6 + 9·7 = 230, and 230 mod 11 = 10.
        for last in 0..=9 {
            let input = format!("123456789{last}");
            let err = Nip::parse(&input).unwrap_err();
            assert_eq!(err.code(), "checksum", "{input}");
            assert_eq!(err.message(), "no valid NIP starts with these 9 digits (their check digit would be 10)");
        }
    }

    #[test]
    fn regon_accepts_9_and_14_digits_with_separators() {
        for (input, canonical) in [
            ("123456785", "123456785"),
            ("123-456-785", "123456785"),
            (" 123 456 785 ", "123456785"),
            // Remainder 10 gives check digit 0 for REGON, unlike NIP.
            ("100000050", "100000050"),
            ("12345678512347", "12345678512347"),
            ("123456785-12347", "12345678512347"),
        ] {
            let regon = Regon::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(regon.as_str(), canonical);
            assert_eq!(regon.to_string(), canonical);
        }
    }

    #[test]
    fn regon_rejects_wrong_length_letters_and_bad_check_digits() {
        for input in ["", "12345678", "1234567850", "1234567851234", "12345678A", "123456785123470"] {
            assert_eq!(code(Regon::parse(input)), "format", "{input}");
        }
        assert_eq!(code(Regon::parse("123456784")), "checksum");
        assert_eq!(code(Regon::parse("100000051")), "checksum");
        assert_eq!(code(Regon::parse("12345678512348")), "checksum");
        // The 14-digit checksum of 1234567861234 would be 2, but 123456786 is no REGON.
        let err = Regon::parse("12345678612342").unwrap_err();
        assert_eq!(err.code(), "checksum");
        assert_eq!(err.to_string(), "the first 9 digits of a 14-digit REGON are not a valid REGON");
    }

    #[test]
    fn krs_is_zero_padded_to_ten_digits() {
        for (input, canonical) in [
            ("249506", "0000249506"),
            ("0000249506", "0000249506"),
            ("0000 249 506", "0000249506"),
            ("1", "0000000001"),
            ("1234567890", "1234567890"),
        ] {
            let krs = Krs::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(krs.as_str(), canonical);
            assert_eq!(krs.to_string(), canonical);
        }
        assert_eq!(Krs::parse("249506").unwrap(), Krs::parse("0000249506").unwrap());
    }

    #[test]
    fn krs_rejects_empty_long_letters_and_zero() {
        for input in ["", "   ", "12345678901", "KRS249506", "0000-249506", "24950x"] {
            assert_eq!(code(Krs::parse(input)), "format", "{input}");
        }
        assert_eq!(code(Krs::parse("0")), "range");
        assert_eq!(code(Krs::parse("0000000000")), "range");
    }

    #[test]
    fn pesel_decodes_birth_date_and_sex() {
        let pesel = Pesel::parse("02211307589").unwrap();
        assert_eq!(pesel.birth_date(), date(2002, 1, 13));
        assert_eq!(pesel.sex(), Sex::Female);
        assert_eq!(pesel.as_str(), "02211307589");
        assert_eq!(pesel.to_string(), "02211307589");
        assert_eq!(pesel.as_ref(), "02211307589");
        assert_eq!(Pesel::parse(" 02211307589 ").unwrap(), pesel);
    }

    #[test]
    fn pesel_month_offsets_encode_each_century() {
        for (input, born, sex) in [
            ("85821512354", date(1885, 2, 15), Sex::Male),
            ("90123112340", date(1990, 12, 31), Sex::Female),
            ("02211307589", date(2002, 1, 13), Sex::Female),
            // 2000 is a leap year (divisible by 400).
            ("00222900009", date(2000, 2, 29), Sex::Female),
            ("05470412335", date(2105, 7, 4), Sex::Male),
            ("99723100117", date(2299, 12, 31), Sex::Male),
        ] {
            let pesel = Pesel::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(pesel.birth_date(), born, "{input}");
            assert_eq!(pesel.sex(), sex, "{input}");
        }
    }

    #[test]
    fn pesel_rejects_impossible_dates_even_with_a_good_check_digit() {
        for input in [
            "99130112347", // month 13
            "00930112347", // month 93: past the 1800s offset
            "99000112341", // month 00
            "99800112345", // month 80: month 00 of the 1800s
            "99200112347", // month 20: month 00 of the 2000s
            "99400112343", // month 40: month 00 of the 2100s
            "99600112349", // month 60: month 00 of the 2200s
            "99730112345", // month 73: past the 2200s offset
            "99120012349", // day 00
            "99013212346", // 32 January
            "99023012343", // 30 February
            "00022912343", // 29 February 1900: not a leap year
            "00422912345", // 29 February 2100: not a leap year
            "00223000005", // 30 February 2000
        ] {
            let err = Pesel::parse(input).unwrap_err();
            assert_eq!(err.code(), "date", "{input}");
            assert!(!err.to_string().contains(input));
        }
    }

    #[test]
    fn pesel_rejects_wrong_length_letters_and_bad_check_digit() {
        for input in ["", "0221130758", "022113075890", "0221130758X", "022-113-075-89"] {
            assert_eq!(code(Pesel::parse(input)), "format", "{input}");
        }
        assert_eq!(code(Pesel::parse("02211307588")), "checksum");
        assert_eq!(code(Pesel::parse("02211307598")), "checksum");
    }

    #[test]
    fn pesel_never_shows_its_digits_in_debug_or_errors() {
        let pesel = Pesel::parse("02211307589").unwrap();
        assert_eq!(format!("{pesel:?}"), "Pesel(***)");
        assert_eq!(format!("{:?}", Some(&pesel)), "Some(Pesel(***))");
        for input in ["02211307588", "0221130758", "99130112347"] {
            let err = Pesel::parse(input).unwrap_err();
            assert!(!err.to_string().contains(input), "{err}");
            assert!(!format!("{err:?}").contains(input), "{err:?}");
        }
    }

    #[test]
    fn teryt_accepts_municipality_codes() {
        for input in ["2611011", "0611102", "0264011", "3262011", " 1465011 "] {
            let teryt = Teryt::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(teryt.as_str(), input.trim());
            assert_eq!(teryt.to_string(), input.trim());
        }
        for kind in [1, 2, 3, 4, 5, 8, 9] {
            assert!(Teryt::parse(&format!("261101{kind}")).is_ok(), "type {kind}");
        }
    }

    #[test]
    fn teryt_rejects_bad_format_voivodeship_and_type() {
        for input in ["", "261101", "26110110", "26 11 01 1", "26-11-01-1", "261101A"] {
            assert_eq!(code(Teryt::parse(input)), "format", "{input}");
        }
        for input in ["0011011", "0111011", "2511011", "3311011", "3411011", "9911011"] {
            assert_eq!(code(Teryt::parse(input)), "range", "{input}");
        }
        for input in ["2611010", "2611016", "2611017"] {
            assert_eq!(code(Teryt::parse(input)), "range", "{input}");
        }
    }

    #[test]
    fn postal_code_is_normalised_to_nn_nnn() {
        for input in ["27-200", "27200", " 27-200 "] {
            let postal = PostalCode::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(postal.as_str(), "27-200");
            assert_eq!(postal.to_string(), "27-200");
            assert_eq!(postal.as_ref(), "27-200");
        }
    }

    #[test]
    fn postal_code_rejects_other_shapes() {
        for input in [
            "", "27-20", "272-00", "27-2000", "2720", "272000", "27 200", "27--200", "2a-200", "27-20a", "ąą200",
            "27–200",
        ] {
            assert_eq!(code(PostalCode::parse(input)), "format", "{input}");
        }
    }

    #[test]
    fn identifier_error_is_an_error_with_code_and_message() {
        let err: Box<dyn std::error::Error> = Box::new(Nip::parse("1").unwrap_err());
        assert_eq!(err.to_string(), Nip::parse("1").unwrap_err().message());
        assert_eq!(code(Teryt::parse("0111011")), "range");
    }
}

//! The limits every request body obeys, written once: the JSON and CSV readers check them (422
//! naming the field) and the OpenAPI document states them (`maxLength`, `maxItems`).
//!
//! Limits are chosen by member name, so a new field is limited the day it is added: a text is
//! short (names, titles, codes, address lines) unless its member is one of [`LONG_TEXT_MEMBERS`],
//! and an array holds at most [`DEFAULT_MAX_ITEMS`] unless [`ARRAY_MAX_ITEMS`] names it.

/// Characters in a short text: a name, title, code, address line, e-mail or phone.
pub const SHORT_TEXT_MAX_CHARS: usize = 300;
/// Characters in a long text: a description, note, comment or reason.
pub const LONG_TEXT_MAX_CHARS: usize = 10_000;

/// Members holding long texts, which may also hold line breaks and tabs.
pub const LONG_TEXT_MEMBERS: &[&str] = &[
    "description",
    "deviations",
    "additional_info",
    "comment",
    "reason",
    "note",
    "notes",
    "notes_on_needs",
    "needs_assessment",
    "outcome",
    "summary",
    "eligibility",
    "scope",
];

/// Items in an array that [`ARRAY_MAX_ITEMS`] does not name.
pub const DEFAULT_MAX_ITEMS: usize = 100;
/// Rows of one provider import (a JSON array or CSV data rows).
pub const IMPORT_MAX_ROWS: usize = 10_000;

/// Arrays with a limit of their own, by member name.
pub const ARRAY_MAX_ITEMS: &[(&str, usize)] = &[
    // A body that is an array: the rows of an import.
    ("", IMPORT_MAX_ROWS),
    ("items", 100),
    ("goals", 50),
    ("cost_lines", 200),
    ("comments", 200),
    ("results", 100),
    ("expected_results", 100),
    ("tranches", 60),
    ("contact_persons", 20),
    ("areas", 20),
    ("target_groups", 20),
    ("area_served", 500),
    ("recipients", 50),
    ("roles", 10),
];

/// Field errors listed in one problem; `errors_total` says how many there were.
pub const MAX_LISTED_ERRORS: usize = 100;

/// Whether texts of this member are long ones.
pub fn is_long_text(member: &str) -> bool {
    LONG_TEXT_MEMBERS.contains(&member)
}

/// The most characters a text of this member may hold.
pub fn max_chars(member: &str) -> usize {
    if is_long_text(member) {
        LONG_TEXT_MAX_CHARS
    } else {
        SHORT_TEXT_MAX_CHARS
    }
}

/// The most items an array of this member may hold.
pub fn max_items(member: &str) -> usize {
    ARRAY_MAX_ITEMS.iter().find(|(name, _)| *name == member).map_or(DEFAULT_MAX_ITEMS, |(_, max)| *max)
}

/// Why text with NUL is refused: PostgreSQL cannot store it, and no text of this API needs it, so
/// it is refused where it enters, the same on both backends.
pub const NUL_REFUSED: &str = "text must not contain the NUL character (U+0000)";
const BIDI_REFUSED: &str = "text must not contain bidirectional overrides or isolates (U+202A-U+202E, U+2066-U+2069)";
const CONTROL_REFUSED: &str = "text must not contain control characters";
const LINE_BREAK_REFUSED: &str = "a short text must not contain line breaks or tabs";

/// Bidirectional embeddings, overrides and isolates: they make a text display otherwise than it
/// reads (a name that looks like another, a reversed amount in a report).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why a text may not be stored, if it may not: NUL, bidirectional controls and control characters
/// anywhere; line breaks and tabs are allowed in long texts only. The reason never quotes the text.
pub fn refused_character(text: &str, long: bool) -> Option<&'static str> {
    let mut reason = None;
    for c in text.chars() {
        let why = match c {
            '\0' => NUL_REFUSED,
            '\n' | '\r' | '\t' if long => continue,
            '\n' | '\r' | '\t' => LINE_BREAK_REFUSED,
            c if c.is_control() => CONTROL_REFUSED,
            c if is_bidi_control(c) => BIDI_REFUSED,
            _ => continue,
        };
        // NUL is the most specific reason: PostgreSQL could not even store it.
        if why == NUL_REFUSED {
            return Some(why);
        }
        reason.get_or_insert(why);
    }
    reason
}

/// The length error of a text of `member`, if it is too long.
pub fn too_long(member: &str, text: &str) -> Option<String> {
    let max = max_chars(member);
    (text.chars().count() > max).then(|| format!("at most {max} characters"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_refused_and_line_breaks_only_in_long_texts() {
        assert_eq!(refused_character("Anna Kowalska", false), None);
        assert_eq!(refused_character("Żłobek \"Słonko\" – ul. Długa 5", false), None);
        assert_eq!(refused_character("line\r\nline\ttab", true), None);
        assert_eq!(refused_character("line\nline", false), Some(LINE_BREAK_REFUSED));
        assert_eq!(refused_character("a\u{202E}b", true), Some(BIDI_REFUSED));
        assert_eq!(refused_character("a\u{2067}b", false), Some(BIDI_REFUSED));
        assert_eq!(refused_character("a\u{1b}[31m", true), Some(CONTROL_REFUSED));
        assert_eq!(refused_character("a\u{85}", true), Some(CONTROL_REFUSED));
        assert_eq!(refused_character("\u{202E}a\0", false), Some(NUL_REFUSED));
    }

    #[test]
    fn limits_follow_the_member_name() {
        assert_eq!(max_chars("name"), SHORT_TEXT_MAX_CHARS);
        assert_eq!(max_chars("description"), LONG_TEXT_MAX_CHARS);
        assert_eq!(max_items("goals"), 50);
        assert_eq!(max_items("anything"), DEFAULT_MAX_ITEMS);
    }
}

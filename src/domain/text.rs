//! Text keys that make search and Polish sorting work the same on SQLite and PostgreSQL.
//!
//! Neither backend folds Polish diacritics the same way (SQLite's LIKE folds ASCII only, and
//! PostgreSQL's collations depend on the server's locale), so the keys are computed here, stored
//! beside the text and compared byte-wise.

use unicode_normalization::UnicodeNormalization;

/// Lower-case text without diacritics: `Żłobek` -> `zlobek`, so that `q=zlobek` finds it.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            // Letters with a stroke do not decompose in Unicode.
            'ł' => 'l',
            'đ' => 'd',
            'ø' => 'o',
            c => c,
        })
        .collect()
}

/// A key whose byte order is Polish alphabetical order (a < ą < b < c < ć ... < z < ź < ż),
/// case-insensitive, so that sorting by it needs no database collation.
pub fn polish_sort_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len() + 8);
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        // A Polish letter with a diacritic is its own letter right after its base letter: '{' and
        // '|' sort after every ASCII letter, so "ą..." falls between "az..." and "b...".
        let (base, rank) = match c {
            'ą' => ('a', Some('{')),
            'ć' => ('c', Some('{')),
            'ę' => ('e', Some('{')),
            'ł' => ('l', Some('{')),
            'ń' => ('n', Some('{')),
            'ó' => ('o', Some('{')),
            'ś' => ('s', Some('{')),
            'ź' => ('z', Some('{')),
            'ż' => ('z', Some('|')),
            other => {
                // Other accented letters (é, ü) sort with their base letter.
                let folded = fold(&other.to_string());
                key.push_str(&folded);
                continue;
            }
        };
        key.push(base);
        if let Some(rank) = rank {
            key.push(rank);
        }
    }
    key
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE ... ESCAPE '\'` pattern.
pub fn like_contains(folded_query: &str) -> String {
    let mut pattern = String::with_capacity(folded_query.len() + 2);
    pattern.push('%');
    for c in folded_query.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A text as given, trimmed; `None` when absent or blank, so that "required" and "empty" are one
/// check.
pub fn clean(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_polish_diacritics_and_case() {
        assert_eq!(fold("Żłobek ŚWIĘTOKRZYSKI"), "zlobek swietokrzyski");
        assert_eq!(fold("Zażółć gęślą jaźń"), "zazolc gesla jazn");
        assert_eq!(fold("Café Müller"), "cafe muller");
    }

    #[test]
    fn sort_key_follows_polish_alphabet() {
        let mut words = vec![
            "żaba", "zebra", "źrebię", "ćma", "cel", "łąka", "lato", "Ala", "ąb", "azyl", "bąk", "śnieg", "sowa",
            "ósemka", "owca",
        ];
        words.sort_by_key(|w| polish_sort_key(w));
        assert_eq!(
            words,
            vec![
                "Ala", "azyl", "ąb", "bąk", "cel", "ćma", "lato", "łąka", "owca", "ósemka", "sowa", "śnieg", "zebra",
                "źrebię", "żaba"
            ]
        );
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}

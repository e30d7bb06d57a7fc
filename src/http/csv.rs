//! CSV output, written once for every export: `;`-separated UTF-8 with a byte order mark (which
//! spreadsheets open as UTF-8), and every cell that a spreadsheet would read as a formula
//! neutralised, as OWASP recommends against CSV injection. Imports read cells back through
//! [`restore_cell`], so an export imports unchanged.

use crate::error::ApiError;

pub const BOM: &str = "\u{feff}";

/// What a cell may not begin with: a spreadsheet starts a formula at `=`, `+`, `-`, `@`, and some
/// also after a tab or carriage return.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// The prefix that makes a spreadsheet show a cell as text.
const QUOTE: char = '\'';

/// Whether the text, past any leading `'`, begins a formula.
fn quoted_formula(text: &str) -> bool {
    text.trim_start_matches(QUOTE).starts_with(FORMULA_STARTS)
}

/// A cell as exported: `'` before one that begins a formula, also after `'`s of its own, so that
/// [`restore_cell`] gives back exactly the stored text (`'=x` is written `''=x`).
pub fn neutralise_cell(value: &str) -> String {
    if quoted_formula(value) {
        format!("{QUOTE}{value}")
    } else {
        value.to_owned()
    }
}

/// A cell as imported: without the `'` that [`neutralise_cell`] added (a `'` before, past any
/// further `'`s, a formula character); any other text, like `'plain`, is kept as it is.
pub fn restore_cell(value: &str) -> &str {
    match value.strip_prefix(QUOTE) {
        Some(rest) if quoted_formula(rest) => rest,
        _ => value,
    }
}

/// Builds a CSV document row by row; the only way the API writes CSV.
pub struct CsvWriter {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvWriter {
    /// A document whose first row names the columns.
    pub fn new(columns: &[&str]) -> Result<Self, ApiError> {
        let mut writer = CsvWriter { writer: csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new()) };
        writer.row(columns.iter().copied())?;
        Ok(writer)
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), ApiError> {
        self.writer.write_record(cells.into_iter().map(neutralise_cell)).map_err(failed)
    }

    /// The document, with the byte order mark.
    pub fn finish(self) -> Result<String, ApiError> {
        let bytes = self.writer.into_inner().map_err(|err| failed(err.into_error().into()))?;
        Ok(format!("{BOM}{}", String::from_utf8_lossy(&bytes)))
    }
}

fn failed(err: csv::Error) -> ApiError {
    ApiError::internal(format!("cannot write CSV: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_restored_exactly() {
        for value in ["=1+2", "+48 600 000 000", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''=x", "'plain", "plain", ""] {
            let cell = neutralise_cell(value);
            assert!(!cell.starts_with(FORMULA_STARTS), "{value:?} -> {cell:?}");
            assert_eq!(restore_cell(&cell), value, "{value:?} -> {cell:?}");
        }
        assert_eq!(neutralise_cell("=1+2"), "'=1+2");
        assert_eq!(neutralise_cell("O'Brien"), "O'Brien");
    }
}

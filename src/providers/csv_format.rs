//! The registry as CSV, the way Polish spreadsheets export it: UTF-8 (with or without a byte order
//! mark), `;` or `,` between fields, one provider per row, the same columns for import and export.

use super::dto::{Contact, ProviderInput, Statuses};
use super::model::ProviderRow;
use crate::domain::limits;
use crate::domain::Address;
use crate::error::{ApiError, FieldError};
use crate::http::csv::{restore_cell, CsvWriter, BOM};

/// The columns, in order. `areas` holds area codes separated by `|`; flags are `true` or `false`.
/// Units and contact persons are not in the CSV (an import keeps a record's own).
pub const COLUMNS: [&str; 20] = [
    "name",
    "short_name",
    "legal_form",
    "statutory_art_3_3",
    "public_benefit_organisation_since",
    "social_economy_entity",
    "social_enterprise_since",
    "nip",
    "regon",
    "krs",
    "street",
    "building",
    "postal_code",
    "city",
    "teryt",
    "email",
    "phone",
    "website",
    "areas",
    "description",
];

/// Reads CSV text into one input per data row. The text is the body's content, so unknown or
/// missing columns and ragged rows are invalid content (422) naming the column or row.
pub fn parse(text: &str) -> Result<Vec<ProviderInput>, ApiError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.matches(';').count() >= header_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|err| ApiError::bad_request(format!("the CSV header cannot be read: {err}"), Vec::new()))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let unknown: Vec<FieldError> = headers
        .iter()
        .filter(|h| !COLUMNS.contains(&h.as_str()))
        .map(|h| {
            FieldError::new(
                h.clone(),
                "unknown_column",
                format!("unknown column; the columns are {}", COLUMNS.join(";")),
            )
        })
        .collect();
    let missing = ["name", "legal_form"]
        .into_iter()
        .filter(|required| !headers.iter().any(|h| h == required))
        .map(|required| FieldError::new(required, "missing_column", format!("the column {required} is required")));
    let column_errors: Vec<FieldError> = unknown.into_iter().chain(missing).collect();
    if !column_errors.is_empty() {
        return Err(ApiError::Validation(column_errors));
    }
    let mut inputs = Vec::new();
    let mut cell_errors = Vec::new();
    for (index, record) in reader.records().enumerate() {
        if index == limits::IMPORT_MAX_ROWS {
            let limit = limits::IMPORT_MAX_ROWS;
            return Err(ApiError::Validation(vec![FieldError::new(
                "rows",
                "max_items",
                format!("at most {limit} rows"),
            )]));
        }
        let at_row = |mut error: FieldError| {
            error.row = Some(index + 1);
            error
        };
        // csv's message says where the row went wrong, never what it holds.
        let record = record.map_err(|err| {
            let message = match err.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!("the row has {len} fields, the header {expected_len}")
                }
                csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8".to_owned(),
                _ => "the row cannot be read as CSV".to_owned(),
            };
            ApiError::Validation(vec![at_row(FieldError::new("row", "malformed_row", message))])
        })?;
        // The same character and length rules as JSON bodies (`domain::limits`).
        for (header, value) in headers.iter().zip(record.iter()) {
            if let Some(reason) = limits::refused_character(value, limits::is_long_text(header)) {
                cell_errors.push(at_row(FieldError::new(header.clone(), "invalid_character", reason)));
            }
            if let Some(reason) = limits::too_long(header, value) {
                cell_errors.push(at_row(FieldError::new(header.clone(), "length", reason)));
            }
        }
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .map(restore_cell)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut flag = |name: &str| match cell(name).as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                cell_errors.push(at_row(FieldError::new(name, "boolean", "a flag is true or false")));
                None
            }
        };
        let statutory_art_3_3 = flag("statutory_art_3_3");
        let social_economy_entity = flag("social_economy_entity");
        inputs.push(ProviderInput {
            name: cell("name"),
            short_name: cell("short_name"),
            legal_form: cell("legal_form"),
            statutory_art_3_3,
            statuses: Some(Statuses {
                public_benefit_organisation_since: cell("public_benefit_organisation_since"),
                social_economy_entity,
                social_enterprise_since: cell("social_enterprise_since"),
            }),
            units: None,
            nip: cell("nip"),
            regon: cell("regon"),
            krs: cell("krs"),
            address: Some(Address {
                street: cell("street"),
                building: cell("building"),
                postal_code: cell("postal_code"),
                city: cell("city"),
                teryt: cell("teryt"),
            }),
            contact: Some(Contact { email: cell("email"), phone: cell("phone"), website: cell("website") }),
            contact_persons: None,
            areas: cell("areas")
                .map(|areas| areas.split('|').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect()),
            description: cell("description"),
        });
    }
    if !cell_errors.is_empty() {
        return Err(ApiError::Validation(cell_errors));
    }
    Ok(inputs)
}

/// Writes rows through the shared CSV writer, which neutralises formulas.
pub fn write(rows: &[ProviderRow]) -> Result<String, ApiError> {
    let mut writer = CsvWriter::new(&COLUMNS)?;
    for row in rows {
        let areas: Vec<String> = serde_json::from_str(&row.areas).unwrap_or_default();
        let areas = areas.join("|");
        fn optional(value: &Option<String>) -> &str {
            value.as_deref().unwrap_or_default()
        }
        let date = |value: Option<chrono::NaiveDate>| value.map(|d| d.to_string()).unwrap_or_default();
        let (opp, enterprise) = (date(row.public_benefit_organisation_since), date(row.social_enterprise_since));
        writer.row([
            row.name.as_str(),
            optional(&row.short_name),
            row.legal_form.as_ref(),
            if row.statutory_art_3_3 { "true" } else { "false" },
            &opp,
            if row.social_economy_entity { "true" } else { "false" },
            &enterprise,
            optional(&row.nip),
            optional(&row.regon),
            optional(&row.krs),
            optional(&row.street),
            &row.building,
            &row.postal_code,
            &row.city,
            optional(&row.teryt),
            optional(&row.email),
            optional(&row.phone),
            optional(&row.website),
            &areas,
            &row.description,
        ])?;
    }
    writer.finish()
}

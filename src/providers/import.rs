//! Bulk import of providers (CSV or JSON), all rows or none; the CSV columns are in `csv_format`.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::csv_format;
use super::dto::ProviderInput;
use super::model;
use crate::db::DbConnection;
use crate::domain::limits;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::extract::parse_stored_json;

/// The outcome of an import.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"created": 2, "updated": 1, "provider_ids": ["0193a5f2-0000-7000-8000-0000000000aa", "0193a5f2-0000-7000-8000-0000000000ab", "0193a5f2-0000-7000-8000-0000000000ac"]}))]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    /// The providers of the rows, in row order.
    pub provider_ids: Vec<Uuid>,
}

/// Reads the rows of an import body: CSV or a JSON array of provider inputs.
pub(super) fn import_rows(req: &HttpRequest, body: &Bytes) -> ApiResult<Vec<ProviderInput>> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("text/csv") {
        let text = std::str::from_utf8(body).map_err(|_| {
            ApiError::bad_request("the CSV is not UTF-8: save it as \"CSV UTF-8\" in the spreadsheet", Vec::new())
        })?;
        csv_format::parse(text)
    } else if content_type.starts_with("application/json") {
        parse_stored_json(body)
    } else {
        Err(ApiError::UnsupportedMediaType { detail: "send text/csv or a JSON array (application/json)".to_owned() })
    }
}

/// Validates every row, then creates or updates (matched by NIP or KRS) all of them, or nothing.
pub(super) fn import(conn: &mut DbConnection, rows: Vec<ProviderInput>) -> ApiResult<ImportResult> {
    const MAX_ROWS: usize = limits::IMPORT_MAX_ROWS;
    if rows.is_empty() || rows.len() > MAX_ROWS {
        return Err(ApiError::Validation(vec![FieldError::new(
            "rows",
            "length",
            format!("an import holds 1 to {MAX_ROWS} rows"),
        )]));
    }
    let mut errors = Vec::new();
    let mut drafts = Vec::with_capacity(rows.len());
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, input) in rows.into_iter().enumerate() {
        let row = index + 1;
        match input.validate_draft() {
            Ok(draft) => {
                for (field, value) in
                    [("nip", draft.nip.as_ref().map(|n| n.as_str())), ("krs", draft.krs.as_ref().map(|k| k.as_str()))]
                {
                    let Some(value) = value else { continue };
                    let key = format!("{field}:{value}");
                    if let Some((_, first)) = seen.iter().find(|(seen_key, _)| *seen_key == key) {
                        let mut error = FieldError::new(
                            field,
                            "duplicate_in_file",
                            format!("the same {} as row {first}", field.to_uppercase()),
                        );
                        error.row = Some(row);
                        errors.push(error);
                    } else {
                        seen.push((key, row));
                    }
                }
                drafts.push(draft);
            }
            Err(ApiError::Validation(row_errors)) => {
                errors.extend(row_errors.into_iter().map(|mut error| {
                    error.row = Some(row);
                    error
                }));
            }
            Err(other) => return Err(other),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut result = ImportResult { created: 0, updated: 0, provider_ids: Vec::with_capacity(drafts.len()) };
    for (index, draft) in drafts.into_iter().enumerate() {
        let existing = model::find_by_identifiers(
            conn,
            draft.nip.as_ref().map(|n| n.as_str()),
            draft.krs.as_ref().map(|k| k.as_str()),
        )?;
        let row = match existing {
            Some(existing) => {
                result.updated += 1;
                model::replace_from_import(conn, existing, draft)
            }
            None => {
                result.created += 1;
                model::insert(conn, Uuid::now_v7(), draft)
            }
        }
        .map_err(|err| match err {
            ApiError::Conflict { .. } => err.with("row", index + 1),
            other => other,
        })?;
        result.provider_ids.push(row.id.into());
    }
    Ok(result)
}

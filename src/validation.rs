//! Collecting every field error of a request, so a client fixes its input in one round trip.

use std::str::FromStr;

use validator::{ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};

/// A failed `#[derive(Validate)]` check is a 422 listing every field error; it lives here, beside
/// the walk over validator's errors, so that `crate::error` knows nothing of validation.
impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::Validation(field_errors(&errors))
    }
}

/// Accumulates field errors while input is parsed into domain values.
#[derive(Debug, Default)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Takes the errors recorded so far (e.g. to number them by import row).
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// Adds the errors of a `#[derive(Validate)]` check.
    pub fn check(&mut self, input: &impl validator::Validate) {
        if let Err(errors) = input.validate() {
            self.errors.extend(field_errors(&errors));
        }
    }

    /// Adds the errors of a `#[derive(Validate)]` check of a nested object, under its path.
    pub fn check_at(&mut self, prefix: &str, input: &impl validator::Validate) {
        if let Err(errors) = input.validate() {
            self.errors.extend(field_errors(&errors).into_iter().map(|mut error| {
                error.field = format!("{prefix}.{}", error.field);
                error
            }));
        }
    }

    /// A required value; records `required` when it is missing.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.add(field, "required", format!("{field} is required"));
        }
        value
    }

    /// Parses an enum-like value given as text, naming the allowed values when it is unknown.
    pub fn parse_enum<T>(&mut self, field: &str, value: Option<&str>) -> Option<T>
    where
        T: FromStr + strum::VariantNames,
    {
        let text = value?;
        match text.parse() {
            Ok(parsed) => Some(parsed),
            Err(_) => {
                self.add(field, "unknown_value", format!("unknown value; use one of: {}", T::VARIANTS.join(", ")));
                None
            }
        }
    }

    /// A required enum-like value given as text.
    pub fn required_enum<T>(&mut self, field: &str, value: Option<&str>) -> Option<T>
    where
        T: FromStr + strum::VariantNames,
    {
        let value = self.required(field, value);
        self.parse_enum(field, value)
    }

    /// Runs a parser that explains its own failure (`Money::parse`, identifiers).
    pub fn parse_with<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        code: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(value?) {
            Ok(parsed) => Some(parsed),
            Err(reason) => {
                self.add(field, code, reason.to_string());
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(build())` when no error was recorded, else the 422 listing them all. `build` runs only
    /// when every value it unwraps was recorded as present and valid.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        if !self.errors.is_empty() {
            return Err(ApiError::Validation(self.errors));
        }
        build().ok_or_else(|| ApiError::internal("validated input was incomplete"))
    }
}

/// Flattens validator's nested errors into `field.sub[index]` paths.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message =
                        error.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| describe(&path, error));
                    out.push(FieldError::new(path.clone(), &error.code, message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// A readable sentence for validator's built-in checks.
fn describe(field: &str, error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    match error.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("{field} must be {min} to {max} characters long"),
            (None, Some(max)) => format!("{field} must be at most {max} characters long"),
            (Some(min), None) => format!("{field} must be at least {min} characters long"),
            _ => format!("{field} has an invalid length"),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("{field} must be between {min} and {max}"),
            (None, Some(max)) => format!("{field} must be at most {max}"),
            (Some(min), None) => format!("{field} must be at least {min}"),
            _ => format!("{field} is out of range"),
        },
        "email" => format!("{field} must be an e-mail address"),
        "url" => format!("{field} must be a URL"),
        code => format!("{field} is invalid ({code})"),
    }
}

//! `ApiError`: the one type that knows HTTP status codes. It renders RFC 9457 problem details
//! (`application/problem+json`) as described in the API conventions.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::domain::limits::MAX_LISTED_ERRORS;

pub type ApiResult<T> = Result<T, ApiError>;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";
const PROBLEM_TYPE_BASE: &str = "https://cus-api.dev/problems/";
/// Seconds a client should wait before retrying when the database is unavailable.
const RETRY_AFTER_SECONDS: &str = "2";

/// One invalid input field: which, a stable machine code, and a human sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"field": "code", "code": "pattern", "message": "use 2-32 letters, digits, '-', '_' or '.'"}))]
pub struct FieldError {
    /// JSON path of the field (`fee_rule.amount`, `target_groups[1]`) or the query parameter's name.
    pub field: String,
    pub code: String,
    pub message: String,
    /// The 1-based data row of a bulk import the error belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), code: code.to_owned(), message: message.into(), row: None }
    }
}

/// RFC 9457 problem details, as every error response carries them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://cus-api.dev/problems/validation-failed",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "2 fields are invalid",
    "instance": "/api/v1/services",
    "code": "validation-failed",
    "request_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
    "errors": [
        {"field": "name", "code": "required", "message": "name is required"},
        {"field": "area", "code": "unknown_value", "message": "unknown area 'helth'"}
    ]
}))]
pub struct Problem {
    /// `https://cus-api.dev/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request path (never the query string, which may carry personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Stable machine-readable code, the last segment of `type`.
    pub code: String,
    /// The `X-Request-Id` of the request, to quote when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every invalid field, for 400 and 422; at most the first 100, with `errors_total` saying
    /// how many there were when there were more.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Members specific to a problem type, e.g. `current_status` and `allowed_actions` of a
    /// forbidden state change, `existing_id` of a duplicate, `errors_total` of a long error list.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed request: bad JSON, bad path or query parameter, bad header.
    #[error("bad request: {detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    /// Well-formed but invalid input; lists every invalid field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// No token where one is required, or a token that does not verify.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Authenticated, but the caller's roles do not allow the operation.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Authenticated and the role allows the operation, but a rule refuses it to this caller on
    /// this record (separation of duties); `code` names the rule.
    #[error("refused: {detail}")]
    Refused { code: &'static str, detail: String },
    #[error("{resource} not found")]
    NotFound { resource: &'static str },
    /// The path exists, but not with this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// The request conflicts with the current state (duplicate, forbidden state change).
    #[error("conflict: {detail}")]
    Conflict { code: &'static str, detail: String, extra: Map<String, Value> },
    #[error("If-Match is required")]
    PreconditionRequired,
    #[error("the resource has changed")]
    PreconditionFailed { current_etag: String },
    #[error("request body too large")]
    PayloadTooLarge { limit: usize },
    /// The body did not arrive within the configured time.
    #[error("request body time-out")]
    RequestTimeout { seconds: u64 },
    #[error("unsupported media type")]
    UnsupportedMediaType { detail: String },
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("Idempotency-Key reused with another request")]
    IdempotencyKeyReused,
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(String),
    /// An unexpected database error (a bug or a broken schema), kept apart from other internal
    /// errors so that metrics can count it.
    #[error("database error: {0}")]
    Database(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// A status produced outside our handlers (e.g. 405 from routing), rendered as a problem.
    #[error("{0}")]
    Status(StatusCode),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        ApiError::BadRequest { detail: detail.into(), errors }
    }

    pub fn internal(cause: impl Into<String>) -> Self {
        ApiError::Internal(cause.into())
    }

    pub fn database_unavailable(cause: impl std::fmt::Display) -> Self {
        ApiError::DatabaseUnavailable(cause.to_string())
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict { code, detail: detail.into(), extra: Map::new() }
    }

    /// Adds a member to a conflict's problem body.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let ApiError::Conflict { extra, .. } = &mut self {
            extra.insert(key.to_owned(), value.into());
        }
        self
    }

    /// The stable machine code of the problem (`type` ends with it).
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad-request",
            ApiError::Validation(_) => "validation-failed",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Refused { code, .. } => code,
            ApiError::NotFound { .. } => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Conflict { code, .. } => code,
            ApiError::PreconditionRequired => "precondition-required",
            ApiError::PreconditionFailed { .. } => "precondition-failed",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::RequestTimeout { .. } => "request-timeout",
            ApiError::UnsupportedMediaType { .. } => "unsupported-media-type",
            ApiError::IdempotencyKeyReused => "idempotency-key-reused",
            ApiError::DatabaseUnavailable(_) => "database-unavailable",
            ApiError::Internal(_) | ApiError::Database(_) => "internal-error",
            ApiError::Status(status) => match *status {
                StatusCode::NOT_FOUND => "not-found",
                StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
                StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
                StatusCode::BAD_REQUEST => "bad-request",
                status if status.is_server_error() => "internal-error",
                _ => "http-error",
            },
        }
    }

    /// What the client may read: never SQL, stack traces or personal data.
    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest { detail, .. } | ApiError::Conflict { detail, .. } | ApiError::Refused { detail, .. } => {
                detail.clone()
            }
            ApiError::UnsupportedMediaType { detail } | ApiError::Unauthorized(detail) | ApiError::Forbidden(detail) => {
                detail.clone()
            }
            ApiError::TooManyRequests { retry_after_seconds } => {
                format!("too many failed attempts; retry after {retry_after_seconds} seconds")
            }
            ApiError::Validation(errors) => match errors.len() {
                1 => "1 field is invalid".to_owned(),
                n => format!("{n} fields are invalid"),
            },
            ApiError::NotFound { resource } => format!("no {resource} with this id exists, or it is not visible to you"),
            ApiError::MethodNotAllowed { allow } => format!("this path takes only {allow}"),
            ApiError::PreconditionRequired => {
                "this request must carry If-Match with the ETag of the current representation".to_owned()
            }
            ApiError::PreconditionFailed { current_etag } => format!(
                "the resource has changed since it was read; its current ETag is {current_etag}: read it again and reapply the change"
            ),
            ApiError::PayloadTooLarge { limit } => format!("the request body is larger than {limit} bytes"),
            ApiError::RequestTimeout { seconds } => {
                format!("the request body did not arrive within {seconds} seconds")
            }
            ApiError::IdempotencyKeyReused => {
                "this Idempotency-Key was already used with a different request; use a new key for a new request".to_owned()
            }
            ApiError::DatabaseUnavailable(_) => "the database is unavailable; retry after the Retry-After delay".to_owned(),
            ApiError::Internal(_) | ApiError::Database(_) => {
                "an unexpected error occurred; quote the request id when reporting it".to_owned()
            }
            ApiError::Status(status) => match *status {
                StatusCode::NOT_FOUND => "no resource at this path".to_owned(),
                StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed on this path".to_owned(),
                status => status.canonical_reason().unwrap_or("error").to_owned(),
            },
        }
    }

    /// Logs the causes a client is not shown, once per request (the middleware calls it), with the
    /// request id the client sees in the problem.
    pub fn log(&self, request_id: &str) {
        match self {
            ApiError::DatabaseUnavailable(cause) => log::warn!("database unavailable: {cause} request_id={request_id}"),
            ApiError::Internal(cause) => log::error!("internal error: {cause} request_id={request_id}"),
            ApiError::Database(cause) => log::error!("database error: {cause} request_id={request_id}"),
            _ => {}
        }
    }

    /// The problem response, with the request's path and id when known.
    pub fn to_response(&self, instance: Option<&str>, request_id: Option<&str>) -> HttpResponse {
        let status = self.status_code();
        let (errors, mut extra) = match self {
            ApiError::BadRequest { errors, .. } | ApiError::Validation(errors) => (errors.as_slice(), Map::new()),
            ApiError::Conflict { extra, .. } => (&[][..], extra.clone()),
            _ => (&[][..], Map::new()),
        };
        // A body with 50,000 bad rows gets the first errors and their count, not a 50,000-entry list.
        if errors.len() > MAX_LISTED_ERRORS {
            extra.insert("errors_total".to_owned(), errors.len().into());
        }
        let errors = errors.iter().take(MAX_LISTED_ERRORS).cloned().collect();
        let code = self.code();
        let problem = Problem {
            problem_type: format!("{PROBLEM_TYPE_BASE}{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            instance: instance.map(str::to_owned),
            code: code.to_owned(),
            request_id: request_id.map(str::to_owned),
            errors,
            extra,
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        match self {
            ApiError::PreconditionFailed { current_etag } => {
                if let Ok(value) = HeaderValue::from_str(current_etag) {
                    response.insert_header((header::ETAG, value));
                }
            }
            ApiError::DatabaseUnavailable(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
            }
            ApiError::TooManyRequests { retry_after_seconds } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"cus-api\""));
            }
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            _ => {}
        }
        response.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Refused { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) | ApiError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Status(status) => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response(None, None)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound { resource: "resource" },
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => ApiError::DatabaseUnavailable(info.message().to_owned()),
            // A uniqueness check lost a race with another request (PostgreSQL runs them side by side).
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::conflict(
                "conflict",
                "another request saved a conflicting record at the same moment; read the current state and retry",
            ),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::DatabaseUnavailable("serialization failure".to_owned())
            }
            Error::DatabaseError(_, info) if means_unavailable(info.message()) => {
                ApiError::DatabaseUnavailable(info.message().to_owned())
            }
            other => ApiError::Database(other.to_string()),
        }
    }
}

/// Messages of errors that diesel reports without a kind but that mean "try again later": SQLite's
/// writer that waited out busy_timeout and PostgreSQL's statement that ran out its
/// statement_timeout (both usually wait behind locks), libpq's lost connections and PostgreSQL
/// shutting down or starting up (SQLSTATE 57014, 57P01-57P03, which diesel does not expose).
const UNAVAILABLE_MESSAGES: &[&str] = &[
    "database is locked",
    "canceling statement due to statement timeout",
    "server closed the connection unexpectedly",
    "terminating connection due to",
    "no connection to the server",
    "connection refused",
    "could not send data to server",
    "could not receive data from server",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "ssl syscall error",
];

fn means_unavailable(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    UNAVAILABLE_MESSAGES.iter().any(|fragment| message.contains(fragment))
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> ApiError {
        Error::DatabaseError(kind, Box::new(message.to_owned())).into()
    }

    #[test]
    fn lost_connections_and_shutdowns_are_503_and_other_database_errors_500() {
        for message in [
            "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
            "terminating connection due to administrator command",
            "FATAL:  the database system is shutting down",
            "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused",
            "database is locked",
            "canceling statement due to statement timeout",
        ] {
            let error = database_error(DatabaseErrorKind::Unknown, message);
            assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{message}");
        }
        let race = database_error(DatabaseErrorKind::UniqueViolation, "duplicate key value violates unique constraint");
        assert_eq!(race.status_code(), StatusCode::CONFLICT);
        let closed = database_error(DatabaseErrorKind::ClosedConnection, "anything");
        assert_eq!(closed.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let syntax = database_error(DatabaseErrorKind::Unknown, "syntax error at or near \"SELEC\"");
        assert!(matches!(syntax, ApiError::Database(_)), "{syntax:?}");
        assert_eq!(syntax.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

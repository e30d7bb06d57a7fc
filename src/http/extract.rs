//! Extractors whose failures are problem details naming the offending field, instead of actix's
//! plain-text defaults.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, PayloadConfig};
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, FieldError};

/// A JSON request body (`application/json`, `application/merge-patch+json` or any `+json`),
/// deserialised with the path of the first offending field in the error.
#[derive(Debug)]
pub struct JsonBody<T> {
    pub value: T,
    /// SHA-256 of the raw body, used to recognise a retried request.
    pub fingerprint: String,
}

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.value
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Why text with NUL is refused: PostgreSQL cannot store it, and no text of this API needs it, so
/// it is refused where it enters, the same on both backends.
pub const NUL_REFUSED: &str = "text must not contain the NUL character (U+0000)";

/// Whether JSON text holds an escaped NUL (`\u0000`); JSON cannot carry a raw one in a string.
fn has_escaped_nul(json: &[u8]) -> bool {
    let mut bytes = json.iter();
    while let Some(byte) = bytes.next() {
        // Outside strings a backslash is invalid JSON anyway, so every one starts an escape.
        if *byte == b'\\' && bytes.next() == Some(&b'u') && bytes.by_ref().take(4).eq(b"0000".iter()) {
            return true;
        }
    }
    false
}

/// Deserialises JSON, naming the field that failed (`fee_rule.amount: invalid type: ...`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_escaped_nul(bytes) {
        return Err(ApiError::bad_request(format!("the body is refused: {NUL_REFUSED}"), Vec::new()));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(schema_error)?;
    deserializer
        .end()
        .map_err(|err| ApiError::bad_request(format!("the body is not valid JSON: {err}"), Vec::new()))?;
    Ok(value)
}

/// Deserialises an already parsed JSON value (e.g. the result of a merge patch).
pub fn from_json_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(schema_error)
}

fn schema_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let field = err.path().to_string();
    let inner = err.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::bad_request(format!("the body is not valid JSON: {inner}"), Vec::new());
    }
    let message = strip_position(&inner.to_string());
    let (field, code) = match (unknown_field(&message), field.as_str()) {
        (Some(name), ".") => (name.to_owned(), "unknown_field"),
        // serde_path_to_error usually already ends the path with the unknown member's name.
        (Some(name), path) if path.ends_with(name) => (path.to_owned(), "unknown_field"),
        (Some(name), parent) => (format!("{parent}.{name}"), "unknown_field"),
        (None, ".") => ("body".to_owned(), "invalid_type"),
        (None, _) => (field, "invalid_type"),
    };
    ApiError::bad_request(
        format!("the body does not match the schema at {field}"),
        vec![FieldError::new(field, code, message)],
    )
}

/// serde reports an unknown member at its parent: take the member's name from the message.
fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next())
}

/// serde_json appends " at line 1 column 20", which means nothing to a client that sent one line.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_owned);
        let limit = req.app_data::<BodyLimit>().map_or(BodyLimit::DEFAULT.0, |limit| limit.0);
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            match content_type.as_deref() {
                Some(ct) if is_json(ct) => {}
                Some(ct) => {
                    return Err(ApiError::UnsupportedMediaType {
                        detail: format!(
                            "expected a JSON body (application/json), got {}",
                            ct.chars().take(80).collect::<String>()
                        ),
                    })
                }
                None => {
                    return Err(ApiError::UnsupportedMediaType {
                        detail: "expected a JSON body: set Content-Type: application/json".to_owned(),
                    })
                }
            }
            let bytes = body.await.map_err(|err| {
                if err.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge { limit }
                } else {
                    ApiError::bad_request(format!("the body could not be read: {err}"), Vec::new())
                }
            })?;
            let value = parse_json(&bytes)?;
            Ok(JsonBody { value, fingerprint: hex_sha256(&bytes) })
        })
    }
}

/// The request body limit in bytes, registered as app data beside actix's `PayloadConfig` (whose
/// limit is private) so that a 413 can say what the limit is.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl BodyLimit {
    pub const DEFAULT: BodyLimit = BodyLimit(1_048_576);

    pub fn payload_config(self) -> PayloadConfig {
        PayloadConfig::new(self.0)
    }
}

pub fn hex_sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Query parameters, with unknown parameters and bad values named in a 400.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> QueryParams<T> {
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes()).find(|(_, value)| value.contains('\0')) {
            return Err(ApiError::bad_request(
                format!("invalid query parameter {name}"),
                vec![FieldError::new(name, "invalid_character", NUL_REFUSED)],
            ));
        }
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(QueryParams).map_err(|err| {
            let mut field = err.path().to_string();
            let message = err.into_inner().to_string();
            if field == "." {
                field = unknown_field(&message).unwrap_or("query").to_owned();
            }
            ApiError::bad_request(
                format!("invalid query parameter {field}"),
                vec![FieldError::new(field, "invalid_parameter", message)],
            )
        })
    }
}

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Self::parse(req.query_string()))
    }
}

/// The `If-Match` precondition that every PATCH and DELETE requires (428 without it).
#[derive(Debug, Clone)]
pub struct IfMatch(pub String);

impl IfMatch {
    /// Whether the header names the given ETag (or is `*`).
    pub fn matches(&self, etag: &str) -> bool {
        super::etag::list_contains(&self.0, etag)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(header::IF_MATCH).map(|v| v.to_str().map(str::to_owned));
        std::future::ready(match value {
            None => Err(ApiError::PreconditionRequired),
            Some(Ok(tag)) if !tag.trim().is_empty() => Ok(IfMatch(tag)),
            Some(_) => Err(ApiError::bad_request(
                "If-Match is not a valid entity tag",
                vec![FieldError::new("If-Match", "invalid_header", "use the ETag of the last read, e.g. \"3\"")],
            )),
        })
    }
}

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(IDEMPOTENCY_KEY) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
                    Ok(IdempotencyKey(Some(key.to_owned())))
                }
                _ => Err(ApiError::bad_request(
                    "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID",
                    vec![FieldError::new(IDEMPOTENCY_KEY, "invalid_header", "use 1 to 255 visible ASCII characters")],
                )),
            },
        };
        std::future::ready(result)
    }
}

/// `q`: 1 to 200 characters after trimming.
pub fn check_search(q: &str) -> Result<(), ApiError> {
    let length = q.trim().chars().count();
    if (1..=200).contains(&length) {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "invalid query parameter q",
        vec![FieldError::new("q", "length", "q must be 1 to 200 characters long")],
    ))
}

#[cfg(test)]
mod tests {
    use super::has_escaped_nul;

    #[test]
    fn only_an_escaped_nul_counts_as_one() {
        assert!(has_escaped_nul(br#"{"name": "a\u0000b"}"#));
        assert!(!has_escaped_nul(br#"{"name": "a\\u0000b"}"#), "a backslash, then the text u0000");
        assert!(!has_escaped_nul(br#"{"name": "\u00e9\u0001"}"#));
    }
}

//! Extractors whose failures are problem details naming the offending field, instead of actix's
//! plain-text defaults.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, PayloadConfig};
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

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

/// Deserialises JSON, naming the field that failed (`fee_rule.amount: invalid type: ...`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    from_json_value(parse_value(bytes)?)
}

/// Deserialises a JSON body whose text is kept. PostgreSQL cannot store U+0000 in text, so a
/// string holding it is invalid content: a 422 naming every such field, once the body has
/// matched the schema.
pub fn parse_stored_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value = parse_value(bytes)?;
    let mut fields = Vec::new();
    find_nul(&value, "", &mut fields);
    let typed = from_json_value(value)?;
    if fields.is_empty() {
        return Ok(typed);
    }
    Err(ApiError::Validation(
        fields.into_iter().map(|field| FieldError::new(field, "invalid_character", NUL_REFUSED)).collect(),
    ))
}

fn parse_value(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|err| ApiError::bad_request(format!("the body is not valid JSON: {err}"), Vec::new()))
}

/// The paths (`results[0].indicator`) of the strings and member names that hold U+0000.
fn find_nul(value: &Value, path: &str, found: &mut Vec<String>) {
    let member = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    match value {
        Value::String(text) if text.contains('\0') => {
            found.push(if path.is_empty() { "body".to_owned() } else { path.to_owned() })
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find_nul(item, &format!("{path}[{index}]"), found);
            }
        }
        Value::Object(members) => {
            for (name, item) in members {
                if name.contains('\0') {
                    found.push(member(name));
                }
                find_nul(item, &member(name), found);
            }
        }
        _ => {}
    }
}

/// Deserialises an already parsed JSON value (e.g. the result of a merge patch).
pub fn from_json_value<T: DeserializeOwned>(mut value: Value) -> Result<T, ApiError> {
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(schema_error)
}

/// JSON has one kind of number, and to JSON Schema (so to the contract) `2.0` is the integer 2:
/// whole numbers written with a fraction are read as integers.
fn whole_numbers_as_integers(value: &mut Value) {
    // 2^63: the first whole number past i64::MAX, which `as f64` would round up to.
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    match value {
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            if float.fract() == 0.0 && (-I64_END..I64_END).contains(&float) {
                // Exact: the value is whole and within range.
                *number = serde_json::Number::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(members) => members.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

fn schema_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let field = err.path().to_string();
    let message = err.into_inner().to_string();
    // A number of the right kind but out of the field's range is invalid content, not a bad form.
    if out_of_range(&message) {
        return ApiError::Validation(vec![FieldError::new(field.trim_start_matches('.'), "range", message)]);
    }
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

/// Whether serde's message is about a whole number (an integer to JSON Schema) that the integer
/// field cannot hold: ``invalid value: integer `-1`, expected u32``, or one too large for any
/// integer, which JSON parsing left a float: ``invalid type: floating point `1e20`, expected i64``.
fn out_of_range(message: &str) -> bool {
    if message.starts_with("invalid value: integer") {
        return true;
    }
    let Some(rest) = message.strip_prefix("invalid type: floating point `") else { return false };
    let whole = rest.split('`').next().and_then(|number| number.parse::<f64>().ok()).is_some_and(|n| n.fract() == 0.0);
    let for_integer = [", expected i", ", expected u"].iter().any(|expected| rest.contains(expected));
    whole && for_integer
}

/// serde reports an unknown member at its parent: take the member's name from the message.
fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next())
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
            let value = parse_stored_json(&bytes)?;
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

pub const IF_MATCH: &str = "If-Match";

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

/// Documents the optional `Idempotency-Key` header of a POST once, for `params(...)`; its length
/// and character limits are added with the other header rules in `crate::openapi`.
pub struct IdempotencyKeyParam;

impl utoipa::IntoParams for IdempotencyKeyParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some("Replays the first response when the same request is retried within 24 hours"))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()]
    }
}

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// The longest `Idempotency-Key`, in characters.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(IDEMPOTENCY_KEY) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(key)
                    if (1..=IDEMPOTENCY_KEY_MAX).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) =>
                {
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

/// The longest search text `q`, in characters.
pub const SEARCH_MAX_CHARS: usize = 200;

/// `q`: 1 to 200 characters, not all of them spaces.
pub fn check_search(q: &str) -> Result<(), ApiError> {
    if q.chars().count() <= SEARCH_MAX_CHARS && q.chars().any(|c| c != ' ') {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "invalid query parameter q",
        vec![FieldError::new("q", "length", "q must be 1 to 200 characters long, not only spaces")],
    ))
}

//! Extractors whose failures are problem details naming the offending field, instead of actix's
//! plain-text defaults.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, PayloadConfig};
use actix_web::{FromRequest, HttpRequest};
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

use uuid::Uuid;

use crate::domain::limits;
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

/// Deserialises JSON, naming the field that failed (`fee_rule.amount: invalid type: ...`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    from_json_value(parse_value(bytes)?)
}

/// Deserialises a JSON body whose text is kept. Its texts and arrays must keep the limits of
/// `domain::limits` (characters and sizes): a 422 naming every field that does not, once the body
/// has matched the schema.
pub fn parse_stored_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value = parse_value(bytes)?;
    let fields = content_errors(&value);
    let typed = from_json_value(value)?;
    if fields.is_empty() {
        return Ok(typed);
    }
    Err(ApiError::Validation(fields))
}

/// The field errors of a parsed body's texts and arrays against `domain::limits`.
fn content_errors(value: &Value) -> Vec<FieldError> {
    let mut found = Vec::new();
    check_content(value, &JsonPath::Root, "", &mut found);
    found
}

/// A JSON body, refusing an object that holds a member twice (which parsers resolve differently,
/// so the one checked might not be the one used): a 400 naming the member's path.
fn parse_value(bytes: &[u8]) -> Result<Value, ApiError> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictValue { at: &JsonPath::Root, duplicate: &duplicate }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match (parsed, duplicate.into_inner()) {
        (_, Some(path)) => Err(ApiError::bad_request(
            format!("the body holds {path} more than once"),
            vec![FieldError::new(path, "duplicate_key", "a member may appear only once in an object")],
        )),
        (Ok(value), None) => Ok(value),
        (Err(err), None) => Err(ApiError::bad_request(format!("the body is not valid JSON: {err}"), Vec::new())),
    }
}

/// Where a value sits in the body, built into a string only when an error names it.
enum JsonPath<'a> {
    Root,
    Member(&'a JsonPath<'a>, &'a str),
    Index(&'a JsonPath<'a>, usize),
}

impl std::fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonPath::Root => f.write_str("body"),
            JsonPath::Member(JsonPath::Root, name) => f.write_str(name),
            JsonPath::Member(parent, name) => write!(f, "{parent}.{name}"),
            JsonPath::Index(JsonPath::Root, index) => write!(f, "[{index}]"),
            JsonPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Deserialises any JSON into a `Value` like serde_json does, but records the first member that
/// an object holds twice (serde_json keeps the last silently).
struct StrictValue<'a> {
    at: &'a JsonPath<'a>,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq
            .next_element_seed(StrictValue { at: &JsonPath::Index(self.at, items.len()), duplicate: self.duplicate })?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = serde_json::Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let at = JsonPath::Member(self.at, &name);
            if members.contains_key(&name) {
                *self.duplicate.borrow_mut() = Some(at.to_string());
                return Err(serde::de::Error::custom("duplicate member"));
            }
            let value = map.next_value_seed(StrictValue { at: &at, duplicate: self.duplicate })?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// Checks every text (characters, length) and array (items) at `at`, whose nearest member name is
/// `member`: a text in an array is limited as its array's member says.
fn check_content(value: &Value, at: &JsonPath, member: &str, found: &mut Vec<FieldError>) {
    match value {
        Value::String(text) => {
            if let Some(reason) = limits::refused_character(text, limits::is_long_text(member)) {
                found.push(FieldError::new(at.to_string(), "invalid_character", reason));
            }
            if let Some(reason) = limits::too_long(member, text) {
                found.push(FieldError::new(at.to_string(), "length", reason));
            }
        }
        Value::Array(items) => {
            let max = limits::max_items(member);
            if items.len() > max {
                found.push(FieldError::new(at.to_string(), "max_items", format!("at most {max} items")));
            }
            for (index, item) in items.iter().enumerate() {
                check_content(item, &JsonPath::Index(at, index), member, found);
            }
        }
        Value::Object(members) => {
            for (name, item) in members {
                let field = JsonPath::Member(at, name);
                if let Some(reason) = limits::refused_character(name, false) {
                    found.push(FieldError::new(field.to_string(), "invalid_character", reason));
                }
                check_content(item, &field, name, found);
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
        return ApiError::Validation(vec![FieldError::new(
            field.trim_start_matches('.'),
            "range",
            without_value(&message),
        )]);
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
        vec![FieldError::new(field, code, without_value(&message))],
    )
}

/// serde's message without the value it quotes (`invalid type: integer `2211307589`, expected a
/// string` may hold a PESEL): what was expected, and member names, which are the schema's.
/// Messages of other parsers (dates, UUIDs) that quote anything become a plain "invalid value".
pub fn without_value(message: &str) -> String {
    fn expected(message: &str) -> Option<&str> {
        message.rfind(", expected ").map(|at| &message[at + 2..])
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return expected(rest).map_or_else(|| "invalid type".to_owned(), |e| format!("invalid type, {e}"));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        return expected(rest).map_or_else(|| "invalid value".to_owned(), |e| format!("invalid value, {e}"));
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        return expected(rest).map_or_else(|| "invalid length".to_owned(), |e| format!("invalid length, {e}"));
    }
    if message.starts_with("unknown variant ") {
        return match message.split_once(", expected ") {
            Some((_, names)) => format!("unknown value, expected {}", names.replace('`', "")),
            None => "unknown value".to_owned(),
        };
    }
    let names_only = ["unknown field `", "missing field `", "duplicate field `"];
    if names_only.iter().any(|prefix| message.starts_with(prefix)) {
        return message.to_owned();
    }
    if message.contains(['`', '\'', '"']) || message.chars().any(|c| c.is_ascii_digit()) {
        return "invalid value".to_owned();
    }
    message.to_owned()
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
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if let Some(reason) = limits::refused_character(&value, false) {
                return Err(ApiError::bad_request(
                    format!("invalid query parameter {name}"),
                    vec![FieldError::new(name, "invalid_character", reason)],
                ));
            }
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
                vec![FieldError::new(field, "invalid_parameter", without_value(&message))],
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

    /// The write goes on only from the current version: 412 with the current `ETag` otherwise.
    pub fn require(&self, current_etag: String) -> Result<(), ApiError> {
        if self.matches(&current_etag) {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed { current_etag })
        }
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

/// The id in a record's path (`/things/{id}`), refused as `web::Path<Uuid>` refuses it.
fn path_id(req: &HttpRequest, payload: &mut Payload) -> impl Future<Output = Result<Uuid, actix_web::Error>> {
    let path = actix_web::web::Path::<Uuid>::from_request(req, payload);
    async move { Ok(path.await?.into_inner()) }
}

/// A lifecycle action on one record (`POST .../{id}/<verb>`): the record's id and the optional
/// `Idempotency-Key` that every action takes, refused in that order.
pub struct RecordAction {
    pub id: Uuid,
    pub key: IdempotencyKey,
}

impl FromRequest for RecordAction {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (id, key) = (path_id(req, payload), IdempotencyKey::from_request(req, payload));
        Box::pin(async move { Ok(RecordAction { id: id.await?, key: key.await? }) })
    }
}

/// A merge patch as this API takes it: a JSON object, read as such at the edge (before any
/// precondition), since RFC 7396's other values would replace the whole resource
/// (`crate::http::merge_patch` applies it).
pub type Patch = serde_json::Map<String, Value>;

/// A change to one record (`PATCH .../{id}`): its id, the `If-Match` it is based on and the JSON
/// merge patch, refused in that order.
pub struct RecordPatch {
    pub id: Uuid,
    pub if_match: IfMatch,
    pub patch: Patch,
}

impl FromRequest for RecordPatch {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let id = path_id(req, payload);
        let if_match = IfMatch::from_request(req, payload);
        let patch = JsonBody::<Patch>::from_request(req, payload);
        Box::pin(async move {
            Ok(RecordPatch { id: id.await?, if_match: if_match.await?, patch: patch.await?.into_inner() })
        })
    }
}

/// The body of an action that may come without one: `None` when the request has neither a
/// `Content-Type` nor content, or when the body is JSON `null` (as the contract's `T | null`
/// allows); otherwise read as `JsonBody` reads every body (so a bad one is still a 400 or 415).
pub struct OptionalJsonBody<T>(pub Option<JsonBody<T>>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let no_content = headers.get(header::CONTENT_LENGTH).is_none_or(|length| length == "0")
            && !headers.contains_key(header::TRANSFER_ENCODING);
        if no_content && !headers.contains_key(header::CONTENT_TYPE) {
            return Box::pin(async { Ok(OptionalJsonBody(None)) });
        }
        let body = JsonBody::<Option<T>>::from_request(req, payload);
        Box::pin(async move {
            let JsonBody { value, fingerprint } = body.await?;
            Ok(OptionalJsonBody(value.map(|value| JsonBody { value, fingerprint })))
        })
    }
}

//! Problem responses that shared code (the extractors, the pool) gives many operations, written
//! once for the OpenAPI document. These types are never built: `#[utoipa::path(responses(...))]`
//! reads their responses. A handler lists the groups its inputs call for after its success response, then its
//! own problems; an own problem with a group's status replaces the group's (utoipa keeps the last).

use std::collections::BTreeMap;

use utoipa::openapi::{RefOr, Response};
use utoipa::IntoResponses;

use crate::error::{Problem, PROBLEM_CONTENT_TYPE};

/// What `web::Path<Uuid>` refuses.
#[derive(IntoResponses)]
#[response(status = 400, description = "An id in the path is not a UUID", content_type = PROBLEM_CONTENT_TYPE)]
pub struct PathIdErrors(pub Problem);

/// What `QueryParams` refuses.
#[derive(IntoResponses)]
#[response(status = 400, description = "Unknown or invalid query parameter", content_type = PROBLEM_CONTENT_TYPE)]
pub struct QueryErrors(pub Problem);

/// What `conditional_json` (`src/http/etag.rs`) answers when `If-None-Match` holds the current tag.
#[derive(IntoResponses)]
#[response(status = 304, description = "Unchanged since the ETag in If-None-Match")]
pub struct NotModifiedResponse;

/// What `JsonBody` refuses.
#[derive(IntoResponses)]
pub enum JsonBodyErrors {
    #[response(
        status = 400,
        description = "Malformed JSON, a field of the wrong type, an unknown field or a member given twice",
        content_type = PROBLEM_CONTENT_TYPE
    )]
    Malformed(Problem),
    #[response(status = 413, description = "Body larger than the configured limit", content_type = PROBLEM_CONTENT_TYPE)]
    TooLarge(Problem),
    #[response(
        status = 408,
        description = "Body not received within the configured time (`REQUEST_BODY_TIMEOUT_SECONDS`)",
        content_type = PROBLEM_CONTENT_TYPE
    )]
    TimedOut(Problem),
    #[response(status = 415, description = "Body is not JSON", content_type = PROBLEM_CONTENT_TYPE)]
    NotJson(Problem),
}

/// `JsonBody` on a path with an id, which is the other possible cause of a 400.
pub struct PathIdJsonBodyErrors;

impl IntoResponses for PathIdJsonBodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = JsonBodyErrors::responses();
        if let Some(RefOr::T(bad_request)) = responses.get_mut("400") {
            bad_request.description.push_str("; or an id in the path that is not a UUID");
        }
        responses
    }
}

/// What `IfMatch` and the version check behind it refuse.
#[derive(IntoResponses)]
pub enum IfMatchErrors {
    #[response(
        status = 412,
        description = "Changed since it was read; the current ETag is in the `ETag` header",
        content_type = PROBLEM_CONTENT_TYPE,
        headers(("ETag" = String, description = "The current entity tag"))
    )]
    Changed(Problem),
    #[response(status = 428, description = "If-Match is missing", content_type = PROBLEM_CONTENT_TYPE)]
    Missing(Problem),
}

/// What the version check of a save refuses when the request carried no `If-Match` (an action
/// that lost to a concurrent change of the record; see `save_versioned!`): `IfMatchErrors`' 412.
pub struct ChangedMeanwhileErrors;

impl IntoResponses for ChangedMeanwhileErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = IfMatchErrors::responses();
        responses.retain(|status, _| status == "412");
        if let Some(RefOr::T(changed)) = responses.get_mut("412") {
            changed.description =
                "Changed by a concurrent request meanwhile; read it again (the current ETag is in the `ETag` header)"
                    .to_owned();
        }
        responses
    }
}

/// A retried POST whose `Idempotency-Key` was first used with a different request.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Idempotency-Key reused for another request",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct IdempotencyErrors(pub Problem);

/// Every operation that uses the database.
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "Database unavailable",
    content_type = PROBLEM_CONTENT_TYPE,
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying"))
)]
pub struct DatabaseErrors(pub Problem);

/// An id in the path that names nothing the caller may see: a `provider` caller is told 404, not
/// 403, about other providers' records, so that their existence does not leak.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such resource, or not visible to the caller",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct NotFoundErrors(pub Problem);

/// A lifecycle transition (`domain::lifecycle`) that the resource's current state does not allow.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "The resource's current state does not allow this; the problem's `code` says which rule",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct StateConflictErrors(pub Problem);

/// What a DTO's validation refuses: every invalid field and broken rule at once, in `errors`.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Invalid fields or broken rules, every one listed in `errors` with its code",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct InvalidFieldErrors(pub Problem);

/// A value that must be unique (a code, a reference, a NIP, a PESEL) that another record holds.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "Another record already holds a value that must be unique; the problem's `code` names it",
    content_type = PROBLEM_CONTENT_TYPE
)]
pub struct DuplicateErrors(pub Problem);

/// A POST with `Idempotency-Key` whose body the DTO validates: both refusals are a 422.
pub struct InvalidIdempotentInputErrors;

impl IntoResponses for InvalidIdempotentInputErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = InvalidFieldErrors::responses();
        if let Some(RefOr::T(invalid)) = responses.get_mut("422") {
            invalid.description.push_str("; or an Idempotency-Key reused for another request");
        }
        responses
    }
}

/// The union of groups, in order: a later group's response replaces an earlier one's of its status.
fn merged<const N: usize>(groups: [BTreeMap<String, RefOr<Response>>; N]) -> BTreeMap<String, RefOr<Response>> {
    groups.into_iter().flatten().collect()
}

/// A record named by the id in the path: what the path, the pool and the visibility rule refuse.
/// A write lists its body's and precondition's groups after it (`PathIdJsonBodyErrors` replaces
/// its 400).
pub struct RecordErrors;

impl IntoResponses for RecordErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        merged([PathIdErrors::responses(), DatabaseErrors::responses(), NotFoundErrors::responses()])
    }
}

/// A lifecycle action on a record (`POST .../{id}/<verb>`, `Idempotency-Key` optional): what
/// `RecordErrors` and the key refuse, a save that lost to a concurrent change, and a transition the
/// state forbids. An action with a body lists `PathIdJsonBodyErrors` and its input's 422 after it,
/// one with rules of its own its 409.
pub struct ActionErrors;

impl IntoResponses for ActionErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        merged([
            RecordErrors::responses(),
            IdempotencyErrors::responses(),
            ChangedMeanwhileErrors::responses(),
            StateConflictErrors::responses(),
        ])
    }
}

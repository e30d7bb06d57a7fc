//! Entity tags from record versions: every change bumps `version`, so the version is the tag.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::ApiResult;

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Whether a conditional GET's `If-None-Match` already holds the current tag (answer 304).
pub fn not_modified(req: &HttpRequest, current: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| list_contains(tags, current))
}

/// Whether an `If-Match`/`If-None-Match` list names `current` (weakly) or is `*`.
pub fn list_contains(tags: &str, current: &str) -> bool {
    tags.split(',').map(str::trim).any(|tag| tag == "*" || tag == current || tag.strip_prefix("W/") == Some(current))
}

/// 200 with the representation and its `ETag`: the answer of a `PATCH` and of an unconditional `GET`.
pub fn tagged_json<T: Serialize>(etag: String, body: &T) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag)).json(body)
}

/// The answer of a `GET` of one record: 304 with the `ETag` when `If-None-Match` holds it,
/// otherwise 200 with the representation `to_dto` builds (only then) and the `ETag`.
pub fn conditional_json<T: Serialize>(
    req: &HttpRequest,
    etag: String,
    to_dto: impl FnOnce() -> ApiResult<T>,
) -> ApiResult<HttpResponse> {
    if not_modified(req, &etag) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish());
    }
    Ok(tagged_json(etag, &to_dto()?))
}

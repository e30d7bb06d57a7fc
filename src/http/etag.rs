//! Entity tags from record versions: every change bumps `version`, so the version is the tag.

use actix_web::http::header;
use actix_web::HttpRequest;

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

//! Answers of the public, anonymous views (HSDS, the local bank): the same body for every caller,
//! so shared caches may keep it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::http::etag::not_modified;
use crate::http::extract::hex_sha256;
use crate::http::pagination::{next_link, Page};

/// How long shared caches may keep a public answer: the catalogue changes a few times a day.
pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=300";

/// 200 with the body, its `ETag` (a hash of the body) and `Cache-Control`, or 304 when
/// `If-None-Match` holds the tag.
pub fn cached<T: Serialize>(req: &HttpRequest, body: &T) -> ApiResult<HttpResponse> {
    let bytes = serde_json::to_vec(body).map_err(|err| ApiError::internal(format!("public body: {err}")))?;
    let etag = format!("\"{}\"", &hex_sha256(&bytes)[..32]);
    let unchanged = not_modified(req, &etag);
    let mut response = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, PUBLIC_CACHE_CONTROL));
    if unchanged {
        return Ok(response.finish());
    }
    Ok(response.content_type("application/json").body(bytes))
}

/// A keyset page as a cached answer, with `Link: <...>; rel="next"` when another page follows.
pub fn cached_page<T: Serialize>(req: &HttpRequest, page: &Page<T>) -> ApiResult<HttpResponse> {
    let mut response = cached(req, page)?;
    if let Some(link) = next_link(req, page) {
        let value = header::HeaderValue::from_str(&link).map_err(|err| ApiError::internal(format!("link: {err}")))?;
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

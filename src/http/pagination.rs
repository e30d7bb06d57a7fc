//! Cursor (keyset) pagination: a page is found by the sort key and id of the previous page's last
//! item, so page 10,000 costs what page 1 costs and concurrent inserts cause no duplicates or gaps.

use std::str::FromStr;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, FieldError};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// One page of a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The position after the last item of a page, opaque to clients.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort the cursor was made for: a cursor is only valid with the same `sort`.
    #[serde(rename = "s")]
    pub sort: String,
    /// The sort key of the last item.
    #[serde(rename = "k")]
    pub key: String,
    #[serde(rename = "i")]
    pub id: String,
}

/// A timestamp as a cursor key (RFC 3339 with microseconds, as stored).
pub fn time_key(time: NaiveDateTime) -> String {
    time.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl Cursor {
    /// The key of a cursor over a timestamp column.
    pub fn time_key(&self) -> Result<NaiveDateTime, ApiError> {
        DateTime::parse_from_rfc3339(&self.key)
            .map(|time| time.with_timezone(&Utc).naive_utc())
            .map_err(|_| ApiError::bad_request("invalid query parameter cursor", Vec::new()))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes a client's cursor, checking that it belongs to the requested sort.
    pub fn decode(text: &str, sort: &str) -> Result<Cursor, ApiError> {
        let invalid = |message: &str| {
            ApiError::bad_request(
                "invalid query parameter cursor",
                vec![FieldError::new("cursor", "invalid_cursor", message)],
            )
        };
        let cursor: Cursor = URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid("not a cursor returned by this API"))?;
        if cursor.sort != sort {
            return Err(invalid("the cursor was made for another sort order; keep the same sort while paging"));
        }
        Ok(cursor)
    }
}

/// `limit`: 1 to 200, 50 when absent; out of range is a 400, never a silent clamp.
pub fn checked_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
        Some(_) => Err(ApiError::bad_request(
            "invalid query parameter limit",
            vec![FieldError::new("limit", "out_of_range", format!("limit must be between 1 and {MAX_LIMIT}"))],
        )),
    }
}

/// A `sort` parameter: a field name, descending when prefixed with `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

impl<F: AsRef<str>> Sort<F> {
    /// The parameter as written, e.g. `-updated_at`; stored in cursors.
    pub fn as_param(&self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.field.as_ref())
    }
}

impl<'de, F: FromStr + strum::VariantNames> Deserialize<'de> for Sort<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let (descending, name) = match text.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, text.as_str()),
        };
        let field = name.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown sort: use one of {} (prefix with - for descending order)",
                F::VARIANTS.join(", ")
            ))
        })?;
        Ok(Sort { field, descending })
    }
}

/// The schema of a `sort` parameter: each field, ascending or with `-` descending.
pub fn sort_schema<F: strum::VariantNames>() -> Object {
    let values = F::VARIANTS.iter().flat_map(|field| [(*field).to_owned(), format!("-{field}")]);
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

/// Keeps a page's items to `limit` and computes the cursor of the next page, given one extra row
/// fetched to tell whether there is a next page.
pub fn paginate<R, T>(
    mut rows: Vec<R>,
    limit: u32,
    sort: &str,
    position: impl Fn(&R) -> (String, String),
    to_item: impl FnMut(R) -> Result<T, ApiError>,
) -> Result<Page<T>, ApiError> {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if has_more {
        rows.last().map(|last| {
            let (key, id) = position(last);
            Cursor { sort: sort.to_owned(), key, id }.encode()
        })
    } else {
        None
    };
    let items = rows.into_iter().map(to_item).collect::<Result<_, _>>()?;
    Ok(Page { items, next_cursor })
}

/// The paging of a list query, checked before any database work: `limit` in range and the
/// cursor one that this API made for `sort` (400 otherwise). Keeping the sort here makes the next
/// page's cursor with the sort the request's cursor was checked against, in every list.
pub struct Paging {
    pub limit: u32,
    sort: String,
}

impl Paging {
    /// The paging and the decoded cursor, which the model query starts after (fetching `limit + 1`
    /// rows in keyset order).
    pub fn parse(
        limit: Option<u32>,
        cursor: Option<&str>,
        sort: impl Into<String>,
    ) -> ApiResult<(Paging, Option<Cursor>)> {
        let (limit, sort) = (checked_limit(limit)?, sort.into());
        let cursor = cursor.map(|text| Cursor::decode(text, &sort)).transpose()?;
        Ok((Paging { limit, sort }, cursor))
    }

    /// Cuts the rows fetched after the cursor to the page and answers it (see `page_response`).
    pub fn respond<R, T: Serialize>(
        &self,
        req: &HttpRequest,
        rows: Vec<R>,
        position: impl Fn(&R) -> (String, String),
        to_item: impl FnMut(R) -> ApiResult<T>,
    ) -> ApiResult<HttpResponse> {
        Ok(page_response(req, &self.page(rows, position, to_item)?))
    }

    /// Cuts the rows fetched after the cursor to the page, with the next page's cursor.
    pub fn page<R, T>(
        &self,
        rows: Vec<R>,
        position: impl Fn(&R) -> (String, String),
        to_item: impl FnMut(R) -> ApiResult<T>,
    ) -> ApiResult<Page<T>> {
        paginate(rows, self.limit, &self.sort, position, to_item)
    }
}

/// The position of a row in a collection ordered by id alone: its cursor needs no sort key.
pub fn by_id(id: impl ToString) -> (String, String) {
    (String::new(), id.to_string())
}

/// 200 with the page and, when there is a next page, `Link: <...>; rel="next"`.
pub fn page_response<T: Serialize>(req: &HttpRequest, page: &Page<T>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(link) = next_link(req, page) {
        response.insert_header((header::LINK, link));
    }
    response.json(page)
}

/// `<...>; rel="next"`: this request with the next page's cursor, when there is a next page.
pub fn next_link<T>(req: &HttpRequest, page: &Page<T>) -> Option<String> {
    let cursor = page.next_cursor.as_ref()?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if name != "cursor" {
            query.append_pair(&name, &value);
        }
    }
    query.append_pair("cursor", cursor);
    Some(format!("<{}?{}>; rel=\"next\"", req.path(), query.finish()))
}

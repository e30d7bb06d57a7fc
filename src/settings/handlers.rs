//! Thin handlers of the centre's settings.

use actix_web::http::header;
use actix_web::{get, put, web, HttpRequest, HttpResponse};

use super::dto::{GrantYear, GrantYearInput, YEARS};
use super::model;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{access, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::http::etag::tagged_json;
use crate::http::extract::{IfMatch, JsonBody};
use crate::http::responses::{DatabaseErrors, IfMatchErrors, JsonBodyErrors, NotFoundErrors};

fn checked_year(year: i32) -> ApiResult<i32> {
    if YEARS.contains(&year) {
        return Ok(year);
    }
    Err(ApiError::bad_request(
        "the year is out of range",
        vec![FieldError::new("year", "range", format!("a budget year from {} to {}", YEARS.start(), YEARS.end()))],
    ))
}

/// Get a grant year
///
/// The grants planned for NGOs in a budget year and the 20% of them that the year's small grants
/// may transfer (public benefit act art. 19a ust. 6). 404 until the figure is recorded.
#[utoipa::path(
    tag = "settings",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Budget year, 2000-2100")),
    responses(
        (status = 200, description = "The year's figures", body = GrantYear, headers(("ETag" = String, description = "Entity tag"))),
        (status = 400, description = "The year is not a number in range", body = Problem, content_type = "application/problem+json"),
        DatabaseErrors, NotFoundErrors
    )
)]
#[get("/settings/grant-years/{year}")]
pub async fn get_grant_year(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    access::GET_GRANT_YEAR.authorize(&req, &state, caller).await?;
    let year = checked_year(year.into_inner())?;
    let row = db::run(&state.pool, move |conn| model::find(conn, year)?.ok_or(model::NOT_FOUND)).await?;
    Ok(tagged_json(row.etag(), &row.to_dto()))
}

/// Record a grant year
///
/// Sets the grants planned for NGOs in a budget year (from the budget resolution or the programme
/// of cooperation). The first figure of a year is created (201) without `If-Match`; a change of a
/// recorded one requires `If-Match` (428 without it, 412 when stale). Small grants are activated
/// only when their years are recorded (409 `grant-year-not-planned`). Audited.
#[utoipa::path(
    tag = "settings",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Budget year, 2000-2100"),
        ("If-Match" = Option<String>, Header, description = "ETag the change is based on; required once the year is recorded")),
    request_body(content = GrantYearInput),
    responses(
        (status = 200, description = "Changed", body = GrantYear, headers(("ETag" = String, description = "New entity tag"))),
        (status = 201, description = "Recorded for the first time", body = GrantYear, headers(("ETag" = String, description = "Entity tag"))),
        JsonBodyErrors, IfMatchErrors, DatabaseErrors,
        (status = 422, description = "The amount is missing or invalid", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/settings/grant-years/{year}")]
pub async fn put_grant_year(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    if_match: Option<IfMatch>,
    body: JsonBody<GrantYearInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::PUT_GRANT_YEAR.authorize(&req, &state, caller).await?;
    let year = checked_year(year.into_inner())?;
    let planned = body.into_inner().validate()?;
    let rule = &access::PUT_GRANT_YEAR;
    let event = Event::new(rule.operation, rule.resource, Some(year.to_string()));
    let (row, created) = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| model::put(conn, year, if_match.as_ref(), planned))
    })
    .await?;
    let mut response = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    Ok(response.insert_header((header::ETAG, row.etag())).json(row.to_dto()))
}

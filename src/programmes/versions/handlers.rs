//! Thin handlers: amend a programme, read its versions, and what is offered on a day.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{
    AmendmentInput, OfferingQuery, OnQuery, ProgrammeVersion, ServiceOffering, ServicesInForce, VersionQuery,
};
use super::model::{self, VersionRecord};
use crate::app::AppState;
use crate::auth::access;
use crate::auth::Caller;
use crate::clock;
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, IfMatch, JsonBody, QueryParams};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    IdempotencyErrors, IfMatchErrors, InvalidIdempotentInputErrors, PathIdJsonBodyErrors, QueryErrors, RecordErrors,
    StateConflictErrors,
};
use crate::idempotency::{self, StoredResponse};
use crate::programmes::dto::Programme;
use crate::programmes::model as programmes;

/// Amend a programme
///
/// A new resolution of the council (`resolution`, `changes`: what it changed) makes a new version
/// of an `adopted` or `in_force` programme from `effective_from` (after the previous version's:
/// 422 `not_after_previous_version`; within the period: 422 `outside_period`), with the new
/// `title`, `period` and `services` (the full list, validated as on create); what is left out
/// stays. Drafts change by `PATCH` (409 `invalid-state-transition` here). The new version's
/// services may not be offered by another adopted or in-force programme of the municipality over
/// the days it holds (409 `programme-overlap`). `If-Match` with the programme's ETag is required.
/// Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "programmes",
    params(
        ("id" = Uuid, Path, description = "Programme id"),
        ("If-Match" = String, Header, description = "ETag of the programme the amendment is based on"),
        IdempotencyKeyParam
    ),
    request_body(content = AmendmentInput),
    responses(
        (status = 201, description = "The amended programme, showing the new version", body = Programme,
            headers(("Location" = String, description = "URL of the new version"), ("ETag" = String, description = "New entity tag of the programme"))),
        RecordErrors, PathIdJsonBodyErrors, IfMatchErrors, IdempotencyErrors, StateConflictErrors,
        (status = 409, description = "`invalid-state-transition`: not adopted or in force; or `programme-overlap`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/programme-overlap", "title": "Conflict", "status": 409,
                "detail": "another programme of this municipality over an overlapping period already offers these services", "code": "programme-overlap",
                "programme_id": "0193a5f2-0000-7000-8000-000000000042", "service_ids": ["0193a5f2-0000-7000-8000-000000000011"]})),
        InvalidIdempotentInputErrors
    )
)]
#[post("/programmes/{id}/amendments")]
pub async fn amend_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: Result<IfMatch, ApiError>,
    key: IdempotencyKey,
    body: JsonBody<AmendmentInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::AMEND_PROGRAMME.authorize(&req, &state, caller).await?;
    let if_match = if_match?;
    let id = id.into_inner();
    let fingerprint = body.fingerprint.clone();
    let amendment = body.into_inner().validate_draft()?;
    let event = access::AMEND_PROGRAMME.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let (record, number) = model::amend(conn, id, &if_match, amendment)?;
        Ok(StoredResponse::json(StatusCode::CREATED, &record.to_dto()?)?
            .header("etag", record.etag())
            .header("location", format!("/api/v1/programmes/{id}/versions/{number}")))
    })
    .await
}

/// List a programme's versions
///
/// Oldest first (by number), each with its resolution, what changed, the days it holds and its
/// services; cursor-paginated. A draft has version 1 only, the one being edited.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), VersionQuery),
    responses(
        (status = 200, description = "One page of versions", body = Page<ProgrammeVersion>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        RecordErrors, QueryErrors
    )
)]
#[get("/programmes/{id}/versions")]
pub async fn list_programme_versions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: QueryParams<VersionQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_PROGRAMME_VERSIONS.authorize(&req, &state, caller).await?;
    let (id, query) = (id.into_inner(), query.0);
    let (paging, cursor) = Paging::parse(query.limit, query.cursor.as_deref(), model::SORT)?;
    let records = db::run(&state.pool, move |conn| model::list(conn, id, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, records, |record| by_id(record.row.number), |record| record.to_dto())
}

/// Get a version of a programme
///
/// Its resolution, what changed, the days it holds and its services (404 for a number the
/// programme has not reached).
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), ("number" = i32, Path, description = "Version number, from 1")),
    responses((status = 200, description = "The version", body = ProgrammeVersion), RecordErrors)
)]
#[get("/programmes/{id}/versions/{number}")]
pub async fn get_programme_version(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, i32)>,
) -> ApiResult<HttpResponse> {
    access::GET_PROGRAMME_VERSION.authorize(&req, &state, caller).await?;
    let (id, number) = path.into_inner();
    let record = db::run(&state.pool, move |conn| model::find(conn, id, number)).await?;
    Ok(HttpResponse::Ok().json(record.to_dto()?))
}

/// List the services of a programme in force on a day
///
/// The services of the version in force on `on` (today by the Polish calendar when absent), with
/// its number: what requests and plans use. 409 `programme-not-in-force` naming the day, the
/// programme's `programme_status`, `in_force_from` and `in_force_until` when it is not in force that day.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), OnQuery),
    responses(
        (status = 200, description = "The services in force that day", body = ServicesInForce),
        RecordErrors, QueryErrors,
        (status = 409, description = "`programme-not-in-force`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/programme-not-in-force", "title": "Conflict", "status": 409,
                "detail": "the programme is not in force on this day", "code": "programme-not-in-force", "on": "2026-09-01",
                "programme_status": "adopted", "in_force_from": "2027-01-01", "in_force_until": "2029-12-31"}))
    )
)]
#[get("/programmes/{id}/services")]
pub async fn list_programme_services(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: QueryParams<OnQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_PROGRAMME_SERVICES.authorize(&req, &state, caller).await?;
    let (id, on) = (id.into_inner(), query.0.on.unwrap_or_else(clock::today));
    let record: VersionRecord = db::run(&state.pool, move |conn| model::in_force(conn, id, on)).await?;
    let version = record.to_dto()?;
    Ok(HttpResponse::Ok().json(ServicesInForce {
        programme_id: id,
        on,
        version: version.number,
        services: version.services,
    }))
}

/// List the programmes offering a service
///
/// The programmes in force on `on` (today by the Polish calendar when absent) whose version in
/// force that day offers the catalogue service, each with that version's number, title and the
/// terms it offers the service under; `municipality_id` narrows to one municipality, which has at
/// most one. In programme order, cursor-paginated. 404 for an unknown service.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Catalogue service id"), OfferingQuery),
    responses(
        (status = 200, description = "One page of the programmes offering it", body = Page<ServiceOffering>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        RecordErrors, QueryErrors
    )
)]
#[get("/services/{id}/programmes")]
pub async fn list_service_programmes(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: QueryParams<OfferingQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_SERVICE_PROGRAMMES.authorize(&req, &state, caller).await?;
    let (service, query) = (id.into_inner(), query.0);
    let (paging, cursor) = Paging::parse(query.limit, query.cursor.as_deref(), programmes::SORT)?;
    let on = query.on.unwrap_or_else(clock::today);
    let rows = db::run(&state.pool, move |conn| {
        programmes::ensure_service(conn, service)?;
        let page = Some((cursor.as_ref(), paging.limit));
        programmes::offering(conn, service, on, query.municipality_id, page)
    })
    .await?;
    paging.respond(
        &req,
        rows,
        |terms| by_id(terms.programme_id),
        |terms| {
            Ok(ServiceOffering {
                programme_id: terms.programme_id,
                title: terms.title,
                municipality_id: terms.municipality_id,
                version: terms.version,
                terms: terms.service.to_dto()?,
            })
        },
    )
}

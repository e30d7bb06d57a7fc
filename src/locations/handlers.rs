//! Thin handlers: authorise, validate, one blocking call into model code, map to the view.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{apply_patch, Audience, Location, LocationAction, LocationInput, LocationQuery};
use super::model::{self, LocationRecord};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::{ApiResult, Problem};
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction, RecordPatch};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, IdempotencyErrors, IfMatchErrors, InvalidFieldErrors, InvalidIdempotentInputErrors,
    JsonBodyErrors, NotFoundErrors, NotModifiedResponse, PathIdJsonBodyErrors, QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

/// The stored response of a write that returns the record.
fn record_response(status: StatusCode, record: &LocationRecord) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &record.to_dto()?)?.header("etag", record.etag()))
}

/// List locations
///
/// Where services are given and applied for, oldest first, cursor-paginated. Filters
/// `provider_id`, `teryt`, `kind`, `status`, `accessibility` (every listed feature),
/// `open_at` (open at that time: a dated exception replaces the weekly hours of its day; a time
/// without an offset is Polish wall-clock time) and `updated_since`. Without a token active
/// locations only; a provider also sees its own archived ones.
#[utoipa::path(
    tag = "locations",
    params(LocationQuery),
    responses(
        (status = 200, description = "One page of locations", body = Page<Location>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/locations")]
pub async fn list_locations(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<LocationQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_LOCATIONS.authorize(&req, &state, caller).await?;
    let filter = query.0.parse()?;
    let (paging, cursor) = Paging::parse(filter.query.limit, filter.query.cursor.as_deref(), model::SORT)?;
    let audience = Audience::of(&actor.caller);
    let rows =
        db::run(&state.pool, move |conn| model::list(conn, &filter, audience, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, rows, |record| by_id(record.row.id), |record| record.to_dto())
}

/// Get a location
///
/// Without a token only an active location (another is a 404); a provider also its own archived
/// ones. Honours `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "locations",
    params(("id" = Uuid, Path, description = "Location id")),
    responses(
        (status = 200, description = "The location", body = Location,
            headers(("ETag" = String, description = "Entity tag of the location"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/locations/{id}")]
pub async fn get_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_LOCATION.authorize(&req, &state, caller).await?;
    let (id, audience) = (id.into_inner(), Audience::of(&actor.caller));
    let record = db::run(&state.pool, move |conn| model::find(conn, audience, id)).await?;
    conditional_json(&req, record.etag(), || record.to_dto())
}

/// Create a location
///
/// Registered active. `provider_id` names the provider that runs it (registered: 422
/// `unknown`), absent for the CUS's own places; a `cus_office` has none (422 `not_allowed`). A
/// provider caller creates only its own provider's locations (403). Weekly hours (`time`,
/// `interval_order`, `overlap` of one day's intervals) and exceptions (one per date:
/// `duplicate`; `closed` with no hours: `not_allowed`, else hours `required`) are checked; the
/// address needs its TERYT code and a valid postal code; coordinates both or none (`range`).
/// Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "locations",
    params(IdempotencyKeyParam),
    request_body(content = LocationInput),
    responses(
        (status = 201, description = "Created, active", body = Location,
            headers(("Location" = String, description = "URL of the location"), ("ETag" = String, description = "Entity tag of the location"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        (status = 403, description = "A provider caller's location for another provider or for the CUS", body = Problem, content_type = "application/problem+json"),
        InvalidIdempotentInputErrors
    )
)]
#[post("/locations")]
pub async fn create_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<LocationInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_LOCATION.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft()?;
    let (id, audience) = (Uuid::now_v7(), Audience::of(&actor.caller));
    let event = access::CREATE_LOCATION.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let record = model::insert(conn, audience, id, draft)?;
        Ok(record_response(StatusCode::CREATED, &record)?.header("location", format!("/api/v1/locations/{id}")))
    })
    .await
}

/// Change a location
///
/// A JSON merge patch (RFC 7396) of the writable fields, validated as a whole as on creation
/// (lists are replaced whole); `status` changes through the actions. `If-Match` with the
/// record's ETag is required. A provider caller changes only its own provider's locations and
/// cannot hand one to another runner (403). Audited.
#[utoipa::path(
    tag = "locations",
    params(
        ("id" = Uuid, Path, description = "Location id"),
        ("If-Match" = String, Header, description = "ETag of the representation the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Any subset of the writable fields of LocationInput",
        example = json!({"accessibility": {"step_free": true, "hearing_loop": true}, "exceptions": [{"date": "2026-12-31", "hours": [{"from": "08:00", "to": "12:00"}], "note": "Sylwester"}]})),
    responses(
        (status = 200, description = "The changed location", body = Location,
            headers(("ETag" = String, description = "New entity tag"))),
        PathIdJsonBodyErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 403, description = "A provider caller's change of another's location, or handing its own to another runner", body = Problem, content_type = "application/problem+json"),
        InvalidFieldErrors
    )
)]
#[patch("/locations/{id}")]
pub async fn update_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_LOCATION.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let (event, audience) = (access::UPDATE_LOCATION.event(id), Audience::of(&actor.caller));
    let record = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| {
            model::update(conn, audience, id, &if_match, |current| apply_patch(current, &patch))
        })
    })
    .await?;
    Ok(tagged_json(record.etag(), &record.to_dto()?))
}

/// Runs a state action as an idempotent POST.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    action: LocationAction,
) -> ApiResult<HttpResponse> {
    let RecordAction { id, key } = target;
    let rule = match action {
        LocationAction::Archive => &access::ARCHIVE_LOCATION,
        LocationAction::Activate => &access::ACTIVATE_LOCATION,
    };
    let actor = rule.authorize(&req, &state, caller).await?;
    let audience = Audience::of(&actor.caller);
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, "", move |conn| {
        record_response(StatusCode::OK, &model::transition(conn, audience, id, action)?)
    })
    .await
}

/// Archive a location
///
/// No longer in use: hidden from the public, kept for the offers that name it (which may not
/// add it any more, 422 `archived`) and for mirrors, which see its status change. A provider
/// caller archives only its own provider's locations (403). Audited.
#[utoipa::path(
    tag = "locations",
    params(("id" = Uuid, Path, description = "Location id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The archived location", body = Location),
        ActionErrors,
        (status = 403, description = "A provider caller's action on another's location", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/locations/{id}/archive")]
pub async fn archive_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, LocationAction::Archive).await
}

/// Activate a location
///
/// Brings an archived location back into use. A provider caller activates only its own
/// provider's locations (403). Audited.
#[utoipa::path(
    tag = "locations",
    params(("id" = Uuid, Path, description = "Location id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The active location", body = Location),
        ActionErrors,
        (status = 403, description = "A provider caller's action on another's location", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/locations/{id}/activate")]
pub async fn activate_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, LocationAction::Activate).await
}

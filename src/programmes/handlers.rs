//! Thin handlers: authorise, validate, one blocking call into model code, map to the view.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{apply_patch, Programme, ProgrammeAction, ProgrammeInput, ProgrammeQuery};
use super::model::{self, ProgrammeRecord};
use crate::app::AppState;
use crate::audit;
use crate::auth::access::{self, Access};
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiResult, Problem};
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction, RecordPatch};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, IdempotencyErrors, IfMatchErrors, InvalidFieldErrors, JsonBodyErrors, NotFoundErrors,
    NotModifiedResponse, PathIdJsonBodyErrors, QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

/// The stored response of a write that returns the record.
fn record_response(status: StatusCode, record: &ProgrammeRecord) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &record.to_dto()?)?.header("etag", record.etag()))
}

/// List programmes
///
/// In creation order; filters `municipality_id`, `status`, `service_id` (programmes offering
/// it), `in_force_on` (in force, `in_force_from` ≤ day ≤ the period's end) and `updated_since`;
/// cursor-paginated.
#[utoipa::path(
    tag = "programmes",
    params(ProgrammeQuery),
    responses(
        (status = 200, description = "One page of programmes", body = Page<Programme>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/programmes")]
pub async fn list_programmes(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ProgrammeQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_PROGRAMMES.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let records = db::run(&state.pool, move |conn| model::list(conn, &filter, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, records, |record| by_id(record.row.id), |record| record.to_dto())
}

/// Get a programme
///
/// Honours `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme", body = Programme,
            headers(("ETag" = String, description = "Entity tag of the programme"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/programmes/{id}")]
pub async fn get_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    access::GET_PROGRAMME.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| model::find(conn, id)).await?;
    conditional_json(&req, record.etag(), || record.to_dto())
}

/// Create a programme
///
/// A draft for a registered municipality (422 `unknown_municipality`) on an adopted diagnosis
/// (422 `unknown` when there is none, 409 `diagnosis-not-adopted`), with its catalogue services
/// (422 `unknown` at the index of one that is not, `duplicate` when listed twice). Send
/// `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "programmes",
    params(IdempotencyKeyParam),
    request_body(content = ProgrammeInput),
    responses(
        (status = 201, description = "Created, a draft", body = Programme,
            headers(("Location" = String, description = "URL of the programme"), ("ETag" = String, description = "Entity tag of the programme"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        (status = 409, description = "`diagnosis-not-adopted`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/diagnosis-not-adopted", "title": "Conflict", "status": 409,
                "detail": "a programme rests on an adopted diagnosis of needs and potential", "code": "diagnosis-not-adopted",
                "diagnosis_status": "draft"})),
        (status = 422, description = "Invalid fields (every one in `errors`), e.g. `unknown_municipality`, `unknown`, `duplicate`, `age_order`, `period_order`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "services[1].service_id: this service is listed twice", "code": "validation-failed",
                "errors": [{"field": "services[1].service_id", "code": "duplicate", "message": "this service is listed twice"}]}))
    )
)]
#[post("/programmes")]
pub async fn create_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<ProgrammeInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_PROGRAMME.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft()?;
    let id = Uuid::now_v7();
    let event = access::CREATE_PROGRAMME.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let record = model::insert(conn, id, draft)?;
        Ok(record_response(StatusCode::CREATED, &record)?.header("location", format!("/api/v1/programmes/{id}")))
    })
    .await
}

/// Change a programme before adoption
///
/// A JSON merge patch (RFC 7396) of the fields of ProgrammeInput, validated as a whole.
/// `If-Match` with the record's ETag is required. Only in `draft` and `in_consultation`: after
/// adoption a programme changes only by a new resolution (409 `amendment-needed`). Audited.
#[utoipa::path(
    tag = "programmes",
    params(
        ("id" = Uuid, Path, description = "Programme id"),
        ("If-Match" = String, Header, description = "ETag of the representation the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Any subset of the fields of ProgrammeInput",
        example = json!({"resolution": {"number": "XII/145/2026", "adopted_on": "2026-06-25"}})),
    responses(
        (status = 200, description = "The changed programme", body = Programme,
            headers(("ETag" = String, description = "New entity tag"))),
        PathIdJsonBodyErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 409, description = "`amendment-needed`: adopted already; or `diagnosis-not-adopted`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/amendment-needed", "title": "Conflict", "status": 409,
                "detail": "a programme changes only by a new resolution", "code": "amendment-needed", "current_status": "adopted"})),
        InvalidFieldErrors
    )
)]
#[patch("/programmes/{id}")]
pub async fn update_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_PROGRAMME.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let event = access::UPDATE_PROGRAMME.event(id);
    let record = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| {
            model::update(conn, id, &if_match, |current| apply_patch(current, &patch))
        })
    })
    .await?;
    Ok(tagged_json(record.etag(), &record.to_dto()?))
}

/// Runs a lifecycle action, once per `Idempotency-Key`, audited.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    access: &'static Access,
    action: ProgrammeAction,
) -> ApiResult<HttpResponse> {
    let actor = access.authorize(&req, &state, caller).await?;
    let RecordAction { id, key } = target;
    let event = access.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, "", move |conn| {
        record_response(StatusCode::OK, &model::transition(conn, id, action)?)
    })
    .await
}

/// Open the consultation of a programme
///
/// From `draft` to `in_consultation`; it still changes by `PATCH`. Send `Idempotency-Key` to
/// make a retry safe. Audited.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), IdempotencyKeyParam),
    responses((status = 200, description = "The programme in consultation", body = Programme), ActionErrors)
)]
#[post("/programmes/{id}/consult")]
pub async fn consult_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, &access::CONSULT_PROGRAMME, ProgrammeAction::Consult).await
}

/// Adopt a programme
///
/// From `in_consultation`. Needs the council resolution, number and date (409
/// `resolution-missing`), and no other programme of the municipality, adopted or in force over
/// an overlapping period, may offer one of its services (409 `programme-overlap` naming
/// `programme_id` and the shared `service_ids`). Send `Idempotency-Key` to make a retry safe.
/// Audited.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The adopted programme", body = Programme),
        ActionErrors
    )
)]
#[post("/programmes/{id}/adopt")]
pub async fn adopt_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, &access::ADOPT_PROGRAMME, ProgrammeAction::Adopt).await
}

/// Put a programme in force
///
/// From `adopted` only. Needs `in_force_from` and the publication in the voivodeship's official
/// journal (409 `publication-missing` naming what is `missing`). Send `Idempotency-Key` to make a
/// retry safe. Audited.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The programme in force", body = Programme),
        ActionErrors
    )
)]
#[post("/programmes/{id}/put-in-force")]
pub async fn put_programme_in_force(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, &access::PUT_PROGRAMME_IN_FORCE, ProgrammeAction::PutInForce).await
}

/// Expire a programme
///
/// From `in_force`, at the end of its period. Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), IdempotencyKeyParam),
    responses((status = 200, description = "The expired programme", body = Programme), ActionErrors)
)]
#[post("/programmes/{id}/expire")]
pub async fn expire_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, &access::EXPIRE_PROGRAMME, ProgrammeAction::Expire).await
}

/// Repeal a programme
///
/// From `adopted` or `in_force`, by a resolution of the council. Send `Idempotency-Key` to make a
/// retry safe. Audited.
#[utoipa::path(
    tag = "programmes",
    params(("id" = Uuid, Path, description = "Programme id"), IdempotencyKeyParam),
    responses((status = 200, description = "The repealed programme", body = Programme), ActionErrors)
)]
#[post("/programmes/{id}/repeal")]
pub async fn repeal_programme(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, &access::REPEAL_PROGRAMME, ProgrammeAction::Repeal).await
}

//! Thin handlers: authorise, validate, one blocking call into model code, map to the view.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{apply_patch, AdoptionInput, Diagnosis, DiagnosisAction, DiagnosisInput, DiagnosisQuery};
use super::model::{self, DiagnosisRecord};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller};
use crate::clock;
use crate::db;
use crate::error::{ApiResult, Problem};
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{
    IdempotencyKey, IdempotencyKeyParam, JsonBody, OptionalJsonBody, QueryParams, RecordAction, RecordPatch,
};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, ChangedMeanwhileErrors, DatabaseErrors, IdempotencyErrors, IfMatchErrors, InvalidFieldErrors,
    InvalidIdempotentInputErrors, JsonBodyErrors, NotFoundErrors, NotModifiedResponse, PathIdJsonBodyErrors,
    QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

/// The stored response of a write that returns the record.
fn record_response(status: StatusCode, record: &DiagnosisRecord) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &record.to_dto(clock::today())?)?.header("etag", record.etag()))
}

/// List diagnoses
///
/// In creation order; filters `status`, `municipality_id` (diagnoses covering it), `overdue`
/// and `updated_since`; cursor-paginated.
#[utoipa::path(
    tag = "diagnoses",
    params(DiagnosisQuery),
    responses(
        (status = 200, description = "One page of diagnoses", body = Page<Diagnosis>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/diagnoses")]
pub async fn list_diagnoses(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<DiagnosisQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_DIAGNOSES.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let today = clock::today();
    let records =
        db::run(&state.pool, move |conn| model::list(conn, &filter, today, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, records, |record| by_id(record.row.id), |record| record.to_dto(today))
}

/// Get a diagnosis
///
/// Honours `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "diagnoses",
    params(("id" = Uuid, Path, description = "Diagnosis id")),
    responses(
        (status = 200, description = "The diagnosis", body = Diagnosis,
            headers(("ETag" = String, description = "Entity tag of the diagnosis"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/diagnoses/{id}")]
pub async fn get_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    access::GET_DIAGNOSIS.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| model::find(conn, id)).await?;
    conditional_json(&req, record.etag(), || record.to_dto(clock::today()))
}

/// Create a diagnosis
///
/// A draft covering one or more registered municipalities (422 `unknown_municipality` at the
/// index of one that is not). Its consultation (`to` not before `from`), document (an `https`
/// URL and the file's SHA-256, 422 `invalid_sha256`) and needs may follow by `PATCH`; adoption
/// needs them. Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "diagnoses",
    params(IdempotencyKeyParam),
    request_body(content = DiagnosisInput),
    responses(
        (status = 201, description = "Created, a draft", body = Diagnosis,
            headers(("Location" = String, description = "URL of the diagnosis"), ("ETag" = String, description = "Entity tag of the diagnosis"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        (status = 422, description = "Invalid fields (every one in `errors`), e.g. `unknown_municipality`, `invalid_sha256`, `invalid_url`, `period_order`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "municipality_ids[0]: no municipality served by this CUS has this id", "code": "validation-failed",
                "errors": [{"field": "municipality_ids[0]", "code": "unknown_municipality", "message": "no municipality served by this CUS has this id"}]}))
    )
)]
#[post("/diagnoses")]
pub async fn create_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<DiagnosisInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_DIAGNOSIS.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft()?;
    let id = Uuid::now_v7();
    let event = access::CREATE_DIAGNOSIS.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let record = model::insert(conn, id, draft)?;
        Ok(record_response(StatusCode::CREATED, &record)?.header("location", format!("/api/v1/diagnoses/{id}")))
    })
    .await
}

/// Change a draft diagnosis
///
/// A JSON merge patch (RFC 7396) of the fields of DiagnosisInput, validated as a whole.
/// `If-Match` with the record's ETag is required. Only a draft changes: an adopted or superseded
/// diagnosis is a 409 `diagnosis-adopted` (a new diagnosis replaces it). Audited.
#[utoipa::path(
    tag = "diagnoses",
    params(
        ("id" = Uuid, Path, description = "Diagnosis id"),
        ("If-Match" = String, Header, description = "ETag of the representation the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Any subset of the fields of DiagnosisInput",
        example = json!({"document": {"url": "https://bip.starachowice.eu/diagnoza-2026.pdf", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}})),
    responses(
        (status = 200, description = "The changed diagnosis", body = Diagnosis,
            headers(("ETag" = String, description = "New entity tag"))),
        PathIdJsonBodyErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 409, description = "`diagnosis-adopted`: not a draft; names `current_status` and `allowed_actions`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/diagnosis-adopted", "title": "Conflict", "status": 409,
                "detail": "only a draft diagnosis changes; an adopted one is replaced by a new diagnosis and superseded",
                "code": "diagnosis-adopted", "current_status": "adopted", "allowed_actions": ["supersede"]})),
        InvalidFieldErrors
    )
)]
#[patch("/diagnoses/{id}")]
pub async fn update_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_DIAGNOSIS.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let event = access::UPDATE_DIAGNOSIS.event(id);
    let today = clock::today();
    let record = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| {
            model::update(conn, id, &if_match, today, |current| apply_patch(current, &patch))
        })
    })
    .await?;
    Ok(tagged_json(record.etag(), &record.to_dto(today)?))
}

/// Adopt a diagnosis
///
/// From `draft`, on `adopted_on` (optional body; today by the Polish calendar when absent, never
/// a day to come: 422 `in_future`). Needs a consultation, the document and at least one need:
/// 409 `diagnosis-incomplete` lists what is `missing`. Sets `next_due_on` 5 years later; past
/// it the diagnosis is `overdue`. Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "diagnoses",
    params(("id" = Uuid, Path, description = "Diagnosis id"), IdempotencyKeyParam),
    request_body(content = Option<AdoptionInput>, description = "Optional: the adoption date, today when absent",
        example = json!({"adopted_on": "2026-04-15"})),
    responses(
        (status = 200, description = "The adopted diagnosis", body = Diagnosis),
        PathIdJsonBodyErrors, ChangedMeanwhileErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 409, description = "Not a draft (`invalid-state-transition`), or `diagnosis-incomplete` naming what is `missing`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/diagnosis-incomplete", "title": "Conflict", "status": 409,
                "detail": "adoption needs a consultation, the document and a need; missing: document, needs",
                "code": "diagnosis-incomplete", "missing": ["document", "needs"]})),
        InvalidIdempotentInputErrors
    )
)]
#[post("/diagnoses/{id}/adopt")]
pub async fn adopt_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    body: OptionalJsonBody<AdoptionInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::ADOPT_DIAGNOSIS.authorize(&req, &state, caller).await?;
    let RecordAction { id, key } = target;
    let fingerprint = body.0.as_ref().map(|body| body.fingerprint.clone()).unwrap_or_default();
    let adopted_on = body.0.map(JsonBody::into_inner).unwrap_or_default().validate_date(clock::today())?;
    let event = access::ADOPT_DIAGNOSIS.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        record_response(StatusCode::OK, &model::transition(conn, id, DiagnosisAction::Adopt, Some(adopted_on))?)
    })
    .await
}

/// Supersede a diagnosis
///
/// From `adopted`: a newer diagnosis replaces it; it stays readable, unchanged. Send
/// `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "diagnoses",
    params(("id" = Uuid, Path, description = "Diagnosis id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The superseded diagnosis", body = Diagnosis),
        ActionErrors
    )
)]
#[post("/diagnoses/{id}/supersede")]
pub async fn supersede_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    let actor = access::SUPERSEDE_DIAGNOSIS.authorize(&req, &state, caller).await?;
    let RecordAction { id, key } = target;
    let event = access::SUPERSEDE_DIAGNOSIS.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, "", move |conn| {
        record_response(StatusCode::OK, &model::transition(conn, id, DiagnosisAction::Supersede, None)?)
    })
    .await
}

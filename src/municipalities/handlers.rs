//! Thin handlers: authorise, validate, one blocking call into model code, map to the view.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{
    apply_patch, Municipality, MunicipalityAction, MunicipalityInput, MunicipalityQuery, MunicipalityStatus,
    MunicipalityView,
};
use super::model::{self, MunicipalityRow};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::ApiResult;
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{
    check_search, IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction, RecordPatch,
};
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, DuplicateErrors, IdempotencyErrors, IfMatchErrors, InvalidFieldErrors,
    InvalidIdempotentInputErrors, JsonBodyErrors, NotFoundErrors, PathIdErrors, PathIdJsonBodyErrors, QueryErrors,
};
use crate::idempotency::{self, StoredResponse};

/// The view of a row for the caller: the full record with a token, code and name without.
fn view(caller: &Caller, row: &MunicipalityRow) -> ApiResult<MunicipalityView> {
    Ok(if caller.is_anonymous() {
        MunicipalityView::Public(row.to_public())
    } else {
        MunicipalityView::Full(row.to_dto()?)
    })
}

/// The stored response of a write that returns the record.
fn record_response(status: StatusCode, row: &MunicipalityRow) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &row.to_dto()?)?.header("etag", row.etag()))
}

/// List municipalities
///
/// The gminas this CUS serves, in Polish alphabetical order of the name; filters `role`,
/// `status`, `q`, `updated_since`; cursor-paginated. Without a token: active gminas only, each
/// as its `id`, `teryt` and `name`.
#[utoipa::path(
    tag = "municipalities",
    params(MunicipalityQuery),
    responses(
        (status = 200, description = "One page of municipalities", body = Page<MunicipalityView>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/municipalities")]
pub async fn list_municipalities(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<MunicipalityQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_MUNICIPALITIES.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    filter.q.as_deref().map(check_search).transpose()?;
    let only_active = actor.caller.is_anonymous();
    let rows = db::run(&state.pool, move |conn| model::list(conn, &filter, only_active, cursor.as_ref(), paging.limit))
        .await?;
    paging.respond(&req, rows, MunicipalityRow::position, |row| view(&actor.caller, &row))
}

/// Get a municipality
///
/// Without a token only an active gmina, as its `id`, `teryt` and `name` (another is a 404).
/// Honours `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "municipalities",
    params(("id" = Uuid, Path, description = "Municipality id")),
    responses(
        (status = 200, description = "The municipality", body = MunicipalityView,
            headers(("ETag" = String, description = "Entity tag of the municipality"))),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        PathIdErrors, DatabaseErrors, NotFoundErrors
    )
)]
#[get("/municipalities/{id}")]
pub async fn get_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_MUNICIPALITY.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| model::find(conn, id)).await?;
    if actor.caller.is_anonymous() && row.status != MunicipalityStatus::Active {
        return Err(model::NOT_FOUND);
    }
    conditional_json(&req, row.etag(), || view(&actor.caller, &row))
}

/// Register a municipality
///
/// A gmina the CUS serves: the `founder` (gmina tworząca, one at most: 409 `founder-exists`)
/// or an `agreement_party` served under an inter-municipal agreement (porozumienie
/// międzygminne), whose `agreement` is required (and refused for the founder, 422
/// `not_allowed`). `teryt` is the TERYT TERC code, checked and unique (409 `duplicate-teryt`).
/// Registered active. Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "municipalities",
    params(IdempotencyKeyParam),
    request_body(content = MunicipalityInput),
    responses(
        (status = 201, description = "Registered, active", body = Municipality,
            headers(("Location" = String, description = "URL of the municipality"), ("ETag" = String, description = "Entity tag of the municipality"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        DuplicateErrors,
        InvalidIdempotentInputErrors
    )
)]
#[post("/municipalities")]
pub async fn create_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<MunicipalityInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_MUNICIPALITY.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft()?;
    let id = Uuid::now_v7();
    let event = access::CREATE_MUNICIPALITY.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let row = model::insert(conn, id, draft)?;
        Ok(record_response(StatusCode::CREATED, &row)?.header("location", format!("/api/v1/municipalities/{id}")))
    })
    .await
}

/// Change a municipality
///
/// A JSON merge patch (RFC 7396) of `name`, `role`, `agreement` and `population`, validated as a
/// whole (the agreement rules as on registration); `teryt` is fixed, `status` changes through the
/// actions. `If-Match` with the record's ETag is required. An accepted change clears
/// `needs_review`. Audited.
#[utoipa::path(
    tag = "municipalities",
    params(
        ("id" = Uuid, Path, description = "Municipality id"),
        ("If-Match" = String, Header, description = "ETag of the representation the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Any subset of the writable fields of MunicipalityInput but `teryt`",
        example = json!({"name": "Gmina Brody", "population": {"count": 10_300, "as_of": "2025-12-31"}})),
    responses(
        (status = 200, description = "The changed municipality", body = Municipality,
            headers(("ETag" = String, description = "New entity tag"))),
        PathIdJsonBodyErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        DuplicateErrors,
        InvalidFieldErrors
    )
)]
#[patch("/municipalities/{id}")]
pub async fn update_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_MUNICIPALITY.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let event = access::UPDATE_MUNICIPALITY.event(id);
    let row = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| {
            model::update(conn, id, &if_match, |current| apply_patch(current, &patch))
        })
    })
    .await?;
    Ok(tagged_json(row.etag(), &row.to_dto()?))
}

/// Runs a state action as an idempotent POST.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    action: MunicipalityAction,
) -> ApiResult<HttpResponse> {
    let RecordAction { id, key } = target;
    let rule = match action {
        MunicipalityAction::Activate => &access::ACTIVATE_MUNICIPALITY,
        MunicipalityAction::Deactivate => &access::DEACTIVATE_MUNICIPALITY,
    };
    let actor = rule.authorize(&req, &state, caller).await?;
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, "", move |conn| {
        record_response(StatusCode::OK, &model::transition(conn, id, action)?)
    })
    .await
}

/// Activate a municipality
///
/// Serves an inactive gmina again: residents may be registered in it. Audited.
#[utoipa::path(
    tag = "municipalities",
    params(("id" = Uuid, Path, description = "Municipality id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The active municipality", body = Municipality),
        ActionErrors
    )
)]
#[post("/municipalities/{id}/activate")]
pub async fn activate_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, MunicipalityAction::Activate).await
}

/// Deactivate a municipality
///
/// The CUS no longer serves the gmina (its agreement ended): no resident may be registered in it
/// or moved to it (422 `inactive_municipality`); the records of its residents stay. Audited.
#[utoipa::path(
    tag = "municipalities",
    params(("id" = Uuid, Path, description = "Municipality id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The inactive municipality", body = Municipality),
        ActionErrors
    )
)]
#[post("/municipalities/{id}/deactivate")]
pub async fn deactivate_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, MunicipalityAction::Deactivate).await
}

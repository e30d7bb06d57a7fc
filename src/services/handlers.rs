//! Thin handlers: parse, one blocking call into model code, map to the representation.

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{
    apply_patch, Service, ServiceAction, ServiceInput, ServiceListQuery, ServiceSortField, ServiceStatus,
};
use super::model::{self, ServiceRow};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{
    check_search, IdempotencyKey, IdempotencyKeyParam, IfMatch, JsonBody, QueryParams, RecordAction, RecordPatch,
};
use crate::http::pagination::{Page, Paging, Sort};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, DuplicateErrors, IfMatchErrors, InvalidIdempotentInputErrors, JsonBodyErrors,
    NotFoundErrors, NotModifiedResponse, PathIdErrors, PathIdJsonBodyErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

/// Statuses a caller may see: catalogue managers everything, other roles what is or was offered,
/// the public only what is offered now.
fn visible_statuses(caller: &Caller) -> &'static [ServiceStatus] {
    if caller.has_any(access::CREATE_SERVICE.roles) {
        &[ServiceStatus::Draft, ServiceStatus::Active, ServiceStatus::Retired]
    } else if caller.is_anonymous() {
        &[ServiceStatus::Active]
    } else {
        &[ServiceStatus::Active, ServiceStatus::Retired]
    }
}

fn location(row: &ServiceRow) -> String {
    format!("/api/v1/services/{}", row.id)
}

/// The stored response of a write that returns the entry.
fn entry_response(status: StatusCode, row: &ServiceRow) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &row.to_dto()?)?.header("etag", row.etag()))
}

/// List the catalogue
///
/// Filters combine with AND. Sorted by name in Polish alphabetical order unless `sort` says
/// otherwise; paginated by cursor (`next_cursor`, `Link: rel="next"`).
#[utoipa::path(
    tag = "services",
    params(ServiceListQuery),
    responses(
        (status = 200, description = "One page of catalogue entries", body = Page<Service>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        DatabaseErrors,
        (status = 400, description = "Unknown or invalid query parameter, or a cursor from another sort", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/bad-request", "title": "Bad Request", "status": 400,
                "detail": "invalid query parameter limit", "instance": "/api/v1/services", "code": "bad-request",
                "errors": [{"field": "limit", "code": "out_of_range", "message": "limit must be between 1 and 200"}]}))
    )
)]
#[get("/services")]
pub async fn list_services(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ServiceListQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_SERVICES.authorize(&req, &state, caller).await?;
    let visible = visible_statuses(&actor.caller);
    let filter = query.0;
    let sort = filter.sort.unwrap_or(Sort { field: ServiceSortField::Name, descending: false });
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), sort.as_param())?;
    filter.q.as_deref().map(check_search).transpose()?;
    let rows =
        db::run(&state.pool, move |conn| model::list(conn, &filter, visible, sort, cursor.as_ref(), paging.limit))
            .await?;
    paging.respond(&req, rows, |row| row.position(sort.field), |row| row.to_dto())
}

/// Create a catalogue entry
///
/// New entries are drafts; `activate` publishes them. `code` must be unique. Send
/// `Idempotency-Key` to make a retry safe.
#[utoipa::path(
    tag = "services",
    request_body(content = ServiceInput, description = "The new entry"),
    params(IdempotencyKeyParam),
    responses(
        (status = 201, description = "Created, as a draft", body = Service,
            headers(("Location" = String, description = "URL of the new entry"), ("ETag" = String, description = "Entity tag of the entry"))),
        JsonBodyErrors, DatabaseErrors,
        (status = 409, description = "Another entry has this code", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/duplicate-code", "title": "Conflict", "status": 409,
                "detail": "another service already has the code OPIEKA-DOM", "instance": "/api/v1/services", "code": "duplicate-code",
                "existing_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41"})),
        InvalidIdempotentInputErrors
    )
)]
#[post("/services")]
pub async fn create_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<ServiceInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_SERVICE.authorize(&req, &state, caller).await?;
    let JsonBody { value: input, fingerprint } = body;
    let id = Uuid::now_v7();
    let event = access::CREATE_SERVICE.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let row = model::insert(conn, id, input.validate_draft()?)?;
        Ok(entry_response(StatusCode::CREATED, &row)?.header("location", location(&row)))
    })
    .await
}

/// Get a catalogue entry
///
/// Honours `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "services",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = Service, headers(("ETag" = String, description = "Entity tag of the entry"))),
        NotModifiedResponse,
        RecordErrors,
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/not-found", "title": "Not Found", "status": 404,
                "detail": "no service with this id exists, or it is not visible to you",
                "instance": "/api/v1/services/0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "code": "not-found"}))
    )
)]
#[get("/services/{id}")]
pub async fn get_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_SERVICE.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| model::find(conn, id)).await?;
    if !visible_statuses(&actor.caller).contains(&row.status) {
        return Err(ApiError::NotFound { resource: "service" });
    }
    conditional_json(&req, row.etag(), || row.to_dto())
}

/// Change a catalogue entry
///
/// A JSON merge patch (RFC 7396): members present replace, `null` clears an optional field.
/// `If-Match` with the entry's ETag is required. `status` changes only through the actions.
#[utoipa::path(
    tag = "services",
    params(
        ("id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the representation the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Any subset of the writable fields of ServiceInput",
        example = json!({"unit_cost": "47.50", "fee_rule": {"kind": "fixed", "amount": "5.00", "description": null}})),
    responses(
        (status = 200, description = "The changed entry", body = Service, headers(("ETag" = String, description = "New entity tag"))),
        RecordErrors, PathIdJsonBodyErrors, IfMatchErrors,
        DuplicateErrors,
        (status = 422, description = "The patched entry is invalid (all fields listed), or the patch touches a read-only field", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/services/{id}")]
pub async fn update_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_SERVICE.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let event = access::UPDATE_SERVICE.event(id);
    let row = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| {
            model::update(conn, id, &if_match, |current| apply_patch(current, &patch))
        })
    })
    .await?;
    Ok(tagged_json(row.etag(), &row.to_dto()?))
}

/// Delete a draft entry
///
/// Only drafts can be deleted; entries that were ever active are retired instead, so that
/// references to them stay valid. Requires `If-Match`.
#[utoipa::path(
    tag = "services",
    params(
        ("id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the representation the deletion is based on")
    ),
    responses(
        (status = 204, description = "Deleted"),
        PathIdErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 409, description = "The entry is not a draft", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/not-a-draft", "title": "Conflict", "status": 409,
                "detail": "only draft services can be deleted; this one is active: retire it instead",
                "instance": "/api/v1/services/0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "code": "not-a-draft",
                "current_status": "active", "allowed_actions": ["retire"]}))
    )
)]
#[delete("/services/{id}")]
pub async fn delete_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let actor = access::DELETE_SERVICE.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let event = access::DELETE_SERVICE.event(id);
    db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| model::delete_draft(conn, id, &if_match))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs a state action as an idempotent POST.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    action: ServiceAction,
) -> ApiResult<HttpResponse> {
    let RecordAction { id, key } = target;
    let rule = match action {
        ServiceAction::Activate => &access::ACTIVATE_SERVICE,
        ServiceAction::Retire => &access::RETIRE_SERVICE,
    };
    let actor = rule.authorize(&req, &state, caller).await?;
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, "", move |conn| {
        let row = model::transition(conn, id, action)?;
        entry_response(StatusCode::OK, &row)
    })
    .await
}

/// Activate an entry
///
/// Publishes a draft, or offers a retired entry again.
#[utoipa::path(
    tag = "services",
    params(
        ("id" = Uuid, Path, description = "Entry id"),
        IdempotencyKeyParam
    ),
    responses(
        (status = 200, description = "The active entry", body = Service),
        ActionErrors,
        (status = 400, description = "The id is not a UUID, or a malformed Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already active", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/invalid-state-transition", "title": "Conflict", "status": 409,
                "detail": "a active service cannot be activated", "code": "invalid-state-transition",
                "current_status": "active", "allowed_actions": ["retire"]}))
    )
)]
#[post("/services/{id}/activate")]
pub async fn activate_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, ServiceAction::Activate).await
}

/// Retire an entry
///
/// Withdraws an active entry from the offer; it stays readable for history.
#[utoipa::path(
    tag = "services",
    params(
        ("id" = Uuid, Path, description = "Entry id"),
        IdempotencyKeyParam
    ),
    responses(
        (status = 200, description = "The retired entry", body = Service),
        ActionErrors,
        (status = 400, description = "The id is not a UUID, or a malformed Idempotency-Key", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/services/{id}/retire")]
pub async fn retire_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, ServiceAction::Retire).await
}

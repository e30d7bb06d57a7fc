//! The director's authorisations.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{Authorisation, AuthorisationQuery, NewAuthorisation};
use super::model;
use crate::app::AppState;
use crate::auth::caller::Role;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::ApiResult;
use crate::http::etag::{conditional_json, etag};
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, IdempotencyErrors, InvalidIdempotentInputErrors, JsonBodyErrors, NotModifiedResponse,
    QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

/// List authorisations
///
/// Oldest first, cursor-paginated; filters `subject`, `scope`, `active_on` (holds that day). The
/// director sees every authorisation, anyone else only their own.
#[utoipa::path(
    tag = "authorisations",
    params(AuthorisationQuery),
    responses(
        (status = 200, description = "One page of authorisations", body = Page<Authorisation>),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/authorisations")]
pub async fn list_authorisations(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<AuthorisationQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_AUTHORISATIONS.authorize(&req, &state, caller).await?;
    let own = own_only(&actor.caller);
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let rows =
        db::run(&state.pool, move |conn| model::list(conn, &filter, own.as_deref(), cursor.as_ref(), paging.limit))
            .await?;
    paging.respond(&req, rows, |row| by_id(row.id), |row| Ok(row.to_dto()))
}

/// Get an authorisation
///
/// The director reads any; anyone else only their own (another's is a 404). Honours
/// `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "authorisations",
    params(("id" = Uuid, Path, description = "Authorisation id")),
    responses(
        (status = 200, description = "The authorisation", body = Authorisation,
            headers(("ETag" = String, description = "Entity tag of the authorisation"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/authorisations/{id}")]
pub async fn get_authorisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_AUTHORISATION.authorize(&req, &state, caller).await?;
    let own = own_only(&actor.caller);
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| model::find(conn, id, own.as_deref())).await?;
    conditional_json(&req, etag(row.version), || Ok(row.to_dto()))
}

/// The subject a caller's reads are narrowed to: none for the director, who reads every one.
fn own_only(caller: &Caller) -> Option<String> {
    (!caller.has_any(&[Role::Director])).then(|| caller.subject.clone())
}

/// Grant an authorisation
///
/// The director authorises a subject (a person's or client's token subject) for a scope from
/// `valid_from` to `valid_to` (both days included; no end: until revoked). `approve_plans` lets
/// an OUS approve individual plans (CUS act: the director or a person the director authorises).
/// Audited.
#[utoipa::path(
    tag = "authorisations",
    params(IdempotencyKeyParam),
    request_body(content = NewAuthorisation),
    responses(
        (status = 201, description = "Granted", body = Authorisation,
            headers(("Location" = String, description = "URL of the authorisation"))),
        JsonBodyErrors, IdempotencyErrors, InvalidIdempotentInputErrors, DatabaseErrors
    )
)]
#[post("/authorisations")]
pub async fn create_authorisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<NewAuthorisation>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_AUTHORISATION.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft()?;
    let id = Uuid::now_v7();
    let granted_by = actor.caller.subject.clone();
    let event = access::CREATE_AUTHORISATION.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let row = model::insert(conn, id, draft, &granted_by)?;
        Ok(StoredResponse::json(StatusCode::CREATED, &row.to_dto())?
            .header("location", format!("/api/v1/authorisations/{id}")))
    })
    .await
}

/// Revoke an authorisation
///
/// It stops holding at once; who revoked it and when is recorded. Audited.
#[utoipa::path(
    tag = "authorisations",
    params(("id" = Uuid, Path, description = "Authorisation id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The revoked authorisation", body = Authorisation),
        ActionErrors
    )
)]
#[post("/authorisations/{id}/revoke")]
pub async fn revoke_authorisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::REVOKE_AUTHORISATION.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let subject = actor.caller.subject.clone();
    let event = access::REVOKE_AUTHORISATION.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, "", move |conn| {
        StoredResponse::json(StatusCode::OK, &model::revoke(conn, id, &subject)?.to_dto())
    })
    .await
}

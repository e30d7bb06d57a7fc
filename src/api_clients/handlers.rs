//! Administration of API clients.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{ApiClient, ApiClientQuery, ApiClientWithSecret, NewApiClient};
use super::model::{self, ApiClientRow};
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{access, Caller};
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, ChangedMeanwhileErrors, DatabaseErrors, IdempotencyErrors, JsonBodyErrors, NotFoundErrors,
    PathIdErrors, QueryErrors, RecordErrors, StateConflictErrors,
};
use crate::idempotency::{self, StoredResponse};

/// Responses that carry a secret are never stored, so they cannot be replayed.
fn refuse_idempotency_key(key: &IdempotencyKey) -> ApiResult<()> {
    match key.0 {
        None => Ok(()),
        Some(_) => Err(ApiError::bad_request(
            "Idempotency-Key is not supported here: the response carries a secret that is never stored",
            vec![FieldError::new("Idempotency-Key", "not_supported", "send the request without Idempotency-Key")],
        )),
    }
}

fn with_secret(row: &ApiClientRow, secret: String) -> ApiResult<ApiClientWithSecret> {
    Ok(ApiClientWithSecret { client: row.to_dto()?, client_secret: secret })
}

/// List API clients
///
/// Oldest first, cursor-paginated. Secrets are never listed.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientQuery),
    responses(
        (status = 200, description = "One page of clients", body = Page<ApiClient>),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/api-clients")]
pub async fn list_api_clients(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ApiClientQuery>,
) -> ApiResult<HttpResponse> {
    access::LIST_API_CLIENTS.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let rows = db::run(&state.pool, move |conn| model::list(conn, &filter, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, rows, |row| by_id(row.id), |row| row.to_dto())
}

/// Register an API client
///
/// Returns the client id and a generated secret, shown this once. A client with a role that
/// reads personal data (`kipus`, `director`, `ous`, `osl`) is `pending`: it gets no token until a
/// director other than its requester approves it. The `provider` role is never combined with
/// another role. `Idempotency-Key` is refused here (400): the response carries a secret, which is
/// never stored.
#[utoipa::path(
    tag = "api-clients",
    request_body(content = NewApiClient),
    responses(
        (status = 201, description = "Registered; the secret is shown only now", body = ApiClientWithSecret,
            headers(("Location" = String, description = "URL of the client"))),
        JsonBodyErrors, DatabaseErrors,
        (status = 400, description = "Malformed JSON, unknown field, or an Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (all listed): roles combining provider with another, an unknown provider_id", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/api-clients")]
pub async fn create_api_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<NewApiClient>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_API_CLIENT.authorize(&req, &state, caller).await?;
    refuse_idempotency_key(&key)?;
    let id = Uuid::now_v7();
    let event = Event::new(access::CREATE_API_CLIENT.operation, "api_client", Some(id.to_string()));
    let input = body.into_inner();
    let (row, secret) = db::run(&state.pool, move |conn| {
        let admin = model::Registrar::Admin(&actor.caller.subject);
        audit::audited(conn, &actor, event, |conn| model::insert(conn, id, input.validate_draft()?, admin))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/api-clients/{}", row.id)))
        .json(with_secret(&row, secret)?))
}

/// Get an API client
#[utoipa::path(
    tag = "api-clients",
    params(("id" = Uuid, Path, description = "Client id")),
    responses(
        (status = 200, description = "The client", body = ApiClient),
        RecordErrors
    )
)]
#[get("/api-clients/{id}")]
pub async fn get_api_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    access::GET_API_CLIENT.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| model::find(conn, id)).await?;
    Ok(HttpResponse::Ok().json(row.to_dto()?))
}

/// Rotate an API client's secret
///
/// The old secret stops working at once; tokens already issued stay valid until they expire.
/// `Idempotency-Key` is refused here (400): the response carries the new secret.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = Uuid, Path, description = "Client id")),
    responses(
        (status = 200, description = "The new secret, shown only now", body = ApiClientWithSecret),
        ChangedMeanwhileErrors, DatabaseErrors,
        (status = 400, description = "The id is not a UUID, or an Idempotency-Key was sent", body = Problem, content_type = "application/problem+json"),
        NotFoundErrors,
        StateConflictErrors
    )
)]
#[post("/api-clients/{id}/rotate-secret")]
pub async fn rotate_api_client_secret(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::ROTATE_API_CLIENT_SECRET.authorize(&req, &state, caller).await?;
    refuse_idempotency_key(&key)?;
    let id = id.into_inner();
    let event = Event::new(access::ROTATE_API_CLIENT_SECRET.operation, "api_client", Some(id.to_string()));
    let (row, secret) =
        db::run(&state.pool, move |conn| audit::audited(conn, &actor, event, |conn| model::rotate_secret(conn, id)))
            .await?;
    Ok(HttpResponse::Ok().json(with_secret(&row, secret)?))
}

/// Revoke an API client
///
/// The client can get no new token, and tokens it already holds are refused from now on. Revoking
/// a pending client withdraws the request.
#[utoipa::path(
    tag = "api-clients",
    params(
        ("id" = Uuid, Path, description = "Client id"),
        IdempotencyKeyParam
    ),
    responses(
        (status = 200, description = "The revoked client", body = ApiClient),
        ActionErrors
    )
)]
#[post("/api-clients/{id}/revoke")]
pub async fn revoke_api_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, key, id.into_inner(), &access::REVOKE_API_CLIENT, |conn, id, _| model::revoke(conn, id))
        .await
}

/// Approve an API client
///
/// A pending client (one with a role that reads personal data) becomes active and may get tokens.
/// Only a director approves, and never a request of its own (403); who approved and when is
/// recorded on the client and in the audit log.
#[utoipa::path(
    tag = "api-clients",
    params(
        ("id" = Uuid, Path, description = "Client id"),
        IdempotencyKeyParam
    ),
    responses(
        (status = 200, description = "The approved client", body = ApiClient),
        PathIdErrors, IdempotencyErrors, DatabaseErrors,
        (status = 403, description = "Not a director, or the approver requested the client itself", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The client is not pending", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/api-clients/{id}/approve")]
pub async fn approve_api_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, key, id.into_inner(), &access::APPROVE_API_CLIENT, model::approve).await
}

/// Runs a status action as an idempotent POST answering the changed client; the action gets the
/// caller's subject.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: Uuid,
    rule: &'static access::Access,
    change: fn(&mut DbConnection, Uuid, &str) -> ApiResult<ApiClientRow>,
) -> ApiResult<HttpResponse> {
    let actor = rule.authorize(&req, &state, caller).await?;
    let subject = actor.caller.subject.clone();
    let event = rule.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, "", move |conn| {
        StoredResponse::json(StatusCode::OK, &change(conn, id, &subject)?.to_dto()?)
    })
    .await
}

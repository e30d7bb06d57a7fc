//! Thin handlers: authorise, validate, one blocking call into model code, map to the view. Every
//! read is audited with the ids it returned: membership says that a resident takes part.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{
    Member, MemberAction, MemberInput, MemberQuery, ReversalInput, Transfer, TransferInput, TransferQuery,
};
use super::model::{self, MemberRecord, TransferRecord};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller};
use crate::clock;
use crate::db;
use crate::error::{ApiResult, Problem};
use crate::http::etag::conditional_json;
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction};
use crate::http::pagination::{by_id, page_response, Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, IdempotencyErrors, InvalidIdempotentInputErrors, JsonBodyErrors, NotFoundErrors,
    NotModifiedResponse, PathIdJsonBodyErrors, QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

fn member_response(status: StatusCode, record: &MemberRecord) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &record.to_dto())?.header("etag", record.etag()))
}

fn transfer_response(record: &TransferRecord) -> ApiResult<StoredResponse> {
    let id = Uuid::from(record.row.id);
    Ok(StoredResponse::json(StatusCode::CREATED, &record.to_dto())?
        .header("location", format!("/api/v1/time-bank/transfers/{id}")))
}

/// List time bank members
///
/// In joining order (of the records), each with the minutes given and received and the balance
/// computed from the ledger; filters `status`, `municipality_id`, `resident_id` and
/// `updated_since`; cursor-paginated. Audited with the ids returned.
#[utoipa::path(
    tag = "time-bank",
    params(MemberQuery),
    responses(
        (status = 200, description = "One page of members", body = Page<Member>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/time-bank/members")]
pub async fn list_time_bank_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<MemberQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_TIME_BANK_MEMBERS.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let page = db::run(&state.pool, move |conn| {
        let records = model::list_members(conn, &filter, cursor.as_ref(), paging.limit)?;
        let page = paging.page(records, |record| by_id(record.row.id), |record| Ok(record.to_dto()))?;
        let ids: Vec<Uuid> = page.items.iter().map(|member| member.id).collect();
        audit::record_read(conn, &actor, &access::LIST_TIME_BANK_MEMBERS.read_event(None, &ids))?;
        Ok(page)
    })
    .await?;
    Ok(page_response(&req, &page))
}

/// Get a time bank member
///
/// With the balance computed from the ledger. Honours `If-None-Match` (304 when the membership
/// is unchanged; a transfer changes the balance, not the ETag, so send none to read a balance).
/// Audited.
#[utoipa::path(
    tag = "time-bank",
    params(("id" = Uuid, Path, description = "Member id")),
    responses(
        (status = 200, description = "The member", body = Member,
            headers(("ETag" = String, description = "Entity tag of the membership"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/time-bank/members/{id}")]
pub async fn get_time_bank_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_TIME_BANK_MEMBER.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| {
        let record = model::find_member(conn, id)?;
        audit::record_read(conn, &actor, &access::GET_TIME_BANK_MEMBER.read_event(None, &[record.row.id]))?;
        Ok(record)
    })
    .await?;
    conditional_json(&req, record.etag(), || Ok(record.to_dto()))
}

/// Enrol a resident in the time bank
///
/// A registered resident (422 `unknown_resident`) of an active municipality (422
/// `unknown_municipality`, `inactive_municipality`), once (409 `already-member`, naming the
/// `member_id`: a member who left rejoins). Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "time-bank",
    params(IdempotencyKeyParam),
    request_body(content = MemberInput),
    responses(
        (status = 201, description = "Enrolled, active", body = Member,
            headers(("Location" = String, description = "URL of the member"), ("ETag" = String, description = "Entity tag of the membership"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        (status = 409, description = "`already-member`: the resident is a member; names `member_id`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/already-member", "title": "Conflict", "status": 409,
                "detail": "this resident is already a member of the time bank; a member who left rejoins",
                "code": "already-member", "member_id": "0193a5f2-0000-7000-8000-000000000071"})),
        (status = 422, description = "Invalid fields (every one in `errors`), e.g. `unknown_resident`, `inactive_municipality`, `in_future`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "resident_id: no resident is registered with this id", "code": "validation-failed",
                "errors": [{"field": "resident_id", "code": "unknown_resident", "message": "no resident is registered with this id"}]}))
    )
)]
#[post("/time-bank/members")]
pub async fn create_time_bank_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<MemberInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_TIME_BANK_MEMBER.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft(clock::today())?;
    let id = Uuid::now_v7();
    let event = access::CREATE_TIME_BANK_MEMBER.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let record = model::insert_member(conn, id, draft)?;
        Ok(member_response(StatusCode::CREATED, &record)?.header("location", format!("/api/v1/time-bank/members/{id}")))
    })
    .await
}

/// The leave and rejoin actions: a lifecycle transition, audited, retry-safe with a key.
async fn member_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    rule: &'static access::Access,
    action: MemberAction,
) -> ApiResult<HttpResponse> {
    let actor = rule.authorize(&req, &state, caller).await?;
    let RecordAction { id, key } = target;
    let today = clock::today();
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, "", move |conn| {
        member_response(StatusCode::OK, &model::transition(conn, id, action, today)?)
    })
    .await
}

/// Record that a member left the time bank
///
/// From `active`, today: the member takes part in no new transfer; its balance and ledger stay.
/// Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "time-bank",
    params(("id" = Uuid, Path, description = "Member id"), IdempotencyKeyParam),
    responses((status = 200, description = "The member, left", body = Member), ActionErrors)
)]
#[post("/time-bank/members/{id}/leave")]
pub async fn leave_time_bank(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    member_action(req, state, caller, target, &access::LEAVE_TIME_BANK, MemberAction::Leave).await
}

/// Rejoin the time bank
///
/// From `left`: active again, with the balance it left with. Send `Idempotency-Key` to make a
/// retry safe. Audited.
#[utoipa::path(
    tag = "time-bank",
    params(("id" = Uuid, Path, description = "Member id"), IdempotencyKeyParam),
    responses((status = 200, description = "The member, active", body = Member), ActionErrors)
)]
#[post("/time-bank/members/{id}/rejoin")]
pub async fn rejoin_time_bank(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    member_action(req, state, caller, target, &access::REJOIN_TIME_BANK, MemberAction::Rejoin).await
}

/// List the ledger's transfers
///
/// In booking order; `member_id` gives one member's statement (what it gave and received);
/// `updated_since` the transfers booked since (they never change). Cursor-paginated. Audited
/// with the ids returned.
#[utoipa::path(
    tag = "time-bank",
    params(TransferQuery),
    responses(
        (status = 200, description = "One page of transfers", body = Page<Transfer>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/time-bank/transfers")]
pub async fn list_time_bank_transfers(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<TransferQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_TIME_BANK_TRANSFERS.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let page = db::run(&state.pool, move |conn| {
        let records = model::list_transfers(conn, &filter, cursor.as_ref(), paging.limit)?;
        let page = paging.page(records, |record| by_id(record.row.id), |record| Ok(record.to_dto()))?;
        let ids: Vec<Uuid> = page.items.iter().map(|transfer| transfer.id).collect();
        audit::record_read(conn, &actor, &access::LIST_TIME_BANK_TRANSFERS.read_event(None, &ids))?;
        Ok(page)
    })
    .await?;
    Ok(page_response(&req, &page))
}

/// Get a transfer
///
/// With the reversal that cancelled it, if any. Audited.
#[utoipa::path(
    tag = "time-bank",
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The transfer", body = Transfer), RecordErrors)
)]
#[get("/time-bank/transfers/{id}")]
pub async fn get_time_bank_transfer(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_TIME_BANK_TRANSFER.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| {
        let record = model::find_transfer(conn, id)?;
        audit::record_read(conn, &actor, &access::GET_TIME_BANK_TRANSFER.read_event(None, &[record.row.id]))?;
        Ok(record)
    })
    .await?;
    Ok(HttpResponse::Ok().json(record.to_dto()))
}

/// Book a transfer of hours
///
/// The giver is credited and the receiver debited with `minutes`. Both must be active members
/// (409 `member-not-active`) who had joined by `occurred_on` (422 `before_joining`); the
/// receiver's balance may not go below minus the credit limit (`CUS_TIME_BANK_CREDIT_LIMIT_HOURS`,
/// 409 `credit-limit-exceeded` naming `credit_limit_minutes` and `available_minutes`). Transfers
/// of one member are checked one after the other. Never changed or deleted: a mistake is
/// reversed. Send `Idempotency-Key` to make a retry safe. Audited.
#[utoipa::path(
    tag = "time-bank",
    params(IdempotencyKeyParam),
    request_body(content = TransferInput),
    responses(
        (status = 201, description = "Booked", body = Transfer,
            headers(("Location" = String, description = "URL of the transfer"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        (status = 409, description = "`credit-limit-exceeded` (naming `credit_limit_minutes` and `available_minutes`) or `member-not-active` (naming `member_id`)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/credit-limit-exceeded", "title": "Conflict", "status": 409,
                "detail": "this transfer would take the receiver's balance below the time bank's credit limit",
                "code": "credit-limit-exceeded", "credit_limit_minutes": 600, "available_minutes": 30})),
        (status = 422, description = "Invalid fields (every one in `errors`), e.g. `unknown_member`, `same_member`, `range`, `in_future`, `before_joining`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "receiver_id: a member cannot give help to itself", "code": "validation-failed",
                "errors": [{"field": "receiver_id", "code": "same_member", "message": "a member cannot give help to itself"}]}))
    )
)]
#[post("/time-bank/transfers")]
pub async fn create_time_bank_transfer(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<TransferInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_TIME_BANK_TRANSFER.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft(clock::today())?;
    let id = Uuid::now_v7();
    let event = access::CREATE_TIME_BANK_TRANSFER.event(id);
    let (limit, recorded_by) = (state.time_bank_credit_limit, actor.caller.subject.clone());
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        transfer_response(&model::insert_transfer(conn, id, draft, limit, &recorded_by)?)
    })
    .await
}

/// Reverse a transfer
///
/// Books its mirror image today (giver and receiver swapped, `reverses_id` set, the reason as
/// its description), whatever the credit limit and whether the members left: a correction is
/// always possible. Once per transfer (409 `already-reversed`, naming `reversed_by_id`); a
/// reversal is not reversed (409 `reversal-not-reversible`). Send `Idempotency-Key` to make a
/// retry safe. Audited.
#[utoipa::path(
    tag = "time-bank",
    params(("id" = Uuid, Path, description = "Transfer id"), IdempotencyKeyParam),
    request_body(content = ReversalInput),
    responses(
        (status = 201, description = "The reversal, booked", body = Transfer,
            headers(("Location" = String, description = "URL of the reversal"))),
        PathIdJsonBodyErrors, IdempotencyErrors, DatabaseErrors, NotFoundErrors,
        (status = 409, description = "`already-reversed` (naming `reversed_by_id`) or `reversal-not-reversible`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/already-reversed", "title": "Conflict", "status": 409,
                "detail": "this transfer was already reversed", "code": "already-reversed",
                "reversed_by_id": "0193a5f2-0000-7000-8000-000000000082"})),
        InvalidIdempotentInputErrors
    )
)]
#[post("/time-bank/transfers/{id}/reversal")]
pub async fn reverse_time_bank_transfer(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    body: JsonBody<ReversalInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::REVERSE_TIME_BANK_TRANSFER.authorize(&req, &state, caller).await?;
    let RecordAction { id, key } = target;
    let fingerprint = body.fingerprint.clone();
    let reason = body.into_inner().validate_reason()?;
    let reversal = Uuid::now_v7();
    let event = access::REVERSE_TIME_BANK_TRANSFER.event(id);
    let (today, recorded_by) = (clock::today(), actor.caller.subject.clone());
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        transfer_response(&model::reverse(conn, id, reversal, reason, today, &recorded_by)?)
    })
    .await
}

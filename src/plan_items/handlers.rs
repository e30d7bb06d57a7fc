//! Plan-item handlers: a provider's items and the deliveries it records.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde_json::json;
use uuid::Uuid;

use super::dto::{Delivery, DeliveryInput, PlanItemQuery};
use super::model;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{access, Caller};
use crate::db::{self, Id};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams};
use crate::http::responses::{
    DatabaseErrors, InvalidIdempotentInputErrors, NotFoundErrors, PathIdErrors, PathIdJsonBodyErrors,
    StateConflictErrors,
};
use crate::idempotency::{self, StoredResponse};
use crate::residents::provider_view::AssignedItem;

/// List plan items assigned to a provider
///
/// `provider=me` (or its own id) for a provider user: the active items of active plans it
/// delivers, with the minimum it needs (resident's name, address, phone); another provider's id is
/// a 404. CUS staff give a provider id. The
/// residents read are recorded in the audit log.
#[utoipa::path(
    tag = "service-plans",
    params(PlanItemQuery),
    responses(
        (status = 200, description = "The provider's active items", body = Vec<AssignedItem>),
        DatabaseErrors,
        (status = 400, description = "Missing or invalid provider parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A provider user asked for another provider's items", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`provider=me` from a caller who is not a provider user", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/plan-items")]
pub async fn list_plan_items(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<PlanItemQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_PLAN_ITEMS.authorize(&req, &state, caller).await?;
    let provider = query.0.provider_for(&actor.caller)?;
    let assigned = db::run(&state.pool, move |conn| {
        let items = model::items_for_provider(conn, provider)?;
        let mut residents: Vec<Id> = items.iter().map(|(_, resident)| *resident).collect();
        residents.dedup();
        let event =
            Event::new(access::LIST_PLAN_ITEMS.operation, "resident", None).with_detail(json!({"ids": residents}));
        conn.write_transaction(|conn| audit::record(conn, &actor, &event))?;
        model::assigned(conn, items)
    })
    .await?;
    Ok(HttpResponse::Ok().json(assigned))
}

/// Record a delivery
///
/// By the item's provider, on an active item of an active plan, on a day within the item's dates
/// (404 while the item's naming of the provider awaits approval).
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan item id"), IdempotencyKeyParam),
    request_body(content = DeliveryInput),
    responses(
        (status = 201, description = "The recorded delivery", body = Delivery),
        PathIdJsonBodyErrors, DatabaseErrors,
        NotFoundErrors,
        StateConflictErrors,
        InvalidIdempotentInputErrors
    )
)]
#[post("/plan-items/{id}/deliveries")]
pub async fn record_delivery(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<DeliveryInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::RECORD_DELIVERY.authorize(&req, &state, caller).await?;
    let provider = actor
        .caller
        .provider_scope()
        .ok_or_else(|| ApiError::Forbidden("deliveries are recorded by providers".to_owned()))?;
    let item_id = id.into_inner();
    let fingerprint = body.fingerprint.clone();
    let delivery = body.into_inner().validate_draft()?;
    let recorded_by = actor.caller.subject.clone();
    let delivery_id = Uuid::now_v7();
    idempotency::run_once(
        &req,
        &state.pool,
        &actor,
        access::RECORD_DELIVERY.event(item_id),
        key,
        &fingerprint,
        move |conn| {
            StoredResponse::json(
                StatusCode::CREATED,
                &model::record_delivery(conn, provider, item_id, delivery_id, &recorded_by, delivery)?,
            )
        },
    )
    .await
}

/// List an item's deliveries
///
/// For the item's provider (once the item's terms are approved: 404 before) and CUS staff.
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan item id")),
    responses(
        (status = 200, description = "Deliveries, by day", body = Vec<Delivery>),
        PathIdErrors, DatabaseErrors,
        NotFoundErrors
    )
)]
#[get("/plan-items/{id}/deliveries")]
pub async fn list_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_DELIVERIES.authorize(&req, &state, caller).await?;
    let (provider, id) = (actor.caller.provider_scope(), id.into_inner());
    let deliveries = db::run(&state.pool, move |conn| model::deliveries(conn, provider, id)).await?;
    Ok(HttpResponse::Ok().json(deliveries))
}

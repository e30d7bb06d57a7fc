//! Offer handlers: authorise, one blocking call into model code, represent. Offers share their
//! provider's visibility and write rules (`providers::view`).

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{Offer, OfferInput};
use super::model;
use crate::app::AppState;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::{ApiResult, Problem};
use crate::http::etag::tagged_json;
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, IfMatch, JsonBody};
use crate::http::merge_patch;
use crate::http::responses::{IfMatchErrors, InvalidFieldErrors, PathIdJsonBodyErrors, RecordErrors};
use crate::idempotency::{self, StoredResponse};
use crate::providers;
use crate::providers::view::{audited_write, ensure_writable, view_for, visible};

/// List a provider's offers
///
/// Public for active providers; the same visibility as the provider itself.
#[utoipa::path(
    tag = "providers",
    params(("id" = Uuid, Path, description = "Provider id")),
    responses(
        (status = 200, description = "Every offer of the provider", body = Vec<Offer>),
        RecordErrors
    )
)]
#[get("/providers/{id}/offers")]
pub async fn list_provider_offers(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_PROVIDER_OFFERS.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let view = view_for(&actor.caller);
    let rows = db::run(&state.pool, move |conn| {
        visible(conn, &view, id)?;
        model::list(conn, id)
    })
    .await?;
    let items = rows.iter().map(|row| row.to_dto()).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Add an offer
///
/// The service must be active in the catalogue; one offer per provider and service (409).
/// `location_ids` name where it is given: active locations run by this provider or by the CUS
/// (422 `unknown`, `archived`, `other_provider`, `duplicate` at the index); `at_home` says it is
/// given at the resident's home, which needs no location.
#[utoipa::path(
    tag = "providers",
    params(("id" = Uuid, Path, description = "Provider id"), IdempotencyKeyParam),
    request_body(content = OfferInput),
    responses(
        (status = 201, description = "The new offer", body = Offer, headers(("Location" = String, description = "URL of the offer"))),
        RecordErrors, PathIdJsonBodyErrors,
        (status = 409, description = "The service is not active, or already offered", body = Problem, content_type = "application/problem+json"),
        InvalidFieldErrors
    )
)]
#[post("/providers/{id}/offers")]
pub async fn create_provider_offer(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<OfferInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_PROVIDER_OFFER.authorize(&req, &state, caller).await?;
    let provider_id = id.into_inner();
    let JsonBody { value: input, fingerprint } = body;
    let caller = actor.caller.clone();
    let offer_id = Uuid::now_v7();
    let event = access::CREATE_PROVIDER_OFFER.event(provider_id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        ensure_writable(&caller, provider_id)?;
        providers::model::find(conn, provider_id)?;
        let row = model::insert(conn, provider_id, offer_id, input.validate_draft()?)?;
        Ok(StoredResponse::json(StatusCode::CREATED, &row.to_dto()?)?
            .header("location", format!("/api/v1/providers/{provider_id}/offers/{offer_id}"))
            .header("etag", row.etag()))
    })
    .await
}

/// Change an offer
///
/// A JSON merge patch with `If-Match`; the service of an offer cannot change. `location_ids`
/// is replaced whole and checked as on creation.
#[utoipa::path(
    tag = "providers",
    params(
        ("id" = Uuid, Path, description = "Provider id"),
        ("offer_id" = Uuid, Path, description = "Offer id"),
        ("If-Match" = String, Header, description = "ETag of the offer the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "Any subset of capacity_per_month, area_served, notes, location_ids, at_home",
        example = json!({"capacity_per_month": 500})),
    responses(
        (status = 200, description = "The changed offer", body = Offer),
        RecordErrors, PathIdJsonBodyErrors, IfMatchErrors,
        InvalidFieldErrors
    )
)]
#[patch("/providers/{id}/offers/{offer_id}")]
pub async fn update_provider_offer(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    patch: JsonBody<merge_patch::Patch>,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_PROVIDER_OFFER.authorize(&req, &state, caller).await?;
    let ((provider_id, offer_id), patch) = (path.into_inner(), patch.into_inner());
    let event = access::UPDATE_PROVIDER_OFFER.event(offer_id);
    let row = db::run(&state.pool, move |conn| {
        audited_write(conn, &actor, event, provider_id, |conn| {
            model::update(conn, provider_id, offer_id, &if_match, |current| {
                const OFFER_READ_ONLY: [&str; 6] =
                    ["id", "provider_id", "created_at", "updated_at", "version", "service_id"];
                let mut input: OfferInput = merge_patch::patched(current, &patch, &OFFER_READ_ONLY, "")?;
                input.service_id = Some(current.service_id);
                input.validate_draft()
            })
        })
    })
    .await?;
    Ok(tagged_json(row.etag(), &row.to_dto()?))
}

/// Remove an offer
///
/// Requires `If-Match`.
#[utoipa::path(
    tag = "providers",
    params(
        ("id" = Uuid, Path, description = "Provider id"),
        ("offer_id" = Uuid, Path, description = "Offer id"),
        ("If-Match" = String, Header, description = "ETag of the offer")
    ),
    responses(
        (status = 204, description = "Removed"),
        RecordErrors, IfMatchErrors
    )
)]
#[delete("/providers/{id}/offers/{offer_id}")]
pub async fn delete_provider_offer(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let actor = access::DELETE_PROVIDER_OFFER.authorize(&req, &state, caller).await?;
    let (provider_id, offer_id) = path.into_inner();
    let event = access::DELETE_PROVIDER_OFFER.event(offer_id);
    db::run(&state.pool, move |conn| {
        audited_write(conn, &actor, event, provider_id, |conn| model::delete(conn, provider_id, offer_id, &if_match))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Thin handlers of commissions.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use uuid::Uuid;

use super::dto::{
    Annex, AnnexInput, Commission, CommissionAction, CommissionInput, CommissionListQuery, TerminationInput,
};
use super::model::{self, CommissionRecord, Scope};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller};
use crate::db;
use crate::error::{ApiResult, Problem};
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{
    check_search, IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction, RecordPatch,
};
use crate::http::merge_patch;
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, IfMatchErrors, InvalidIdempotentInputErrors, JsonBodyErrors, NotModifiedResponse,
    PathIdJsonBodyErrors, QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};
use crate::validation::FieldErrors;

fn scope_of(caller: &Caller) -> Scope {
    Scope { provider: caller.provider_scope() }
}

fn commission_response(status: StatusCode, record: &CommissionRecord) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &record.to_dto()?)?.header("etag", record.etag()))
}

/// Fields a merge patch may not touch.
const READ_ONLY: [&str; 6] = ["id", "status", "termination_reason", "created_at", "updated_at", "version"];

/// List commissions
///
/// Newest first. A provider user sees only its own provider's commissions.
#[utoipa::path(
    tag = "commissions",
    params(CommissionListQuery),
    responses(
        (status = 200, description = "One page of commissions", body = Page<Commission>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/commissions")]
pub async fn list_commissions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<CommissionListQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_COMMISSIONS.authorize(&req, &state, caller).await?;
    let scope = scope_of(&actor.caller);
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    filter.q.as_deref().map(check_search).transpose()?;
    let rows =
        db::run(&state.pool, move |conn| model::list(conn, scope, &filter, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, rows, |record| by_id(record.row.id), |record| record.to_dto())
}

/// Create a commission
///
/// New commissions are drafts. Rules checked here (422, each with its field code): the period
/// does not end before it starts (`period_order`; a one-day task is valid) and, for the public
/// benefit act modes, runs at most 5 years (`agreement_period_max`, art. 16 ust. 2); the tranches
/// add up to the amount (`tranches_sum`); the form is required for open competitions, allowed for
/// small grants (financing = powierzenie, co-financing = wspieranie) and refused elsewhere
/// (`not_allowed`); `wspieranie` has an own contribution; a small grant is at most 10,000.00 PLN
/// and 90 days (`small_grant_amount`, `small_grant_period`, art. 19a ust. 1), has a local or
/// regional `task_scope` (art. 19a ust. 1) and its published `offer` (art. 19a ust. 3), and its
/// agreement is signed no earlier than 7 days after the publication (`signed_before_offer_period`,
/// art. 19a ust. 5); `task_scope` and `offer` are refused for other modes. The unit is the
/// catalogue service's, and the reference is unique (409). The provider must be one the mode's act
/// admits (409 `provider-not-eligible`, checked again at activation): open competition, small
/// grant and regranting only NGOs and art. 3 ust. 3 entities (public benefit act art. 11, 16a,
/// 19a); `social_assistance_act` only NGOs and church legal persons (social assistance act art.
/// 25); `public_procurement` any provider (Pzp art. 359-361); `own_unit` only public units.
///
/// A `public_procurement` commission may be a reserved contract (*zamówienie zastrzeżone*, Pzp
/// art. 361) through `reservation`, refused for the other modes (`reservation_not_allowed`): the
/// conditions of ust. 1 pkt 1-3 as the staff verified them for the provider, each required and
/// `true` (`reservation_condition_unmet` on `reservation.<condition>`, naming its point), and at
/// most 3 years (`reserved_contract_period_max` on `period.end`, ust. 2). Pkt 4: the provider may
/// not have been awarded (an activated commission) another reserved contract for the same service
/// starting less than 3 years from this one's start (409 `provider-not-eligible` with `rule`,
/// `legal_basis` `Pzp art. 361 ust. 1 pkt 4` and `awarded_commission_id`; checked again at
/// activation); drafts do not count.
#[utoipa::path(
    tag = "commissions",
    request_body(content = CommissionInput),
    params(IdempotencyKeyParam),
    responses(
        (status = 201, description = "Created, as a draft", body = Commission,
            headers(("Location" = String, description = "URL of the commission"), ("ETag" = String, description = "Entity tag"))),
        JsonBodyErrors, DatabaseErrors,
        (status = 409, description = "Duplicate reference, or `provider-not-eligible`: the mode's act does not admit the provider, or a reserved contract's provider was awarded another for the same service within 3 years (Pzp art. 361 ust. 1 pkt 4); `rule` and `legal_basis` name it", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/provider-not-eligible", "title": "Conflict", "status": 409,
                "detail": "a social_assistance_act commission may go only to NGOs and church legal persons (social assistance act art. 25); this provider's legal form is company and its public benefit standing none",
                "code": "provider-not-eligible", "rule": "NGOs and church legal persons", "legal_basis": "social assistance act art. 25",
                "legal_form": "company", "public_benefit_standing": "none"})),
        (status = 422, description = "Invalid fields or broken rules (all listed, each with its rule's code)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "2 fields are invalid", "code": "validation-failed",
                "errors": [{"field": "tranches", "code": "tranches_sum", "message": "the tranches add up to 50000.00 but the amount is 60000.00"},
                           {"field": "period.end", "code": "period_order", "message": "the period must end after it starts"}]}))
    )
)]
#[post("/commissions")]
pub async fn create_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<CommissionInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_COMMISSION.authorize(&req, &state, caller).await?;
    let JsonBody { value: input, fingerprint } = body;
    let id = Uuid::now_v7();
    let event = access::CREATE_COMMISSION.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let record = model::insert(conn, id, input.validate_draft()?)?;
        Ok(commission_response(StatusCode::CREATED, &record)?.header("location", format!("/api/v1/commissions/{id}")))
    })
    .await
}

/// Get a commission
///
/// A provider user reaches only its own provider's commissions (404 otherwise).
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id")),
    responses(
        (status = 200, description = "The commission", body = Commission, headers(("ETag" = String, description = "Entity tag"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/commissions/{id}")]
pub async fn get_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_COMMISSION.authorize(&req, &state, caller).await?;
    let (scope, id) = (scope_of(&actor.caller), id.into_inner());
    let record = db::run(&state.pool, move |conn| model::find_record(conn, scope, id)).await?;
    conditional_json(&req, record.etag(), || record.to_dto())
}

/// Change a commission
///
/// A JSON merge patch with `If-Match`. Drafts change freely (`reservation` too: `null` removes it,
/// and the result is validated as a new commission's input, 422). A signed (active or suspended) commission
/// keeps its provider, service, mode, form and reservation (409 `terms-fixed`) and changes its
/// financial terms (amount, period, tranches, own contribution) only through an annex (409
/// `financial-terms-locked`); completed and terminated ones do not change (409).
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), ("If-Match" = String, Header, description = "ETag the change is based on")),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "Any subset of the fields of CommissionInput",
        example = json!({"title": "Usługi opiekuńcze 2026 (Starachowice)", "agreement": {"number": "UM/2026/014", "signed_on": "2026-01-15"}})),
    responses(
        (status = 200, description = "The changed commission", body = Commission, headers(("ETag" = String, description = "New entity tag"))),
        RecordErrors, PathIdJsonBodyErrors, IfMatchErrors,
        (status = 409, description = "Duplicate reference, fixed terms, locked financial terms or a closed commission", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The patched commission breaks a rule (all listed)", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/commissions/{id}")]
pub async fn update_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_COMMISSION.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let record = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, access::UPDATE_COMMISSION.event(id), |conn| {
            model::update(conn, id, &if_match, |current| {
                let patched: CommissionInput =
                    merge_patch::patched(current, &patch, &READ_ONLY, "; status changes through the actions")?;
                model::ensure_signed_terms_kept(current, &patched)?;
                patched.validate_draft()
            })
        })
    })
    .await?;
    Ok(tagged_json(record.etag(), &record.to_dto()?))
}

/// Runs a status action as an idempotent POST.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    action: CommissionAction,
    termination: Option<JsonBody<TerminationInput>>,
) -> ApiResult<HttpResponse> {
    let RecordAction { id, key } = target;
    let rule = match action {
        CommissionAction::Activate => &access::ACTIVATE_COMMISSION,
        CommissionAction::Suspend => &access::SUSPEND_COMMISSION,
        CommissionAction::Resume => &access::RESUME_COMMISSION,
        CommissionAction::Complete => &access::COMPLETE_COMMISSION,
        CommissionAction::Terminate => &access::TERMINATE_COMMISSION,
    };
    let actor = rule.authorize(&req, &state, caller).await?;
    let fingerprint = termination.as_ref().map(|body| body.fingerprint.clone()).unwrap_or_default();
    let reason = termination.map(|body| required_reason(body.into_inner().reason)).transpose()?;
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, &fingerprint, move |conn| {
        commission_response(StatusCode::OK, &model::transition(conn, id, action, reason)?)
    })
    .await
}

/// Activate (sign) a commission
///
/// From `draft`. Needs the agreement number and signing date (`agreement-missing`), an active
/// provider (`provider-not-active`) that the mode's act admits (`provider-not-eligible`, as at
/// creation: its form or statute may have changed since) that offers (`service-not-offered`) the commission's active
/// catalogue service (`service-not-active`). A small grant (public benefit act art. 19a) also needs:
/// 7 days since its offer was published (`offer-publication-running`, ust. 5); at most 20,000.00
/// PLN transferred to the provider by activated small grants in each calendar year its tranches
/// fall in, counted by tranche dates, a terminated grant's up to its termination
/// (`small-grant-yearly-limit`, ust. 2); and small grants of each such budget year at most 20% of
/// the grants planned that year for NGOs (`small-grant-budget-share` with the `excess`, ust. 6;
/// `grant-year-not-planned` until `/api/v1/settings/grant-years/{year}` is recorded). A reserved
/// contract (*zamówienie zastrzeżone*) is refused (`provider-not-eligible`, Pzp art. 361 ust. 1
/// pkt 4) when the provider was awarded another for the same service starting less than 3 years
/// from its start. Each failure is a 409 naming its rule and its legal basis.
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The active commission", body = Commission),
        ActionErrors,
        (status = 409, description = "Not a draft, or a rule fails: agreement-missing, provider-not-active, provider-not-eligible, service-not-active, service-not-offered, offer-publication-running, small-grant-yearly-limit, grant-year-not-planned, small-grant-budget-share", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/service-not-offered", "title": "Conflict", "status": 409,
                "detail": "the provider does not offer this service: add it to its offers first", "code": "service-not-offered"}))
    )
)]
#[post("/commissions/{id}/activate")]
pub async fn activate_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, CommissionAction::Activate, None).await
}

/// Suspend a commission
///
/// From `active`. While suspended, reports are accepted for the period up to the suspension.
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The suspended commission", body = Commission),
        ActionErrors
    )
)]
#[post("/commissions/{id}/suspend")]
pub async fn suspend_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, CommissionAction::Suspend, None).await
}

/// Resume a commission
///
/// From `suspended` back to `active`.
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The active commission", body = Commission),
        ActionErrors
    )
)]
#[post("/commissions/{id}/resume")]
pub async fn resume_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, CommissionAction::Resume, None).await
}

/// Complete a commission
///
/// From `active`. Reports may still be submitted (a late one is recorded as late).
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The completed commission", body = Commission),
        ActionErrors
    )
)]
#[post("/commissions/{id}/complete")]
pub async fn complete_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, CommissionAction::Complete, None).await
}

/// Terminate a commission
///
/// From `draft`, `active` or `suspended`, with a reason (required). Reports are accepted for the
/// period up to the termination (the settlement of the agreement), and a terminated small grant
/// counts, towards the yearly limits, the tranches dated up to it.
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), IdempotencyKeyParam),
    request_body(content = TerminationInput),
    responses(
        (status = 200, description = "The terminated commission", body = Commission),
        ActionErrors, PathIdJsonBodyErrors, InvalidIdempotentInputErrors
    )
)]
#[post("/commissions/{id}/terminate")]
pub async fn terminate_commission(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    body: JsonBody<TerminationInput>,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, CommissionAction::Terminate, Some(body)).await
}

/// A reason of 1-2000 characters.
fn required_reason(reason: Option<String>) -> ApiResult<String> {
    let mut errors = FieldErrors::new();
    let reason = errors.required("reason", reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()));
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        errors.add("reason", "length", "reason must be at most 2000 characters long");
    }
    errors.finish(|| reason)
}

/// List a commission's annexes
///
/// Oldest first: the history of its financial terms.
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id")),
    responses(
        (status = 200, description = "Every annex", body = Vec<Annex>),
        RecordErrors
    )
)]
#[get("/commissions/{id}/annexes")]
pub async fn list_commission_annexes(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_COMMISSION_ANNEXES.authorize(&req, &state, caller).await?;
    let (scope, id) = (scope_of(&actor.caller), id.into_inner());
    let annexes = db::run(&state.pool, move |conn| {
        model::find(conn, scope, id)?;
        model::annexes(conn, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(annexes))
}

/// Annex a commission
///
/// Changes the amount, period, tranches or own contribution of an active or suspended
/// commission, with a reason kept in its history. The new terms must satisfy every rule of a new
/// commission (422) and the small-grant limits of activation (409 `small-grant-yearly-limit`,
/// `grant-year-not-planned`, `small-grant-budget-share`).
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id"), IdempotencyKeyParam),
    request_body(content = AnnexInput),
    responses(
        (status = 201, description = "The annex, with the changes it made", body = Annex),
        ActionErrors, PathIdJsonBodyErrors,
        (status = 409, description = "Not active or suspended, or a small-grant limit (small-grant-yearly-limit, grant-year-not-planned, small-grant-budget-share)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, no change, or the new terms break a rule", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/commissions/{id}/annexes")]
pub async fn create_commission_annex(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<AnnexInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_COMMISSION_ANNEX.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let JsonBody { value: input, fingerprint } = body;
    let reason = required_reason(input.reason)?;
    let mut terms = serde_json::Map::new();
    for (field, value) in [
        ("amount", input.amount.map(Value::from)),
        ("period", input.period.map(|p| json!(p))),
        ("tranches", input.tranches.map(|t| json!(t))),
        ("own_contribution", input.own_contribution.map(|o| json!(o))),
    ] {
        if let Some(value) = value {
            terms.insert(field.to_owned(), value);
        }
    }
    let author = actor.caller.subject.clone();
    let annex_id = Uuid::now_v7();
    let event = access::CREATE_COMMISSION_ANNEX.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let (_, annex) = model::annex(conn, id, annex_id, &author, reason, |current| {
            merge_patch::patched::<CommissionInput>(current, &terms, &READ_ONLY, "")?.validate_draft()
        })?;
        StoredResponse::json(StatusCode::CREATED, &annex)
    })
    .await
}

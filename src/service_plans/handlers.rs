//! Plan handlers. `view_for` decides, in one place, what each role sees of a plan.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{
    Closure, MonitoringEntry, PlanAction, PlanListQuery, PlanRevision, ServicePlan, ServicePlanInput, ServicePlanView,
};
use super::model::{self, ItemRow, PlanRow};
use crate::app::AppState;
use crate::audit;
use crate::auth::{access, Caller, Role};
use crate::authorisations::dto::Scope;
use crate::db::{self, DbConnection, Id};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::etag::tagged_json;
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction, RecordPatch};
use crate::http::merge_patch;
use crate::http::pagination::{page_response, Cursor, Page, Paging};
use crate::http::responses::{
    ActionErrors, ChangedMeanwhileErrors, DatabaseErrors, IfMatchErrors, InvalidFieldErrors,
    InvalidIdempotentInputErrors, JsonBodyErrors, NotFoundErrors, PathIdErrors, PathIdJsonBodyErrors, QueryErrors,
    StateConflictErrors,
};
use crate::idempotency::{self, StoredResponse};

/// KIPUS and director see plans in full; the OUS an overview without health or family details.
fn full_view(caller: &Caller) -> bool {
    caller.has_any(&[Role::Kipus, Role::Director])
}

/// Whether the caller may approve plans today: the director, or an OUS whom the director has
/// personally authorised (upoważnienie, scope `approve_plans`), or any OUS while the deprecated
/// `CUS_OUS_MAY_APPROVE_PLANS` grant is on.
fn may_approve(conn: &mut DbConnection, caller: &Caller, ous_may_approve_plans: bool) -> ApiResult<bool> {
    if caller.has_any(&[Role::Director]) {
        return Ok(true);
    }
    if !caller.has_any(&[Role::Ous]) {
        return Ok(false);
    }
    let today = crate::clock::today();
    Ok(ous_may_approve_plans || crate::authorisations::model::holds(conn, &caller.subject, Scope::ApprovePlans, today)?)
}

fn render(full: bool, plan: &PlanRow, items: &[ItemRow]) -> ApiResult<ServicePlanView> {
    Ok(if full {
        ServicePlanView::Full(Box::new(plan.to_full(items)?))
    } else {
        ServicePlanView::Overview(plan.to_overview(items)?)
    })
}

fn plan_response(status: StatusCode, plan: &PlanRow, items: &[ItemRow]) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &plan.to_full(items)?)?.header("etag", plan.etag()))
}

/// List service plans
///
/// Newest first; `coordinator=me` for the caller's own, `overdue=true` for drafts past their 30
/// days. KIPUS and director get full plans, the OUS overviews (see ServicePlanView). The ids
/// returned are recorded in the audit log.
#[utoipa::path(
    tag = "service-plans",
    params(PlanListQuery),
    responses(
        (status = 200, description = "One page of plans in the caller's view", body = Page<ServicePlanView>),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/service-plans")]
pub async fn list_service_plans(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<PlanListQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_SERVICE_PLANS.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (Paging { limit, .. }, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let coordinator =
        filter.coordinator.as_deref().map(|c| if c == "me" { actor.caller.subject.clone() } else { c.to_owned() });
    let page = db::run(&state.pool, move |conn| {
        let mut rows = model::list(conn, &filter, coordinator.as_deref(), cursor.as_ref(), limit)?;
        let shown: Vec<Id> = rows.iter().take(limit as usize).map(|row| row.id).collect();
        audit::record_read(conn, &actor, &access::LIST_SERVICE_PLANS.read_event(None, &shown))?;
        let items = model::items_of_plans(conn, &shown)?;
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let views = rows
            .iter()
            .map(|plan| {
                let mine: Vec<ItemRow> = items.iter().filter(|item| item.plan_id == plan.id).cloned().collect();
                render(full_view(&actor.caller), plan, &mine)
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let next_cursor = if has_more {
            rows.last().map(|last| {
                Cursor { sort: model::SORT.to_owned(), key: String::new(), id: last.id.to_string() }.encode()
            })
        } else {
            None
        };
        Ok(Page { items: views, next_cursor })
    })
    .await?;
    Ok(page_response(&req, &page))
}

/// Draft a service plan
///
/// The caller is the coordinator unless `coordinator` names another; either way the caller is
/// recorded as the plan's author and may not approve it. Items start `planned`. Rules: the period runs at
/// most one year, items lie within it, their providers offer the services, and an item's
/// commission belongs to that provider and covers its dates (422 naming each item field). An
/// item is granted under the programme of social services in force in the resident's
/// municipality (by the address's TERYT) on its `start_on`: 422 `no_municipality` at
/// `resident_id` when the address names no registered municipality, `not_in_programme` at the
/// item's `service_id` when no programme in force there offers the service. Its `fee` is derived,
/// not typed, under the programme service's fee rule (else the catalogue's): none when free, the
/// amount times the quantity when fixed, for an income table the resident's fee assessment in
/// force on `start_on` (its fee per unit, zero with an exemption, times the quantity; 409
/// `fee-assessment-missing` without one), 409 `fee-rule-needs-review` for a free-text rule; the
/// full plan shows each item's `fee_basis`. A `fee` in the input must equal the derived one (422
/// `fee_mismatch` naming it): omit it. Its service, provider and commission are active (409
/// `service-not-active`, `provider-not-active`, `commission-not-active`, with the `item`), and it
/// fits the programme service's capacity in the municipality (409 `capacity-exceeded` with
/// `programme_id`, `service_id`, `capacity` and the `item`, and the `month` for units per month):
/// `places` counts the items of the service (plans not closed, items planned or active, any
/// resident of the municipality) overlapping the item's dates, itself included;
/// `units_per_month` sums, in each calendar month the item covers, the quantities of those
/// items spread evenly over their days (each rounded up to a whole unit). The plan is due 30 days
/// after `requested_on` (art. 7 ust. 2 of the CUS act).
#[utoipa::path(
    tag = "service-plans",
    request_body(content = ServicePlanInput),
    params(IdempotencyKeyParam),
    responses(
        (status = 201, description = "The draft plan", body = ServicePlan, headers(("Location" = String, description = "URL of the plan"))),
        JsonBodyErrors, DatabaseErrors,
        (status = 409, description = "`anonymised` resident; for an item (`item` names it): `service-not-active`, `provider-not-active`, `commission-not-active`, `fee-assessment-missing`, `fee-rule-needs-review`, `capacity-exceeded` (names `programme_id`, `service_id`, `capacity` and, for units per month, the `month`)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/capacity-exceeded", "title": "Conflict", "status": 409,
                "detail": "the item would take the programme's service over its capacity in the municipality", "code": "capacity-exceeded",
                "programme_id": "0193a5f2-0000-7000-8000-000000000041", "service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
                "capacity": {"kind": "places", "value": 25}, "item": "items[0]"})),
        (status = 422, description = "Invalid fields or broken rules, every one in `errors`, e.g. `not_in_programme` (an item's `service_id`), `no_municipality` (`resident_id`), `fee_mismatch` (an item's `fee` other than the derived one), `outside_plan`, `not_offered`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "1 field is invalid", "code": "validation-failed",
                "errors": [{"field": "items[0].service_id", "code": "not_in_programme",
                    "message": "no programme of social services in force in the resident's municipality on the item's start offers this service"}]}))
    )
)]
#[post("/service-plans")]
pub async fn create_service_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<ServicePlanInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_SERVICE_PLAN.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let input = body.into_inner();
    let id = Uuid::now_v7();
    let coordinator = actor.caller.subject.clone();
    idempotency::run_once(
        &req,
        &state.pool,
        &actor,
        access::CREATE_SERVICE_PLAN.event(id),
        key,
        &fingerprint,
        move |conn| {
            let (plan, items) = model::create(conn, id, &coordinator, input.validate_draft()?)?;
            Ok(plan_response(StatusCode::CREATED, &plan, &items)?
                .header("location", format!("/api/v1/service-plans/{id}")))
        },
    )
    .await
}

/// Get a service plan
///
/// KIPUS and director get the full plan, the OUS an overview (see ServicePlanView), except that
/// an OUS authorised to approve plans gets in full a plan awaiting approval, which it must read
/// to approve it. Every read is recorded in the audit log.
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan in the caller's view", body = ServicePlanView, headers(("ETag" = String, description = "Entity tag"))),
        PathIdErrors, DatabaseErrors,
        NotFoundErrors
    )
)]
#[get("/service-plans/{id}")]
pub async fn get_service_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_SERVICE_PLAN.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let ous_may_approve_plans = state.ous_may_approve_plans;
    let (view, etag) = db::run(&state.pool, move |conn| {
        let (plan, items) = model::find(conn, id)?;
        audit::record_read(conn, &actor, &access::GET_SERVICE_PLAN.read_event(Some(plan.id.to_string()), &[plan.id]))?;
        let full = full_view(&actor.caller)
            || (plan.approval_requested_at.is_some() && may_approve(conn, &actor.caller, ous_may_approve_plans)?);
        Ok((render(full, &plan, &items)?, plan.etag()))
    })
    .await?;
    Ok(tagged_json(etag, &view))
}

const READ_ONLY: [&str; 16] = [
    "id",
    "revision_status",
    "due_on",
    "overdue",
    "status",
    "approval_requested_at",
    "approved_by",
    "approved_at",
    "approved_revision",
    "monitoring",
    "closure",
    "revision",
    "created_at",
    "updated_at",
    "version",
    "resident_id",
];

/// Change a service plan
///
/// A JSON merge patch with `If-Match`; items keep their `id`s (an item with deliveries cannot be
/// removed: cancel it). A material change (goals, items and their quantities, fees, dates,
/// providers or commissions, the period) awaits approval: a submission is withdrawn
/// (`revision_status` `draft`: submit it again), the caller is recorded as an author of the
/// change (authors may not approve it), and a new item is `planned` until approved, so its
/// provider sees nothing of it before. A material change to an approved or active plan keeps the
/// previous state as a revision (`GET .../revisions`) and the approved revision in force until
/// the change is approved: a changed or removed item keeps its status and its approved terms for
/// its provider meanwhile (the plan shows the changed terms with `terms_approved: false`). Consent, the coordinator, the needs assessment and
/// progress (goal and item statuses) are not material: they change the plan as it stands. After
/// approval `requested_on` and `period.start` do not change (422 `fixed_after_approval`: they
/// carry the 30-day and one-year rules of art. 7 of the CUS act). New and changed items are
/// checked as on creation (the programme in force, the derived fee, capacity); unchanged ones keep
/// the terms and the fee they were planned under, and their `fee` round-trips (a different one is
/// 422 `fee_mismatch`). A closed plan does not change (409).
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id"), ("If-Match" = String, Header, description = "ETag the change is based on")),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "Any subset of ServicePlanInput but resident_id",
        example = json!({"goals": [{"id": "g1", "description": "Samodzielne przygotowywanie posiłków", "status": "achieved"}]})),
    responses(
        (status = 200, description = "The changed plan", body = ServicePlan),
        PathIdJsonBodyErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 409, description = "The plan is closed, an item with deliveries was removed, a new or changed item's service, provider or commission is not active, its fee cannot be derived (`fee-assessment-missing`, `fee-rule-needs-review`), or it exceeds the programme service's capacity (`capacity-exceeded`)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/fee-assessment-missing", "title": "Conflict", "status": 409,
                "detail": "the service's fee depends on income: assess the resident's fee for the service (valid on the item's start) before planning it",
                "code": "fee-assessment-missing", "item": "items[1]"})),
        InvalidFieldErrors
    )
)]
#[patch("/service-plans/{id}")]
pub async fn update_service_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_SERVICE_PLAN.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let author = actor.caller.subject.clone();
    let (plan, items) = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, access::UPDATE_SERVICE_PLAN.event(id), |conn| {
            model::update(conn, id, &if_match, &author, |current| {
                let mut input: ServicePlanInput =
                    merge_patch::patched(current, &patch, &READ_ONLY, "; status changes through the actions")?;
                input.resident_id = Some(current.resident_id);
                input.validate_draft()
            })
        })
    })
    .await?;
    Ok(tagged_json(plan.etag(), &plan.to_full(&items)?))
}

/// Runs a lifecycle action as an idempotent POST.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    action: PlanAction,
    closure: Option<JsonBody<Closure>>,
) -> ApiResult<HttpResponse> {
    let RecordAction { id, key } = target;
    let rule = match action {
        PlanAction::SubmitForApproval => &access::SUBMIT_SERVICE_PLAN_FOR_APPROVAL,
        PlanAction::Approve => &access::APPROVE_SERVICE_PLAN,
        PlanAction::Activate => &access::ACTIVATE_SERVICE_PLAN,
        PlanAction::Close => &access::CLOSE_SERVICE_PLAN,
    };
    let actor = rule.authorize(&req, &state, caller).await?;
    if action == PlanAction::Approve {
        let (caller, ous_may_approve_plans) = (actor.caller.clone(), state.ous_may_approve_plans);
        if !db::run(&state.pool, move |conn| may_approve(conn, &caller, ous_may_approve_plans)).await? {
            return Err(ApiError::Forbidden(
                "plans are approved by the director or an OUS the director has authorised (approve_plans) for today"
                    .to_owned(),
            ));
        }
    }
    let fingerprint = closure.as_ref().map(|body| body.fingerprint.clone()).unwrap_or_default();
    let today = crate::clock::today();
    let closure = closure.map(|body| body.into_inner().validate_closure(today)).transpose()?;
    let subject = actor.caller.subject.clone();
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, &fingerprint, move |conn| {
        let (plan, items) = model::transition(conn, id, action, &subject, closure)?;
        plan_response(StatusCode::OK, &plan, &items)
    })
    .await
}

/// Submit a plan for approval
///
/// A complete draft (consent, a goal, an item: 409 `plan-incomplete` names what is missing)
/// awaits the director's approval; so does a changed approved or active plan (409
/// `nothing-to-approve` when it is unchanged since its approval).
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The plan awaiting approval", body = ServicePlan),
        ActionErrors,
        (status = 409, description = "Closed, already submitted, unchanged since its approval, or incomplete", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/service-plans/{id}/submit-for-approval")]
pub async fn submit_service_plan_for_approval(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, PlanAction::SubmitForApproval, None).await
}

/// Approve a plan
///
/// By the director or an OUS the director has authorised for today (`/api/v1/authorisations`,
/// scope `approve_plans`; every OUS while the deprecated `CUS_OUS_MAY_APPROVE_PLANS=true`), never by the plan's
/// coordinator nor by anyone who drafted or changed it since its last approval (403
/// `self-approval`; decided from the recorded authors, not from the editable `coordinator`). The
/// plan must have been submitted and be complete (409). Approving a change to an active plan starts
/// its new and changed items.
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The approved plan", body = ServicePlan),
        ActionErrors,
        (status = 403, description = "`self-approval`: the caller is the coordinator or an author since the last approval", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted, unchanged since its approval, closed, or incomplete", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/service-plans/{id}/approve")]
pub async fn approve_service_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, PlanAction::Approve, None).await
}

/// Activate a plan
///
/// An approved plan starts; its planned items whose terms were approved become active (a change
/// still awaiting approval stays planned).
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The active plan", body = ServicePlan),
        ActionErrors
    )
)]
#[post("/service-plans/{id}/activate")]
pub async fn activate_service_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, PlanAction::Activate, None).await
}

/// Close a plan
///
/// With its closure: date, reason, the date of the summary interview (`summary_interview_on`,
/// required, 422 `in_future` after today, `before_plan_start` before the plan's period) and the
/// summary of the plan's course and results (`summary`, required: *opis przebiegu i
/// rezultatów*, art. 7 of the CUS act), with an optional outcome. Active items complete, planned
/// ones are cancelled.
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id"), IdempotencyKeyParam),
    request_body(content = Closure),
    responses(
        (status = 200, description = "The closed plan", body = ServicePlan),
        PathIdJsonBodyErrors, ChangedMeanwhileErrors, DatabaseErrors,
        NotFoundErrors,
        StateConflictErrors,
        InvalidIdempotentInputErrors
    )
)]
#[post("/service-plans/{id}/close")]
pub async fn close_service_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    body: JsonBody<Closure>,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, PlanAction::Close, Some(body)).await
}

/// Add a monitoring entry
///
/// A dated note on how the plan goes; the author is the caller.
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id"), IdempotencyKeyParam),
    request_body(content = MonitoringEntry, example = json!({"date": "2027-01-15", "note": "Wizyta domowa: postępy w samodzielności."})),
    responses(
        (status = 201, description = "The plan with the new entry", body = ServicePlan),
        PathIdJsonBodyErrors, ChangedMeanwhileErrors, DatabaseErrors,
        NotFoundErrors,
        StateConflictErrors,
        InvalidIdempotentInputErrors
    )
)]
#[post("/service-plans/{id}/monitoring")]
pub async fn add_plan_monitoring(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<MonitoringEntry>,
) -> ApiResult<HttpResponse> {
    let actor = access::ADD_PLAN_MONITORING.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let fingerprint = body.fingerprint.clone();
    let entry = body.into_inner().validate_entry(actor.caller.subject.clone())?;
    idempotency::run_once(
        &req,
        &state.pool,
        &actor,
        access::ADD_PLAN_MONITORING.event(id),
        key,
        &fingerprint,
        move |conn| {
            let (plan, items) = model::add_monitoring(conn, id, entry)?;
            plan_response(StatusCode::CREATED, &plan, &items)
        },
    )
    .await
}

/// List a plan's revisions
///
/// Earlier states of an approved plan, oldest first; each change after approval adds one.
#[utoipa::path(
    tag = "service-plans",
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Every earlier revision", body = Vec<PlanRevision>),
        PathIdErrors, DatabaseErrors,
        NotFoundErrors
    )
)]
#[get("/service-plans/{id}/revisions")]
pub async fn list_plan_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_PLAN_REVISIONS.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let revisions = db::run(&state.pool, move |conn| {
        let revisions = model::revisions(conn, id)?;
        audit::record_read(conn, &actor, &access::LIST_PLAN_REVISIONS.read_event(Some(id.to_string()), &[id]))?;
        Ok(revisions)
    })
    .await?;
    Ok(HttpResponse::Ok().json(revisions))
}

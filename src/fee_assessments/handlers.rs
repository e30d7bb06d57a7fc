//! Thin handlers: authorise, validate, one blocking call into model code, map to the view. Every
//! operation reads or writes a resident's special data, so every one is audited.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde_json::json;
use uuid::Uuid;

use super::dto::{FeeAssessment, FeeAssessmentDetail, FeeAssessmentInput, FeeAssessmentQuery};
use super::model;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{access, Caller};
use crate::db::{self, Id};
use crate::error::{ApiResult, Problem};
use crate::http::etag::conditional_json;
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams};
use crate::http::pagination::{by_id, page_response, paginate, Page, Paging};
use crate::http::responses::{
    DatabaseErrors, IdempotencyErrors, JsonBodyErrors, NotModifiedResponse, QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

/// List fee assessments
///
/// In creation order; filters `resident_id` and `service_id`; cursor-paginated. The fee and the
/// bracket only: the household's income is read one assessment at a time. The ids returned are
/// recorded in the audit log.
#[utoipa::path(
    tag = "fee-assessments",
    params(FeeAssessmentQuery),
    responses(
        (status = 200, description = "One page of assessments", body = Page<FeeAssessment>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/fee-assessments")]
pub async fn list_fee_assessments(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<FeeAssessmentQuery>,
) -> ApiResult<HttpResponse> {
    let rule = &access::LIST_FEE_ASSESSMENTS;
    let actor = rule.authorize(&req, &state, caller).await?;
    let filter = query.0;
    let (Paging { limit, .. }, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let page = db::run(&state.pool, move |conn| {
        let rows = model::list(conn, &filter, cursor.as_ref(), limit)?;
        let shown: Vec<Id> = rows.iter().take(limit as usize).map(|row| row.id).collect();
        audit::record_read(conn, &actor, &rule.read_event(None, &shown))?;
        paginate(rows, limit, model::SORT, |row| by_id(row.id), |row| row.to_dto())
    })
    .await?;
    Ok(page_response(&req, &page))
}

/// Get a fee assessment
///
/// With the household's income and size and the income per person. Audited as a read of the
/// resident's data. Honours `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "fee-assessments",
    params(("id" = Uuid, Path, description = "Fee assessment id")),
    responses(
        (status = 200, description = "The assessment with the household's figures", body = FeeAssessmentDetail,
            headers(("ETag" = String, description = "Entity tag of the assessment"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/fee-assessments/{id}")]
pub async fn get_fee_assessment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_FEE_ASSESSMENT.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| {
        let row = model::find(conn, id)?;
        let event = access::GET_FEE_ASSESSMENT.event(id).with_detail(json!({"resident_id": row.resident_id}));
        audit::record_read(conn, &actor, &event)?;
        Ok(row)
    })
    .await?;
    conditional_json(&req, row.etag(), || row.to_detail())
}

/// Assess a fee
///
/// For a resident and a service of a programme: the household's monthly income and size, as
/// stated on `stated_on`, give the income per person; the effective fee rule (the programme's
/// own for the service, else the catalogue's) must be an income table, whose bracket for it
/// (on its basis: per cent of the statutory criterion, ustawa o pomocy społecznej art. 8, on
/// `stated_on`, or PLN) sets the fee per unit (an amount, or a per cent of the unit cost, to the
/// grosz). An exemption of the rule makes it 0.00. The response shows the fee and the bracket,
/// never the income; no error repeats it. Audited as a write and as a read of the resident's
/// data. Send `Idempotency-Key` to make a retry safe.
#[utoipa::path(
    tag = "fee-assessments",
    params(IdempotencyKeyParam),
    request_body(content = FeeAssessmentInput),
    responses(
        (status = 201, description = "Assessed", body = FeeAssessment,
            headers(("Location" = String, description = "URL of the assessment"), ("ETag" = String, description = "Entity tag of the assessment"))),
        JsonBodyErrors, IdempotencyErrors, DatabaseErrors,
        (status = 409, description = "`programme-not-in-force` on `valid_from` (names `programme_status`), `fee-rule-needs-review` (a free-text rule awaiting its table), `fee-not-income-dependent` (a free or fixed fee: nothing to assess), `unit-cost-missing` (a percentage of a unit cost the catalogue does not state)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/fee-not-income-dependent", "title": "Conflict", "status": 409,
                "detail": "the service's fee does not depend on income: no assessment is needed", "code": "fee-not-income-dependent"})),
        (status = 422, description = "Invalid fields (every one in `errors`), e.g. `unknown` resident or programme, `not_in_programme`, `unknown_exemption`, `range` (household_size), `no_criterion` (stated before 2018-10-01), `period_order`; or an Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "service_id: the programme does not offer this service", "code": "validation-failed",
                "errors": [{"field": "service_id", "code": "not_in_programme", "message": "the programme does not offer this service"}]}))
    )
)]
#[post("/fee-assessments")]
pub async fn create_fee_assessment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<FeeAssessmentInput>,
) -> ApiResult<HttpResponse> {
    let rule = &access::CREATE_FEE_ASSESSMENT;
    let actor = rule.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let draft = body.into_inner().validate_draft()?;
    let id = Uuid::now_v7();
    let resident = draft.resident_id.to_string();
    let event = rule.event(id).with_detail(json!({"resident_id": resident}));
    let reader = actor.clone();
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let row = model::insert(conn, id, draft, &reader.caller.subject)?;
        audit::record(conn, &reader, &Event::new(rule.operation, "resident", Some(resident)))?;
        Ok(StoredResponse::json(StatusCode::CREATED, &row.to_dto()?)?
            .header("etag", row.etag())
            .header("location", format!("/api/v1/fee-assessments/{id}")))
    })
    .await
}

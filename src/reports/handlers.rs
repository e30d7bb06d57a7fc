//! Thin handlers of provider reports.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{CommissionSummary, Report, ReportInput, ReportListQuery, ReportVersion, ReturnInput};
use super::model::{self, ReportRow, VersionRow};
use crate::app::AppState;
use crate::auth::{access, Actor, Caller};
use crate::commissions::model::Scope;
use crate::db;
use crate::db::Id;
use crate::domain::Period;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::http::etag::tagged_json;
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams};
use crate::http::pagination::{by_id, Page, Paging};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, InvalidIdempotentInputErrors, NotFoundErrors, PathIdJsonBodyErrors, QueryErrors,
    RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

fn scope_of(actor: &Actor) -> Scope {
    Scope { provider: actor.caller.provider_scope() }
}

/// Submissions come from partner systems on poor connections: a retry must never create a second
/// report, so the key is not optional here.
fn require_key(key: &IdempotencyKey) -> ApiResult<()> {
    match key.0 {
        Some(_) => Ok(()),
        None => Err(ApiError::bad_request(
            "Idempotency-Key is required when submitting a report",
            vec![FieldError::new(
                "Idempotency-Key",
                "required",
                "send a unique key (e.g. a UUID) and reuse it on retries",
            )],
        )),
    }
}

fn report_response(status: StatusCode, report: &ReportRow, version: &VersionRow) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &report.to_dto(version)?)?.header("etag", report.etag()))
}

fn location(commission_id: Uuid, report_id: Id) -> String {
    format!("/api/v1/commissions/{commission_id}/reports/{report_id}")
}

/// List reports across commissions
///
/// Newest first, for review queues: `status=submitted`, `overdue=true`, `provider_id=...`. A
/// provider user sees only its own reports.
#[utoipa::path(
    tag = "reports",
    params(ReportListQuery),
    responses(
        (status = 200, description = "One page of reports with their current versions", body = Page<Report>),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/reports")]
pub async fn list_reports(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ReportListQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_REPORTS.authorize(&req, &state, caller).await?;
    let scope = scope_of(&actor);
    let filter = query.0;
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), model::SORT)?;
    let rows =
        db::run(&state.pool, move |conn| model::list(conn, scope, &filter, cursor.as_ref(), paging.limit)).await?;
    paging.respond(&req, rows, |(report, _)| by_id(report.id), |(report, version)| report.to_dto(&version))
}

/// List a commission's reports
///
/// Newest first, with their current versions.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"),
        ("limit" = Option<u32>, Query, description = "Page size, 1-200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses(
        (status = 200, description = "One page of reports", body = Page<Report>),
        DatabaseErrors,
        (status = 400, description = "The id is not a UUID, or an invalid query parameter", body = Problem, content_type = "application/problem+json"),
        NotFoundErrors
    )
)]
#[get("/commissions/{id}/reports")]
pub async fn list_commission_reports(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: QueryParams<PageQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_COMMISSION_REPORTS.authorize(&req, &state, caller).await?;
    let (scope, id) = (scope_of(&actor), id.into_inner());
    let (paging, cursor) = Paging::parse(query.0.limit, query.0.cursor.as_deref(), model::SORT)?;
    let filter = ReportListQuery { commission_id: Some(id), ..Default::default() };
    let rows = db::run(&state.pool, move |conn| {
        crate::commissions::model::find(conn, scope, id)?;
        model::list(conn, scope, &filter, cursor.as_ref(), paging.limit)
    })
    .await?;
    paging.respond(&req, rows, |(report, _)| by_id(report.id), |(report, version)| report.to_dto(&version))
}

/// Paging only.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Submit a report
///
/// By the commission's provider. `Idempotency-Key` is required: a retried submission returns the
/// first response and never creates a second report. The report follows the template of the
/// commission's mode (`template`): `simplified` for small grants (regulation of 24.10.2018, Dz.U.
/// 2018 poz. 2055: totals and results, `cost_lines` refused with `not_in_template`), `annex_5` for
/// the others (Dz.U. 2018 poz. 2057: `cost_lines` required, by source equal to the funding,
/// `funding_mismatch`). Rules: the commission is signed (a draft is 409
/// `commission-not-accepting-reports`); the period lies within the commission's
/// (`outside_commission`) and, for a suspended or terminated commission, within the period it was
/// active (`outside_active_period`); results name its expected results (`unknown_indicator`); the
/// grant reported so far stays within the amount (`grant_exceeded`) (422 naming each); and no report
/// of the same kind covers an overlapping period (409 `overlapping-report`). Lateness never refuses
/// a report: it is recorded (`submitted_late`, `days_late`). A final report is due 30 days after the
/// task ends for the public benefit act modes (art. 18 ust. 1), `due_days` after it for the others.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"),
        ("Idempotency-Key" = String, Header, description = "Required: the same key on every retry of this submission")),
    request_body(content = ReportInput),
    responses(
        (status = 201, description = "Submitted, version 1", body = Report, headers(("Location" = String, description = "URL of the report"))),
        RecordErrors, PathIdJsonBodyErrors,
        (status = 400, description = "No Idempotency-Key, malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The commission is a draft (commission-not-accepting-reports), or an overlapping report exists (overlapping-report)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/overlapping-report", "title": "Conflict", "status": 409,
                "detail": "a report of this kind already covers part of this period: correct that report instead",
                "code": "overlapping-report", "existing_id": "0193a5f2-0000-7000-8000-0000000000e1"})),
        (status = 422, description = "Invalid fields or totals that do not add up (all listed), or the key reused with another body", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "1 field is invalid", "code": "validation-failed",
                "errors": [{"field": "funding.grant", "code": "funding_mismatch", "message": "the cost lines use 13000.00 of grant but the funding declares 12000.00"}]}))
    )
)]
#[post("/commissions/{id}/reports")]
pub async fn submit_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<ReportInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::SUBMIT_REPORT.authorize(&req, &state, caller).await?;
    require_key(&key)?;
    let (scope, commission_id) = (scope_of(&actor), id.into_inner());
    let JsonBody { value: input, fingerprint } = body;
    let author = actor.caller.subject.clone();
    let ids = (Uuid::now_v7(), Uuid::now_v7());
    let event = access::SUBMIT_REPORT.event(ids.0);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let (report, version) = model::submit(conn, scope, commission_id, ids, &author, input)?;
        Ok(report_response(StatusCode::CREATED, &report, &version)?
            .header("location", location(commission_id, report.id)))
    })
    .await
}

/// Get a report
///
/// With its current version and that version's review.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"), ("report_id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, description = "The report", body = Report),
        RecordErrors
    )
)]
#[get("/commissions/{id}/reports/{report_id}")]
pub async fn get_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_REPORT.authorize(&req, &state, caller).await?;
    let (scope, (commission_id, report_id)) = (scope_of(&actor), path.into_inner());
    let (report, version) =
        db::run(&state.pool, move |conn| model::find(conn, scope, commission_id, report_id)).await?;
    Ok(tagged_json(report.etag(), &report.to_dto(&version)?))
}

/// List a report's versions
///
/// Every submitted version, oldest first, each with its review; none is ever changed or deleted.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"), ("report_id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, description = "Every version", body = Vec<ReportVersion>),
        RecordErrors
    )
)]
#[get("/commissions/{id}/reports/{report_id}/versions")]
pub async fn list_report_versions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_REPORT_VERSIONS.authorize(&req, &state, caller).await?;
    let (scope, (commission_id, report_id)) = (scope_of(&actor), path.into_inner());
    let versions = db::run(&state.pool, move |conn| model::versions(conn, scope, commission_id, report_id)).await?;
    let items = versions.iter().map(VersionRow::to_dto).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Submit a correction
///
/// By the provider, for a returned report: the next version, with the report's kind and period.
/// `Idempotency-Key` is required. The same rules as a submission apply.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"), ("report_id" = Uuid, Path, description = "Report id"),
        ("Idempotency-Key" = String, Header, description = "Required: the same key on every retry of this correction")),
    request_body(content = ReportInput),
    responses(
        (status = 201, description = "The report with its new version", body = Report),
        ActionErrors, PathIdJsonBodyErrors,
        (status = 400, description = "No Idempotency-Key, malformed JSON or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report is not returned, or the commission takes no reports now", body = Problem, content_type = "application/problem+json"),
        InvalidIdempotentInputErrors
    )
)]
#[post("/commissions/{id}/reports/{report_id}/versions")]
pub async fn correct_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    key: IdempotencyKey,
    body: JsonBody<ReportInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CORRECT_REPORT.authorize(&req, &state, caller).await?;
    require_key(&key)?;
    let (scope, (commission_id, report_id)) = (scope_of(&actor), path.into_inner());
    let JsonBody { value: mut input, fingerprint } = body;
    let author = actor.caller.subject.clone();
    let version_id = Uuid::now_v7();
    let event = access::CORRECT_REPORT.event(report_id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let (report, _) = model::find(conn, scope, commission_id, report_id)?;
        input.kind.get_or_insert_with(|| report.kind.as_ref().to_owned());
        input.period.get_or_insert_with(|| Period {
            start: Some(report.period_start.to_string()),
            end: Some(report.period_end.to_string()),
        });
        let (report, version) = model::correct(
            conn,
            scope,
            commission_id,
            report_id,
            version_id,
            &author,
            input.validate_draft(report.template)?,
        )?;
        report_response(StatusCode::CREATED, &report, &version)
    })
    .await
}

/// Reviews the current version as an idempotent POST.
async fn review(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: (Uuid, Uuid),
    key: IdempotencyKey,
    fingerprint: String,
    returned: Option<ReturnInput>,
) -> ApiResult<HttpResponse> {
    let rule = if returned.is_none() { &access::ACCEPT_REPORT } else { &access::RETURN_REPORT };
    let actor = rule.authorize(&req, &state, caller).await?;
    let comments = returned.map(ReturnInput::validate).transpose()?;
    let (commission_id, report_id) = path;
    let reviewer = actor.caller.subject.clone();
    idempotency::run_once(&req, &state.pool, &actor, rule.event(report_id), key, &fingerprint, move |conn| {
        let (report, version) = model::review(conn, commission_id, report_id, &reviewer, comments)?;
        report_response(StatusCode::OK, &report, &version)
    })
    .await
}

/// Accept a report
///
/// Accepts the current version of a submitted report.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"), ("report_id" = Uuid, Path, description = "Report id"),
        IdempotencyKeyParam),
    responses(
        (status = 200, description = "The accepted report", body = Report),
        ActionErrors
    )
)]
#[post("/commissions/{id}/reports/{report_id}/accept")]
pub async fn accept_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    key: IdempotencyKey,
) -> ApiResult<HttpResponse> {
    review(req, state, caller, path.into_inner(), key, String::new(), None).await
}

/// Return a report for correction
///
/// With comments per field or section; the provider then submits a correction (a new version).
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "Commission id"), ("report_id" = Uuid, Path, description = "Report id"),
        IdempotencyKeyParam),
    request_body(content = ReturnInput),
    responses(
        (status = 200, description = "The returned report", body = Report),
        ActionErrors, PathIdJsonBodyErrors, InvalidIdempotentInputErrors
    )
)]
#[post("/commissions/{id}/reports/{report_id}/return")]
pub async fn return_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    key: IdempotencyKey,
    body: JsonBody<ReturnInput>,
) -> ApiResult<HttpResponse> {
    let fingerprint = body.fingerprint.clone();
    review(req, state, caller, path.into_inner(), key, fingerprint, Some(body.into_inner())).await
}

/// Summary of a commission
///
/// Planned against reported units, recipients, grant and own contribution (from accepted reports,
/// and including those awaiting review), and the reports the schedule expects: due, overdue,
/// submitted, returned, accepted.
#[utoipa::path(
    tag = "commissions",
    params(("id" = Uuid, Path, description = "Commission id")),
    responses(
        (status = 200, description = "The summary", body = CommissionSummary),
        RecordErrors
    )
)]
#[get("/commissions/{id}/summary")]
pub async fn get_commission_summary(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_COMMISSION_SUMMARY.authorize(&req, &state, caller).await?;
    let (scope, id) = (scope_of(&actor), id.into_inner());
    let summary = db::run(&state.pool, move |conn| model::summary(conn, scope, id)).await?;
    Ok(HttpResponse::Ok().json(summary))
}

//! Resident handlers. `view_for` is the one place that decides what each role sees.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::{Resident, ResidentInput, ResidentListQuery, ResidentSearch, ResidentView, SearchTerms};
use super::model::{self, ResidentFilter, ResidentRow, Scope};
use super::provider_view::ResidentForProvider;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{access, Actor, Caller, Role};
use crate::db::{self, DbConnection, Id};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::etag::tagged_json;
use crate::http::extract::{IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordPatch};
use crate::http::merge_patch;
use crate::http::pagination::{page_response, paginate, Cursor, Page, Paging};
use crate::http::responses::{
    DatabaseErrors, DuplicateErrors, IdempotencyErrors, IfMatchErrors, InvalidFieldErrors, JsonBodyErrors,
    NotFoundErrors, PathIdErrors, PathIdJsonBodyErrors, QueryErrors, StateConflictErrors,
};
use crate::idempotency::{self, StoredResponse};
use crate::service_plans::model as plans;

/// What a role sees of residents.
#[derive(Debug, Clone, Copy)]
enum View {
    /// KIPUS and director: everything.
    Full,
    /// OUS: year of birth, municipality, active plans.
    Pseudonymous,
    /// A provider: residents it serves, their contact and its items.
    Provider(Uuid),
}

/// Whoever holds the provider role sees as a provider, whatever else it holds.
fn view_for(caller: &Caller) -> ApiResult<View> {
    if let Some(provider) = caller.provider_scope() {
        Ok(View::Provider(provider))
    } else if caller.has_any(&[Role::Kipus, Role::Director]) {
        Ok(View::Full)
    } else if caller.has_any(&[Role::Ous]) {
        Ok(View::Pseudonymous)
    } else {
        Err(ApiError::Forbidden("residents are visible to kipus, director, ous and providers serving them".to_owned()))
    }
}

impl View {
    fn scope(self) -> Scope {
        Scope {
            provider: match self {
                View::Provider(provider) => Some(provider),
                _ => None,
            },
        }
    }
}

/// Renders rows in a view, loading what the view needs (plan counts, a provider's items).
fn render(conn: &mut DbConnection, view: View, rows: &[ResidentRow]) -> ApiResult<Vec<ResidentView>> {
    match view {
        View::Full => rows.iter().map(|row| row.to_full().map(ResidentView::Full)).collect(),
        View::Pseudonymous => {
            let ids: Vec<String> = rows.iter().map(|row| row.id.to_string()).collect();
            let counts = model::active_plan_counts(conn, &ids)?;
            rows.iter()
                .zip(&ids)
                .map(|(row, row_id)| {
                    let active = counts.iter().find(|(id, _)| id == row_id).map_or(0, |(_, n)| *n);
                    row.to_pseudonym(active).map(ResidentView::Pseudonymous)
                })
                .collect()
        }
        View::Provider(provider) => {
            let items = crate::plan_items::model::items_for_provider(conn, provider)?;
            rows.iter()
                .map(|row| {
                    let mine = items
                        .iter()
                        .filter(|(_, resident)| *resident == row.id)
                        .map(|(item, _)| item.to_dto())
                        .collect::<ApiResult<_>>()?;
                    Ok(ResidentView::ForProvider(ResidentForProvider { contact: row.to_contact()?, items: mine }))
                })
                .collect()
        }
    }
}

/// Records a read of residents' data in the audit log, with the ids read.
fn audit_read(
    conn: &mut DbConnection,
    actor: &Actor,
    rule: &access::Access,
    id: Option<Id>,
    ids: Vec<Id>,
) -> ApiResult<()> {
    let event = Event::new(rule.operation, "resident", id.map(|id| id.to_string())).with_detail(json!({"ids": ids}));
    audit::record_read(conn, actor, &event)
}

/// Reads one page of residents in the caller's view, and audits it.
fn read_page(
    conn: &mut DbConnection,
    actor: &Actor,
    rule: &access::Access,
    view: View,
    filter: &ResidentFilter,
    cursor: Option<Cursor>,
    limit: u32,
) -> ApiResult<Page<ResidentView>> {
    let rows = model::list(conn, view.scope(), filter, cursor.as_ref(), limit)?;
    let shown: Vec<ResidentRow> = rows.iter().take(limit as usize).cloned().collect();
    audit_read(conn, actor, rule, None, shown.iter().map(|row| row.id).collect())?;
    let mut views = render(conn, view, &shown)?.into_iter();
    paginate(
        rows,
        limit,
        model::SORT,
        |row| (String::new(), row.id.to_string()),
        |_| views.next().ok_or_else(|| ApiError::internal("view count")),
    )
}

/// List residents
///
/// In id order, in the caller's view (see ResidentView). Names and PESEL are never query
/// parameters: search with `POST /api/v1/residents/search`. The ids returned are recorded in the
/// audit log.
#[utoipa::path(
    tag = "residents",
    params(ResidentListQuery),
    responses(
        (status = 200, description = "One page of residents in the caller's view", body = Page<ResidentView>),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/residents")]
pub async fn list_residents(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ResidentListQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_RESIDENTS.authorize(&req, &state, caller).await?;
    let view = view_for(&actor.caller)?;
    let query = query.0;
    let (paging, cursor) = Paging::parse(query.limit, query.cursor.as_deref(), model::SORT)?;
    let filter = ResidentFilter {
        teryt: query.teryt,
        updated_since: query.updated_since.map(|t| t.naive_utc()),
        ..Default::default()
    };
    let page = db::run(&state.pool, move |conn| {
        read_page(conn, &actor, &access::LIST_RESIDENTS, view, &filter, cursor, paging.limit)
    })
    .await?;
    Ok(page_response(&req, &page))
}

/// Search residents
///
/// By name (case- and diacritic-insensitive) and/or exact PESEL, in a POST body so that neither
/// reaches a URL or a log line. The ids returned are recorded in the audit log.
#[utoipa::path(
    tag = "residents",
    request_body(content = ResidentSearch),
    responses(
        (status = 200, description = "One page of matching residents", body = Page<ResidentView>),
        JsonBodyErrors, DatabaseErrors,
        (status = 422, description = "Neither name nor PESEL, or an invalid PESEL", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/residents/search")]
pub async fn search_residents(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<ResidentSearch>,
) -> ApiResult<HttpResponse> {
    let actor = access::SEARCH_RESIDENTS.authorize(&req, &state, caller).await?;
    let view = view_for(&actor.caller)?;
    let search = body.into_inner();
    let (paging, cursor) = Paging::parse(search.limit, search.cursor.as_deref(), model::SORT)?;
    let SearchTerms { name, pesel } = search.validate_terms()?;
    let filter = ResidentFilter { name, pesel, ..Default::default() };
    let page = db::run(&state.pool, move |conn| {
        read_page(conn, &actor, &access::SEARCH_RESIDENTS, view, &filter, cursor, paging.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Register a resident
///
/// With a PESEL, the birth date and sex are derived from it, or must agree with it (422); a PESEL
/// is unique (409). The address's `teryt` names a municipality this centre serves
/// (`/api/v1/municipalities`: 422 `unknown_municipality`) that is active (422
/// `inactive_municipality`). Errors never repeat a PESEL.
#[utoipa::path(
    tag = "residents",
    request_body(content = ResidentInput),
    params(IdempotencyKeyParam),
    responses(
        (status = 201, description = "Registered", body = Resident, headers(("Location" = String, description = "URL of the resident"))),
        JsonBodyErrors, DatabaseErrors,
        DuplicateErrors,
        (status = 422, description = "Invalid fields (all listed): a PESEL's checksum or date, a birth date or sex that disagrees with it", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/residents")]
pub async fn create_resident(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<ResidentInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_RESIDENT.authorize(&req, &state, caller).await?;
    let fingerprint = body.fingerprint.clone();
    let input = body.into_inner();
    let id = Uuid::now_v7();
    let event = Event::new(access::CREATE_RESIDENT.operation, "resident", Some(id.to_string()));
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let row = model::insert(conn, id, input.validate_draft()?)?;
        Ok(StoredResponse::json(StatusCode::CREATED, &row.to_full()?)?
            .header("location", format!("/api/v1/residents/{id}"))
            .header("etag", row.etag()))
    })
    .await
}

/// Get a resident
///
/// In the caller's view (see ResidentView); a provider reaches only residents it serves (404
/// otherwise). Every read is recorded in the audit log.
#[utoipa::path(
    tag = "residents",
    params(("id" = Uuid, Path, description = "Resident id")),
    responses(
        (status = 200, description = "The resident in the caller's view", body = ResidentView),
        PathIdErrors, DatabaseErrors,
        NotFoundErrors
    )
)]
#[get("/residents/{id}")]
pub async fn get_resident(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_RESIDENT.authorize(&req, &state, caller).await?;
    let view = view_for(&actor.caller)?;
    let id = id.into_inner();
    let (resident, etag) = db::run(&state.pool, move |conn| {
        let row = model::find(conn, id)?;
        let rendered = render(conn, view, std::slice::from_ref(&row))?.pop().ok_or(model::NOT_FOUND)?;
        if let ResidentView::ForProvider(served) = &rendered {
            if served.items.is_empty() {
                return Err(model::NOT_FOUND);
            }
        }
        audit_read(conn, &actor, &access::GET_RESIDENT, Some(row.id), vec![row.id])?;
        Ok((rendered, row.etag()))
    })
    .await?;
    Ok(tagged_json(etag, &resident))
}

const READ_ONLY: [&str; 5] = ["id", "anonymised", "created_at", "updated_at", "version"];

/// Change a resident
///
/// A JSON merge patch with `If-Match`; the same rules as on registration (a changed `teryt` must
/// name a registered, active municipality). An anonymised resident does not change (409).
#[utoipa::path(
    tag = "residents",
    params(("id" = Uuid, Path, description = "Resident id"), ("If-Match" = String, Header, description = "ETag the change is based on")),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "Any subset of ResidentInput",
        example = json!({"phone": "600 100 201"})),
    responses(
        (status = 200, description = "The changed resident", body = Resident),
        PathIdJsonBodyErrors, IfMatchErrors, DatabaseErrors,
        NotFoundErrors,
        (status = 409, description = "Another resident has this PESEL, or the resident was anonymised", body = Problem, content_type = "application/problem+json"),
        InvalidFieldErrors
    )
)]
#[patch("/residents/{id}")]
pub async fn update_resident(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_RESIDENT.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let event = Event::new(access::UPDATE_RESIDENT.operation, "resident", Some(id.to_string()));
    let row = db::run(&state.pool, move |conn| {
        audit::audited(conn, &actor, event, |conn| {
            model::update(conn, id, &if_match, |current| {
                merge_patch::patched::<ResidentInput>(current, &patch, &READ_ONLY, "")?.validate_draft()
            })
        })
    })
    .await?;
    Ok(tagged_json(row.etag(), &row.to_full()?))
}

/// Everything held about a resident (GDPR art. 15).
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentExport {
    pub resident: Resident,
    pub service_plans: Vec<crate::service_plans::dto::ServicePlan>,
    /// The fee assessments (ustalenie odpłatności) with the household's figures.
    pub fee_assessments: Vec<crate::fee_assessments::dto::FeeAssessmentDetail>,
    /// Who read or changed the resident's data, and when.
    pub access_log: Vec<crate::audit::model::AuditEvent>,
}

/// Export everything held about a resident
///
/// The record, every plan with its items, the fee assessments with the household's figures, and the audit trail of who read or changed the data
/// (GDPR art. 15). The export itself is audited.
#[utoipa::path(
    tag = "residents",
    params(("id" = Uuid, Path, description = "Resident id")),
    responses(
        (status = 200, description = "Everything held about the person", body = ResidentExport),
        PathIdErrors, DatabaseErrors,
        NotFoundErrors
    )
)]
#[get("/residents/{id}/export")]
pub async fn export_resident(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::EXPORT_RESIDENT.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let export = db::run(&state.pool, move |conn| {
        let row = model::find(conn, id)?;
        audit_read(conn, &actor, &access::EXPORT_RESIDENT, Some(row.id), vec![row.id])?;
        let access_log = crate::audit::model::about(conn, "resident", &row.id.to_string())?;
        Ok(ResidentExport {
            resident: row.to_full()?,
            service_plans: plans::plans_of_resident(conn, row.id)?,
            fee_assessments: crate::fee_assessments::model::of_resident(conn, row.id)?,
            access_log,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(export))
}

/// Anonymise a resident
///
/// Lawful erasure (GDPR art. 17): names, PESEL, birth date, address (but the municipality),
/// contacts, representative and every free text of the plans are destroyed for good; the year of
/// birth, municipality, plans, goals' statuses, items and deliveries stay for statistics.
#[utoipa::path(
    tag = "residents",
    params(("id" = Uuid, Path, description = "Resident id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The anonymised record", body = Resident),
        PathIdErrors, IdempotencyErrors, DatabaseErrors,
        NotFoundErrors,
        StateConflictErrors
    )
)]
#[post("/residents/{id}/anonymise")]
pub async fn anonymise_resident(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
) -> ApiResult<HttpResponse> {
    let actor = access::ANONYMISE_RESIDENT.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let event = Event::new(access::ANONYMISE_RESIDENT.operation, "resident", Some(id.to_string()));
    idempotency::run_once(&req, &state.pool, &actor, event, key, "", move |conn| {
        StoredResponse::json(StatusCode::OK, &model::anonymise(conn, id)?.to_full()?)
    })
    .await
}

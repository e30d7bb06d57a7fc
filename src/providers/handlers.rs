//! Thin handlers of the registry: authorise, one blocking call into model code, represent.

use actix_web::http::{header, StatusCode};
use actix_web::web::Bytes;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde_json::json;
use uuid::Uuid;

use super::csv_format;
use super::dto::{Provider, ProviderAction, ProviderExportQuery, ProviderInput, ProviderListQuery, ProviderSortField};
use super::import::{import, import_rows, ImportResult};
use super::model::{self, ProviderRow, Visibility};
use super::view::{audited_write, view_for, visible};
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::{access, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::etag::{conditional_json, tagged_json};
use crate::http::extract::{
    check_search, hex_sha256, IdempotencyKey, IdempotencyKeyParam, JsonBody, QueryParams, RecordAction, RecordPatch,
};
use crate::http::merge_patch;
use crate::http::pagination::{Cursor, Page, Paging, Sort};
use crate::http::responses::{
    ActionErrors, DatabaseErrors, DuplicateErrors, IfMatchErrors, InvalidFieldErrors, JsonBodyErrors,
    NotModifiedResponse, PathIdJsonBodyErrors, QueryErrors, RecordErrors,
};
use crate::idempotency::{self, StoredResponse};

fn provider_response(status: StatusCode, row: &ProviderRow) -> ApiResult<StoredResponse> {
    Ok(StoredResponse::json(status, &row.to_dto(true)?)?.header("etag", row.etag()))
}

/// List providers
///
/// The public (and provider users, for other providers) see active providers without contact
/// persons; CUS staff, integrators and auditors see every status. Lists never carry contact persons:
/// read one provider for them.
#[utoipa::path(
    tag = "providers",
    params(ProviderListQuery),
    responses(
        (status = 200, description = "One page of providers", body = Page<Provider>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/providers")]
pub async fn list_providers(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ProviderListQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::LIST_PROVIDERS.authorize(&req, &state, caller).await?;
    let view = view_for(&actor.caller);
    let filter = query.0;
    let sort = filter.sort.unwrap_or(Sort { field: ProviderSortField::Name, descending: false });
    let (paging, cursor) = Paging::parse(filter.limit, filter.cursor.as_deref(), sort.as_param())?;
    filter.q.as_deref().map(check_search).transpose()?;
    let visibility = Visibility { statuses: view.statuses, own: view.own };
    let rows =
        db::run(&state.pool, move |conn| model::list(conn, &filter, &visibility, sort, cursor.as_ref(), paging.limit))
            .await?;
    paging.respond(&req, rows, |row| row.position(sort.field), |row| row.to_dto(false))
}

/// Export providers as CSV
///
/// The same filters and visibility as the list, every matching provider, as `;`-separated UTF-8
/// CSV with the columns of the import: `name;short_name;legal_form;statutory_art_3_3;
/// public_benefit_organisation_since;social_economy_entity;social_enterprise_since;nip;regon;krs;
/// street;building;postal_code;city;teryt;email;phone;website;areas;description` (areas separated
/// by `|`, flags `true`/`false`). Units and contact persons are not in the CSV.
#[utoipa::path(
    tag = "providers",
    params(ProviderExportQuery),
    responses(
        (status = 200, description = "CSV of the matching providers", content_type = "text/csv", body = String,
            example = "\u{feff}name;short_name;legal_form;statutory_art_3_3;public_benefit_organisation_since;social_economy_entity;social_enterprise_since;nip;regon;krs;street;building;postal_code;city;teryt;email;phone;website;areas;description\nFundacja Pomocy Seniorom;Złota Jesień;foundation;false;2015-06-01;true;;8567346215;123456785;0000249506;ul. Kościelna;12;27-200;Starachowice;2611011;biuro@zlotajesien.org.pl;+48 41 274 00 00;https://zlotajesien.org.pl;social_assistance|health;Usługi opiekuńcze\n"),
        QueryErrors, DatabaseErrors
    )
)]
#[get("/providers/export")]
pub async fn export_providers(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ProviderExportQuery>,
) -> ApiResult<HttpResponse> {
    let actor = access::EXPORT_PROVIDERS.authorize(&req, &state, caller).await?;
    let view = view_for(&actor.caller);
    let filter = query.0 .0;
    filter.q.as_deref().map(check_search).transpose()?;
    let sort = filter.sort.unwrap_or(Sort { field: ProviderSortField::Name, descending: false });
    let visibility = Visibility { statuses: view.statuses, own: view.own };
    let rows = db::run(&state.pool, move |conn| {
        const BATCH: u32 = 500;
        let mut all: Vec<ProviderRow> = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let mut batch = model::list(conn, &filter, &visibility, sort, cursor.as_ref(), BATCH)?;
            let more = batch.len() > BATCH as usize;
            batch.truncate(BATCH as usize);
            cursor = batch.last().map(|last| {
                let (key, id) = last.position(sort.field);
                Cursor { sort: sort.as_param(), key, id }
            });
            all.extend(batch);
            if !more {
                return Ok(all);
            }
        }
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"providers.csv\""))
        .body(csv_format::write(&rows)?))
}

/// Import providers
///
/// CSV (`text/csv`: UTF-8, `;` or `,` separated, header row with the export's columns) or a JSON
/// array of provider inputs. Every row is validated first: any invalid row fails the whole import
/// with a 422 listing every error with its `row` (1-based, data rows), and nothing is written.
/// Rows whose NIP or KRS matches a living provider update it (so re-importing a file creates no
/// duplicates; contact persons and units are kept when the row has none, and the row's
/// `legal_form` confirms the form); the others are created.
#[utoipa::path(
    tag = "providers",
    request_body(description = "CSV with a header row, or a JSON array of providers",
        content(
            (String = "text/csv",
                example = "name;legal_form;nip;building;postal_code;city\nStowarzyszenie Razem;association;PL 856-734-62-15;5;27-200;Starachowice\n"),
            (Vec<ProviderInput> = "application/json")
        )),
    params(IdempotencyKeyParam),
    responses(
        (status = 200, description = "Imported", body = ImportResult),
        DatabaseErrors,
        (status = 400, description = "CSV that is not UTF-8, or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A row's NIP and KRS belong to two different providers (`row` names it)", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "Body not received within the configured time (`REQUEST_BODY_TIMEOUT_SECONDS`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than the configured limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No rows or too many, unknown or missing CSV columns, or invalid rows: every error with its row, field and reason", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422,
                "detail": "2 fields are invalid", "code": "validation-failed",
                "errors": [{"row": 2, "field": "nip", "code": "checksum", "message": "the NIP check digit does not match"},
                           {"row": 5, "field": "address.postal_code", "code": "format", "message": "a postal code has the form NN-NNN"}]}))
    )
)]
#[post("/providers/import")]
pub async fn import_providers(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: Bytes,
) -> ApiResult<HttpResponse> {
    let actor = access::IMPORT_PROVIDERS.authorize(&req, &state, caller).await?;
    let rows = import_rows(&req, &body)?;
    let fingerprint = hex_sha256(&body);
    let event = Event::new(access::IMPORT_PROVIDERS.operation, access::IMPORT_PROVIDERS.resource, None);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        StoredResponse::json(StatusCode::OK, &import(conn, rows)?)
    })
    .await
}

/// Register a provider
///
/// New providers are active. NIP and KRS are unique among living providers (409 names the holder).
#[utoipa::path(
    tag = "providers",
    request_body(content = ProviderInput),
    params(IdempotencyKeyParam),
    responses(
        (status = 201, description = "Registered", body = Provider,
            headers(("Location" = String, description = "URL of the provider"), ("ETag" = String, description = "Entity tag"))),
        JsonBodyErrors, DatabaseErrors,
        (status = 409, description = "Another living provider has this NIP or KRS", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://cus-api.dev/problems/duplicate-nip", "title": "Conflict", "status": 409,
                "detail": "another provider in the registry already has this NIP", "code": "duplicate-nip",
                "field": "nip", "existing_id": "0193a5f2-0000-7000-8000-0000000000aa"})),
        InvalidFieldErrors
    )
)]
#[post("/providers")]
pub async fn create_provider(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: JsonBody<ProviderInput>,
) -> ApiResult<HttpResponse> {
    let actor = access::CREATE_PROVIDER.authorize(&req, &state, caller).await?;
    let JsonBody { value: input, fingerprint } = body;
    let id = Uuid::now_v7();
    let event = access::CREATE_PROVIDER.event(id);
    idempotency::run_once(&req, &state.pool, &actor, event, key, &fingerprint, move |conn| {
        let row = model::insert(conn, id, input.validate_draft()?)?;
        Ok(provider_response(StatusCode::CREATED, &row)?.header("location", format!("/api/v1/providers/{id}")))
    })
    .await
}

/// Get a provider
///
/// Contact persons are included for CUS staff (director, ous, kipus, osl, admin) and for the
/// provider itself; such reads are recorded in the audit log. Honours `If-None-Match`.
#[utoipa::path(
    tag = "providers",
    params(("id" = Uuid, Path, description = "Provider id")),
    responses(
        (status = 200, description = "The provider", body = Provider, headers(("ETag" = String, description = "Entity tag"))),
        NotModifiedResponse,
        RecordErrors
    )
)]
#[get("/providers/{id}")]
pub async fn get_provider(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let actor = access::GET_PROVIDER.authorize(&req, &state, caller).await?;
    let id = id.into_inner();
    let view = view_for(&actor.caller);
    let (row, with_persons) = db::run(&state.pool, move |conn| {
        let row = visible(conn, &view, id)?;
        let with_persons = view.shows_persons(&row);
        if with_persons && row.contact_persons != "[]" {
            let read = access::GET_PROVIDER.event(id).with_detail(json!({"personal_data": ["contact_persons"]}));
            conn.write_transaction(|conn| audit::record(conn, &actor, &read))?;
        }
        Ok((row, with_persons))
    })
    .await?;
    conditional_json(&req, row.etag(), || row.to_dto(with_persons))
}

/// What a provider user may change on its own record.
const PROVIDER_WRITABLE: [&str; 2] = ["contact", "contact_persons"];
const READ_ONLY: [&str; 7] =
    ["id", "public_benefit_standing", "legal_form_needs_review", "status", "created_at", "updated_at", "version"];

/// Change a provider
///
/// A JSON merge patch with `If-Match`. A provider user may change only `contact` and
/// `contact_persons` of its own record (403 for other fields); another provider's record is a 404.
/// `public_benefit_standing` is derived and `legal_form_needs_review` is cleared by sending
/// `legal_form` (staff confirming the form of a record the migration could not map).
#[utoipa::path(
    tag = "providers",
    params(
        ("id" = Uuid, Path, description = "Provider id"),
        ("If-Match" = String, Header, description = "ETag of the representation the change is based on")
    ),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Any subset of the writable fields of ProviderInput",
        example = json!({"contact": {"phone": "+48 41 274 00 01"}, "areas": ["social_assistance"]})),
    responses(
        (status = 200, description = "The changed provider", body = Provider, headers(("ETag" = String, description = "New entity tag"))),
        RecordErrors, PathIdJsonBodyErrors, IfMatchErrors,
        DuplicateErrors,
        (status = 422, description = "The patched provider is invalid (all fields listed) or a read-only field was sent", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/providers/{id}")]
pub async fn update_provider(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    change: RecordPatch,
) -> ApiResult<HttpResponse> {
    let actor = access::UPDATE_PROVIDER.authorize(&req, &state, caller).await?;
    let RecordPatch { id, if_match, patch } = change;
    let event = access::UPDATE_PROVIDER.event(id);
    let row = db::run(&state.pool, move |conn| {
        let own = actor.caller.provider_scope().is_some();
        audited_write(conn, &actor, event, id, |conn| {
            if own {
                let forbidden: Vec<&String> =
                    patch.keys().filter(|k| !PROVIDER_WRITABLE.contains(&k.as_str())).collect();
                if !forbidden.is_empty() {
                    return Err(ApiError::Forbidden(format!(
                        "a provider may change only contact and contact_persons, not: {}",
                        forbidden.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            model::update(conn, id, &if_match, patch.contains_key("legal_form"), |current| {
                merge_patch::patched::<ProviderInput>(
                    current,
                    &patch,
                    &READ_ONLY,
                    "; status changes through the actions",
                )?
                .validate_draft()
            })
        })
    })
    .await?;
    Ok(tagged_json(row.etag(), &row.to_dto(true)?))
}

/// Runs a status action as an idempotent POST.
async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
    action: ProviderAction,
) -> ApiResult<HttpResponse> {
    let RecordAction { id, key } = target;
    let rule = match action {
        ProviderAction::Activate => &access::ACTIVATE_PROVIDER,
        ProviderAction::Suspend => &access::SUSPEND_PROVIDER,
        ProviderAction::Archive => &access::ARCHIVE_PROVIDER,
    };
    let actor = rule.authorize(&req, &state, caller).await?;
    idempotency::run_once(&req, &state.pool, &actor, rule.event(id), key, "", move |conn| {
        provider_response(StatusCode::OK, &model::transition(conn, id, action)?)
    })
    .await
}

/// Activate a provider
///
/// From `suspended` or `archived`. Re-activating an archived provider checks that its NIP and KRS
/// were not registered again meanwhile (409).
#[utoipa::path(
    tag = "providers",
    params(("id" = Uuid, Path, description = "Provider id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The active provider", body = Provider),
        ActionErrors,
        (status = 409, description = "Already active, or its NIP/KRS now belongs to another provider", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/providers/{id}/activate")]
pub async fn activate_provider(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, ProviderAction::Activate).await
}

/// Suspend a provider
///
/// An active provider stops being commissioned until it is activated again.
#[utoipa::path(
    tag = "providers",
    params(("id" = Uuid, Path, description = "Provider id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The suspended provider", body = Provider),
        ActionErrors
    )
)]
#[post("/providers/{id}/suspend")]
pub async fn suspend_provider(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, ProviderAction::Suspend).await
}

/// Archive a provider
///
/// Kept for history and references; its NIP and KRS may be registered again.
#[utoipa::path(
    tag = "providers",
    params(("id" = Uuid, Path, description = "Provider id"), IdempotencyKeyParam),
    responses(
        (status = 200, description = "The archived provider", body = Provider),
        ActionErrors
    )
)]
#[post("/providers/{id}/archive")]
pub async fn archive_provider(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    target: RecordAction,
) -> ApiResult<HttpResponse> {
    act(req, state, caller, target, ProviderAction::Archive).await
}

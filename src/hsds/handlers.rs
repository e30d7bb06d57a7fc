//! Thin handlers of the HSDS view: authorise (public), one blocking read, map to HSDS's shapes,
//! answer with an `ETag` of the body and `Cache-Control: public`.

use actix_web::{get, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::dto::{
    HsdsChangesQuery, HsdsLocation, HsdsOrganization, HsdsPage, HsdsPageQuery, HsdsRoot, HsdsService,
    HsdsServiceAtLocation, HsdsTaxonomy, HsdsTaxonomyTerm,
};
use super::model::{self, PageRequest, Pair};
use super::{places, taxonomy, view};
use crate::app::AppState;
use crate::auth::access::{self, Access};
use crate::auth::Caller;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::cache::cached;
use crate::http::extract::QueryParams;
use crate::http::pagination::MAX_LIMIT;
use crate::http::responses::{DatabaseErrors, NotModifiedResponse, QueryErrors, RecordErrors};

const DEFAULT_PER_PAGE: u32 = 50;
/// Far beyond any page of the catalogue; keeps offsets small.
const MAX_PAGE: u32 = 1_000_000;

/// `page` 1-1000000 and `per_page` 1-200; out of range is a 400, never a silent clamp.
fn page_request(page: Option<u32>, per_page: Option<u32>) -> ApiResult<PageRequest> {
    let out_of_range = |field: &str, message: String| {
        ApiError::bad_request(
            format!("invalid query parameter {field}"),
            vec![FieldError::new(field, "out_of_range", message)],
        )
    };
    let number = page.unwrap_or(1);
    if !(1..=MAX_PAGE).contains(&number) {
        return Err(out_of_range("page", format!("page must be between 1 and {MAX_PAGE}")));
    }
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_LIMIT).contains(&per_page) {
        return Err(out_of_range("per_page", format!("per_page must be between 1 and {MAX_LIMIT}")));
    }
    Ok(PageRequest { number, per_page })
}

fn page_of<T>(request: PageRequest, total: u64, contents: Vec<T>) -> HsdsPage<T> {
    let total_pages = total.div_ceil(u64::from(request.per_page)).max(1);
    let page_number = u64::from(request.number);
    HsdsPage {
        total_items: total,
        total_pages,
        page_number,
        size: contents.len() as u64,
        first_page: page_number == 1,
        last_page: page_number >= total_pages,
        empty: total == 0,
        contents,
    }
}

/// The page's part of a whole list held in memory.
fn window<T>(request: PageRequest, all: &[T]) -> &[T] {
    let start = usize::try_from(request.offset()).unwrap_or(usize::MAX).min(all.len());
    let end = start.saturating_add(request.per_page as usize).min(all.len());
    &all[start..end]
}

/// A page cut from a fixed list (the taxonomies and their terms).
fn page_from<T: Clone>(request: PageRequest, all: &[T]) -> HsdsPage<T> {
    page_of(request, all.len() as u64, window(request, all).to_vec())
}

async fn authorize(rule: &'static Access, req: &HttpRequest, state: &AppState, caller: Caller) -> ApiResult<()> {
    rule.authorize(req, state, caller).await.map(drop)
}

/// About this HSDS API
///
/// The HSDS version served (3.0) and where this API's OpenAPI document is; also at `/hsds/`. The HSDS view
/// (`/hsds/...`) is the public catalogue (active services and active providers, no personal
/// data) in Open Referral's Human Services Data Specification 3.0: lists are paged by number
/// (`page`, `per_page`, with `total_items`, `total_pages`, `first_page`, `last_page`, `empty`), not
/// by cursor, as HSDS defines them. Every answer carries an `ETag` and `Cache-Control: public`.
#[utoipa::path(
    tag = "hsds",
    responses(
        (status = 200, description = "The HSDS version and the OpenAPI document's URL", body = HsdsRoot,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, DatabaseErrors
    )
)]
#[get("/hsds")]
pub async fn get_hsds_root(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    hsds_root(req, state, caller).await
}

/// `GET /hsds/`, HSDS's `/` below our base: the same answer as `GET /hsds` (documented without the
/// slash, as paths are).
pub async fn hsds_root(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_ROOT, &req, &state, caller).await?;
    let info = req.connection_info();
    let openapi_url = format!("{}://{}/openapi.json", info.scheme(), info.host());
    cached(&req, &HsdsRoot { version: "3.0", openapi_url })
}

/// List services (HSDS)
///
/// Active catalogue entries in id (creation) order, each with its fee rule as a cost option and
/// its statutory area and target groups as attributes. `modified_after` keeps those changed at or
/// after the time. Paged by number (`page`, `per_page`): the cost of a page grows with its number,
/// which the catalogue's size keeps small.
#[utoipa::path(
    tag = "hsds",
    params(HsdsChangesQuery),
    responses(
        (status = 200, description = "One page of services", body = HsdsPage<HsdsService>,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/hsds/services")]
pub async fn list_hsds_services(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<HsdsChangesQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&access::LIST_HSDS_SERVICES, &req, &state, caller).await?;
    let page = page_request(query.0.page, query.0.per_page)?;
    let since = query.0.modified_after.map(|time| time.naive_utc());
    let (total, rows) = db::run(&state.pool, move |conn| model::services_page(conn, since, page)).await?;
    let contents = rows.iter().map(view::service).collect::<ApiResult<_>>()?;
    cached(&req, &page_of(page, total.unsigned_abs(), contents))
}

/// Get a service (HSDS)
///
/// An active catalogue entry with `service_at_locations`: the locations it is given at (see
/// `GET /hsds/service_at_locations`). Another id is a 404.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Service id (the catalogue entry's)")),
    responses(
        (status = 200, description = "The service", body = HsdsService,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, RecordErrors
    )
)]
#[get("/hsds/services/{id}")]
pub async fn get_hsds_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_SERVICE, &req, &state, caller).await?;
    let id = id.into_inner();
    let (row, at_locations) = db::run(&state.pool, move |conn| {
        let row = model::active_service(conn, id)?;
        let pairs = model::service_location_pairs(conn, Some(id), None)?;
        Ok((row, services_at_locations(conn, &pairs)?))
    })
    .await?;
    let mut service = view::service(&row)?;
    service.service_at_locations = Some(at_locations);
    cached(&req, &service)
}

/// List organizations (HSDS)
///
/// Active providers in id (creation) order: names, description, legal form (`legal_status`) and
/// NIP, REGON and KRS (`organization_identifiers`); never addresses, contacts or contact persons.
/// `modified_after` keeps those changed at or after the time.
#[utoipa::path(
    tag = "hsds",
    params(HsdsChangesQuery),
    responses(
        (status = 200, description = "One page of organizations", body = HsdsPage<HsdsOrganization>,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/hsds/organizations")]
pub async fn list_hsds_organizations(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<HsdsChangesQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&access::LIST_HSDS_ORGANIZATIONS, &req, &state, caller).await?;
    let page = page_request(query.0.page, query.0.per_page)?;
    let since = query.0.modified_after.map(|time| time.naive_utc());
    let (total, rows) = db::run(&state.pool, move |conn| model::organizations_page(conn, since, page)).await?;
    let contents = rows.iter().map(|row| view::organization(row, None)).collect();
    cached(&req, &page_of(page, total.unsigned_abs(), contents))
}

/// Get an organization (HSDS)
///
/// An active provider with `services`: the active catalogue services it offers. Another id is
/// a 404.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Organization id (the provider's)")),
    responses(
        (status = 200, description = "The organization with its services", body = HsdsOrganization,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, RecordErrors
    )
)]
#[get("/hsds/organizations/{id}")]
pub async fn get_hsds_organization(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_ORGANIZATION, &req, &state, caller).await?;
    let id = id.into_inner();
    let (provider, offered) = db::run(&state.pool, move |conn| model::organization(conn, id)).await?;
    let services = offered.iter().map(view::service).collect::<ApiResult<_>>()?;
    cached(&req, &view::organization(&provider, Some(services)))
}

/// List locations (HSDS)
///
/// Active locations of the CUS and of active providers in id (creation) order: name, the provider
/// (`organization_id`, absent for the CUS's offices), coordinates, the address with its
/// voivodeship, the public phone, the weekly hours and dated exceptions as `schedules` (weekly
/// times are Polish wall-clock time, an exception's carry that day's offset; a closed day has no
/// times) and accessibility in Polish. `modified_after` keeps those changed at or after the time.
#[utoipa::path(
    tag = "hsds",
    params(HsdsChangesQuery),
    responses(
        (status = 200, description = "One page of locations", body = HsdsPage<HsdsLocation>,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/hsds/locations")]
pub async fn list_hsds_locations(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<HsdsChangesQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&access::LIST_HSDS_LOCATIONS, &req, &state, caller).await?;
    let page = page_request(query.0.page, query.0.per_page)?;
    let since = query.0.modified_after.map(|time| time.naive_utc());
    let (total, records) = db::run(&state.pool, move |conn| model::locations_page(conn, since, page)).await?;
    let contents = records.iter().map(places::location).collect::<ApiResult<_>>()?;
    cached(&req, &page_of(page, total.unsigned_abs(), contents))
}

/// Get a location (HSDS)
///
/// An active location of the CUS or of an active provider; another id (an archived location, a
/// suspended provider's) is a 404.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Location id")),
    responses(
        (status = 200, description = "The location", body = HsdsLocation,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, RecordErrors
    )
)]
#[get("/hsds/locations/{id}")]
pub async fn get_hsds_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_LOCATION, &req, &state, caller).await?;
    let id = db::Id::from(id.into_inner());
    let mut found = db::run(&state.pool, move |conn| model::locations_by_id(conn, &[id])).await?;
    let record = found.pop().ok_or(ApiError::NotFound { resource: "location" })?;
    cached(&req, &places::location(&record)?)
}

/// The services at locations of the pairs, in the pairs' order, each with its location.
fn services_at_locations(conn: &mut DbConnection, pairs: &[Pair]) -> ApiResult<Vec<HsdsServiceAtLocation>> {
    let mut ids: Vec<db::Id> = pairs.iter().map(|(_, location)| *location).collect();
    ids.sort_unstable();
    ids.dedup();
    let records = model::locations_by_id(conn, &ids)?;
    (pairs.iter())
        .filter_map(|(service, location)| {
            let record = records.iter().find(|record| record.row.id == *location)?;
            Some(places::service_at_location((*service).into(), record))
        })
        .collect()
}

/// List services at locations (HSDS)
///
/// One entry per pair of an active catalogue service and an active location named by an offer
/// of an active provider (`location_ids` of the offer), in (service, location) id order, with the
/// location and its hours as `schedules`. A service given at home only has none. The ids are
/// derived from the pair, stable while the pair exists. `modified_after` keeps the pairs whose
/// offer, service or location changed at or after the time.
#[utoipa::path(
    tag = "hsds",
    params(HsdsChangesQuery),
    responses(
        (status = 200, description = "One page of services at locations", body = HsdsPage<HsdsServiceAtLocation>,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/hsds/service_at_locations")]
pub async fn list_hsds_service_at_locations(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<HsdsChangesQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&access::LIST_HSDS_SERVICE_AT_LOCATIONS, &req, &state, caller).await?;
    let page = page_request(query.0.page, query.0.per_page)?;
    let since = query.0.modified_after.map(|time| time.naive_utc());
    let (total, contents) = db::run(&state.pool, move |conn| {
        let pairs = model::service_location_pairs(conn, None, since)?;
        Ok((pairs.len() as u64, services_at_locations(conn, window(page, &pairs))?))
    })
    .await?;
    cached(&req, &page_of(page, total, contents))
}

/// Get a service at a location (HSDS)
///
/// A current pair of `GET /hsds/service_at_locations`; another id is a 404.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Service-at-location id")),
    responses(
        (status = 200, description = "The service at the location", body = HsdsServiceAtLocation,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, RecordErrors
    )
)]
#[get("/hsds/service_at_locations/{id}")]
pub async fn get_hsds_service_at_location(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_SERVICE_AT_LOCATION, &req, &state, caller).await?;
    let id = id.into_inner();
    let found = db::run(&state.pool, move |conn| {
        // The id is a hash of the pair: found among the current pairs (ids only, a small set).
        let pairs = model::service_location_pairs(conn, None, None)?;
        let pair = pairs
            .into_iter()
            .find(|(service, location)| places::service_at_location_id((*service).into(), (*location).into()) == id);
        services_at_locations(conn, &Vec::from_iter(pair))
    })
    .await?;
    cached(&req, &found.into_iter().next().ok_or(ApiError::NotFound { resource: "service at location" })?)
}

/// List taxonomies (HSDS)
///
/// The two fixed taxonomies that classify services: the 14 statutory areas of social services
/// (art. 2 ust. 1 of the CUS act) and the target groups. Their ids are the same on every
/// deployment.
#[utoipa::path(
    tag = "hsds",
    params(HsdsPageQuery),
    responses(
        (status = 200, description = "One page of taxonomies", body = HsdsPage<HsdsTaxonomy>,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/hsds/taxonomies")]
pub async fn list_hsds_taxonomies(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<HsdsPageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&access::LIST_HSDS_TAXONOMIES, &req, &state, caller).await?;
    let page = page_request(query.0.page, query.0.per_page)?;
    cached(&req, &page_from(page, &taxonomy::taxonomies()))
}

/// Get a taxonomy (HSDS)
///
/// One of the two fixed taxonomies; another id is a 404.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Taxonomy id")),
    responses(
        (status = 200, description = "The taxonomy", body = HsdsTaxonomy,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, RecordErrors
    )
)]
#[get("/hsds/taxonomies/{id}")]
pub async fn get_hsds_taxonomy(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_TAXONOMY, &req, &state, caller).await?;
    let id = id.into_inner();
    let found = taxonomy::taxonomies().into_iter().find(|taxonomy| taxonomy.id == id);
    cached(&req, &found.ok_or(ApiError::NotFound { resource: "taxonomy" })?)
}

/// List taxonomy terms (HSDS)
///
/// The 14 statutory areas in statutory order (`code` is the `area` of a catalogue entry), then the
/// target groups (`code` is a `target_groups` value).
#[utoipa::path(
    tag = "hsds",
    params(HsdsPageQuery),
    responses(
        (status = 200, description = "One page of taxonomy terms", body = HsdsPage<HsdsTaxonomyTerm>,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, QueryErrors, DatabaseErrors
    )
)]
#[get("/hsds/taxonomy_terms")]
pub async fn list_hsds_taxonomy_terms(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<HsdsPageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&access::LIST_HSDS_TAXONOMY_TERMS, &req, &state, caller).await?;
    let page = page_request(query.0.page, query.0.per_page)?;
    cached(&req, &page_from(page, &taxonomy::terms()))
}

/// Get a taxonomy term (HSDS)
///
/// A statutory area or a target group; another id is a 404.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Taxonomy term id")),
    responses(
        (status = 200, description = "The taxonomy term", body = HsdsTaxonomyTerm,
            headers(("ETag" = String, description = "Entity tag of the body"), ("Cache-Control" = String, description = "`public, max-age=300`"))),
        NotModifiedResponse, RecordErrors
    )
)]
#[get("/hsds/taxonomy_terms/{id}")]
pub async fn get_hsds_taxonomy_term(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    authorize(&access::GET_HSDS_TAXONOMY_TERM, &req, &state, caller).await?;
    let id = id.into_inner();
    let found = taxonomy::terms().into_iter().find(|term| term.id == id);
    cached(&req, &found.ok_or(ApiError::NotFound { resource: "taxonomy term" })?)
}

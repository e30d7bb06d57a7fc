//! Read-only queries of the HSDS view over the catalogue, the registry and the locations: active
//! services, active providers and active locations of the CUS or of active providers only, in id
//! (creation) order, counted for HSDS's page totals.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{locations, offer_locations, provider_offers, providers, services};
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult};
use crate::locations::dto::LocationStatus;
use crate::locations::model::{self as location_model, LocationRecord, LocationRow};
use crate::providers::dto::ProviderStatus;
use crate::providers::model::ProviderRow;
use crate::services::dto::ServiceStatus;
use crate::services::model::ServiceRow;

/// One page by number: how many rows match, and the rows of the page.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub number: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn offset(self) -> i64 {
        i64::from(self.number.saturating_sub(1)) * i64::from(self.per_page)
    }
}

pub fn services_page(
    conn: &mut DbConnection,
    since: Option<NaiveDateTime>,
    page: PageRequest,
) -> ApiResult<(i64, Vec<ServiceRow>)> {
    let matching = || {
        let mut query = services::table.filter(services::status.eq(ServiceStatus::Active)).into_boxed();
        if let Some(since) = since {
            query = query.filter(services::updated_at.ge(since));
        }
        query
    };
    let total = matching().count().get_result(conn)?;
    let rows = matching()
        .order(services::id.asc())
        .offset(page.offset())
        .limit(i64::from(page.per_page))
        .select(ServiceRow::as_select())
        .load(conn)?;
    Ok((total, rows))
}

pub fn active_service(conn: &mut DbConnection, id: Uuid) -> ApiResult<ServiceRow> {
    services::table
        .filter(services::id.eq(Id::from(id)))
        .filter(services::status.eq(ServiceStatus::Active))
        .select(ServiceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "service" })
}

pub fn organizations_page(
    conn: &mut DbConnection,
    since: Option<NaiveDateTime>,
    page: PageRequest,
) -> ApiResult<(i64, Vec<ProviderRow>)> {
    let matching = || {
        let mut query = providers::table.filter(providers::status.eq(ProviderStatus::Active)).into_boxed();
        if let Some(since) = since {
            query = query.filter(providers::updated_at.ge(since));
        }
        query
    };
    let total = matching().count().get_result(conn)?;
    let rows = matching()
        .order(providers::id.asc())
        .offset(page.offset())
        .limit(i64::from(page.per_page))
        .select(ProviderRow::as_select())
        .load(conn)?;
    Ok((total, rows))
}

/// An active provider with the active services it offers, in id order.
pub fn organization(conn: &mut DbConnection, id: Uuid) -> ApiResult<(ProviderRow, Vec<ServiceRow>)> {
    let id = Id::from(id);
    let provider = providers::table
        .filter(providers::id.eq(id))
        .filter(providers::status.eq(ProviderStatus::Active))
        .select(ProviderRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "organization" })?;
    let offered = services::table
        .inner_join(provider_offers::table)
        .filter(provider_offers::provider_id.eq(id))
        .filter(services::status.eq(ServiceStatus::Active))
        .order(services::id.asc())
        .select(ServiceRow::as_select())
        .load(conn)?;
    Ok((provider, offered))
}

type Backend = <DbConnection as Connection>::Backend;

/// Active locations run by the CUS (no provider) or by an active provider: a suspended
/// provider's premises leave the view with the provider.
fn public_locations<'a>() -> locations::BoxedQuery<'a, Backend> {
    let active_providers =
        providers::table.filter(providers::status.eq(ProviderStatus::Active)).select(providers::id.nullable());
    locations::table
        .filter(locations::status.eq(LocationStatus::Active))
        .filter(locations::provider_id.is_null().or(locations::provider_id.eq_any(active_providers)))
        .into_boxed()
}

pub fn locations_page(
    conn: &mut DbConnection,
    since: Option<NaiveDateTime>,
    page: PageRequest,
) -> ApiResult<(i64, Vec<LocationRecord>)> {
    let matching = || {
        let query = public_locations();
        match since {
            Some(since) => query.filter(locations::updated_at.ge(since)),
            None => query,
        }
    };
    let total = matching().count().get_result(conn)?;
    let rows = matching()
        .order(locations::id.asc())
        .offset(page.offset())
        .limit(i64::from(page.per_page))
        .select(LocationRow::as_select())
        .load(conn)?;
    Ok((total, location_model::with_children(conn, rows)?))
}

/// Public locations by id, in id order; unknown or hidden ids are left out.
pub fn locations_by_id(conn: &mut DbConnection, ids: &[Id]) -> ApiResult<Vec<LocationRecord>> {
    let rows = public_locations()
        .filter(locations::id.eq_any(ids))
        .order(locations::id.asc())
        .select(LocationRow::as_select())
        .load(conn)?;
    location_model::with_children(conn, rows)
}

/// A (service, location) pair of the view.
pub type Pair = (Id, Id);

/// Every distinct (service, location) pair of an offer of an active provider of an active
/// service at an active location, in (service, location) order; of one service, or changed (the
/// offer, the service or the location) at or after `since`. Ids only: the derived ids of the
/// pairs are worked out from them, and a page's locations loaded by `locations_by_id`.
pub fn service_location_pairs(
    conn: &mut DbConnection,
    service: Option<Uuid>,
    since: Option<NaiveDateTime>,
) -> ApiResult<Vec<Pair>> {
    let mut query = offer_locations::table
        .inner_join(provider_offers::table.inner_join(providers::table).inner_join(services::table))
        .inner_join(locations::table)
        .filter(providers::status.eq(ProviderStatus::Active))
        .filter(services::status.eq(ServiceStatus::Active))
        .filter(locations::status.eq(LocationStatus::Active))
        .select((services::id, locations::id))
        .distinct()
        .into_boxed();
    if let Some(service) = service {
        query = query.filter(services::id.eq(Id::from(service)));
    }
    if let Some(since) = since {
        query = query.filter(
            provider_offers::updated_at
                .ge(since)
                .or(services::updated_at.ge(since))
                .or(locations::updated_at.ge(since)),
        );
    }
    Ok(query.order((services::id.asc(), locations::id.asc())).load(conn)?)
}

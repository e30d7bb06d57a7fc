//! Read-only queries of the HSDS view over the catalogue and the registry: active services and
//! active providers only, in id (creation) order, counted for HSDS's page totals.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{provider_offers, providers, services};
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult};
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

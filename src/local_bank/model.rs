//! Read-only queries of the local bank: active services in order of their last change, and the
//! offers of active providers for the services of one page (three small queries, never per row).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::dto::{LocalBankOffer, LocalBankQuery};
use crate::commissions::dto::CommissionStatus;
use crate::db::schema::{commissions, locations, offer_locations, provider_offers, providers, services};
use crate::db::{DbConnection, Id};
use crate::error::ApiResult;
use crate::http::pagination::{time_key, Cursor};
use crate::locations::dto::LocationStatus;
use crate::providers::dto::ProviderStatus;
use crate::services::dto::ServiceStatus;
use crate::services::model::ServiceRow;

/// The one order of the local bank's lists: by last change, then id (index `services_status_updated`).
pub const SORT: &str = "updated_at";

pub fn position(row: &ServiceRow) -> (String, String) {
    (time_key(row.updated_at), row.id.to_string())
}

/// One page (plus one row) of active services changed at or after `updated_since`.
pub fn services_page(
    conn: &mut DbConnection,
    filter: &LocalBankQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<ServiceRow>> {
    let mut query =
        services::table.select(ServiceRow::as_select()).filter(services::status.eq(ServiceStatus::Active)).into_boxed();
    if let Some(since) = filter.updated_since {
        query = query.filter(services::updated_at.ge(since.naive_utc()));
    }
    let key = cursor.map(Cursor::time_key).transpose()?;
    let query = crate::keyset!(query, services::updated_at, services::id, key, cursor.map(|c| c.id.clone()), false);
    Ok(query.limit(i64::from(limit) + 1).load(conn)?)
}

/// An offer with its provider's public names: offer, service, provider, name, short name, at home, area served.
type OfferRow = (Id, Id, Id, String, Option<String>, bool, String);

/// The offers of active providers for these services, by service, in offer id order.
pub fn offers(
    conn: &mut DbConnection,
    service_ids: &[Id],
    today: NaiveDate,
) -> ApiResult<HashMap<Id, Vec<LocalBankOffer>>> {
    let rows: Vec<OfferRow> = provider_offers::table
        .inner_join(providers::table)
        .filter(provider_offers::service_id.eq_any(service_ids))
        .filter(providers::status.eq(ProviderStatus::Active))
        .order(provider_offers::id.asc())
        .select((
            provider_offers::id,
            provider_offers::service_id,
            provider_offers::provider_id,
            providers::name,
            providers::short_name,
            provider_offers::at_home,
            provider_offers::area_served,
        ))
        .load(conn)?;
    let offer_ids: Vec<Id> = rows.iter().map(|row| row.0).collect();
    let mut locations: HashMap<Id, Vec<Id>> = HashMap::new();
    let placed: Vec<(Id, Id)> = offer_locations::table
        .inner_join(locations::table)
        .filter(offer_locations::offer_id.eq_any(&offer_ids))
        .filter(locations::status.eq(LocationStatus::Active))
        .order((offer_locations::offer_id.asc(), offer_locations::position.asc()))
        .select((offer_locations::offer_id, offer_locations::location_id))
        .load(conn)?;
    for (offer, location) in placed {
        locations.entry(offer).or_default().push(location);
    }
    let funded: HashSet<(Id, Id)> = commissions::table
        .filter(commissions::service_id.eq_any(service_ids))
        .filter(commissions::status.eq(CommissionStatus::Active))
        .filter(commissions::period_start.le(today))
        .filter(commissions::period_end.ge(today))
        .select((commissions::provider_id, commissions::service_id))
        .load::<(Id, Id)>(conn)?
        .into_iter()
        .collect();
    let mut by_service: HashMap<Id, Vec<LocalBankOffer>> = HashMap::new();
    for (offer, service, provider, name, short_name, at_home, area_served) in rows {
        by_service.entry(service).or_default().push(LocalBankOffer {
            offer_id: offer.uuid(),
            provider_id: provider.uuid(),
            provider_name: name,
            provider_short_name: short_name,
            location_ids: locations.remove(&offer).unwrap_or_default().into_iter().map(Id::uuid).collect(),
            at_home,
            area_served: crate::db::from_json_text(&area_served, "area served")?,
            funded_by_cus: funded.contains(&(provider, service)),
        });
    }
    Ok(by_service)
}

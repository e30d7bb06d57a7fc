//! What providers reach of plan items (active items of active plans, under approved terms) and the
//! deliveries they record. The items are stored with their plan (`service_plans::model`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{Delivery, DeliveryDraft};
use crate::clock;
use crate::db::schema::{item_deliveries, plan_items, service_plans};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::residents::provider_view::AssignedItem;
use crate::service_plans::dto::{ItemStatus, PlanStatus};
use crate::service_plans::model::ItemRow;

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "plan item" };

fn uuid(text: &str) -> ApiResult<Uuid> {
    text.parse().map_err(|_| ApiError::internal("a stored delivery id is unreadable"))
}

/// Active items of active plans that a provider delivers, with their residents' ids.
pub fn items_for_provider(conn: &mut DbConnection, provider: Uuid) -> ApiResult<Vec<(ItemRow, String)>> {
    Ok(plan_items::table
        .inner_join(service_plans::table)
        .filter(plan_items::provider_id.eq(provider.to_string()))
        .filter(plan_items::status.eq(ItemStatus::Active.as_ref()))
        .filter(service_plans::status.eq(PlanStatus::Active.as_ref()))
        .order(plan_items::id.asc())
        .select((ItemRow::as_select(), service_plans::resident_id))
        .load(conn)?)
}

/// The items with the contact of each one's resident.
pub fn assigned(conn: &mut DbConnection, items: Vec<(ItemRow, String)>) -> ApiResult<Vec<AssignedItem>> {
    items
        .into_iter()
        .map(|(item, resident_id)| {
            let resident = crate::residents::model::find(
                conn,
                resident_id.parse().map_err(|_| ApiError::internal("resident id"))?,
            )?;
            Ok(AssignedItem { item: item.to_dto()?, resident: resident.to_contact()? })
        })
        .collect()
}

/// An item the provider delivers under approved terms (404 for anyone else's, and while its
/// naming of the provider awaits approval).
pub fn provider_item(conn: &mut DbConnection, provider: Option<Uuid>, item_id: Uuid) -> ApiResult<ItemRow> {
    let mut query = plan_items::table.filter(plan_items::id.eq(item_id.to_string())).into_boxed();
    if let Some(provider) = provider {
        query = query.filter(plan_items::provider_id.eq(provider.to_string())).filter(plan_items::approved.eq(true));
    }
    query.select(ItemRow::as_select()).first(conn).optional()?.ok_or(NOT_FOUND)
}

type DeliveryRow = (String, String, NaiveDate, i64, String, String, NaiveDateTime);

fn delivery_dto(row: DeliveryRow) -> ApiResult<Delivery> {
    let (id, item_id, delivered_on, units, note, recorded_by, created_at) = row;
    Ok(Delivery {
        id: uuid(&id)?,
        item_id: uuid(&item_id)?,
        delivered_on,
        units,
        note,
        recorded_by,
        created_at: clock::utc(created_at),
    })
}

/// Records a delivery on an active item of an active plan, on a day within the item's dates.
pub fn record_delivery(
    conn: &mut DbConnection,
    provider: Uuid,
    item_id: Uuid,
    id: Uuid,
    recorded_by: &str,
    draft: DeliveryDraft,
) -> ApiResult<Delivery> {
    let DeliveryDraft { delivered_on, units, note } = draft;
    let item = provider_item(conn, Some(provider), item_id)?;
    let plan_status: String = service_plans::table.find(&item.plan_id).select(service_plans::status).first(conn)?;
    if item.status != ItemStatus::Active.as_ref() || plan_status != PlanStatus::Active.as_ref() {
        return Err(ApiError::conflict("item-not-active", "deliveries are recorded on active items of active plans")
            .with("item_status", item.status.clone())
            .with("plan_status", plan_status));
    }
    if delivered_on < item.start_on || delivered_on > item.end_on {
        return Err(ApiError::Validation(vec![FieldError::new(
            "delivered_on",
            "outside_item",
            format!("the item runs {}..{}", item.start_on, item.end_on),
        )]));
    }
    let row: DeliveryRow =
        (id.to_string(), item.id.clone(), delivered_on, units, note, recorded_by.to_owned(), clock::now());
    diesel::insert_into(item_deliveries::table)
        .values((
            item_deliveries::id.eq(&row.0),
            item_deliveries::item_id.eq(&row.1),
            item_deliveries::delivered_on.eq(row.2),
            item_deliveries::units.eq(row.3),
            item_deliveries::note.eq(&row.4),
            item_deliveries::recorded_by.eq(&row.5),
            item_deliveries::created_at.eq(row.6),
        ))
        .execute(conn)?;
    delivery_dto(row)
}

pub fn deliveries(conn: &mut DbConnection, provider: Option<Uuid>, item_id: Uuid) -> ApiResult<Vec<Delivery>> {
    provider_item(conn, provider, item_id)?;
    let rows: Vec<DeliveryRow> = item_deliveries::table
        .filter(item_deliveries::item_id.eq(item_id.to_string()))
        .order((item_deliveries::delivered_on.asc(), item_deliveries::id.asc()))
        .select((
            item_deliveries::id,
            item_deliveries::item_id,
            item_deliveries::delivered_on,
            item_deliveries::units,
            item_deliveries::note,
            item_deliveries::recorded_by,
            item_deliveries::created_at,
        ))
        .load(conn)?;
    rows.into_iter().map(delivery_dto).collect()
}

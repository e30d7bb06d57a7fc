//! What providers reach of plan items (active items of active plans, under approved terms) and the
//! deliveries they record. The items are stored with their plan (`service_plans::model`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{Delivery, DeliveryDraft};
use crate::clock;
use crate::db::schema::{item_deliveries, plan_items, service_plans};
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::residents::provider_view::AssignedItem;
use crate::service_plans::dto::{ItemStatus, PlanStatus};
use crate::service_plans::model::ItemRow;

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "plan item" };

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = item_deliveries, treat_none_as_default_value = false)]
pub struct DeliveryRow {
    pub id: Id,
    pub item_id: Id,
    pub delivered_on: NaiveDate,
    pub units: i64,
    pub note: String,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

impl DeliveryRow {
    fn to_dto(&self) -> Delivery {
        Delivery {
            id: self.id.into(),
            item_id: self.item_id.into(),
            delivered_on: self.delivered_on,
            units: self.units,
            note: self.note.clone(),
            recorded_by: self.recorded_by.clone(),
            created_at: clock::utc(self.created_at),
        }
    }
}

/// Active items of active plans that a provider delivers, with their residents' ids.
pub fn items_for_provider(conn: &mut DbConnection, provider: Uuid) -> ApiResult<Vec<(ItemRow, Id)>> {
    Ok(plan_items::table
        .inner_join(service_plans::table)
        .filter(plan_items::provider_id.eq(Id::from(provider)))
        .filter(plan_items::status.eq(ItemStatus::Active))
        .filter(service_plans::status.eq(PlanStatus::Active))
        .order(plan_items::id.asc())
        .select((ItemRow::as_select(), service_plans::resident_id))
        .load(conn)?)
}

/// The items with the contact of each one's resident.
pub fn assigned(conn: &mut DbConnection, items: Vec<(ItemRow, Id)>) -> ApiResult<Vec<AssignedItem>> {
    items
        .into_iter()
        .map(|(item, resident_id)| {
            let resident = crate::residents::model::find(conn, resident_id.into())?;
            Ok(AssignedItem { item: item.to_dto()?, resident: resident.to_contact()? })
        })
        .collect()
}

/// An item the provider delivers under approved terms (404 for anyone else's, and while its
/// naming of the provider awaits approval).
pub fn provider_item(conn: &mut DbConnection, provider: Option<Uuid>, item_id: Uuid) -> ApiResult<ItemRow> {
    let mut query = plan_items::table.filter(plan_items::id.eq(Id::from(item_id))).into_boxed();
    if let Some(provider) = provider {
        query = query.filter(plan_items::provider_id.eq(Id::from(provider))).filter(plan_items::approved.eq(true));
    }
    query.select(ItemRow::as_select()).first(conn).optional()?.ok_or(NOT_FOUND)
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
    let plan_status: PlanStatus = service_plans::table.find(item.plan_id).select(service_plans::status).first(conn)?;
    if item.status != ItemStatus::Active || plan_status != PlanStatus::Active {
        return Err(ApiError::conflict("item-not-active", "deliveries are recorded on active items of active plans")
            .with("item_status", item.status.as_ref())
            .with("plan_status", plan_status.as_ref()));
    }
    if delivered_on < item.start_on || delivered_on > item.end_on {
        return Err(ApiError::Validation(vec![FieldError::new(
            "delivered_on",
            "outside_item",
            format!("the item runs {}..{}", item.start_on, item.end_on),
        )]));
    }
    let row = DeliveryRow {
        id: id.into(),
        item_id: item.id,
        delivered_on,
        units,
        note,
        recorded_by: recorded_by.to_owned(),
        created_at: clock::now(),
    };
    diesel::insert_into(item_deliveries::table).values(&row).execute(conn)?;
    Ok(row.to_dto())
}

pub fn deliveries(conn: &mut DbConnection, provider: Option<Uuid>, item_id: Uuid) -> ApiResult<Vec<Delivery>> {
    provider_item(conn, provider, item_id)?;
    let rows: Vec<DeliveryRow> = item_deliveries::table
        .filter(item_deliveries::item_id.eq(Id::from(item_id)))
        .order((item_deliveries::delivered_on.asc(), item_deliveries::id.asc()))
        .select(DeliveryRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(DeliveryRow::to_dto).collect())
}

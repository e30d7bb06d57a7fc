//! What a provider sees of the residents it delivers to, in one place: their contact and the plan
//! items it delivers. Plans depend on residents, and these views on both, so neither resource's
//! vocabulary has to reach into the other's.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::Address;
use crate::service_plans::dto::PlanItem;

/// How a provider reaches a resident it delivers services to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResidentContact {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub address: Address,
    pub phone: Option<String>,
}

/// What a provider needs to deliver its services to a resident: name, address, phone and the
/// plan items it delivers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentForProvider {
    #[serde(flatten)]
    pub contact: ResidentContact,
    pub items: Vec<PlanItem>,
}

/// What a provider needs to deliver an item: the item and the resident's name, address and phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignedItem {
    pub item: PlanItem,
    pub resident: ResidentContact,
}

//! Plan storage: plans, their items and revisions (deliveries on items are `plan_items`').

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::dto::{
    Closure, ClosureDraft, Consent, FeeSource, Goal, ItemAction, ItemDraft, ItemFee, ItemFeeBasis, ItemStatus,
    MonitoringEntry, PlanAction, PlanDraft, PlanItem, PlanListQuery, PlanRevision, PlanStatus, RevisionStatus,
    ServicePlan, ServicePlanOverview,
};
use super::fees;
use crate::clock;
use crate::commissions::dto::CommissionStatus;
use crate::db::schema::{
    commissions, item_deliveries, plan_authors, plan_item_changes, plan_items, plan_revisions, providers, residents,
    service_plans, services,
};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::Money;
use crate::domain::Period;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;
use crate::providers::dto::ProviderStatus;
use crate::services::dto::{ServiceStatus, ServiceUnit};
use crate::services::model::ServiceRow;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = service_plans, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct PlanRow {
    pub id: Id,
    pub resident_id: Id,
    pub coordinator: String,
    pub requested_on: NaiveDate,
    pub needs_assessment: String,
    pub goals: String,
    pub consent: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: PlanStatus,
    pub approval_requested_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub monitoring: String,
    pub closure: Option<String>,
    pub revision: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub approved_revision: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize, Deserialize)]
#[diesel(table_name = plan_items, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ItemRow {
    pub id: Id,
    pub plan_id: Id,
    pub position: i32,
    pub service_id: Id,
    pub provider_id: Id,
    pub commission_id: Option<Id>,
    pub quantity: i64,
    pub unit: ServiceUnit,
    pub frequency: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub fee: Option<i64>,
    pub status: ItemStatus,
    /// Whether these terms were approved; the provider reaches the item only then.
    pub approved: bool,
    /// What the fee was derived from; none for items planned before fees were derived.
    #[serde(default)]
    pub fee_basis: Option<FeeSource>,
    #[serde(default)]
    pub fee_assessment_id: Option<Id>,
}

/// A change to an approved item awaiting approval: the item as changed, or `None` for its removal.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_item_changes, treat_none_as_null = true, treat_none_as_default_value = false)]
struct ItemChangeRow {
    item_id: Id,
    plan_id: Id,
    proposed: Option<String>,
    created_at: NaiveDateTime,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "service plan" };
/// An individual plan is due within 30 days of the request (art. 7 ust. 2 of the CUS act).
const DUE_DAYS: i64 = 30;

fn stored(what: &str) -> ApiError {
    ApiError::internal(format!("stored plan {what} is unreadable"))
}

impl ItemRow {
    pub fn to_dto(&self) -> ApiResult<PlanItem> {
        Ok(PlanItem {
            id: self.id.into(),
            plan_id: self.plan_id.into(),
            service_id: self.service_id.into(),
            provider_id: self.provider_id.into(),
            commission_id: self.commission_id.map(Uuid::from),
            quantity: self.quantity,
            unit: self.unit,
            frequency: self.frequency.clone(),
            start_on: self.start_on,
            end_on: self.end_on,
            fee: self.fee.map(Money::from_grosze),
            fee_basis: None,
            status: self.status,
            terms_approved: self.approved,
        })
    }

    /// The item as the plan in full shows it: with its fee's basis, which the providers' and the
    /// OUS's views leave out.
    fn to_full_dto(&self) -> ApiResult<PlanItem> {
        let basis =
            self.fee_basis.map(|kind| ItemFeeBasis { kind, assessment_id: self.fee_assessment_id.map(Uuid::from) });
        Ok(PlanItem { fee_basis: basis, ..self.to_dto()? })
    }

    /// The fee as stored, for an unchanged item's draft.
    fn item_fee(&self) -> ItemFee {
        ItemFee {
            total: self.fee.map(Money::from_grosze),
            basis: self.fee_basis,
            assessment_id: self.fee_assessment_id.map(Uuid::from),
        }
    }

    /// What approval covers: everything but the position and the status. The fee follows from
    /// these terms (it is derived when they change).
    fn same_terms(&self, other: &ItemRow) -> bool {
        (self.service_id == other.service_id)
            && (self.provider_id == other.provider_id)
            && (self.commission_id == other.commission_id)
            && (self.quantity == other.quantity)
            && (self.unit == other.unit)
            && (self.frequency == other.frequency)
            && (self.start_on == other.start_on)
            && (self.end_on == other.end_on)
    }

    /// Settles the status asked for against the stored item: a new or changed item is planned and
    /// unapproved until an approval; an unchanged one keeps its approval and may stay active.
    /// Cancelling or completing needs no approval.
    fn settle(mut self, requested: ItemStatus, stored: Option<&ItemRow>) -> ItemRow {
        let unchanged = stored.filter(|stored| stored.same_terms(&self));
        self.approved = unchanged.is_some_and(|stored| stored.approved);
        let stays_active = unchanged.is_some_and(|stored| stored.status == ItemStatus::Active);
        let status = match requested {
            ItemStatus::Active if !stays_active => ItemStatus::Planned,
            status => status,
        };
        self.status = status;
        self
    }
}

impl PlanRow {
    pub fn etag(&self) -> String {
        etag(self.version)
    }

    /// The plan differs from the revision in force (always so before the first approval).
    fn changed_since_approval(&self) -> bool {
        self.approved_revision != Some(self.revision)
    }

    fn revision_status(&self) -> RevisionStatus {
        match (self.changed_since_approval(), self.approval_requested_at) {
            (false, _) => RevisionStatus::Approved,
            (true, None) => RevisionStatus::Draft,
            (true, Some(_)) => RevisionStatus::PendingApproval,
        }
    }

    fn due_on(&self) -> NaiveDate {
        self.requested_on + Duration::days(DUE_DAYS)
    }

    fn overdue(&self) -> bool {
        self.status == PlanStatus::Draft && clock::today() > self.due_on()
    }

    fn goals(&self) -> ApiResult<Vec<Goal>> {
        serde_json::from_str(&self.goals).map_err(|_| stored("goals"))
    }

    fn period(&self) -> Period {
        Period { start: Some(self.period_start.to_string()), end: Some(self.period_end.to_string()) }
    }

    pub fn to_full(&self, items: &[ItemRow]) -> ApiResult<ServicePlan> {
        Ok(ServicePlan {
            id: self.id.into(),
            resident_id: self.resident_id.into(),
            coordinator: self.coordinator.clone(),
            requested_on: self.requested_on,
            due_on: self.due_on(),
            overdue: self.overdue(),
            needs_assessment: self.needs_assessment.clone(),
            goals: self.goals()?,
            items: items.iter().map(ItemRow::to_full_dto).collect::<ApiResult<_>>()?,
            consent: self
                .consent
                .as_deref()
                .map(serde_json::from_str::<Consent>)
                .transpose()
                .map_err(|_| stored("consent"))?,
            period: self.period(),
            status: self.status,
            revision_status: self.revision_status(),
            approval_requested_at: self.approval_requested_at.map(clock::utc),
            approved_by: self.approved_by.clone(),
            approved_at: self.approved_at.map(clock::utc),
            approved_revision: self.approved_revision,
            monitoring: serde_json::from_str(&self.monitoring).map_err(|_| stored("monitoring"))?,
            closure: self
                .closure
                .as_deref()
                .map(serde_json::from_str::<Closure>)
                .transpose()
                .map_err(|_| stored("closure"))?,
            revision: self.revision,
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }

    pub fn to_overview(&self, items: &[ItemRow]) -> ApiResult<ServicePlanOverview> {
        let goals = self.goals()?;
        Ok(ServicePlanOverview {
            id: self.id.into(),
            resident_id: self.resident_id.into(),
            status: self.status,
            period: self.period(),
            due_on: self.due_on(),
            overdue: self.overdue(),
            goals: goals.len(),
            goals_achieved: goals.iter().filter(|goal| goal.status.as_deref() == Some("achieved")).count(),
            items: items.iter().map(ItemRow::to_dto).collect::<ApiResult<_>>()?,
            revision: self.revision,
            approved_revision: self.approved_revision,
            revision_status: self.revision_status(),
        })
    }

    fn set(&mut self, draft: &PlanDraft) {
        self.requested_on = draft.requested_on;
        self.needs_assessment = draft.needs_assessment.clone();
        self.goals = serde_json::to_string(&draft.goals).unwrap_or_else(|_| "[]".to_owned());
        self.consent = draft.consent.as_ref().map(|c| serde_json::to_string(c).unwrap_or_default());
        self.period_start = draft.period_start;
        self.period_end = draft.period_end;
        if let Some(coordinator) = &draft.coordinator {
            self.coordinator = coordinator.clone();
        }
    }
}

/// Whether a draft item is new or differs in its terms from the stored item it replaces.
fn terms_changed(item: &ItemDraft, position: usize, stored: &[ItemRow]) -> bool {
    let current = item.id.and_then(|id| stored.iter().find(|row| row.id == id.into()));
    current.is_none_or(|row| !row.same_terms(&item_row(row.plan_id, position, item, Some(row))))
}

/// A plan item is delivered only under what is in force: an active catalogue service, an active
/// provider and, when it names one, an active commission (409 with the item's path).
fn not_active(code: &'static str, position: usize, what: &str) -> ApiError {
    ApiError::conflict(
        code,
        format!("a plan item is planned only with {what} (the CUS commissions its services under the CUS act of 19 July 2019)"),
    )
    .with("item", format!("items[{position}]"))
}

/// Items must name real services, providers that offer them, in the service's unit, and a
/// commission only of that provider, covering the item's dates (422). A new or changed item must
/// also be granted under the programme in force in the resident's municipality on its first day
/// (422 `no_municipality`, `not_in_programme`), gets its fee derived (see `fees::derive`; a fee
/// stated otherwise is 422 `fee_mismatch`), must be deliverable (its service, provider and
/// commission active: 409) and fit the programme service's capacity (409 `capacity-exceeded`).
/// Unchanged items keep the terms, and the fee, they were planned under. Sets each item's fee.
fn check_items(
    conn: &mut DbConnection,
    plan_id: Id,
    resident_id: Uuid,
    items: &mut [ItemDraft],
    stored: &[ItemRow],
) -> ApiResult<()> {
    let mut errors = Vec::new();
    let mut inactive = None;
    let changed: Vec<bool> = items.iter().enumerate().map(|(index, item)| terms_changed(item, index, stored)).collect();
    let municipality = if changed.contains(&true) { fees::municipality_of(conn, resident_id)? } else { None };
    if municipality.is_none() && changed.contains(&true) {
        errors.push(fees::no_municipality());
    }
    let mut granted = Vec::new();
    for (index, item) in items.iter_mut().enumerate() {
        let field = |name: &str| format!("items[{index}].{name}");
        let changed = changed[index];
        let service: Option<ServiceRow> =
            services::table.find(Id::from(item.service_id)).select(ServiceRow::as_select()).first(conn).optional()?;
        match &service {
            None => errors.push(FieldError::new(field("service_id"), "unknown", "no catalogue service has this id")),
            Some(service) if service.unit != item.unit => errors.push(FieldError::new(
                field("unit"),
                "unit_mismatch",
                format!("the service is measured in {}", service.unit.as_ref()),
            )),
            Some(service) if changed => {
                if service.status != ServiceStatus::Active {
                    inactive.get_or_insert(not_active("service-not-active", index, "an active catalogue service"));
                }
                if let Some(municipality) = &municipality {
                    match fees::terms_for(conn, municipality, item, field("service_id"))? {
                        Err(error) => errors.push(error),
                        Ok(terms) => {
                            match fees::derive(conn, resident_id, &terms, item, index) {
                                Ok(fee) => item.fee = Some(fee),
                                Err(conflict) => {
                                    inactive.get_or_insert(conflict);
                                }
                            }
                            granted.push((index, terms));
                        }
                    }
                }
            }
            Some(_) => {}
        }
        if !changed {
            let current = item.id.and_then(|id| stored.iter().find(|row| row.id == id.into()));
            item.fee = current.map(ItemRow::item_fee);
        }
        errors.extend(fee_mismatch(field("fee"), item));
        if !crate::providers::offers::model::offers_service(conn, item.provider_id, item.service_id)? {
            errors.push(FieldError::new(
                field("provider_id"),
                "not_offered",
                "the provider does not offer this service",
            ));
        } else if changed {
            let status: ProviderStatus =
                providers::table.find(Id::from(item.provider_id)).select(providers::status).first(conn)?;
            if status != ProviderStatus::Active {
                inactive.get_or_insert(not_active("provider-not-active", index, "an active provider"));
            }
        }
        if let Some(commission_id) = item.commission_id {
            let commission: Option<(Id, Id, NaiveDate, NaiveDate, CommissionStatus)> = commissions::table
                .find(Id::from(commission_id))
                .select((
                    commissions::provider_id,
                    commissions::service_id,
                    commissions::period_start,
                    commissions::period_end,
                    commissions::status,
                ))
                .first(conn)
                .optional()?;
            match commission {
                None => errors.push(FieldError::new(field("commission_id"), "unknown", "no commission has this id")),
                Some((provider, service, start, end, status)) => {
                    if provider != item.provider_id.into() || service != item.service_id.into() {
                        errors.push(FieldError::new(
                            field("commission_id"),
                            "commission_mismatch",
                            "the commission is for another provider or service",
                        ));
                    } else if item.start_on < start || item.end_on > end {
                        errors.push(FieldError::new(
                            field("commission_id"),
                            "commission_period",
                            format!("the commission runs {start}..{end} and does not cover the item's dates"),
                        ));
                    } else if changed && status != CommissionStatus::Active {
                        inactive.get_or_insert(not_active("commission-not-active", index, "an active commission"));
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if let Some(conflict) = inactive {
        return Err(conflict);
    }
    if let Some(municipality) = &municipality {
        for (index, terms) in &granted {
            fees::ensure_capacity(conn, municipality, terms, plan_id, items, *index)?;
        }
    }
    Ok(())
}

/// 422 `fee_mismatch` when the input states a fee other than the item's (derived, or kept for an
/// unchanged item): the fee is read-only, and a stale one is a mistake to point out, not to store.
fn fee_mismatch(field: String, item: &ItemDraft) -> Option<FieldError> {
    let (claimed, fee) = (item.claimed_fee?, item.fee?);
    let total = fee.total.unwrap_or(Money::ZERO);
    (claimed != total).then(|| {
        FieldError::new(
            field,
            "fee_mismatch",
            format!("the fee is derived, not typed: {total} for this item (omit fee to take it)"),
        )
    })
}

/// After approval the request date and the period's start stay as approved: they carry the
/// 30-day and one-year rules (art. 7 of the CUS act). 422 `fixed_after_approval`.
fn ensure_fixed_after_approval(plan: &PlanRow, draft: &PlanDraft) -> ApiResult<()> {
    if plan.approved_revision.is_none() {
        return Ok(());
    }
    let mut errors = Vec::new();
    if draft.requested_on != plan.requested_on {
        errors.push(FieldError::new(
            "requested_on",
            "fixed_after_approval",
            "the request date carries the 30-day rule (art. 7 of the CUS act) and does not change after approval",
        ));
    }
    if draft.period_start != plan.period_start {
        errors.push(FieldError::new(
            "period.start",
            "fixed_after_approval",
            "the period's start carries the one-year rule (art. 7 of the CUS act) and does not change after approval",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Whether a change must be approved again: its goals (what, how measured, by when), its
/// services and their terms (quantities, fees, dates, providers, commissions), or its period.
/// Progress (goal and item statuses), consent, the coordinator and the needs assessment's wording
/// are not material; monitoring has its own operation.
fn is_material(plan: &PlanRow, items: &[ItemRow], draft: &PlanDraft) -> ApiResult<bool> {
    let goal_terms = |goals: &[Goal]| -> Vec<_> {
        goals
            .iter()
            .map(|goal| (goal.id.clone(), goal.description.clone(), goal.indicator.clone(), goal.target_date.clone()))
            .collect()
    };
    Ok(goal_terms(&plan.goals()?) != goal_terms(&draft.goals)
        || plan.period_end != draft.period_end
        || draft.items.len() != items.len()
        || draft.items.iter().enumerate().any(|(position, item)| terms_changed(item, position, items)))
}

/// The stored form of an item, its status settled against the stored item it replaces (if any).
fn item_row(plan_id: Id, position: usize, item: &ItemDraft, stored: Option<&ItemRow>) -> ItemRow {
    ItemRow {
        id: stored.map_or_else(|| Uuid::now_v7().into(), |stored| stored.id),
        plan_id,
        position: i32::try_from(position).unwrap_or(i32::MAX),
        service_id: item.service_id.into(),
        provider_id: item.provider_id.into(),
        commission_id: item.commission_id.map(Id::from),
        quantity: item.quantity,
        unit: item.unit,
        frequency: item.frequency.clone(),
        start_on: item.start_on,
        end_on: item.end_on,
        fee: item.fee.and_then(|fee| fee.total).map(Money::grosze),
        status: item.status,
        approved: false,
        fee_basis: item.fee.and_then(|fee| fee.basis),
        fee_assessment_id: item.fee.and_then(|fee| fee.assessment_id).map(Id::from),
    }
    .settle(item.status, stored)
}

/// Records who drafted or changed the plan in its current revision: they may not approve it.
fn record_author(conn: &mut DbConnection, plan: &PlanRow, subject: &str) -> ApiResult<()> {
    let known: i64 = plan_authors::table.find((&plan.id, plan.revision, subject)).count().get_result(conn)?;
    if known == 0 {
        diesel::insert_into(plan_authors::table)
            .values((
                plan_authors::plan_id.eq(&plan.id),
                plan_authors::revision.eq(plan.revision),
                plan_authors::subject.eq(subject),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Separation of duties: neither the coordinator of record nor anyone who drafted or changed the
/// plan since its last approval approves it.
fn ensure_not_own(conn: &mut DbConnection, plan: &PlanRow, approver: &str) -> ApiResult<()> {
    let authored: i64 = plan_authors::table
        .filter(plan_authors::plan_id.eq(&plan.id))
        .filter(plan_authors::revision.gt(plan.approved_revision.unwrap_or(0)))
        .filter(plan_authors::subject.eq(approver))
        .count()
        .get_result(conn)?;
    if plan.coordinator == approver || authored > 0 {
        return Err(ApiError::Refused {
            code: "self-approval",
            detail: "a plan is never approved by its coordinator, nor by anyone who drafted or changed it since its \
                     last approval"
                .to_owned(),
        });
    }
    Ok(())
}

fn check_resident(conn: &mut DbConnection, resident_id: Uuid) -> ApiResult<()> {
    let anonymised: Option<Option<NaiveDateTime>> =
        residents::table.find(Id::from(resident_id)).select(residents::anonymised_at).first(conn).optional()?;
    match anonymised {
        None => Err(ApiError::Validation(vec![FieldError::new("resident_id", "unknown", "no resident has this id")])),
        Some(Some(_)) => Err(ApiError::conflict("anonymised", "the resident's identity was erased; no new plans")),
        Some(None) => Ok(()),
    }
}

pub fn create(conn: &mut DbConnection, id: Uuid, author: &str, draft: PlanDraft) -> ApiResult<(PlanRow, Vec<ItemRow>)> {
    check_resident(conn, draft.resident_id)?;
    let mut draft = draft;
    check_items(conn, id.into(), draft.resident_id, &mut draft.items, &[])?;
    let now = clock::now();
    let mut plan = PlanRow {
        id: id.into(),
        resident_id: draft.resident_id.into(),
        coordinator: author.to_owned(),
        requested_on: draft.requested_on,
        needs_assessment: String::new(),
        goals: "[]".to_owned(),
        consent: None,
        period_start: draft.period_start,
        period_end: draft.period_end,
        status: PlanStatus::Draft,
        approval_requested_at: None,
        approved_by: None,
        approved_at: None,
        monitoring: "[]".to_owned(),
        closure: None,
        revision: 1,
        created_at: now,
        updated_at: now,
        version: 1,
        approved_revision: None,
    };
    plan.set(&draft);
    diesel::insert_into(service_plans::table).values(&plan).execute(conn)?;
    record_author(conn, &plan, author)?;
    let items: Vec<ItemRow> =
        draft.items.iter().enumerate().map(|(i, item)| item_row(plan.id, i, item, None)).collect();
    // diesel's multi-backend connection has no batch insert.
    for item in &items {
        diesel::insert_into(plan_items::table).values(item).execute(conn)?;
    }
    Ok((plan, items))
}

/// The items in force: the approved terms, which providers deliver under, and the new items not
/// yet approved (still `planned`).
fn items_in_force(conn: &mut DbConnection, plan_ids: &[Id]) -> ApiResult<Vec<ItemRow>> {
    Ok(plan_items::table
        .filter(plan_items::plan_id.eq_any(plan_ids))
        .order((plan_items::plan_id.asc(), plan_items::position.asc()))
        .select(ItemRow::as_select())
        .load(conn)?)
}

fn changes_of(conn: &mut DbConnection, plan_ids: &[Id]) -> ApiResult<Vec<ItemChangeRow>> {
    Ok(plan_item_changes::table
        .filter(plan_item_changes::plan_id.eq_any(plan_ids))
        .select(ItemChangeRow::as_select())
        .load(conn)?)
}

/// The items as the plans' latest revisions have them: the items in force with the changes that
/// await approval laid over them (a removal leaves its item out), by plan and position.
fn latest_items(conn: &mut DbConnection, plan_ids: &[Id]) -> ApiResult<Vec<ItemRow>> {
    let changes = changes_of(conn, plan_ids)?;
    let mut items = Vec::new();
    for item in items_in_force(conn, plan_ids)? {
        match changes.iter().find(|change| change.item_id == item.id) {
            None => items.push(item),
            Some(ItemChangeRow { proposed: None, .. }) => {}
            Some(ItemChangeRow { proposed: Some(proposed), .. }) => {
                items.push(serde_json::from_str(proposed).map_err(|_| stored("item change"))?)
            }
        }
    }
    items.sort_by_key(|item| (item.plan_id, item.position));
    Ok(items)
}

/// The plan's items as its latest revision has them.
pub fn items_of(conn: &mut DbConnection, plan_id: Id) -> ApiResult<Vec<ItemRow>> {
    latest_items(conn, &[plan_id])
}

/// Records a change to an approved item (`None`: its removal), replacing an earlier one.
fn propose_change(conn: &mut DbConnection, item: &ItemRow, proposed: Option<&ItemRow>) -> ApiResult<()> {
    drop_change(conn, item.id)?;
    let proposed =
        proposed.map(serde_json::to_string).transpose().map_err(|err| ApiError::internal(err.to_string()))?;
    let change = ItemChangeRow { item_id: item.id, plan_id: item.plan_id, proposed, created_at: clock::now() };
    diesel::insert_into(plan_item_changes::table).values(&change).execute(conn)?;
    Ok(())
}

fn drop_change(conn: &mut DbConnection, item_id: Id) -> ApiResult<()> {
    diesel::delete(plan_item_changes::table.find(item_id)).execute(conn)?;
    Ok(())
}

fn deliveries_on(conn: &mut DbConnection, item_id: Id) -> ApiResult<i64> {
    Ok(item_deliveries::table.filter(item_deliveries::item_id.eq(item_id)).count().get_result(conn)?)
}

/// Puts the approved changes in force: the changed terms replace the item's; a removed item goes,
/// or is cancelled when deliveries were recorded on it while its removal awaited approval.
fn apply_changes(conn: &mut DbConnection, plan_id: Id) -> ApiResult<()> {
    for change in changes_of(conn, &[plan_id])? {
        drop_change(conn, change.item_id)?;
        match change.proposed {
            Some(proposed) => {
                // The terms change; the status stays the one in force (the plan may have started
                // since the change was proposed).
                let item: ItemRow = serde_json::from_str(&proposed).map_err(|_| stored("item change"))?;
                let status: ItemStatus = plan_items::table.find(item.id).select(plan_items::status).first(conn)?;
                diesel::update(plan_items::table.find(item.id)).set(&ItemRow { status, ..item }).execute(conn)?;
            }
            None if deliveries_on(conn, change.item_id)? == 0 => {
                diesel::delete(plan_items::table.find(change.item_id)).execute(conn)?;
            }
            None => {
                let status: ItemStatus =
                    plan_items::table.find(change.item_id).select(plan_items::status).first(conn)?;
                if status.allowed_actions().contains(&ItemAction::Cancel) {
                    let cancelled = status.transition(ItemAction::Cancel)?;
                    diesel::update(plan_items::table.find(change.item_id))
                        .set(plan_items::status.eq(cancelled))
                        .execute(conn)?;
                }
            }
        }
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<(PlanRow, Vec<ItemRow>)> {
    let plan: PlanRow = service_plans::table
        .find(Id::from(id))
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)?;
    let items = items_of(conn, plan.id)?;
    Ok((plan, items))
}

fn save(conn: &mut DbConnection, plan: PlanRow) -> ApiResult<PlanRow> {
    crate::save_versioned!(conn, service_plans, plan, NOT_FOUND)
}

/// Keeps the plan as it is now as a revision, when changing an approved plan.
fn keep_revision(conn: &mut DbConnection, plan: &mut PlanRow, items: &[ItemRow], author: &str) -> ApiResult<()> {
    let snapshot = serde_json::to_string(&plan.to_full(items)?).map_err(|err| ApiError::internal(err.to_string()))?;
    diesel::insert_into(plan_revisions::table)
        .values((
            plan_revisions::id.eq(Id::from(Uuid::now_v7())),
            plan_revisions::plan_id.eq(&plan.id),
            plan_revisions::number.eq(plan.revision),
            plan_revisions::snapshot.eq(snapshot),
            plan_revisions::created_by.eq(author),
            plan_revisions::created_at.eq(clock::now()),
        ))
        .execute(conn)?;
    plan.revision += 1;
    Ok(())
}

/// Applies a change (a merge patch). A closed plan does not change; a material change to an
/// approved or active plan keeps the previous state as a revision and awaits (another)
/// approval: a submission is withdrawn, new items stay planned and changed ones keep their
/// approved terms in force until then (see `save_items`).
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    author: &str,
    change: impl FnOnce(&ServicePlan) -> ApiResult<PlanDraft>,
) -> ApiResult<(PlanRow, Vec<ItemRow>)> {
    let (mut plan, items) = find(conn, id)?;
    if_match.require(plan.etag())?;
    let status = plan.status;
    if status == PlanStatus::Closed {
        return Err(
            ApiError::conflict("plan-closed", "a closed plan does not change").with("current_status", status.as_ref())
        );
    }
    let draft = change(&plan.to_full(&items)?)?;
    if Id::from(draft.resident_id) != plan.resident_id {
        return Err(ApiError::Validation(vec![FieldError::new(
            "resident_id",
            "read_only",
            "a plan stays with its resident",
        )]));
    }
    ensure_fixed_after_approval(&plan, &draft)?;
    let mut draft = draft;
    check_items(conn, plan.id, draft.resident_id, &mut draft.items, &items)?;
    let material = status == PlanStatus::Draft || is_material(&plan, &items, &draft)?;
    if material && status != PlanStatus::Draft {
        keep_revision(conn, &mut plan, &items, author)?;
    }
    plan.set(&draft);
    save_items(conn, plan.id, &items, &draft.items)?;
    if material {
        // A material change withdraws a submission: what is approved is what was submitted.
        plan.approval_requested_at = None;
    }
    let plan = save(conn, plan)?;
    if material {
        record_author(conn, &plan, author)?;
    }
    let items = items_of(conn, plan.id)?;
    Ok((plan, items))
}

/// Stores the plan's items as changed. New items, and items never approved, are written as they
/// are. A change to an approved item awaits approval beside it (its approved terms stay in force
/// for the provider meanwhile), as does its removal; ending it (`cancelled`, `completed`) needs
/// no approval. An item with deliveries is never removed (409).
fn save_items(conn: &mut DbConnection, plan_id: Id, latest: &[ItemRow], items: &[ItemDraft]) -> ApiResult<()> {
    let in_force = items_in_force(conn, &[plan_id])?;
    let find_in_force = |id: Id| in_force.iter().find(|row| row.id == id);
    let kept: Vec<Id> = items.iter().filter_map(|item| item.id.map(Id::from)).collect();
    for gone in latest.iter().filter(|item| !kept.contains(&item.id)) {
        if deliveries_on(conn, gone.id)? > 0 {
            return Err(ApiError::conflict(
                "item-has-deliveries",
                "an item with recorded deliveries stays in the plan: set its status to cancelled",
            )
            .with("item_id", gone.id.to_string()));
        }
        match find_in_force(gone.id) {
            Some(current) if current.approved => propose_change(conn, current, None)?,
            _ => {
                diesel::delete(plan_items::table.find(gone.id)).execute(conn)?;
            }
        }
    }
    for (position, item) in items.iter().enumerate() {
        let current = item.id.and_then(|id| find_in_force(id.into()));
        let row = item_row(plan_id, position, item, current);
        let ends = matches!(row.status, ItemStatus::Cancelled | ItemStatus::Completed);
        match current {
            None => {
                diesel::insert_into(plan_items::table).values(&row).execute(conn)?;
            }
            Some(current) if current.approved && !current.same_terms(&row) && !ends => {
                propose_change(conn, current, Some(&ItemRow { status: current.status, ..row }))?;
            }
            Some(current) => {
                drop_change(conn, current.id)?;
                // Ending an approved item ends it under the terms in force.
                let row = if current.approved && ends {
                    ItemRow { status: row.status, position: row.position, ..current.clone() }
                } else {
                    row
                };
                diesel::update(plan_items::table.find(row.id)).set(&row).execute(conn)?;
            }
        }
    }
    Ok(())
}

/// What approval needs: consent, at least one goal and one item.
fn missing_for_approval(plan: &PlanRow, items: &[ItemRow]) -> ApiResult<Vec<&'static str>> {
    let mut missing = Vec::new();
    if plan.consent.is_none() {
        missing.push("consent");
    }
    if plan.goals()?.is_empty() {
        missing.push("goals");
    }
    if items.is_empty() {
        missing.push("items");
    }
    Ok(missing)
}

fn ensure_complete(plan: &PlanRow, items: &[ItemRow]) -> ApiResult<()> {
    let missing = missing_for_approval(plan, items)?;
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "plan-incomplete",
        format!("approval needs consent, a goal and an item; missing: {}", missing.join(", ")),
    )
    .with("missing", missing))
}

/// Moves the plan's items in status `from` (only those whose terms were approved, when
/// `approved_only`) through `action`: their lifecycle's transition decides where they go.
fn move_items(
    conn: &mut DbConnection,
    plan_id: Id,
    from: ItemStatus,
    action: ItemAction,
    approved_only: bool,
) -> ApiResult<()> {
    let to = from.transition(action)?;
    let approved: &[bool] = if approved_only { &[true] } else { &[true, false] };
    diesel::update(
        plan_items::table
            .filter(plan_items::plan_id.eq(plan_id))
            .filter(plan_items::status.eq(from))
            .filter(plan_items::approved.eq_any(approved)),
    )
    .set(plan_items::status.eq(to))
    .execute(conn)?;
    Ok(())
}

/// Starts the planned items whose terms were approved.
fn activate_approved_items(conn: &mut DbConnection, plan_id: Id) -> ApiResult<()> {
    move_items(conn, plan_id, ItemStatus::Planned, ItemAction::Start, true)
}

fn nothing_to_approve() -> ApiError {
    ApiError::conflict("nothing-to-approve", "the plan is approved as it stands; a change needs approval, not it")
}

/// A lifecycle action. Approval is never by the plan's coordinator or its authors since the last
/// approval; approving a change to an active plan starts its new and changed items.
pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    action: PlanAction,
    actor: &str,
    closure: Option<ClosureDraft>,
) -> ApiResult<(PlanRow, Vec<ItemRow>)> {
    let (mut plan, items) = find(conn, id)?;
    let next = plan.status.transition(action)?;
    let now = clock::now();
    match action {
        PlanAction::SubmitForApproval => {
            if !plan.changed_since_approval() {
                return Err(nothing_to_approve());
            }
            if plan.approval_requested_at.is_some() {
                return Err(ApiError::conflict("already-submitted", "the plan is already awaiting approval"));
            }
            ensure_complete(&plan, &items)?;
            plan.approval_requested_at = Some(now);
        }
        PlanAction::Approve => {
            if !plan.changed_since_approval() {
                return Err(nothing_to_approve());
            }
            if plan.approval_requested_at.is_none() {
                return Err(ApiError::conflict("not-submitted-for-approval", "submit the plan for approval first"));
            }
            ensure_complete(&plan, &items)?;
            ensure_not_own(conn, &plan, actor)?;
            plan.approved_by = Some(actor.to_owned());
            plan.approved_at = Some(now);
            plan.approved_revision = Some(plan.revision);
            apply_changes(conn, plan.id)?;
            diesel::update(plan_items::table.filter(plan_items::plan_id.eq(&plan.id)))
                .set(plan_items::approved.eq(true))
                .execute(conn)?;
            if next == PlanStatus::Active {
                activate_approved_items(conn, plan.id)?;
            }
        }
        PlanAction::Activate => activate_approved_items(conn, plan.id)?,
        PlanAction::Close => {
            let closure = closure.ok_or_else(|| ApiError::internal("a plan closes with its closure"))?;
            if closure.summary_interview_on < plan.period_start {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "summary_interview_on",
                    "before_plan_start",
                    "the summary interview reviews the plan's course: it cannot precede the plan's period",
                )]));
            }
            plan.closure = Some(serde_json::to_string(&closure.closure).unwrap_or_default());
            // What was never approved never comes into force.
            diesel::delete(plan_item_changes::table.filter(plan_item_changes::plan_id.eq(plan.id))).execute(conn)?;
            move_items(conn, plan.id, ItemStatus::Active, ItemAction::Complete, false)?;
            move_items(conn, plan.id, ItemStatus::Planned, ItemAction::Cancel, false)?;
        }
    }
    plan.status = next;
    let plan = save(conn, plan)?;
    let items = items_of(conn, plan.id)?;
    Ok((plan, items))
}

pub fn add_monitoring(conn: &mut DbConnection, id: Uuid, entry: MonitoringEntry) -> ApiResult<(PlanRow, Vec<ItemRow>)> {
    let (mut plan, _) = find(conn, id)?;
    if plan.status == PlanStatus::Closed {
        return Err(ApiError::conflict("plan-closed", "a closed plan takes no monitoring entries"));
    }
    let mut entries: Vec<MonitoringEntry> = serde_json::from_str(&plan.monitoring).map_err(|_| stored("monitoring"))?;
    entries.push(entry);
    plan.monitoring = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned());
    let plan = save(conn, plan)?;
    let items = items_of(conn, plan.id)?;
    Ok((plan, items))
}

pub fn revisions(conn: &mut DbConnection, id: Uuid) -> ApiResult<Vec<PlanRevision>> {
    find(conn, id)?;
    let rows: Vec<(i32, String, String, NaiveDateTime)> = plan_revisions::table
        .filter(plan_revisions::plan_id.eq(Id::from(id)))
        .order(plan_revisions::number.asc())
        .select((
            plan_revisions::number,
            plan_revisions::snapshot,
            plan_revisions::created_by,
            plan_revisions::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(number, snapshot, created_by, created_at)| {
            Ok(PlanRevision {
                number,
                plan: serde_json::from_str(&snapshot).map_err(|_| stored("revision"))?,
                created_by,
                created_at: clock::utc(created_at),
            })
        })
        .collect()
}

/// Newest first; the cursor is the last id seen.
pub const SORT: &str = "-id";

pub fn list(
    conn: &mut DbConnection,
    filter: &PlanListQuery,
    coordinator: Option<&str>,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<PlanRow>> {
    let mut query = service_plans::table.select(PlanRow::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(service_plans::status.eq(status));
    }
    if let Some(resident) = filter.resident_id {
        query = query.filter(service_plans::resident_id.eq(Id::from(resident)));
    }
    if let Some(coordinator) = coordinator {
        query = query.filter(service_plans::coordinator.eq(coordinator.to_owned()));
    }
    let overdue_from = clock::today() - Duration::days(DUE_DAYS);
    match filter.overdue {
        Some(true) => {
            query = query
                .filter(service_plans::status.eq(PlanStatus::Draft))
                .filter(service_plans::requested_on.lt(overdue_from))
        }
        Some(false) => {
            query = query
                .filter(service_plans::status.ne(PlanStatus::Draft).or(service_plans::requested_on.ge(overdue_from)))
        }
        None => {}
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(service_plans::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(service_plans::id.lt(cursor.id.clone()));
    }
    Ok(query.order(service_plans::id.desc()).limit(i64::from(limit) + 1).load(conn)?)
}

/// Items of several plans at once (as their latest revisions have them), grouped by plan.
pub fn items_of_plans(conn: &mut DbConnection, plan_ids: &[Id]) -> ApiResult<Vec<ItemRow>> {
    latest_items(conn, plan_ids)
}

/// Plans of a resident with their items, for the GDPR export.
pub fn plans_of_resident(conn: &mut DbConnection, resident_id: Id) -> ApiResult<Vec<ServicePlan>> {
    let plans: Vec<PlanRow> = service_plans::table
        .filter(service_plans::resident_id.eq(resident_id))
        .order(service_plans::id.asc())
        .select(PlanRow::as_select())
        .load(conn)?;
    plans.iter().map(|plan| plan.to_full(&items_of(conn, plan.id)?)).collect()
}

/// Erases the free texts of a resident's plans (they may identify the person) and keeps their
/// structure: statuses, periods, goals with their statuses, items and deliveries' units.
pub fn erase_free_texts(conn: &mut DbConnection, resident_id: Id) -> ApiResult<()> {
    let plans: Vec<PlanRow> = service_plans::table
        .filter(service_plans::resident_id.eq(resident_id))
        .select(PlanRow::as_select())
        .load(conn)?;
    for plan in plans {
        let goals: Vec<Goal> = plan
            .goals()?
            .into_iter()
            .map(|goal| Goal {
                id: goal.id,
                description: Some(String::new()),
                indicator: None,
                target_date: goal.target_date,
                status: goal.status,
            })
            .collect();
        let closure = plan.closure.as_deref().and_then(|c| serde_json::from_str::<Closure>(c).ok()).map(|c| Closure {
            outcome: None,
            summary: None,
            ..c
        });
        diesel::update(service_plans::table.find(&plan.id))
            .set((
                service_plans::needs_assessment.eq(""),
                service_plans::goals.eq(serde_json::to_string(&goals).unwrap_or_else(|_| "[]".to_owned())),
                service_plans::consent.eq(None::<String>),
                service_plans::monitoring.eq("[]"),
                service_plans::closure.eq(closure.map(|c| serde_json::to_string(&c).unwrap_or_default())),
            ))
            .execute(conn)?;
        diesel::update(plan_revisions::table.filter(plan_revisions::plan_id.eq(&plan.id)))
            .set(plan_revisions::snapshot.eq(json!({"erased": true}).to_string()))
            .execute(conn)?;
        diesel::delete(plan_item_changes::table.filter(plan_item_changes::plan_id.eq(plan.id))).execute(conn)?;
        let item_ids = plan_items::table.filter(plan_items::plan_id.eq(&plan.id)).select(plan_items::id);
        diesel::update(item_deliveries::table.filter(item_deliveries::item_id.eq_any(item_ids)))
            .set(item_deliveries::note.eq(""))
            .execute(conn)?;
    }
    Ok(())
}

//! Catalogue queries, written once for both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    DeliveredBy, DeliveryMode, Service, ServiceAction, ServiceDraft, ServiceListQuery, ServiceSortField, ServiceStatus,
    ServiceUnit,
};
use crate::clock;
use crate::db::schema::services;
use crate::db::{from_json_text, json_text, DbConnection, Id};
use crate::domain::fee::FeeRule;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::ServiceArea;
use crate::domain::{text, Money};
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::pagination::{time_key, Cursor, Sort};

/// One row of `services`, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = services, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ServiceRow {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub description: String,
    pub area: ServiceArea,
    pub target_groups: String,
    pub delivery_mode: DeliveryMode,
    pub unit: ServiceUnit,
    pub unit_cost: Option<i64>,
    pub fee_kind: String,
    pub fee_amount: Option<i64>,
    pub fee_description: Option<String>,
    pub eligibility: String,
    pub delivered_by: DeliveredBy,
    pub status: ServiceStatus,
    pub search_text: String,
    pub name_sort_key: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    /// An income table's basis, brackets and exemptions (JSON).
    pub fee_table: Option<String>,
}

const NOT_FOUND: ApiError = ApiError::NotFound { resource: "service" };

impl ServiceRow {
    fn new(id: Uuid, draft: ServiceDraft) -> Self {
        let now = clock::now();
        let mut row = ServiceRow {
            id: id.into(),
            code: String::new(),
            name: String::new(),
            description: String::new(),
            area: draft.area,
            target_groups: String::new(),
            delivery_mode: draft.delivery_mode,
            unit: draft.unit,
            unit_cost: None,
            fee_kind: String::new(),
            fee_amount: None,
            fee_description: None,
            eligibility: String::new(),
            delivered_by: draft.delivered_by,
            status: ServiceStatus::Draft,
            search_text: String::new(),
            name_sort_key: String::new(),
            created_at: now,
            updated_at: now,
            version: 1,
            fee_table: None,
        };
        row.set(draft);
        row
    }

    /// Writes a validated draft into the row, with the derived search and sort keys.
    fn set(&mut self, draft: ServiceDraft) {
        let target_groups: Vec<&str> = draft.target_groups.iter().map(AsRef::as_ref).collect();
        let (fee_kind, fee_amount, fee_description, fee_table) = match draft.fee_rule {
            FeeRule::Free => ("free", None, None, None),
            FeeRule::Fixed { amount } => ("fixed", Some(amount.grosze()), None, None),
            FeeRule::IncomeTable(table) => ("income_table", None, None, Some(json_text(&table))),
            FeeRule::NeedsReview { description } => ("needs_review", None, Some(description), None),
        };
        self.search_text = text::fold(&format!("{} {} {}", draft.code, draft.name, draft.description));
        self.name_sort_key = text::polish_sort_key(&draft.name);
        self.code = draft.code;
        self.name = draft.name;
        self.description = draft.description;
        self.area = draft.area;
        self.target_groups = serde_json::to_string(&target_groups).unwrap_or_else(|_| "[]".to_owned());
        self.delivery_mode = draft.delivery_mode;
        self.unit = draft.unit;
        self.unit_cost = draft.unit_cost.map(Money::grosze);
        self.fee_kind = fee_kind.to_owned();
        self.fee_amount = fee_amount;
        self.fee_description = fee_description;
        self.fee_table = fee_table;
        self.eligibility = draft.eligibility;
        self.delivered_by = draft.delivered_by;
    }

    /// Marks a change: new version and timestamp.
    pub fn etag(&self) -> String {
        etag(self.version)
    }

    /// The fee rule as stored in its columns (`needs_review`: migrated from free text).
    pub fn fee_rule(&self) -> ApiResult<FeeRule> {
        Ok(match self.fee_kind.as_str() {
            "free" => FeeRule::Free,
            "fixed" => FeeRule::Fixed { amount: Money::from_grosze(self.fee_amount.unwrap_or_default()) },
            "income_table" => {
                FeeRule::IncomeTable(from_json_text(self.fee_table.as_deref().unwrap_or_default(), "fee table")?)
            }
            "needs_review" => FeeRule::NeedsReview { description: self.fee_description.clone().unwrap_or_default() },
            other => return Err(ApiError::internal(format!("stored fee kind '{other}' is unknown"))),
        })
    }

    /// The API representation; a stored value that no longer parses is an internal error.
    pub fn to_dto(&self) -> ApiResult<Service> {
        let fee_rule = self.fee_rule()?;
        let target_groups: Vec<String> = serde_json::from_str(&self.target_groups)
            .map_err(|err| ApiError::internal(format!("stored target groups unreadable: {err}")))?;
        Ok(Service {
            id: self.id.into(),
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            area: self.area,
            target_groups: target_groups
                .iter()
                .map(|group| parse_stored("target group", group))
                .collect::<ApiResult<_>>()?,
            delivery_mode: self.delivery_mode,
            unit: self.unit,
            unit_cost: self.unit_cost.map(Money::from_grosze),
            fee_rule,
            eligibility: self.eligibility.clone(),
            delivered_by: self.delivered_by,
            status: self.status,
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }

    /// This row's position in a sort order, for the next page's cursor.
    pub fn position(&self, sort: ServiceSortField) -> (String, String) {
        let key = match sort {
            ServiceSortField::Name => self.name_sort_key.clone(),
            ServiceSortField::Code => self.code.clone(),
            ServiceSortField::UpdatedAt => time_key(self.updated_at),
        };
        (key, self.id.to_string())
    }
}

fn parse_stored<T: std::str::FromStr>(what: &str, value: &str) -> ApiResult<T> {
    value.parse().map_err(|_| ApiError::internal(format!("stored {what} '{value}' is unknown")))
}

/// The public catalogue's hottest read.
pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<ServiceRow> {
    let id = Id::from(id);
    crate::on_backend!(conn, |c| services::table.find(&id).select(ServiceRow::as_select()).first(c).optional())?
        .ok_or(NOT_FOUND)
}

/// 409 naming the existing entry when another one already has this code.
fn ensure_code_free(conn: &mut DbConnection, code: &str, except_id: Option<&str>) -> ApiResult<()> {
    let existing: Option<String> = services::table
        .filter(services::code.eq(code))
        .filter(services::id.ne(except_id.unwrap_or_default()))
        .select(services::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(existing_id) => {
            Err(ApiError::conflict("duplicate-code", format!("another service already has the code {code}"))
                .with("existing_id", existing_id))
        }
        None => Ok(()),
    }
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: ServiceDraft) -> ApiResult<ServiceRow> {
    ensure_code_free(conn, &draft.code, None)?;
    let row = ServiceRow::new(id, draft);
    diesel::insert_into(services::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Loads the row and checks the client's `If-Match` against it (412 with the current tag).
fn find_matching(conn: &mut DbConnection, id: Uuid, if_match: &crate::http::extract::IfMatch) -> ApiResult<ServiceRow> {
    let row = find(conn, id)?;
    if_match.require(row.etag())?;
    Ok(row)
}

/// Saves a changed row only if nobody changed it since it was read: no lost updates, even when
/// two replicas handle two PATCHes at once.
fn save(conn: &mut DbConnection, row: ServiceRow) -> ApiResult<ServiceRow> {
    crate::save_versioned!(conn, services, row, NOT_FOUND)
}

/// Applies a change computed from the current entry (a merge patch) under `If-Match`.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &crate::http::extract::IfMatch,
    change: impl FnOnce(&Service) -> ApiResult<ServiceDraft>,
) -> ApiResult<ServiceRow> {
    let mut row = find_matching(conn, id, if_match)?;
    let draft = change(&row.to_dto()?)?;
    if draft.code != row.code {
        ensure_code_free(conn, &draft.code, Some(&row.id.to_string()))?;
    }
    row.set(draft);
    save(conn, row)
}

pub fn transition(conn: &mut DbConnection, id: Uuid, action: ServiceAction) -> ApiResult<ServiceRow> {
    let mut row = find(conn, id)?;
    row.status = row.status.transition(action)?;
    save(conn, row)
}

/// Deletes a draft; anything else is kept for history and must be retired instead.
pub fn delete_draft(conn: &mut DbConnection, id: Uuid, if_match: &crate::http::extract::IfMatch) -> ApiResult<()> {
    let row = find_matching(conn, id, if_match)?;
    let status = row.status;
    if status != ServiceStatus::Draft {
        return Err(ApiError::conflict(
            "not-a-draft",
            format!("only draft services can be deleted; this one is {}: retire it instead", status.as_ref()),
        )
        .with("current_status", status.as_ref())
        .with("allowed_actions", status.allowed_actions().iter().map(AsRef::as_ref).collect::<Vec<_>>()));
    }
    diesel::delete(services::table.find(&row.id).filter(services::version.eq(row.version))).execute(conn)?;
    Ok(())
}

/// One page (plus one row, to tell whether another page follows) of the filtered catalogue.
pub fn list(
    conn: &mut DbConnection,
    filter: &ServiceListQuery,
    visible: &[ServiceStatus],
    sort: Sort<ServiceSortField>,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<ServiceRow>> {
    let mut query =
        services::table.select(ServiceRow::as_select()).filter(services::status.eq_any(visible)).into_boxed();
    if let Some(area) = filter.area {
        query = query.filter(services::area.eq(area));
    }
    if let Some(status) = filter.status {
        query = query.filter(services::status.eq(status));
    }
    if let Some(group) = filter.target_group {
        // target_groups is a JSON array of codes; a quoted code matches one element exactly.
        query = query.filter(services::target_groups.like(format!("%\"{}\"%", group.as_ref())));
    }
    if let Some(mode) = filter.delivery_mode {
        query = query.filter(services::delivery_mode.eq(mode));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(services::updated_at.ge(since.naive_utc()));
    }
    if let Some(q) = filter.q.as_deref() {
        query = query.filter(services::search_text.like(text::like_contains(&text::fold(q.trim()))).escape('\\'));
    }
    let cursor_id = cursor.map(|c| c.id.clone());
    let query = match sort.field {
        ServiceSortField::Name => {
            crate::keyset!(
                query,
                services::name_sort_key,
                services::id,
                cursor.map(|c| c.key.clone()),
                cursor_id,
                sort.descending
            )
        }
        ServiceSortField::Code => {
            crate::keyset!(
                query,
                services::code,
                services::id,
                cursor.map(|c| c.key.clone()),
                cursor_id,
                sort.descending
            )
        }
        ServiceSortField::UpdatedAt => {
            let key = cursor.map(Cursor::time_key).transpose()?;
            crate::keyset!(query, services::updated_at, services::id, key, cursor_id, sort.descending)
        }
    };
    Ok(query.limit(i64::from(limit) + 1).load(conn)?)
}

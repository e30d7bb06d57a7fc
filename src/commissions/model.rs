//! Commission queries and the rules that need the database.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use super::dto::{
    Agreement, Annex, Commission, CommissionAction, CommissionDraft, CommissionInput, CommissionListQuery,
    CommissionMode, CommissionStatus, CompetitionForm, ExpectedResult, OwnContribution, Reporting, ReportingSchedule,
    SmallGrantOffer, TaskScope, Tranche, FINAL_REPORT_DAYS, OFFER_PUBLICATION_DAYS, SMALL_GRANT_BUDGET_SHARE_PERCENT,
    SMALL_GRANT_YEARLY_MAX,
};
use super::reservation::{self, ReservationRow};
use crate::clock;
use crate::db::schema::{commission_annexes, commissions, providers, services};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::parse_date;
use crate::domain::{text, Money, Period};
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::Cursor;
use crate::services::dto::ServiceUnit;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = commissions, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct CommissionRow {
    pub id: Id,
    pub reference: String,
    pub title: String,
    pub service_id: Id,
    pub provider_id: Id,
    pub mode: CommissionMode,
    pub form: Option<CompetitionForm>,
    pub agreement_number: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub amount: i64,
    pub tranches: String,
    pub own_financial: i64,
    pub own_non_financial: i64,
    pub planned_units: i64,
    pub unit: ServiceUnit,
    pub planned_recipients: i64,
    pub expected_results: String,
    pub reporting_schedule: ReportingSchedule,
    pub reporting_due_days: i32,
    pub status: CommissionStatus,
    pub termination_reason: Option<String>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub task_scope: Option<TaskScope>,
    pub offer_published_on: Option<NaiveDate>,
    pub offer_remarks: Option<String>,
    /// When the agreement took effect; the yearly small-grant limits count only activated grants.
    pub activated_on: Option<NaiveDate>,
    /// The day it was suspended or terminated: reports are accepted for the period up to it, and a
    /// terminated grant transferred its funds up to it.
    pub halted_on: Option<NaiveDate>,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "commission" };

fn stored(what: &str) -> ApiError {
    ApiError::internal(format!("stored commission {what} is unreadable"))
}

impl CommissionRow {
    fn new(id: Uuid, draft: CommissionDraft) -> Self {
        let now = clock::now();
        let mut row = CommissionRow {
            id: id.into(),
            reference: String::new(),
            title: String::new(),
            service_id: draft.service_id.into(),
            provider_id: draft.provider_id.into(),
            mode: draft.mode,
            form: None,
            agreement_number: None,
            agreement_signed_on: None,
            period_start: draft.period_start,
            period_end: draft.period_end,
            amount: 0,
            tranches: String::new(),
            own_financial: 0,
            own_non_financial: 0,
            planned_units: 0,
            unit: draft.unit,
            planned_recipients: 0,
            expected_results: String::new(),
            reporting_schedule: draft.schedule,
            reporting_due_days: 0,
            status: CommissionStatus::Draft,
            termination_reason: None,
            search_text: String::new(),
            created_at: now,
            updated_at: now,
            version: 1,
            task_scope: None,
            offer_published_on: None,
            offer_remarks: None,
            activated_on: None,
            halted_on: None,
        };
        row.set(draft);
        row
    }

    fn set(&mut self, draft: CommissionDraft) {
        let tranches: Vec<Value> = draft
            .tranches
            .iter()
            .map(|(date, amount)| json!({"date": date.to_string(), "amount": amount.to_string()}))
            .collect();
        let results: Vec<Value> = draft
            .expected_results
            .iter()
            .map(|(indicator, unit, planned)| json!({"indicator": indicator, "unit": unit, "planned_value": planned}))
            .collect();
        self.search_text = text::fold(&format!("{} {}", draft.reference, draft.title));
        self.reference = draft.reference;
        self.title = draft.title;
        self.service_id = draft.service_id.into();
        self.provider_id = draft.provider_id.into();
        self.mode = draft.mode;
        self.form = draft.form;
        self.agreement_number = draft.agreement_number;
        self.agreement_signed_on = draft.agreement_signed_on;
        self.period_start = draft.period_start;
        self.period_end = draft.period_end;
        self.amount = draft.amount.grosze();
        self.tranches = Value::Array(tranches).to_string();
        self.own_financial = draft.own_financial.grosze();
        self.own_non_financial = draft.own_non_financial.grosze();
        self.planned_units = draft.planned_units;
        self.unit = draft.unit;
        self.planned_recipients = draft.planned_recipients;
        self.expected_results = Value::Array(results).to_string();
        self.reporting_schedule = draft.schedule;
        self.reporting_due_days = draft.due_days;
        self.task_scope = draft.task_scope;
        self.offer_published_on = draft.offer_published_on;
        self.offer_remarks = draft.offer_remarks;
    }

    pub fn etag(&self) -> String {
        etag(self.version)
    }

    /// Days after the task ends when the final report is due: 30 for the public benefit act modes
    /// (art. 18 ust. 1, not the agreement's to change), the agreement's `due_days` for the others.
    pub fn final_due_days(&self) -> i32 {
        if self.mode.under_public_benefit_act() {
            FINAL_REPORT_DAYS
        } else {
            self.reporting_due_days
        }
    }

    pub fn amount(&self) -> Money {
        Money::from_grosze(self.amount)
    }

    /// The indicators of the expected results, which reports must refer to.
    pub fn indicators(&self) -> Vec<String> {
        serde_json::from_str::<Vec<ExpectedResult>>(&self.expected_results)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|result| result.indicator)
            .collect()
    }

    fn to_dto(&self, reservation: Option<&ReservationRow>) -> ApiResult<Commission> {
        Ok(Commission {
            id: self.id.into(),
            reference: self.reference.clone(),
            title: self.title.clone(),
            service_id: self.service_id.into(),
            provider_id: self.provider_id.into(),
            mode: self.mode,
            form: self.form,
            agreement: Agreement {
                number: self.agreement_number.clone(),
                signed_on: self.agreement_signed_on.map(|date| date.to_string()),
            },
            period: Period { start: Some(self.period_start.to_string()), end: Some(self.period_end.to_string()) },
            amount: self.amount(),
            tranches: serde_json::from_str(&self.tranches).map_err(|_| stored("tranches"))?,
            own_contribution: OwnContribution {
                financial: Some(Money::from_grosze(self.own_financial).to_string()),
                non_financial: Some(Money::from_grosze(self.own_non_financial).to_string()),
            },
            planned_units: self.planned_units,
            unit: self.unit,
            planned_recipients: self.planned_recipients,
            expected_results: serde_json::from_str(&self.expected_results).map_err(|_| stored("expected results"))?,
            reporting: Reporting {
                schedule: Some(self.reporting_schedule.as_ref().to_owned()),
                due_days: Some(self.reporting_due_days),
            },
            task_scope: self.task_scope,
            offer: self.offer_published_on.map(|published_on| SmallGrantOffer {
                published_on: Some(published_on.to_string()),
                remarks: self.offer_remarks.clone(),
            }),
            reservation: reservation.map(ReservationRow::to_dto),
            status: self.status,
            termination_reason: self.termination_reason.clone(),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }
}

/// A commission with its reservation (*zamówienie zastrzeżone*, Pzp art. 361), which has a table
/// of its own: what the API shows and what a change starts from.
#[derive(Debug, Clone)]
pub struct CommissionRecord {
    pub row: CommissionRow,
    pub reservation: Option<ReservationRow>,
}

impl CommissionRecord {
    fn new(id: Uuid, draft: CommissionDraft) -> Self {
        let reservation = draft.reserved.then(|| ReservationRow::new(id.into()));
        CommissionRecord { row: CommissionRow::new(id, draft), reservation }
    }

    fn load(conn: &mut DbConnection, row: CommissionRow) -> ApiResult<Self> {
        let reservation = reservation::of(conn, &row.id)?;
        Ok(CommissionRecord { row, reservation })
    }

    /// Takes validated terms; a reservation that stays keeps its record.
    fn set(&mut self, draft: CommissionDraft) {
        if !draft.reserved {
            self.reservation = None;
        } else if self.reservation.is_none() {
            self.reservation = Some(ReservationRow::new(self.row.id));
        }
        self.row.set(draft);
    }

    pub fn etag(&self) -> String {
        self.row.etag()
    }

    pub fn to_dto(&self) -> ApiResult<Commission> {
        self.row.to_dto(self.reservation.as_ref())
    }

    /// The financial terms an annex may change, as the API shows them.
    fn financial_terms(&self) -> ApiResult<Value> {
        let dto = self.to_dto()?;
        Ok(json!({
            "amount": dto.amount,
            "period": dto.period,
            "tranches": dto.tranches,
            "own_contribution": dto.own_contribution,
        }))
    }
}

/// Which commissions a caller may see: a provider only its own.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub provider: Option<Uuid>,
}

pub fn find(conn: &mut DbConnection, scope: Scope, id: Uuid) -> ApiResult<CommissionRow> {
    let mut query = commissions::table.filter(commissions::id.eq(Id::from(id))).into_boxed();
    if let Some(provider) = scope.provider {
        query = query.filter(commissions::provider_id.eq(Id::from(provider)));
    }
    query.select(CommissionRow::as_select()).first(conn).optional()?.ok_or(NOT_FOUND)
}

/// The commission with its reservation.
pub fn find_record(conn: &mut DbConnection, scope: Scope, id: Uuid) -> ApiResult<CommissionRecord> {
    let row = find(conn, scope, id)?;
    CommissionRecord::load(conn, row)
}

/// The commission, locked until the transaction ends, so that concurrent report submissions and
/// corrections of one commission are checked one after the other (overlaps, the grant total).
/// PostgreSQL locks the row with `FOR UPDATE`, which diesel's common subset lacks; SQLite's write
/// transactions (`BEGIN IMMEDIATE`) already run one at a time.
pub fn find_locked(conn: &mut DbConnection, scope: Scope, id: Uuid) -> ApiResult<CommissionRow> {
    let id = Id::from(id);
    let row = match conn {
        DbConnection::Pg(c) => {
            commissions::table.find(&id).select(CommissionRow::as_select()).for_update().first(c).optional()
        }
        DbConnection::Sqlite(c) => commissions::table.find(&id).select(CommissionRow::as_select()).first(c).optional(),
    }?;
    row.filter(|row| scope.provider.is_none_or(|provider| row.provider_id == provider.into())).ok_or(NOT_FOUND)
}

/// References to the catalogue and the registry must exist, and the unit must be the service's.
fn check_references(conn: &mut DbConnection, row: &CommissionRow) -> ApiResult<()> {
    let mut errors = crate::validation::FieldErrors::new();
    let service_unit: Option<String> =
        services::table.find(&row.service_id).select(services::unit).first(conn).optional()?;
    match service_unit {
        None => errors.add("service_id", "unknown", "no catalogue service has this id"),
        Some(unit) if unit != row.unit.as_ref() => errors.add(
            "unit",
            "unit_mismatch",
            format!("the catalogue service is measured in {unit}, so must the commission be"),
        ),
        Some(_) => {}
    }
    let provider_exists: i64 = providers::table.filter(providers::id.eq(&row.provider_id)).count().get_result(conn)?;
    if provider_exists == 0 {
        errors.add("provider_id", "unknown", "no provider has this id");
    }
    errors.finish(|| Some(()))
}

fn ensure_reference_free(conn: &mut DbConnection, row: &CommissionRow) -> ApiResult<()> {
    let existing: Option<String> = commissions::table
        .filter(commissions::reference.eq(&row.reference))
        .filter(commissions::id.ne(&row.id))
        .select(commissions::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(existing_id) => Err(ApiError::conflict(
            "duplicate-reference",
            format!("another commission has the reference {}", row.reference),
        )
        .with("existing_id", existing_id)),
        None => Ok(()),
    }
}

/// Pzp art. 361 ust. 1 pkt 4, for a reserved commission (see `reservation::ensure_no_recent_award`).
fn check_reserved_award(conn: &mut DbConnection, record: &CommissionRecord) -> ApiResult<()> {
    if record.reservation.is_none() {
        return Ok(());
    }
    let row = &record.row;
    reservation::ensure_no_recent_award(conn, &row.id, &row.provider_id, &row.service_id, row.period_start)
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: CommissionDraft) -> ApiResult<CommissionRecord> {
    let record = CommissionRecord::new(id, draft);
    let row = &record.row;
    check_references(conn, row)?;
    super::eligibility::ensure_may_receive(conn, row.provider_id.into(), row.mode)?;
    check_reserved_award(conn, &record)?;
    ensure_reference_free(conn, row)?;
    diesel::insert_into(commissions::table).values(row).execute(conn)?;
    reservation::store(conn, &row.id, None, record.reservation.as_ref())?;
    Ok(record)
}

fn save(conn: &mut DbConnection, row: CommissionRow) -> ApiResult<CommissionRow> {
    crate::save_versioned!(conn, commissions, row, NOT_FOUND)
}

/// Terms fixed once the agreement is signed (whether it is a reserved contract among them: its
/// conditions were checked when it was awarded).
const FIXED_AFTER_SIGNING: [&str; 5] = ["provider_id", "service_id", "mode", "form", "reservation"];
/// Terms of a signed commission that change only by annex.
pub const FINANCIAL_TERMS: [&str; 4] = ["amount", "period", "tranches", "own_contribution"];

/// A signed commission keeps its parties and mode (409 `terms-fixed`) and changes its financial
/// terms only through an annex (409 `financial-terms-locked`). Checked on the patched input,
/// before validation, so that the client learns the rule rather than a side effect of it.
pub fn ensure_signed_terms_kept(current: &Commission, patched: &CommissionInput) -> ApiResult<()> {
    if current.status == CommissionStatus::Draft {
        return Ok(());
    }
    let (before, after) =
        (serde_json::to_value(current).unwrap_or_default(), serde_json::to_value(patched).unwrap_or_default());
    let changed = |fields: &[&'static str]| -> Vec<&'static str> {
        fields.iter().copied().filter(|field| before[*field] != after[*field]).collect()
    };
    let fixed = changed(&FIXED_AFTER_SIGNING);
    if !fixed.is_empty() {
        return Err(ApiError::conflict(
            "terms-fixed",
            "the parties, service, mode, form and reservation of a signed commission cannot change",
        )
        .with("fields", fixed));
    }
    let financial = changed(&FINANCIAL_TERMS);
    if !financial.is_empty() {
        return Err(ApiError::conflict(
            "financial-terms-locked",
            "the financial terms of a signed commission change only through an annex: POST /api/v1/commissions/{id}/annexes",
        )
        .with("fields", financial));
    }
    Ok(())
}

/// Applies a merge patch (see `ensure_signed_terms_kept` for what a signed commission keeps).
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    change: impl FnOnce(&Commission) -> ApiResult<CommissionDraft>,
) -> ApiResult<CommissionRecord> {
    let mut record = find_record(conn, Scope { provider: None }, id)?;
    if_match.require(record.etag())?;
    let status = record.row.status;
    if matches!(status, CommissionStatus::Completed | CommissionStatus::Terminated) {
        return Err(ApiError::conflict("commission-closed", format!("a {} commission cannot change", status.as_ref()))
            .with("current_status", status.as_ref()));
    }
    let before = record.reservation.clone();
    record.set(change(&record.to_dto()?)?);
    check_references(conn, &record.row)?;
    ensure_reference_free(conn, &record.row)?;
    let row = save(conn, record.row)?;
    reservation::store(conn, &row.id, before.as_ref(), record.reservation.as_ref())?;
    Ok(CommissionRecord { row, reservation: record.reservation })
}

/// The tranches of a commission, by date.
fn tranches_of(row: &CommissionRow) -> ApiResult<Vec<(NaiveDate, Money)>> {
    let tranches: Vec<Tranche> = serde_json::from_str(&row.tranches).map_err(|_| stored("tranches"))?;
    tranches
        .into_iter()
        .map(|tranche| {
            let date = tranche.date.as_deref().and_then(|d| parse_date(d).ok());
            let amount = tranche.amount.as_deref().and_then(|a| Money::parse(a).ok());
            date.zip(amount).ok_or_else(|| stored("tranches"))
        })
        .collect()
}

/// Grosze transferred per calendar year by this commission's tranches.
fn transferred_by_year(row: &CommissionRow) -> ApiResult<BTreeMap<i32, i64>> {
    let mut years = BTreeMap::new();
    for (date, amount) in tranches_of(row)? {
        let terminated_on = row.halted_on.filter(|_| row.status == CommissionStatus::Terminated);
        if terminated_on.is_none_or(|terminated| date <= terminated) {
            *years.entry(date.year()).or_insert(0) += amount.grosze();
        }
    }
    Ok(years)
}

/// Grosze transferred per calendar year by the other small grants that were activated (to one
/// provider, or to all): the tranches by their dates, a terminated grant's up to its termination.
fn small_grants_transferred(
    conn: &mut DbConnection,
    row: &CommissionRow,
    provider: Option<&Id>,
) -> ApiResult<BTreeMap<i32, i64>> {
    let mut query = commissions::table
        .filter(commissions::mode.eq(CommissionMode::SmallGrant.as_ref()))
        .filter(commissions::activated_on.is_not_null())
        .filter(commissions::id.ne(&row.id))
        .select(CommissionRow::as_select())
        .into_boxed();
    if let Some(provider) = provider {
        query = query.filter(commissions::provider_id.eq(provider));
    }
    let mut years = BTreeMap::new();
    for other in query.load(conn)? {
        for (year, grosze) in transferred_by_year(&other)? {
            *years.entry(year).or_insert(0) += grosze;
        }
    }
    Ok(years)
}

/// Art. 19a ust. 2 and 6: the funds transferred to one provider by small grants in a calendar year
/// total at most 20,000.00 PLN, and all small grants of a budget year at most 20% of the grants
/// the centre planned that year for NGOs.
fn check_small_grant_limits(conn: &mut DbConnection, row: &CommissionRow) -> ApiResult<()> {
    if row.mode != CommissionMode::SmallGrant {
        return Ok(());
    }
    let own = transferred_by_year(row)?;
    let mut planned = BTreeMap::new();
    for year in own.keys() {
        let Some(figure) = crate::settings::model::planned_ngo_grants_locked(conn, *year)? else {
            return Err(ApiError::conflict(
                "grant-year-not-planned",
                format!(
                    "the grants planned for NGOs in {year} are not recorded, so the 20% share of small grants (public benefit act art. 19a ust. 6) cannot be checked: PUT /api/v1/settings/grant-years/{year}"
                ),
            )
            .with("year", *year));
        };
        planned.insert(*year, figure);
    }
    let to_provider = small_grants_transferred(conn, row, Some(&row.provider_id))?;
    for (year, grosze) in &own {
        let used = Money::from_grosze(to_provider.get(year).copied().unwrap_or(0));
        if used.grosze() + grosze > SMALL_GRANT_YEARLY_MAX.grosze() {
            return Err(ApiError::conflict(
                "small-grant-yearly-limit",
                format!(
                    "small grants may transfer at most {SMALL_GRANT_YEARLY_MAX} PLN to one provider in a calendar year (public benefit act art. 19a ust. 2); {used} PLN is already transferred or due in {year}"
                ),
            )
            .with("year", *year)
            .with("committed", used.to_string())
            .with("limit", SMALL_GRANT_YEARLY_MAX.to_string()));
        }
    }
    let to_all = small_grants_transferred(conn, row, None)?;
    for (year, grosze) in &own {
        let limit = Money::from_grosze(planned[year].grosze() * SMALL_GRANT_BUDGET_SHARE_PERCENT / 100);
        let total = to_all.get(year).copied().unwrap_or(0) + grosze;
        if total > limit.grosze() {
            let excess = Money::from_grosze(total - limit.grosze());
            return Err(ApiError::conflict(
                "small-grant-budget-share",
                format!(
                    "small grants of {year} would total more than 20% of the grants planned that year for NGOs ({limit} PLN; public benefit act art. 19a ust. 6), by {excess} PLN"
                ),
            )
            .with("year", *year)
            .with("limit", limit.to_string())
            .with("excess", excess.to_string()));
        }
    }
    Ok(())
}

/// Art. 19a ust. 5: a small grant's agreement takes effect only after its offer was public for 7 days.
fn check_offer_published(row: &CommissionRow) -> ApiResult<()> {
    let Some(published_on) = row.offer_published_on.filter(|_| row.mode == CommissionMode::SmallGrant) else {
        return Ok(());
    };
    let earliest = published_on + Duration::days(OFFER_PUBLICATION_DAYS);
    if clock::today() < earliest {
        return Err(ApiError::conflict(
            "offer-publication-running",
            format!(
                "a small grant's offer is public for 7 days before the agreement is signed (public benefit act art. 19a ust. 5): activate on or after {earliest}"
            ),
        )
        .with("earliest", earliest.to_string()));
    }
    Ok(())
}

/// Activation (signing): the agreement is recorded, the provider and the service are active, the
/// provider offers the service and may receive the mode (and a reserved contract, Pzp art. 361
/// ust. 1 pkt 4), and small grants stay within the yearly limit.
fn check_activation(conn: &mut DbConnection, record: &CommissionRecord) -> ApiResult<()> {
    let row = &record.row;
    if row.agreement_number.is_none() || row.agreement_signed_on.is_none() {
        return Err(ApiError::conflict(
            "agreement-missing",
            "record the agreement number and signing date before activating",
        ));
    }
    let provider_status: String = providers::table.find(&row.provider_id).select(providers::status).first(conn)?;
    if provider_status != "active" {
        return Err(ApiError::conflict(
            "provider-not-active",
            format!("the provider is {provider_status}, not active"),
        )
        .with("provider_status", provider_status));
    }
    let service_status: String = services::table.find(&row.service_id).select(services::status).first(conn)?;
    if service_status != "active" {
        return Err(ApiError::conflict(
            "service-not-active",
            format!("the catalogue service is {service_status}, not active"),
        )
        .with("service_status", service_status));
    }
    if !crate::providers::offers::model::offers_service(conn, row.provider_id.into(), row.service_id.into())? {
        return Err(ApiError::conflict(
            "service-not-offered",
            "the provider does not offer this service: add it to its offers first",
        ));
    }
    super::eligibility::ensure_may_receive(conn, row.provider_id.into(), row.mode)?;
    check_reserved_award(conn, record)?;
    check_offer_published(row)?;
    check_small_grant_limits(conn, row)
}

pub fn transition(
    conn: &mut DbConnection,
    id: Uuid,
    action: CommissionAction,
    reason: Option<String>,
) -> ApiResult<CommissionRecord> {
    let mut record = find_record(conn, Scope { provider: None }, id)?;
    let next = record.row.status.transition(action)?;
    let today = clock::today();
    match action {
        CommissionAction::Activate => {
            check_activation(conn, &record)?;
            record.row.activated_on = Some(today);
        }
        CommissionAction::Suspend => record.row.halted_on = Some(today),
        CommissionAction::Resume => record.row.halted_on = None,
        CommissionAction::Complete => {}
        CommissionAction::Terminate => {
            record.row.termination_reason = reason;
            record.row.halted_on = record.row.halted_on.or(Some(today));
        }
    }
    record.row.status = next;
    let row = save(conn, record.row)?;
    Ok(CommissionRecord { row, reservation: record.reservation })
}

/// Applies an annex: the new financial terms are validated as a whole, with the yearly small-grant
/// limit, and the change is kept with its reason.
pub fn annex(
    conn: &mut DbConnection,
    id: Uuid,
    annex_id: Uuid,
    author: &str,
    reason: String,
    change: impl FnOnce(&Commission) -> ApiResult<CommissionDraft>,
) -> ApiResult<(CommissionRow, Annex)> {
    let mut record = find_record(conn, Scope { provider: None }, id)?;
    let status = record.row.status;
    if !matches!(status, CommissionStatus::Active | CommissionStatus::Suspended) {
        return Err(ApiError::conflict(
            "annex-not-allowed",
            format!("a {} commission takes no annex; edit a draft directly", status.as_ref()),
        )
        .with("current_status", status.as_ref()));
    }
    let before = record.financial_terms()?;
    record.set(change(&record.to_dto()?)?);
    let after = record.financial_terms()?;
    let mut changes = serde_json::Map::new();
    for field in FINANCIAL_TERMS {
        if before[field] != after[field] {
            changes.insert(field.to_owned(), json!({"before": before[field], "after": after[field]}));
        }
    }
    if changes.is_empty() {
        return Err(ApiError::Validation(vec![crate::error::FieldError::new(
            "amount",
            "no_change",
            "the annex changes no term",
        )]));
    }
    check_small_grant_limits(conn, &record.row)?;
    let row = save(conn, record.row)?;
    let now = clock::now();
    let changes = Value::Object(changes);
    diesel::insert_into(commission_annexes::table)
        .values((
            commission_annexes::id.eq(Id::from(annex_id)),
            commission_annexes::commission_id.eq(&row.id),
            commission_annexes::reason.eq(&reason),
            commission_annexes::changes.eq(changes.to_string()),
            commission_annexes::created_by.eq(author),
            commission_annexes::created_at.eq(now),
        ))
        .execute(conn)?;
    let annex = Annex {
        id: annex_id,
        commission_id: row.id.into(),
        reason,
        changes,
        created_by: author.to_owned(),
        created_at: clock::utc(now),
    };
    Ok((row, annex))
}

pub fn annexes(conn: &mut DbConnection, commission_id: Uuid) -> ApiResult<Vec<Annex>> {
    let rows: Vec<(Id, String, String, String, NaiveDateTime)> = commission_annexes::table
        .filter(commission_annexes::commission_id.eq(Id::from(commission_id)))
        .order(commission_annexes::id.asc())
        .select((
            commission_annexes::id,
            commission_annexes::reason,
            commission_annexes::changes,
            commission_annexes::created_by,
            commission_annexes::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, reason, changes, created_by, created_at)| {
            Ok(Annex {
                id: id.into(),
                commission_id,
                reason,
                changes: serde_json::from_str(&changes).map_err(|_| stored("annex"))?,
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
    scope: Scope,
    filter: &CommissionListQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<CommissionRecord>> {
    let mut query = commissions::table.select(CommissionRow::as_select()).into_boxed();
    if let Some(provider) = scope.provider {
        query = query.filter(commissions::provider_id.eq(Id::from(provider)));
    }
    if let Some(status) = filter.status {
        query = query.filter(commissions::status.eq(status));
    }
    if let Some(mode) = filter.mode {
        query = query.filter(commissions::mode.eq(mode));
    }
    if let Some(provider) = filter.provider_id {
        query = query.filter(commissions::provider_id.eq(Id::from(provider)));
    }
    if let Some(service) = filter.service_id {
        query = query.filter(commissions::service_id.eq(Id::from(service)));
    }
    if let Some(day) = filter.active_on {
        query = query.filter(commissions::period_start.le(day)).filter(commissions::period_end.ge(day));
    }
    if let Some(q) = filter.q.as_deref() {
        query = query.filter(commissions::search_text.like(text::like_contains(&text::fold(q.trim()))).escape('\\'));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(commissions::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(commissions::id.lt(cursor.id.clone()));
    }
    let rows: Vec<CommissionRow> = query.order(commissions::id.desc()).limit(i64::from(limit) + 1).load(conn)?;
    let mut reservations = reservation::of_each(conn, rows.iter().map(|row| row.id).collect())?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let reservation = reservations.remove(&row.id);
            CommissionRecord { row, reservation }
        })
        .collect())
}

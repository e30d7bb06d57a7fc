//! Report storage: a report and every version submitted, never overwritten or deleted.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    CommissionSummary, Figures, GrantFigures, OwnContributionFigures, Report, ReportAction, ReportCounts, ReportDraft,
    ReportInput, ReportKind, ReportListQuery, ReportStatus, ReportTemplate, ReportVersion, Review, ReviewComment,
};
use super::schedule;
use crate::clock;
use crate::commissions::dto::CommissionStatus;
use crate::commissions::model::{self as commissions_model, CommissionRow, Scope};
use crate::db::schema::{report_versions, reports};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::Money;
use crate::domain::Period;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::etag::etag;
use crate::http::pagination::Cursor;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = reports, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ReportRow {
    pub id: Id,
    pub commission_id: Id,
    pub provider_id: Id,
    pub kind: ReportKind,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: ReportStatus,
    pub current_version: i32,
    pub due_on: NaiveDate,
    pub first_submitted_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub template: ReportTemplate,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = report_versions, treat_none_as_default_value = false)]
pub struct VersionRow {
    pub id: Id,
    pub report_id: Id,
    pub number: i32,
    pub content: String,
    pub units_delivered: i64,
    pub recipients_total: i64,
    pub grant_used: i64,
    pub own_financial: i64,
    pub own_non_financial: i64,
    pub submitted_by: String,
    pub submitted_at: NaiveDateTime,
    pub review_outcome: Option<ReportStatus>,
    pub review_comments: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
}

const NOT_FOUND: ApiError = ApiError::NotFound { resource: "report" };

fn stored(what: &str) -> ApiError {
    ApiError::internal(format!("stored report {what} is unreadable"))
}

fn today() -> NaiveDate {
    clock::today()
}

impl ReportRow {
    pub fn etag(&self) -> String {
        etag(self.version)
    }

    pub fn to_dto(&self, current: &VersionRow) -> ApiResult<Report> {
        let status = self.status;
        Ok(Report {
            id: self.id.into(),
            commission_id: self.commission_id.into(),
            provider_id: self.provider_id.into(),
            kind: self.kind,
            template: self.template,
            period: Period { start: Some(self.period_start.to_string()), end: Some(self.period_end.to_string()) },
            status,
            current_version: self.current_version,
            due_on: self.due_on,
            overdue: status != ReportStatus::Accepted && today() > self.due_on,
            submitted_late: self.first_submitted_at.date() > self.due_on,
            days_late: (self.first_submitted_at.date() - self.due_on).num_days().max(0),
            first_submitted_at: clock::utc(self.first_submitted_at),
            accepted_at: self.accepted_at.map(clock::utc),
            content: serde_json::from_str(&current.content).map_err(|_| stored("content"))?,
            review: current.review()?,
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }
}

impl VersionRow {
    fn review(&self) -> ApiResult<Option<Review>> {
        let (Some(outcome), Some(reviewed_by), Some(reviewed_at)) =
            (self.review_outcome, &self.reviewed_by, self.reviewed_at)
        else {
            return Ok(None);
        };
        let comments: Vec<ReviewComment> = self
            .review_comments
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| stored("review"))?
            .unwrap_or_default();
        Ok(Some(Review {
            outcome: outcome.as_ref().to_owned(),
            comments,
            reviewed_by: reviewed_by.clone(),
            reviewed_at: clock::utc(reviewed_at),
        }))
    }

    pub fn to_dto(&self) -> ApiResult<ReportVersion> {
        Ok(ReportVersion {
            number: self.number,
            content: serde_json::from_str(&self.content).map_err(|_| stored("content"))?,
            submitted_by: self.submitted_by.clone(),
            submitted_at: clock::utc(self.submitted_at),
            review: self.review()?,
        })
    }
}

/// Another report of the same commission, as the submission rules need it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports)]
struct OtherReport {
    id: Id,
    kind: ReportKind,
    period_start: NaiveDate,
    period_end: NaiveDate,
    #[diesel(select_expression = report_versions::grant_used, select_expression_type = report_versions::grant_used)]
    grant_used: i64,
}

/// The rules a submission or correction must satisfy against its commission and other reports.
fn check_against_commission(
    conn: &mut DbConnection,
    commission: &CommissionRow,
    draft: &ReportDraft,
    report_id: Id,
) -> ApiResult<()> {
    let status = commission.status;
    if status == CommissionStatus::Draft {
        return Err(ApiError::conflict(
            "commission-not-accepting-reports",
            "a draft commission takes no reports: its agreement is not signed yet",
        )
        .with("current_status", status.as_ref()));
    }
    let mut errors = Vec::new();
    if draft.period_start < commission.period_start || draft.period_end > commission.period_end {
        errors.push(FieldError::new(
            "period",
            "outside_commission",
            format!(
                "the report period must lie within the commission's {}..{}",
                commission.period_start, commission.period_end
            ),
        ));
    } else if let Some(halted) = commission.halted_on {
        if draft.period_end > halted {
            errors.push(FieldError::new(
                "period",
                "outside_active_period",
                format!(
                    "a {} commission is reported on for the period it was active, up to {halted} (public benefit act art. 18: the settlement of the task)",
                    status.as_ref()
                ),
            ));
        }
    }
    let indicators = commission.indicators();
    for (index, indicator) in &draft.indicators {
        if !indicators.contains(indicator) {
            errors.push(FieldError::new(
                format!("results[{index}].indicator"),
                "unknown_indicator",
                "not an expected result of the commission",
            ));
        }
    }
    // One query for both rules below: a commission has tens of reports, not thousands.
    let others: Vec<OtherReport> = reports::table
        .inner_join(report_versions::table)
        .filter(reports::commission_id.eq(&commission.id))
        .filter(report_versions::number.eq(reports::current_version))
        .filter(reports::id.ne(report_id))
        .select(OtherReport::as_select())
        .load(conn)?;
    let overlapping = others.iter().find(|other| {
        other.kind == draft.kind && other.period_start <= draft.period_end && other.period_end >= draft.period_start
    });
    if let Some(existing) = overlapping {
        return Err(ApiError::conflict(
            "overlapping-report",
            "a report of this kind already covers part of this period: correct that report instead",
        )
        .with("existing_id", existing.id.to_string()));
    }
    // A final report covers the whole task; partial and annual ones add up.
    let used_by_others: i64 = if draft.kind == ReportKind::Final {
        0
    } else {
        others.iter().filter(|other| other.kind != ReportKind::Final).map(|other| other.grant_used).sum()
    };
    if used_by_others + draft.grant.grosze() > commission.amount {
        errors.push(FieldError::new(
            "funding.grant",
            "grant_exceeded",
            format!(
                "with the grant already reported ({}) this exceeds the commission's amount {}",
                Money::from_grosze(used_by_others),
                commission.amount()
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn version_row(
    id: Uuid,
    report_id: Id,
    number: i32,
    author: &str,
    draft: &ReportDraft,
    now: NaiveDateTime,
) -> VersionRow {
    VersionRow {
        id: id.into(),
        report_id,
        number,
        content: draft.content.to_string(),
        units_delivered: draft.units_delivered,
        recipients_total: draft.recipients_total,
        grant_used: draft.grant.grosze(),
        own_financial: draft.own_financial.grosze(),
        own_non_financial: draft.own_non_financial.grosze(),
        submitted_by: author.to_owned(),
        submitted_at: now,
        review_outcome: None,
        review_comments: None,
        reviewed_by: None,
        reviewed_at: None,
    }
}

/// A provider's first submission of a report, read on the template of the commission's mode.
pub fn submit(
    conn: &mut DbConnection,
    scope: Scope,
    commission_id: Uuid,
    ids: (Uuid, Uuid),
    author: &str,
    input: ReportInput,
) -> ApiResult<(ReportRow, VersionRow)> {
    let commission = commissions_model::find_locked(conn, scope, commission_id)?;
    let template = ReportTemplate::for_mode(commission.mode);
    let draft = input.validate_draft(template)?;
    let (report_id, version_id) = ids;
    let report_id = Id::from(report_id);
    check_against_commission(conn, &commission, &draft, report_id)?;
    let now = clock::now();
    let report = ReportRow {
        id: report_id,
        commission_id: commission.id,
        provider_id: commission.provider_id,
        kind: draft.kind,
        period_start: draft.period_start,
        period_end: draft.period_end,
        status: ReportStatus::Submitted,
        current_version: 1,
        due_on: schedule::due_on(draft.kind, draft.period_end, &commission),
        first_submitted_at: now,
        accepted_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        template,
    };
    let version = version_row(version_id, report.id, 1, author, &draft, now);
    diesel::insert_into(reports::table).values(&report).execute(conn)?;
    diesel::insert_into(report_versions::table).values(&version).execute(conn)?;
    Ok((report, version))
}

fn find_row(conn: &mut DbConnection, commission_id: Uuid, report_id: Uuid) -> ApiResult<ReportRow> {
    reports::table
        .filter(reports::commission_id.eq(Id::from(commission_id)))
        .filter(reports::id.eq(Id::from(report_id)))
        .select(ReportRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)
}

fn current_version(conn: &mut DbConnection, report: &ReportRow) -> ApiResult<VersionRow> {
    Ok(report_versions::table
        .filter(report_versions::report_id.eq(&report.id))
        .filter(report_versions::number.eq(report.current_version))
        .select(VersionRow::as_select())
        .first(conn)?)
}

/// A report of a commission the caller may see, with its current version.
pub fn find(
    conn: &mut DbConnection,
    scope: Scope,
    commission_id: Uuid,
    report_id: Uuid,
) -> ApiResult<(ReportRow, VersionRow)> {
    commissions_model::find(conn, scope, commission_id)?;
    let report = find_row(conn, commission_id, report_id)?;
    let version = current_version(conn, &report)?;
    Ok((report, version))
}

pub fn versions(
    conn: &mut DbConnection,
    scope: Scope,
    commission_id: Uuid,
    report_id: Uuid,
) -> ApiResult<Vec<VersionRow>> {
    let (report, _) = find(conn, scope, commission_id, report_id)?;
    Ok(report_versions::table
        .filter(report_versions::report_id.eq(&report.id))
        .order(report_versions::number.asc())
        .select(VersionRow::as_select())
        .load(conn)?)
}

fn save(conn: &mut DbConnection, report: ReportRow) -> ApiResult<ReportRow> {
    crate::save_versioned!(conn, reports, report, NOT_FOUND)
}

/// A correction of a returned report: its next version. Kind and period stay those of the report.
pub fn correct(
    conn: &mut DbConnection,
    scope: Scope,
    commission_id: Uuid,
    report_id: Uuid,
    version_id: Uuid,
    author: &str,
    draft: ReportDraft,
) -> ApiResult<(ReportRow, VersionRow)> {
    let commission = commissions_model::find_locked(conn, scope, commission_id)?;
    let mut report = find_row(conn, commission_id, report_id)?;
    let next = report.status.transition(ReportAction::Correct)?;
    let mut errors = Vec::new();
    if draft.kind != report.kind {
        errors.push(FieldError::new(
            "kind",
            "read_only",
            format!("a correction keeps the report's kind ({})", report.kind.as_ref()),
        ));
    }
    if (draft.period_start, draft.period_end) != (report.period_start, report.period_end) {
        errors.push(FieldError::new("period", "read_only", "a correction keeps the report's period"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    check_against_commission(conn, &commission, &draft, report.id)?;
    let number = report.current_version + 1;
    let version = version_row(version_id, report.id, number, author, &draft, clock::now());
    diesel::insert_into(report_versions::table).values(&version).execute(conn)?;
    report.current_version = number;
    report.status = next;
    Ok((save(conn, report)?, version))
}

/// Accepts the current version, or returns it with comments.
pub fn review(
    conn: &mut DbConnection,
    commission_id: Uuid,
    report_id: Uuid,
    reviewer: &str,
    comments: Option<Vec<ReviewComment>>,
) -> ApiResult<(ReportRow, VersionRow)> {
    commissions_model::find(conn, Scope { provider: None }, commission_id)?;
    let mut report = find_row(conn, commission_id, report_id)?;
    let accepting = comments.is_none();
    let outcome = report.status.transition(if accepting { ReportAction::Accept } else { ReportAction::Return })?;
    let now = clock::now();
    let comments_json = comments.map(|c| serde_json::to_string(&c).unwrap_or_else(|_| "[]".to_owned()));
    diesel::update(
        report_versions::table
            .filter(report_versions::report_id.eq(&report.id))
            .filter(report_versions::number.eq(report.current_version)),
    )
    .set((
        report_versions::review_outcome.eq(outcome),
        report_versions::review_comments.eq(comments_json),
        report_versions::reviewed_by.eq(reviewer),
        report_versions::reviewed_at.eq(now),
    ))
    .execute(conn)?;
    report.status = outcome;
    if accepting {
        report.accepted_at = Some(now);
    }
    let report = save(conn, report)?;
    let version = current_version(conn, &report)?;
    Ok((report, version))
}

/// Every report of a commission with its current version, oldest first.
fn current_versions(conn: &mut DbConnection, commission_id: Id) -> ApiResult<Vec<(ReportRow, VersionRow)>> {
    Ok(reports::table
        .inner_join(report_versions::table)
        .filter(reports::commission_id.eq(commission_id))
        .filter(report_versions::number.eq(reports::current_version))
        .order(reports::id.asc())
        .select((ReportRow::as_select(), VersionRow::as_select()))
        .load(conn)?)
}

/// Newest first; the cursor is the last id seen.
pub const SORT: &str = "-id";

/// Reports across commissions (or of one), with their current versions.
pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    filter: &ReportListQuery,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<(ReportRow, VersionRow)>> {
    let mut query = reports::table
        .inner_join(report_versions::table)
        .filter(report_versions::number.eq(reports::current_version))
        .select((ReportRow::as_select(), VersionRow::as_select()))
        .into_boxed();
    if let Some(provider) = scope.provider {
        query = query.filter(reports::provider_id.eq(Id::from(provider)));
    }
    if let Some(provider) = filter.provider_id {
        query = query.filter(reports::provider_id.eq(Id::from(provider)));
    }
    if let Some(commission) = filter.commission_id {
        query = query.filter(reports::commission_id.eq(Id::from(commission)));
    }
    if let Some(status) = filter.status {
        query = query.filter(reports::status.eq(status));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(reports::kind.eq(kind));
    }
    match filter.overdue {
        Some(true) => {
            query = query.filter(reports::status.ne(ReportStatus::Accepted)).filter(reports::due_on.lt(today()))
        }
        Some(false) => query = query.filter(reports::status.eq(ReportStatus::Accepted).or(reports::due_on.ge(today()))),
        None => {}
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(reports::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(reports::id.lt(cursor.id.clone()));
    }
    Ok(query.order(reports::id.desc()).limit(i64::from(limit) + 1).load(conn)?)
}

/// Units, recipients, grant, own financial and non-financial contribution of a set of reports: the
/// final report's figures when the set has one, otherwise the partial and annual ones added up
/// (recipients: the largest total, since people recur across periods).
fn figures<'a>(versions: impl Iterator<Item = (&'a ReportRow, &'a VersionRow)>) -> [i64; 5] {
    let versions: Vec<_> = versions.collect();
    if let Some((_, last)) = versions.iter().find(|(report, _)| report.kind == ReportKind::Final) {
        return [
            last.units_delivered,
            last.recipients_total,
            last.grant_used,
            last.own_financial,
            last.own_non_financial,
        ];
    }
    versions.iter().fold([0; 5], |acc, (_, v)| {
        [
            acc[0] + v.units_delivered,
            acc[1].max(v.recipients_total),
            acc[2] + v.grant_used,
            acc[3] + v.own_financial,
            acc[4] + v.own_non_financial,
        ]
    })
}

/// Planned against reported figures, and where the expected reports stand.
pub fn summary(conn: &mut DbConnection, scope: Scope, commission_id: Uuid) -> ApiResult<CommissionSummary> {
    let commission = commissions_model::find(conn, scope, commission_id)?;
    let all = current_versions(conn, commission.id)?;
    let is = |report: &ReportRow, statuses: &[ReportStatus]| statuses.contains(&report.status);
    let accepted = figures(all.iter().filter(|(r, _)| is(r, &[ReportStatus::Accepted])).map(|(r, v)| (r, v)));
    let pending = figures(
        all.iter().filter(|(r, _)| is(r, &[ReportStatus::Accepted, ReportStatus::Submitted])).map(|(r, v)| (r, v)),
    );
    let slots = schedule::expected(&commission);
    let today = today();
    let covered = |slot: &schedule::Slot| {
        all.iter().any(|(report, _)| {
            let same_class = (report.kind == ReportKind::Final) == (slot.kind == ReportKind::Final);
            same_class
                && !is(report, &[ReportStatus::Returned])
                && report.period_start <= slot.end
                && report.period_end >= slot.start
        })
    };
    let due: Vec<&schedule::Slot> = slots.iter().filter(|slot| slot.due_on <= today).collect();
    let count = |status: ReportStatus| all.iter().filter(|(r, _)| r.status == status).count();
    Ok(CommissionSummary {
        commission_id,
        planned_units: commission.planned_units,
        units: Figures { accepted: accepted[0], including_pending: pending[0] },
        planned_recipients: commission.planned_recipients,
        recipients: Figures { accepted: accepted[1], including_pending: pending[1] },
        grant: GrantFigures {
            amount: commission.amount(),
            used_accepted: Money::from_grosze(accepted[2]),
            used_including_pending: Money::from_grosze(pending[2]),
            remaining: Money::from_grosze(commission.amount - pending[2]),
        },
        own_contribution: OwnContributionFigures {
            planned_financial: Money::from_grosze(commission.own_financial),
            planned_non_financial: Money::from_grosze(commission.own_non_financial),
            financial_accepted: Money::from_grosze(accepted[3]),
            financial_including_pending: Money::from_grosze(pending[3]),
            non_financial_accepted: Money::from_grosze(accepted[4]),
            non_financial_including_pending: Money::from_grosze(pending[4]),
        },
        reports: ReportCounts {
            expected: slots.len(),
            due: due.len(),
            overdue: due.iter().filter(|slot| slot.due_on < today && !covered(slot)).count(),
            submitted: count(ReportStatus::Submitted),
            returned: count(ReportStatus::Returned),
            accepted: count(ReportStatus::Accepted),
            next_due_on: slots
                .iter()
                .filter(|slot| slot.due_on >= today && !covered(slot))
                .map(|slot| slot.due_on)
                .min(),
        },
    })
}

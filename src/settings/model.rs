//! Settings storage.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::GrantYear;
use crate::clock;
use crate::commissions::dto::SMALL_GRANT_BUDGET_SHARE_PERCENT;
use crate::db::schema::grant_years;
use crate::db::DbConnection;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = grant_years)]
pub struct GrantYearRow {
    /// The budget year, the row's key (named `id` for the versioned save).
    #[diesel(column_name = year)]
    pub id: i32,
    pub planned_ngo_grants: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "grant year" };

impl GrantYearRow {
    pub fn etag(&self) -> String {
        etag(self.version)
    }

    pub fn to_dto(&self) -> GrantYear {
        GrantYear {
            year: self.id,
            planned_ngo_grants: Money::from_grosze(self.planned_ngo_grants),
            small_grant_limit: Money::from_grosze(self.planned_ngo_grants * SMALL_GRANT_BUDGET_SHARE_PERCENT / 100),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        }
    }
}

pub fn find(conn: &mut DbConnection, year: i32) -> ApiResult<Option<GrantYearRow>> {
    Ok(grant_years::table.find(year).select(GrantYearRow::as_select()).first(conn).optional()?)
}

/// The grants planned for NGOs in a year, if the centre recorded them, with the year locked until
/// the transaction ends: activations of small grants in one year are then checked against its 20%
/// one after the other. PostgreSQL locks the row with `FOR UPDATE`, which diesel's common subset
/// lacks; SQLite's write transactions already run one at a time.
pub fn planned_ngo_grants_locked(conn: &mut DbConnection, year: i32) -> ApiResult<Option<Money>> {
    let planned = match conn {
        DbConnection::Pg(c) => {
            grant_years::table.find(year).select(grant_years::planned_ngo_grants).for_update().first(c).optional()
        }
        DbConnection::Sqlite(c) => {
            grant_years::table.find(year).select(grant_years::planned_ngo_grants).first(c).optional()
        }
    }?;
    Ok(planned.map(Money::from_grosze))
}

/// Records a year's figure: a new year needs no `If-Match`, a recorded one requires it (428, 412 when
/// stale). Returns the row and whether it was created.
pub fn put(
    conn: &mut DbConnection,
    year: i32,
    if_match: Option<&IfMatch>,
    planned: Money,
) -> ApiResult<(GrantYearRow, bool)> {
    let Some(mut row) = find(conn, year)? else {
        let now = clock::now();
        let row = GrantYearRow {
            id: year,
            planned_ngo_grants: planned.grosze(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        diesel::insert_into(grant_years::table).values(&row).execute(conn)?;
        return Ok((row, true));
    };
    let if_match = if_match.ok_or(ApiError::PreconditionRequired)?;
    if_match.require(row.etag())?;
    row.planned_ngo_grants = planned.grosze();
    Ok((crate::save_versioned!(conn, grant_years, row, NOT_FOUND)?, false))
}

//! Authorisation storage.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{Authorisation, AuthorisationDraft, AuthorisationQuery, Scope};
use crate::clock;
use crate::db::schema::authorisations;
use crate::db::{DbConnection, Id};
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Cursor;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = authorisations, treat_none_as_null = true)]
pub struct AuthorisationRow {
    pub id: Id,
    pub subject: String,
    pub scope: Scope,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub granted_by: String,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

const NOT_FOUND: ApiError = ApiError::NotFound { resource: "authorisation" };

impl AuthorisationRow {
    pub fn to_dto(&self) -> Authorisation {
        Authorisation {
            id: self.id.into(),
            subject: self.subject.clone(),
            scope: self.scope,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            granted_by: self.granted_by.clone(),
            revoked_at: self.revoked_at.map(clock::utc),
            revoked_by: self.revoked_by.clone(),
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    draft: AuthorisationDraft,
    granted_by: &str,
) -> ApiResult<AuthorisationRow> {
    let now = clock::now();
    let row = AuthorisationRow {
        id: id.into(),
        subject: draft.subject,
        scope: draft.scope,
        valid_from: draft.valid_from,
        valid_to: draft.valid_to,
        granted_by: granted_by.to_owned(),
        revoked_at: None,
        revoked_by: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    diesel::insert_into(authorisations::table).values(&row).execute(conn)?;
    Ok(row)
}

/// One authorisation; `only_subject` hides everyone else's (404, as if it did not exist).
pub fn find(conn: &mut DbConnection, id: Uuid, only_subject: Option<&str>) -> ApiResult<AuthorisationRow> {
    let row: AuthorisationRow = authorisations::table
        .find(Id::from(id))
        .select(AuthorisationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(NOT_FOUND)?;
    match only_subject {
        Some(subject) if subject != row.subject => Err(NOT_FOUND),
        _ => Ok(row),
    }
}

/// Revokes an authorisation (409 `already-revoked` when it was).
pub fn revoke(conn: &mut DbConnection, id: Uuid, revoked_by: &str) -> ApiResult<AuthorisationRow> {
    let mut row = find(conn, id, None)?;
    if row.revoked_at.is_some() {
        return Err(ApiError::conflict("already-revoked", "the authorisation is already revoked".to_owned()));
    }
    row.revoked_at = Some(clock::now());
    row.revoked_by = Some(revoked_by.to_owned());
    crate::save_versioned!(conn, authorisations, row, NOT_FOUND)
}

/// Whether `subject` holds an authorisation for `scope` on the day `on`: begun, not ended, not
/// revoked.
pub fn holds(conn: &mut DbConnection, subject: &str, scope: Scope, on: NaiveDate) -> ApiResult<bool> {
    let count: i64 = authorisations::table
        .filter(authorisations::subject.eq(subject))
        .filter(authorisations::scope.eq(scope))
        .filter(authorisations::valid_from.le(on))
        .filter(authorisations::valid_to.is_null().or(authorisations::valid_to.ge(on)))
        .filter(authorisations::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub const SORT: &str = "id";

/// A page in id order; `only_subject` narrows it to one subject's own authorisations.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuthorisationQuery,
    only_subject: Option<&str>,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<AuthorisationRow>> {
    let mut query = authorisations::table.select(AuthorisationRow::as_select()).into_boxed();
    if let Some(subject) = only_subject {
        query = query.filter(authorisations::subject.eq(subject.to_owned()));
    }
    if let Some(subject) = &filter.subject {
        query = query.filter(authorisations::subject.eq(subject.clone()));
    }
    if let Some(scope) = filter.scope {
        query = query.filter(authorisations::scope.eq(scope));
    }
    if let Some(on) = filter.active_on {
        query = query
            .filter(authorisations::valid_from.le(on))
            .filter(authorisations::valid_to.is_null().or(authorisations::valid_to.ge(on)))
            .filter(authorisations::revoked_at.is_null());
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(authorisations::updated_at.ge(since.naive_utc()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(authorisations::id.gt(cursor.id.clone()));
    }
    Ok(query.order(authorisations::id.asc()).limit(i64::from(limit) + 1).load(conn)?)
}

//! Failed token requests, counted in the database so that the limit holds across replicas.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::clock;
use crate::db::schema::auth_failures;
use crate::db::DbConnection;
use crate::error::ApiResult;

fn window_start(window: Duration) -> NaiveDateTime {
    clock::now() - chrono::Duration::from_std(window).unwrap_or_else(|_| chrono::Duration::minutes(5))
}

/// Failures of any of `scopes` within the window.
pub fn count_recent(conn: &mut DbConnection, scopes: &[String], window: Duration) -> ApiResult<Vec<(String, i64)>> {
    let since = window_start(window);
    let mut counts = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let count: i64 = auth_failures::table
            .filter(auth_failures::scope.eq(scope))
            .filter(auth_failures::failed_at.gt(since))
            .count()
            .get_result(conn)?;
        counts.push((scope.clone(), count));
    }
    Ok(counts)
}

/// Records one failure against each scope, and forgets failures older than the window.
pub fn record(conn: &mut DbConnection, scopes: &[String], window: Duration) -> ApiResult<()> {
    diesel::delete(auth_failures::table.filter(auth_failures::failed_at.le(window_start(window)))).execute(conn)?;
    let now = clock::now();
    for scope in scopes {
        diesel::insert_into(auth_failures::table)
            .values((
                auth_failures::id.eq(Uuid::now_v7().to_string()),
                auth_failures::scope.eq(scope),
                auth_failures::failed_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A successful authentication clears the client's failures (not the address's).
pub fn clear(conn: &mut DbConnection, scope: &str) -> ApiResult<()> {
    diesel::delete(auth_failures::table.filter(auth_failures::scope.eq(scope))).execute(conn)?;
    Ok(())
}

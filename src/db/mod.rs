//! The database: one connection type over SQLite and PostgreSQL, its pool, migrations and the
//! helpers every resource uses to run blocking diesel work off the async executor.
//!
//! Insertable rows say `treat_none_as_default_value = false`: no column has a default, and an
//! insert whose SQL does not depend on which fields are `None` is prepared once per connection
//! instead of at every execution.

mod pool;
pub mod schema;
mod sql_text;

use std::time::{Duration, Instant};

use actix_web::web;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use pool::{connect, ping, Backend, DbPool, PoolSettings};
pub use sql_text::Id;

use crate::error::ApiError;

/// One connection type for both backends; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Queues this process's SQLite write transactions (see `write_transaction`).
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

impl DbConnection {
    /// Applies the pending migrations of this connection's backend.
    ///
    /// On PostgreSQL no statement time-out applies meanwhile: a migration may rebuild a large table
    /// or index, and the time-out is meant for requests. The connection then gets the pool's
    /// `statement_timeout` back before it serves one.
    pub fn run_migrations(&mut self, statement_timeout: Duration) -> Result<(), String> {
        let applied = match self {
            DbConnection::Pg(conn) => {
                let restore = format!("SET statement_timeout = {}", statement_timeout.as_millis());
                conn.batch_execute("SET statement_timeout = 0")
                    .map_err(|err| format!("cannot lift the statement time-out for migrations: {err}"))?;
                let applied = conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(|m| m.len());
                conn.batch_execute(&restore)
                    .map_err(|err| format!("cannot restore the statement time-out after migrations: {err}"))?;
                applied
            }
            DbConnection::Sqlite(conn) => conn.run_pending_migrations(SQLITE_MIGRATIONS).map(|m| m.len()),
        };
        match applied {
            Ok(count) if count > 0 => {
                log::info!("applied {count} database migration(s)");
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(err) => Err(format!("database migrations failed: {err}")),
        }
    }

    /// Runs `work` in one transaction that takes the write lock up front.
    ///
    /// SQLite's default deferred transaction fails with SQLITE_BUSY (which busy_timeout does not wait
    /// on) when it reads and then writes while another writer committed; `BEGIN IMMEDIATE` queues
    /// writers instead. PostgreSQL's row locks and unique indexes already serialise what must be.
    pub fn write_transaction<T, E>(&mut self, work: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        // SQLite admits one writer at a time, and its busy handler makes waiting writers sleep in
        // growing steps instead of waking them when the lock frees: under load that costs seconds.
        // Writers of this process queue on a mutex instead; busy_timeout still covers other
        // processes (the CLI, backups).
        let _writer = match self {
            DbConnection::Sqlite(_) => Some(SQLITE_WRITER.lock().unwrap_or_else(|poisoned| poisoned.into_inner())),
            DbConnection::Pg(_) => None,
        };
        match self {
            DbConnection::Sqlite(conn) => {
                AnsiTransactionManager::begin_transaction_sql(conn, "BEGIN IMMEDIATE")?;
            }
            DbConnection::Pg(_) => <Self as Connection>::TransactionManager::begin_transaction(self)?,
        }
        match work(self) {
            Ok(value) => {
                <Self as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(value)
            }
            Err(err) => {
                // The original error matters more than a failed rollback, which poisons the
                // connection so that r2d2 discards it.
                let _ = <Self as Connection>::TransactionManager::rollback_transaction(self);
                Err(err)
            }
        }
    }
}

/// Applies only the migrations older than `version` (14 digits, `20261202000004`): how the
/// migration tests build a database as an earlier release left it, fill it with that release's
/// rows in SQL, and let the application apply the rest. Not for production use.
#[doc(hidden)]
pub fn migrate_before(url: &str, version: &str) -> Result<(), String> {
    fn apply<DB, C>(conn: &mut C, source: EmbeddedMigrations, version: &str) -> Result<(), String>
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB> + diesel::migration::MigrationConnection,
        EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
    {
        conn.setup().map_err(|err| err.to_string())?;
        let mut migrations =
            diesel::migration::MigrationSource::<DB>::migrations(&source).map_err(|err| err.to_string())?;
        migrations.sort_by_key(|migration| migration.name().version().to_string());
        for migration in migrations.iter().filter(|m| m.name().version().to_string().as_str() < version) {
            conn.run_migration(migration.as_ref()).map_err(|err| err.to_string())?;
        }
        Ok(())
    }
    match Backend::from_url(url)? {
        Backend::Postgres(url) => {
            let mut conn = PgConnection::establish(&url).map_err(|err| err.to_string())?;
            apply(&mut conn, POSTGRES_MIGRATIONS, version)
        }
        Backend::Sqlite(path) => {
            let mut conn = SqliteConnection::establish(&path).map_err(|err| err.to_string())?;
            apply(&mut conn, SQLITE_MIGRATIONS, version)
        }
    }
}

/// Runs blocking database work on actix's thread pool, with a pooled connection.
///
/// Every diesel call, including checking a connection out of the pool, goes through here so that
/// no executor thread ever blocks on the database.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let queued = Instant::now();
    web::block(move || {
        // The pool's time-out also covers the wait for a blocking thread (there are only as many
        // as connections), so that requests queued behind an unreachable database are answered
        // 503 within it, not one time-out after another.
        let left = pool.connection_timeout().saturating_sub(queued.elapsed());
        let mut conn = pool.get_timeout(left).map_err(ApiError::database_unavailable)?;
        work(&mut conn)
    })
    .await
    .map_err(|err| ApiError::internal(format!("blocking task failed: {err}")))?
}

/// Runs one diesel expression on the concrete connection of either backend.
///
/// The derived multi-backend connection renders a query's SQL anew at every execution (to build
/// the cache key, to check it can be cached and to collect its binds), which costs more than
/// SQLite's own work for a primary-key lookup. On the concrete connection a query with a static
/// type is found in the statement cache by that type alone. For the hottest reads only: the
/// expression is still written once, and compiled for each backend.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Pg($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// Adds the keyset condition `(key, id) > (cursor key, cursor id)` (`<` when descending) and the
/// matching order to a boxed query, so that every page costs what the first one costs.
#[macro_export]
macro_rules! keyset {
    ($query:expr, $column:expr, $id:expr, $key:expr, $cursor_id:expr, $descending:expr) => {{
        let query = $query;
        let query = match ($key, $cursor_id) {
            (Some(key), Some(cursor_id)) if $descending => {
                query.filter($column.lt(key.clone()).or($column.eq(key).and($id.lt(cursor_id))))
            }
            (Some(key), Some(cursor_id)) => {
                query.filter($column.gt(key.clone()).or($column.eq(key).and($id.gt(cursor_id))))
            }
            _ => query,
        };
        if $descending {
            query.order(($column.desc(), $id.desc()))
        } else {
            query.order(($column.asc(), $id.asc()))
        }
    }};
}

/// Saves a changed row (`version` + 1, `updated_at` now) only if its stored `version` is still the
/// one it was read with: no lost updates, even when two replicas save the same record at once.
/// Evaluates to `ApiResult<Row>`, the saved row.
///
/// When no row matched it reads the stored version once more, to tell why: none left is
/// `$not_found` (a 404), another version a 412 with the current ETag. The same 412 answers a
/// write that carried no `If-Match` (an action such as `activate`, a report review, a secret
/// rotation) and lost to a concurrent change: its decision was taken on a state that is no longer
/// current, so the client reads the record again and decides anew, as it does after a stale
/// `If-Match`. The update's statement is the same whatever happened, so it stays cached.
#[macro_export]
macro_rules! save_versioned {
    ($conn:expr, $table:ident, $row:expr, $not_found:expr) => {{
        let conn: &mut $crate::db::DbConnection = $conn;
        let mut row = $row;
        let read_version = row.version;
        row.version += 1;
        row.updated_at = $crate::clock::now().max(row.updated_at);
        match diesel::update($table::table.find(&row.id).filter($table::version.eq(read_version)))
            .set(&row)
            .execute(conn)
        {
            Ok(0) => Err($crate::db::stale_or_gone(
                $table::table.find(&row.id).select($table::version).first::<i64>(conn).optional(),
                $not_found,
            )),
            Ok(_) => Ok(row),
            Err(err) => Err($crate::error::ApiError::from(err)),
        }
    }};
}

/// Why a versioned save matched no row, from the version stored now (see `save_versioned!`).
pub fn stale_or_gone(current: QueryResult<Option<i64>>, not_found: ApiError) -> ApiError {
    match current {
        Ok(Some(version)) => ApiError::PreconditionFailed { current_etag: crate::http::etag::etag(version) },
        Ok(None) => not_found,
        Err(err) => err.into(),
    }
}

/// A list or record kept in a TEXT column as JSON ("[]" should serialising ever fail).
pub fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// A JSON TEXT column read back; one that does not parse is an internal error naming `what`.
pub fn from_json_text<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> crate::error::ApiResult<T> {
    serde_json::from_str(text)
        .map_err(|_| crate::error::ApiError::internal(format!("a stored {what} is not valid JSON")))
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;

    use super::*;

    const GONE: ApiError = ApiError::NotFound { resource: "thing" };

    #[test]
    fn a_save_that_matched_no_row_is_412_with_the_current_etag_or_404_when_the_row_is_gone() {
        let stale = stale_or_gone(Ok(Some(7)), GONE);
        assert_eq!(stale.status_code(), actix_web::http::StatusCode::PRECONDITION_FAILED);
        assert!(
            matches!(&stale, ApiError::PreconditionFailed { current_etag } if current_etag == "\"7\""),
            "{stale:?}"
        );
        let gone = stale_or_gone(Ok(None), GONE);
        assert_eq!(gone.status_code(), actix_web::http::StatusCode::NOT_FOUND);
    }
}

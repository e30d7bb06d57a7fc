//! An r2d2 pool whose manager picks the backend from the URL scheme.
//!
//! diesel's derived `MultiConnection::establish` tries every backend in turn and reports only
//! "invalid connection url", and SQLite accepts any string as a file name; choosing by scheme keeps
//! libpq's and SQLite's real error messages.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};

use super::DbConnection;

pub type DbPool = r2d2::Pool<ConnectionManager>;

/// Which database a `DATABASE_URL` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Postgres(String),
    /// The path of the SQLite database file.
    Sqlite(String),
}

impl Backend {
    /// `postgres://` and `postgresql://` select PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain
    /// path select SQLite.
    pub fn from_url(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() {
            return Err("DATABASE_URL names no SQLite file".to_owned());
        }
        if path.contains("://") {
            return Err(format!(
                "DATABASE_URL has an unsupported scheme (use postgres://, postgresql:// or sqlite://): {}",
                path.split("://").next().unwrap_or_default()
            ));
        }
        Ok(Backend::Sqlite(path.to_owned()))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Postgres(_) => "postgresql",
            Backend::Sqlite(_) => "sqlite",
        }
    }
}

/// Pool sizing and timeouts, from the configuration.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: u32,
    /// How long a request waits for a connection before it is answered 503.
    pub acquire_timeout: Duration,
    pub sqlite_busy_timeout: Duration,
}

#[derive(Debug)]
pub struct ConnectionManager {
    backend: Backend,
    sqlite_busy_timeout: Duration,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Pg).map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; NORMAL sync is durable in WAL mode
                // except on power loss; busy_timeout makes writers queue instead of failing.
                let pragmas = format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON;",
                    self.sqlite_busy_timeout.as_millis()
                );
                conn.batch_execute(&pragmas).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        ping(conn).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::connection::{TransactionManager, TransactionManagerStatus};
        matches!(
            <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn),
            TransactionManagerStatus::InError
        )
    }
}

/// The cheapest round trip to the database.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// Builds the pool and checks that a first connection can be made, returning the driver's own
/// message when it cannot.
pub fn connect(backend: &Backend, settings: &PoolSettings) -> Result<DbPool, String> {
    let manager = ConnectionManager { backend: backend.clone(), sqlite_busy_timeout: settings.sqlite_busy_timeout };
    // Fail fast with the real cause instead of r2d2's generic time-out on the first connection.
    manager.connect().map_err(|err| format!("cannot connect to the {} database: {err}", backend.name()))?;
    r2d2::Pool::builder()
        .max_size(settings.max_size)
        .min_idle(Some(1))
        .connection_timeout(settings.acquire_timeout)
        .test_on_check_out(false)
        .build(manager)
        .map_err(|err| format!("cannot open the {} connection pool: {err}", backend.name()))
}

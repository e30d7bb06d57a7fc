//! An r2d2 pool whose manager picks the backend from the URL scheme.
//!
//! diesel's derived `MultiConnection::establish` tries every backend in turn and reports only
//! "invalid connection url", and SQLite accepts any string as a file name; choosing by scheme keeps
//! libpq's and SQLite's real error messages.
//!
//! A connection whose server went away must never be handed out twice: diesel marks it broken
//! after the first statement that finds the server gone, and one that sat idle for a while (when a
//! server restart may have closed it unnoticed) is pinged before it is used again. A request thus
//! sees at most one error per lost connection, and none once the server is back.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};

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
    /// PostgreSQL cancels a statement that runs longer, so that a hung query frees its connection.
    pub statement_timeout: Duration,
}

/// Idle for longer than this, a connection is pinged before use: a busy pool pays nothing, and a
/// request after a quiet spell one round trip.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// A connection in the pool, with the time it was last given back.
pub struct PooledDb {
    conn: DbConnection,
    returned: Instant,
}

impl Deref for PooledDb {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

#[derive(Debug)]
pub struct ConnectionManager {
    backend: Backend,
    sqlite_busy_timeout: Duration,
    statement_timeout: Duration,
}

impl ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<PooledDb, r2d2::Error> {
        self.establish().map(|conn| PooledDb { conn, returned: Instant::now() })
    }

    /// Runs at every checkout: pings a connection that has been idle, since the server may have
    /// closed it meanwhile; r2d2 then discards it and takes another within the same time-out.
    fn is_valid(&self, pooled: &mut PooledDb) -> Result<(), r2d2::Error> {
        if pooled.returned.elapsed() < IDLE_BEFORE_PING {
            return Ok(());
        }
        ping(&mut pooled.conn).map_err(r2d2::Error::QueryError)
    }

    /// Runs at every check-in: diesel's own verdict per backend (the server was found gone,
    /// a rollback failed, or a transaction was left open) decides whether the connection is closed.
    fn has_broken(&self, pooled: &mut PooledDb) -> bool {
        pooled.returned = Instant::now();
        std::thread::panicking() || pooled.conn.is_broken()
    }
}

impl ConnectionManager {
    fn establish(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(&with_tcp_settings(url)).map_err(r2d2::Error::ConnectionError)?;
                let timeout = format!("SET statement_timeout = {}", self.statement_timeout.as_millis());
                conn.batch_execute(&timeout).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Pg(conn))
            }
            Backend::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; FULL sync flushes the WAL at every
                // commit, so an acknowledged write survives a power loss too (NORMAL would not);
                // busy_timeout makes writers queue instead of failing.
                let pragmas = format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON;",
                    self.sqlite_busy_timeout.as_millis()
                );
                conn.batch_execute(&pragmas).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// The cheapest round trip to the database.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    R2D2Connection::ping(conn)
}

/// Builds the pool and checks that a first connection can be made, returning the driver's own
/// message when it cannot.
pub fn connect(backend: &Backend, settings: &PoolSettings) -> Result<DbPool, String> {
    let manager = ConnectionManager {
        backend: backend.clone(),
        sqlite_busy_timeout: settings.sqlite_busy_timeout,
        statement_timeout: settings.statement_timeout,
    };
    // Fail fast with the real cause instead of r2d2's generic time-out on the first connection.
    manager.connect().map_err(|err| format!("cannot connect to the {} database: {err}", backend.name()))?;
    r2d2::Pool::builder()
        .max_size(settings.max_size)
        .min_idle(Some(1))
        // Bounds the whole checkout, including pings and replacing dead connections.
        .connection_timeout(settings.acquire_timeout)
        .test_on_check_out(true)
        .error_handler(Box::new(ThrottledLog::default()))
        .build(manager)
        .map_err(|err| format!("cannot open the {} connection pool: {err}", backend.name()))
}

/// r2d2 reports every failed connection attempt and ping, at ERROR: while the database is down that
/// is several a second for as long as the outage lasts. The outage already shows in 503s, the
/// metrics and /health/ready, so the log gets one warning per `LOG_EVERY` with a count of the rest.
#[derive(Debug, Default)]
struct ThrottledLog {
    /// When the last warning was written, and how many errors went unlogged since.
    state: Mutex<(Option<Instant>, u64)>,
}

const LOG_EVERY: Duration = Duration::from_secs(10);

impl ThrottledLog {
    /// Whether an error seen at `now` is logged, with how many were left out before it.
    fn admit(&self, now: Instant) -> Option<u64> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (last, left_out) = &mut *state;
        if last.is_some_and(|last| now.duration_since(last) < LOG_EVERY) {
            *left_out += 1;
            return None;
        }
        *last = Some(now);
        Some(std::mem::take(left_out))
    }
}

impl r2d2::HandleError<r2d2::Error> for ThrottledLog {
    fn handle_error(&self, error: r2d2::Error) {
        let Some(left_out) = self.admit(Instant::now()) else { return };
        let more = if left_out == 0 { String::new() } else { format!(" ({left_out} more since the last warning)") };
        log::warn!("database connection failed{more}: {}", error.to_string().trim_end());
    }
}

/// libpq settings under which the operating system notices a server that vanished without closing
/// the connection (a crashed host, a broken network path) within about a minute instead of hours:
/// probes after 30 s of silence, and at most 30 s for sent data to go unacknowledged; a host that
/// does not answer at all fails a connection attempt after 10 s. A setting already in
/// `DATABASE_URL` wins.
const TCP_SETTINGS: [(&str, &str); 6] = [
    ("connect_timeout", "10"),
    ("keepalives", "1"),
    ("keepalives_idle", "30"),
    ("keepalives_interval", "10"),
    ("keepalives_count", "3"),
    ("tcp_user_timeout", "30000"),
];

fn with_tcp_settings(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<String> = query.split('&').filter(|pair| !pair.is_empty()).map(str::to_owned).collect();
    for (name, value) in TCP_SETTINGS {
        if !params.iter().any(|pair| pair.split('=').next() == Some(name)) {
            params.push(format!("{name}={value}"));
        }
    }
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_errors_are_logged_at_most_once_per_interval_with_a_count_of_the_rest() {
        let log = ThrottledLog::default();
        let start = Instant::now();
        assert_eq!(log.admit(start), Some(0));
        assert_eq!(log.admit(start + Duration::from_secs(1)), None);
        assert_eq!(log.admit(start + LOG_EVERY - Duration::from_millis(1)), None);
        assert_eq!(log.admit(start + LOG_EVERY), Some(2));
        assert_eq!(log.admit(start + LOG_EVERY * 3), Some(0));
    }

    #[test]
    fn tcp_settings_are_added_to_the_url_unless_it_has_its_own() {
        assert_eq!(
            with_tcp_settings("postgres://u@db/cus"),
            "postgres://u@db/cus?connect_timeout=10&keepalives=1&keepalives_idle=30&keepalives_interval=10\
             &keepalives_count=3&tcp_user_timeout=30000"
        );
        assert_eq!(
            with_tcp_settings("postgres://u@db/cus?sslmode=require&keepalives_idle=5&tcp_user_timeout=0&"),
            "postgres://u@db/cus?sslmode=require&keepalives_idle=5&tcp_user_timeout=0&connect_timeout=10\
             &keepalives=1&keepalives_interval=10&keepalives_count=3"
        );
    }
}

//! Typed configuration from the environment, with defaults that run a fresh clone as is.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::db::{Backend, PoolSettings};

/// Everything the service reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub backend: Backend,
    pub bind_addr: SocketAddr,
    pub pool: PoolSettings,
    /// Largest request body accepted, in bytes (413 above it).
    pub body_limit: usize,
    /// How long a request body may take to arrive after the head (408 after it).
    pub body_timeout: Duration,
    /// HTTP worker threads; actix's default (one per core) when unset.
    pub workers: Option<usize>,
    /// How long requests in flight may take to finish after SIGTERM before they are cut
    /// off; an orchestrator's grace period should be a little longer.
    pub shutdown_timeout: Duration,
    /// `CUS_CORS_ORIGINS`: the browser origins (`https://host[:port]`, comma-separated, exact
    /// match) that may call with a token; anonymous reads are open to every origin.
    pub cors_origins: Vec<String>,
    pub auth: AuthConfig,
    /// `CUS_OUS_MAY_APPROVE_PLANS`: the director may authorise organisers of social services (OUS)
    /// to approve individual plans.
    pub ous_may_approve_plans: bool,
    /// `CUS_TIME_BANK_CREDIT_LIMIT_HOURS`: how far below zero a time bank member's balance may go
    /// by receiving help (default 10 hours; 0 means help is received only against hours given).
    pub time_bank_credit_limit_hours: u32,
}

/// Token verification and issuance.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Required `iss` of identity-provider tokens.
    pub issuer: Option<String>,
    /// Required `aud` of identity-provider tokens.
    pub audience: Option<String>,
    /// PEM or JWKS file with the identity provider's public keys; without it only cus-api's own
    /// tokens are accepted.
    pub public_keys: Option<PathBuf>,
    /// Claim (dotted path allowed, e.g. `realm_access.roles`) holding the list of role names.
    pub roles_claim: String,
    /// Claim holding a provider user's provider id.
    pub provider_claim: String,
    /// `iss` and `aud` of the tokens cus-api signs itself.
    pub own_issuer: String,
    /// Lifetime of tokens issued to API clients.
    pub token_ttl: Duration,
    /// Failed token requests allowed per client and per address within `failure_window`.
    pub max_failures: u32,
    pub failure_window: Duration,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://cus-api.db";

impl Config {
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.trim().is_empty()))
    }

    /// Reads the configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let database_url = lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let backend = Backend::from_url(&database_url)?;
        let bind_addr = parse(&lookup, "BIND_ADDR", "127.0.0.1:8080".parse().expect("valid default address"))?;
        // SQLite work is CPU in this process (one writer, no network wait): more connections than
        // cores only add context switches and page caches, while two let a read pass a write.
        // PostgreSQL connections spend much of their time waiting on the server.
        let default_pool = match backend {
            Backend::Sqlite(_) => std::thread::available_parallelism().map_or(2, |cores| cores.get().max(2)) as u32,
            Backend::Postgres(_) => 10,
        };
        let max_size: u32 = parse(&lookup, "DATABASE_POOL_SIZE", default_pool)?;
        if !(1..=1000).contains(&max_size) {
            return Err(format!("DATABASE_POOL_SIZE must be between 1 and 1000, got {max_size}"));
        }
        let acquire_timeout_ms: u64 = parse(&lookup, "DATABASE_TIMEOUT_MS", 2000)?;
        if acquire_timeout_ms == 0 {
            return Err("DATABASE_TIMEOUT_MS must be positive".to_owned());
        }
        let busy_timeout_ms: u64 = parse(&lookup, "SQLITE_BUSY_TIMEOUT_MS", 5000)?;
        let statement_timeout: u64 = parse(&lookup, "DATABASE_STATEMENT_TIMEOUT_SECONDS", 30)?;
        if !(1..=3600).contains(&statement_timeout) {
            return Err(format!(
                "DATABASE_STATEMENT_TIMEOUT_SECONDS must be between 1 and 3600, got {statement_timeout}"
            ));
        }
        let body_limit: usize = parse(&lookup, "REQUEST_BODY_LIMIT", 1_048_576)?;
        if body_limit < 1024 {
            return Err(format!("REQUEST_BODY_LIMIT must be at least 1024 bytes, got {body_limit}"));
        }
        let body_timeout: u64 = parse(&lookup, "REQUEST_BODY_TIMEOUT_SECONDS", 30)?;
        if !(1..=3600).contains(&body_timeout) {
            return Err(format!("REQUEST_BODY_TIMEOUT_SECONDS must be between 1 and 3600, got {body_timeout}"));
        }
        let shutdown_timeout: u64 = parse(&lookup, "SHUTDOWN_TIMEOUT_SECONDS", 30)?;
        if shutdown_timeout > 3600 {
            return Err(format!("SHUTDOWN_TIMEOUT_SECONDS must be at most 3600, got {shutdown_timeout}"));
        }
        let workers = match lookup("WORKERS") {
            None => None,
            Some(_) => Some(parse(&lookup, "WORKERS", 1usize)?).filter(|w| *w > 0),
        };
        let auth = AuthConfig {
            issuer: lookup("CUS_JWT_ISSUER"),
            audience: lookup("CUS_JWT_AUDIENCE"),
            public_keys: lookup("CUS_JWT_PUBLIC_KEYS").map(PathBuf::from),
            roles_claim: lookup("CUS_JWT_ROLES_CLAIM").unwrap_or_else(|| "roles".to_owned()),
            provider_claim: lookup("CUS_JWT_PROVIDER_CLAIM").unwrap_or_else(|| "provider_id".to_owned()),
            own_issuer: lookup("CUS_TOKEN_ISSUER").unwrap_or_else(|| "cus-api".to_owned()),
            token_ttl: Duration::from_secs(parse(&lookup, "CUS_TOKEN_TTL_SECONDS", 900)?),
            max_failures: parse(&lookup, "CUS_AUTH_MAX_FAILURES", 10)?,
            failure_window: Duration::from_secs(parse(&lookup, "CUS_AUTH_FAILURE_WINDOW_SECONDS", 300)?),
        };
        if auth.public_keys.is_some() && (auth.issuer.is_none() || auth.audience.is_none()) {
            return Err("CUS_JWT_PUBLIC_KEYS needs CUS_JWT_ISSUER and CUS_JWT_AUDIENCE as well".to_owned());
        }
        if !(60..=86_400).contains(&auth.token_ttl.as_secs()) {
            return Err("CUS_TOKEN_TTL_SECONDS must be between 60 and 86400".to_owned());
        }
        if auth.max_failures == 0 || auth.failure_window.is_zero() {
            return Err("CUS_AUTH_MAX_FAILURES and CUS_AUTH_FAILURE_WINDOW_SECONDS must be positive".to_owned());
        }
        let time_bank_credit_limit_hours: u32 = parse(&lookup, "CUS_TIME_BANK_CREDIT_LIMIT_HOURS", 10)?;
        if time_bank_credit_limit_hours > 1000 {
            return Err(format!(
                "CUS_TIME_BANK_CREDIT_LIMIT_HOURS must be at most 1000, got {time_bank_credit_limit_hours}"
            ));
        }
        let cors_origins = lookup("CUS_CORS_ORIGINS").map_or_else(|| Ok(Vec::new()), |list| cors_origins(&list))?;
        Ok(Config {
            cors_origins,
            ous_may_approve_plans: parse(&lookup, "CUS_OUS_MAY_APPROVE_PLANS", false)?,
            time_bank_credit_limit_hours,
            auth,
            backend,
            bind_addr,
            pool: PoolSettings {
                max_size,
                acquire_timeout: Duration::from_millis(acquire_timeout_ms),
                sqlite_busy_timeout: Duration::from_millis(busy_timeout_ms),
                statement_timeout: Duration::from_secs(statement_timeout),
            },
            body_limit,
            body_timeout: Duration::from_secs(body_timeout),
            workers,
            shutdown_timeout: Duration::from_secs(shutdown_timeout),
        })
    }
}

/// A list of exact origins: a scheme (`http` or `https`), a host and an optional port; no path,
/// no trailing slash and no wildcard, as browsers send them in `Origin`.
fn cors_origins(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            let valid = host.is_some_and(|host| {
                !host.is_empty()
                    && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
                    && !host.starts_with(':')
            });
            if valid {
                Ok(origin.to_owned())
            } else {
                Err(format!(
                    "CUS_CORS_ORIGINS: {origin:?} is not an origin like https://portal.example.pl (scheme, host, optional port; no path or wildcard)"
                ))
            }
        })
        .collect()
}

fn parse<T: std::str::FromStr>(lookup: &impl Fn(&str) -> Option<String>, name: &str, default: T) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    match lookup(name) {
        None => Ok(default),
        Some(text) => text.trim().parse().map_err(|err| format!("{name}={text:?} is invalid: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_lookup(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_run_on_a_local_sqlite_file() {
        let config = config(&[]).unwrap();
        assert_eq!(config.backend, Backend::Sqlite("cus-api.db".into()));
        assert_eq!(config.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.body_limit, 1_048_576);
    }

    #[test]
    fn scheme_selects_the_backend() {
        let pg = config(&[("DATABASE_URL", "postgresql://u@localhost/cus")]).unwrap();
        assert!(matches!(pg.backend, Backend::Postgres(_)));
        let sqlite = config(&[("DATABASE_URL", "sqlite:///var/lib/cus/data.db")]).unwrap();
        assert_eq!(sqlite.backend, Backend::Sqlite("/var/lib/cus/data.db".into()));
        assert!(config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().contains("unsupported scheme"));
    }

    #[test]
    fn invalid_values_name_the_variable() {
        assert!(config(&[("BIND_ADDR", "nowhere")]).unwrap_err().starts_with("BIND_ADDR="));
        assert!(config(&[("DATABASE_POOL_SIZE", "0")]).unwrap_err().contains("DATABASE_POOL_SIZE"));
        assert!(config(&[("REQUEST_BODY_LIMIT", "12")]).unwrap_err().contains("REQUEST_BODY_LIMIT"));
        assert!(config(&[("DATABASE_STATEMENT_TIMEOUT_SECONDS", "0")]).unwrap_err().contains("between 1 and 3600"));
        assert!(config(&[("REQUEST_BODY_TIMEOUT_SECONDS", "0")]).unwrap_err().contains("REQUEST_BODY_TIMEOUT_SECONDS"));
    }

    #[test]
    fn shutdown_waits_30_seconds_for_requests_in_flight_unless_configured() {
        assert_eq!(config(&[]).unwrap().shutdown_timeout, Duration::from_secs(30));
        let quick = config(&[("SHUTDOWN_TIMEOUT_SECONDS", "5")]).unwrap();
        assert_eq!(quick.shutdown_timeout, Duration::from_secs(5));
        assert!(config(&[("SHUTDOWN_TIMEOUT_SECONDS", "soon")]).unwrap_err().starts_with("SHUTDOWN_TIMEOUT_SECONDS="));
        assert!(config(&[("SHUTDOWN_TIMEOUT_SECONDS", "86400")]).unwrap_err().contains("at most 3600"));
    }

    #[test]
    fn cors_origins_are_exact_origins() {
        assert!(config(&[]).unwrap().cors_origins.is_empty());
        let listed = config(&[("CUS_CORS_ORIGINS", "https://portal.gmina.pl, http://localhost:5173")]).unwrap();
        assert_eq!(listed.cors_origins, ["https://portal.gmina.pl", "http://localhost:5173"]);
        for invalid in ["*", "portal.gmina.pl", "https://portal.gmina.pl/", "https://", "ftp://x.pl"] {
            assert!(config(&[("CUS_CORS_ORIGINS", invalid)]).unwrap_err().starts_with("CUS_CORS_ORIGINS"), "{invalid}");
        }
    }
}

//! The state every handler, extractor and middleware can reach, apart from the router that
//! assembles the resources (`crate::startup`), so that low layers depend on it, never on the top.

use std::sync::Arc;

use crate::auth::keys::KeyRing;
use crate::config::{AuthConfig, Config};
use crate::db::{self, DbPool};
use crate::metrics::Metrics;
use crate::time_bank::model::CreditLimit;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub backend_name: &'static str,
    pub keys: Arc<KeyRing>,
    pub auth: AuthConfig,
    /// Whether an OUS may approve individual plans (the director always may).
    pub ous_may_approve_plans: bool,
    /// How far a time bank member may receive help ahead of giving it.
    pub time_bank_credit_limit: CreditLimit,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Connects, migrates and loads the keys: everything the server and the CLI share.
    pub fn open(config: &Config) -> Result<AppState, String> {
        let pool = db::connect(&config.backend, &config.pool)?;
        let mut conn = pool.get().map_err(|err| format!("cannot get a database connection: {err}"))?;
        conn.run_migrations(config.pool.statement_timeout)?;
        let keys = KeyRing::load(&config.auth, &mut conn)?;
        drop(conn);
        Ok(AppState {
            pool,
            backend_name: config.backend.name(),
            keys: Arc::new(keys),
            auth: config.auth.clone(),
            ous_may_approve_plans: config.ous_may_approve_plans,
            time_bank_credit_limit: CreditLimit(i64::from(config.time_bank_credit_limit_hours) * 60),
            metrics: Arc::new(Metrics::default()),
        })
    }
}

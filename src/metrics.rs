//! Prometheus metrics (served at `GET /metrics` by `crate::health`): requests and latencies per
//! route, the database pool and database errors, in the text exposition format. The registry sits
//! below the application state that holds it, so it knows nothing of that state.
//!
//! Written by hand rather than with the `prometheus` crate: a few series need one mutex and a
//! formatter, not a dependency. Routes are labelled by their pattern (`/api/v1/services/{id}`) and
//! unknown methods are folded into `OTHER`, so no client can grow the number of series or put ids
//! into them.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use actix_web::http::Method;

use crate::db::DbPool;
use crate::error::ApiError;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

/// Upper bounds of the latency histogram's buckets in seconds, from 1 ms to 10 s.
const BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// What one route and method has answered so far.
#[derive(Debug, Default)]
struct RouteSeries {
    by_status: BTreeMap<u16, u64>,
    /// Requests per bucket (not cumulative); the last one is `+Inf`.
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
    count: u64,
}

/// A database failure as a client saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseErrorKind {
    /// Unreachable, or too busy to answer in time: the client got 503.
    Unavailable,
    /// Any other database error: the client got 500.
    Other,
}

impl DatabaseErrorKind {
    /// The kind of database failure behind an error response, if it is one.
    pub fn of(error: &ApiError) -> Option<Self> {
        match error {
            ApiError::DatabaseUnavailable(_) => Some(DatabaseErrorKind::Unavailable),
            ApiError::Database(_) => Some(DatabaseErrorKind::Other),
            _ => None,
        }
    }
}

/// The process's counters, shared by every worker.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Keyed by route pattern and method; sorted so that the output is stable.
    routes: Mutex<BTreeMap<(String, &'static str), RouteSeries>>,
    database_unavailable: AtomicU64,
    database_other: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(
        &self,
        method: &Method,
        route: String,
        status: u16,
        latency: Duration,
        database_error: Option<DatabaseErrorKind>,
    ) {
        match database_error {
            Some(DatabaseErrorKind::Unavailable) => self.database_unavailable.fetch_add(1, Ordering::Relaxed),
            Some(DatabaseErrorKind::Other) => self.database_other.fetch_add(1, Ordering::Relaxed),
            None => 0,
        };
        let seconds = latency.as_secs_f64();
        let bucket = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let series = routes.entry((route, method_label(method))).or_default();
        *series.by_status.entry(status).or_default() += 1;
        series.buckets[bucket] += 1;
        series.seconds += seconds;
        series.count += 1;
    }

    /// Every series in the text exposition format, with the pool's current state.
    pub fn render(&self, pool: &DbPool) -> String {
        let mut out = String::with_capacity(4096);
        self.render_requests(&mut out);
        let state = pool.state();
        let gauges = [
            ("cus_db_pool_connections", "Open database connections, in use or idle.", state.connections),
            (
                "cus_db_pool_idle_connections",
                "Open database connections waiting for a request.",
                state.idle_connections,
            ),
            (
                "cus_db_pool_max_size",
                "The most database connections the pool opens (DATABASE_POOL_SIZE).",
                pool.max_size(),
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        }
        let _ = writeln!(
            out,
            "# HELP cus_db_errors_total Requests that failed on the database: unavailable (503) or other (500).\n\
             # TYPE cus_db_errors_total counter\n\
             cus_db_errors_total{{kind=\"unavailable\"}} {}\n\
             cus_db_errors_total{{kind=\"other\"}} {}",
            self.database_unavailable.load(Ordering::Relaxed),
            self.database_other.load(Ordering::Relaxed),
        );
        out
    }

    fn render_requests(&self, out: &mut String) {
        let routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        out.push_str(
            "# HELP cus_http_requests_total HTTP requests answered, by route pattern, method and status.\n\
             # TYPE cus_http_requests_total counter\n",
        );
        for ((route, method), series) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (status, count) in &series.by_status {
                let _ = writeln!(out, "cus_http_requests_total{{{labels},status=\"{status}\"}} {count}");
            }
        }
        out.push_str(
            "# HELP cus_http_request_duration_seconds Time to answer HTTP requests, by route pattern and method.\n\
             # TYPE cus_http_request_duration_seconds histogram\n",
        );
        for ((route, method), series) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (index, count) in series.buckets.iter().enumerate() {
                cumulative += count;
                let bound = BUCKETS.get(index).map_or_else(|| "+Inf".to_owned(), f64::to_string);
                let _ =
                    writeln!(out, "cus_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "cus_http_request_duration_seconds_sum{{{labels}}} {}", series.seconds);
            let _ = writeln!(out, "cus_http_request_duration_seconds_count{{{labels}}} {}", series.count);
        }
    }
}

/// The standard methods by name; anything else is one label, so made-up methods add no series.
fn method_label(method: &Method) -> &'static str {
    [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
        Method::CONNECT,
    ]
    .iter()
    .find(|known| *known == method)
    .map_or("OTHER", |known| known.as_str())
}

/// Escapes a label value as the exposition format requires.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_fall_into_cumulative_buckets_and_methods_are_bounded() {
        let counters = Metrics::default();
        let route = || "/api/v1/services/{id}".to_owned();
        counters.record(&Method::GET, route(), 200, Duration::from_micros(500), None);
        counters.record(&Method::GET, route(), 404, Duration::from_millis(30), None);
        counters.record(&Method::from_bytes(b"BREW").unwrap(), route(), 405, Duration::from_secs(60), None);
        let routes = counters.routes.lock().unwrap();
        let get = &routes[&(route(), "GET")];
        assert_eq!((get.count, get.by_status[&200], get.by_status[&404]), (2, 1, 1));
        assert_eq!((get.buckets[0], get.buckets[5]), (1, 1), "1 ms and 50 ms buckets");
        assert_eq!(routes[&(route(), "OTHER")].buckets[BUCKETS.len()], 1, "+Inf");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}

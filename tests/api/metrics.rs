//! Prometheus metrics: request counters and latencies per route pattern, pool gauges and
//! database errors, read through HTTP as a scraper would.

use reqwest::Method;

use crate::builders::ServiceBuilder;
use crate::helpers::{spawn_app, TestApp};

/// The metrics text, checked to be served as the exposition format to anyone.
pub async fn scrape(app: &TestApp) -> String {
    let reply = app.send(app.request_as(None, Method::GET, "/metrics")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/plain; version=0.0.4"));
    reply.body.as_str().expect("metrics are text").to_owned()
}

/// The value of one series, named with its labels exactly as exposed.
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// What `cus_db_errors_total` counts for a kind (`unavailable` or `other`).
pub async fn database_errors(app: &TestApp, kind: &str) -> Option<f64> {
    sample(&scrape(app).await, &format!("cus_db_errors_total{{kind=\"{kind}\"}}"))
}

fn requests(text: &str, method: &str, route: &str, status: u16) -> f64 {
    let series = format!("cus_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}");
    sample(text, &series).unwrap_or(0.0)
}

#[actix_web::test]
async fn requests_are_counted_per_route_pattern_method_and_status() {
    let app = spawn_app();
    let service = ServiceBuilder::new("METRICS").create(&app).await;
    let id = service["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/services/{id}");
    assert_eq!(app.get(&path).await.status, 200);
    assert_eq!(app.get("/api/v1/services/0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41").await.status, 404);
    assert_eq!(app.get("/api/v1/services/not-a-uuid").await.status, 400);
    assert_eq!(app.get("/api/v1/no-such-thing/42").await.status, 404);

    let before = scrape(&app).await;
    let one = "/api/v1/services/{id}";
    assert_eq!(requests(&before, "POST", "/api/v1/services", 201), 1.0, "{before}");
    assert_eq!(requests(&before, "GET", one, 200), 1.0);
    assert_eq!(requests(&before, "GET", one, 404), 1.0);
    assert_eq!(requests(&before, "GET", one, 400), 1.0);
    assert_eq!(requests(&before, "GET", "(unmatched)", 404), 1.0);
    for raw in [id.as_str(), "not-a-uuid", "no-such-thing", "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41"] {
        assert!(!before.contains(raw), "a raw path segment leaked into a label: {raw}");
    }

    assert_eq!(app.get(&path).await.status, 200);
    let after = scrape(&app).await;
    assert_eq!(requests(&after, "GET", one, 200), 2.0, "the counter increases");
    let labels = "method=\"GET\",route=\"/api/v1/services/{id}\"";
    let count = sample(&after, &format!("cus_http_request_duration_seconds_count{{{labels}}}"));
    assert_eq!(count, Some(4.0), "one latency observation per request");
    let all = sample(&after, &format!("cus_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"));
    assert_eq!(all, count, "the +Inf bucket holds every observation");
    let fastest = sample(&after, &format!("cus_http_request_duration_seconds_bucket{{{labels},le=\"0.001\"}}"));
    assert!(fastest.is_some_and(|value| value <= 4.0));
    assert!(requests(&after, "GET", "/metrics", 200) >= 1.0, "scrapes are counted too");
}

#[actix_web::test]
async fn pool_gauges_and_database_error_counters_are_present() {
    let app = spawn_app();
    let text = scrape(&app).await;
    assert_eq!(sample(&text, "cus_db_pool_max_size"), Some(4.0), "the tests' DATABASE_POOL_SIZE");
    let connections = sample(&text, "cus_db_pool_connections").expect("open connections");
    let idle = sample(&text, "cus_db_pool_idle_connections").expect("idle connections");
    assert!((1.0..=4.0).contains(&connections) && idle <= connections, "{text}");
    assert_eq!(database_errors(&app, "unavailable").await, Some(0.0));
    assert_eq!(database_errors(&app, "other").await, Some(0.0));
    assert!(text.contains("# TYPE cus_http_request_duration_seconds histogram"));
}

//! Problem details for every failure, including actix's own extractor and routing errors.

use reqwest::Method;
use serde_json::json;

use crate::builders::ServiceBuilder;
use crate::helpers::{spawn_app, spawn_with, TestDb};
use crate::metrics::database_errors;

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app();
    let reply = app
        .send(
            app.request(Method::POST, "/api/v1/services")
                .header("content-type", "application/json")
                .body("{\"code\": "),
        )
        .await;
    let problem = reply.problem(400, "bad-request");
    assert!(problem["detail"].as_str().unwrap().contains("not valid JSON"), "{problem}");
    assert_eq!(problem["instance"], "/api/v1/services");
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = spawn_app();
    let reply = app
        .send(app.request(Method::POST, "/api/v1/services").header("content-type", "text/plain").body("code=X"))
        .await;
    reply.problem(415, "unsupported-media-type");
    let reply = app.send(app.request(Method::POST, "/api/v1/services").body("{}")).await;
    reply.problem(415, "unsupported-media-type");
}

#[actix_web::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = spawn_app();
    let huge = ServiceBuilder::new("BIG").with("description", json!("x".repeat(70_000))).body().clone();
    let reply = app.post_json("/api/v1/services", &huge).await;
    let problem = reply.problem(413, "payload-too-large");
    assert!(problem["detail"].as_str().unwrap().contains("65536"), "{problem}");
}

#[actix_web::test]
async fn a_malformed_id_is_a_400_and_an_unknown_one_a_404() {
    let app = spawn_app();
    app.get("/api/v1/services/not-a-uuid").await.problem(400, "bad-request");
    let reply = app.get("/api/v1/services/0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41").await;
    reply.problem(404, "not-found");
}

#[actix_web::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app();
    let reply = app.get("/api/v1/nothing-here").await;
    assert_eq!(reply.problem(404, "not-found")["instance"], "/api/v1/nothing-here");
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_echoes_the_clients() {
    let app = spawn_app();
    let reply = app.send(app.request(Method::GET, "/health/live").header("x-request-id", "abc-123")).await;
    assert_eq!(reply.header("x-request-id"), Some("abc-123"));
    let reply = app.get("/api/v1/services/not-a-uuid").await;
    let id = reply.header("x-request-id").expect("generated request id").to_owned();
    assert_eq!(reply.body["request_id"], id, "problems quote the request id");
    let reply = app.send(app.request(Method::GET, "/health/live").header("x-request-id", "bad id with spaces")).await;
    assert_ne!(reply.header("x-request-id"), Some("bad id with spaces"));
}

#[actix_web::test]
async fn a_write_that_cannot_get_the_database_is_a_503_with_retry_after() {
    let db = TestDb::new();
    if db.is_postgres() {
        // PostgreSQL's outage is covered by the readiness test, which drops the database.
        return;
    }
    let url = db.url();
    let app = spawn_with(db, &[("SQLITE_BUSY_TIMEOUT_MS", "100")]);
    // Another process holds SQLite's write lock.
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut blocker = diesel::SqliteConnection::establish(url.trim_start_matches("sqlite://")).unwrap();
    blocker.batch_execute("BEGIN EXCLUSIVE").unwrap();
    let reply = app.post_json("/api/v1/services", ServiceBuilder::new("LOCKED").body()).await;
    reply.problem(503, "database-unavailable");
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert_eq!(database_errors(&app, "unavailable").await, Some(1.0), "counted in the metrics");
    blocker.batch_execute("ROLLBACK").unwrap();
    assert_eq!(
        app.post_json("/api/v1/services", ServiceBuilder::new("LOCKED").body()).await.status,
        201,
        "recovers by itself"
    );
}

#[actix_web::test]
async fn a_read_stuck_behind_a_lock_is_cancelled_at_the_statement_timeout_as_a_503() {
    let db = TestDb::new();
    if !db.is_postgres() {
        // SQLite has no statement timeout; its lock waits end at busy_timeout (see above).
        return;
    }
    let url = db.url();
    let app = spawn_with(db, &[("DATABASE_STATEMENT_TIMEOUT_SECONDS", "1")]);
    // Another session holds a lock and hangs.
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut blocker = diesel::PgConnection::establish(&url).unwrap();
    blocker.batch_execute("BEGIN").unwrap();
    blocker.batch_execute("LOCK TABLE services IN ACCESS EXCLUSIVE MODE").unwrap();
    let started = std::time::Instant::now();
    let reply = app.get("/api/v1/services").await;
    reply.problem(503, "database-unavailable");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "cancelled after about a second");
    assert_eq!(database_errors(&app, "unavailable").await, Some(1.0), "counted in the metrics");
    blocker.batch_execute("ROLLBACK").unwrap();
    assert_eq!(app.get("/api/v1/services").await.status, 200, "the connection serves the next request");
}

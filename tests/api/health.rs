//! Probes, the served documentation and migrations on an empty database.

use std::time::{Duration, Instant};

use crate::helpers::{spawn_app, spawn_with, TestDb};
use crate::metrics::database_errors;

#[actix_web::test]
async fn liveness_and_readiness_answer() {
    let app = spawn_app();
    let live = app.get("/health/live").await;
    assert_eq!((live.status, live.body["status"].as_str()), (200, Some("ok")));
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status, 200);
    let backend = if app.db.is_postgres() { "postgresql" } else { "sqlite" };
    assert_eq!(ready.body["database"], backend);
}

#[actix_web::test]
async fn readiness_is_a_503_problem_when_the_database_is_gone() {
    let app = spawn_app();
    if !app.db.is_postgres() {
        // A SQLite file cannot go away under open connections; see the locked-write test.
        return;
    }
    app.drop_postgres_database();
    let reply = app.get("/health/ready").await;
    reply.problem(503, "database-unavailable");
    assert!(reply.header("retry-after").is_some());
    assert_eq!(database_errors(&app, "unavailable").await, Some(1.0), "counted in the metrics");
}

#[actix_web::test]
async fn requests_queued_behind_a_vanished_database_are_all_answered_within_the_pool_time_out() {
    let db = TestDb::new();
    if !db.is_postgres() {
        return;
    }
    // One connection, so one thread for database work: each queued request must not wait a time-out
    // of its own after the one before it.
    let app = spawn_with(db, &[("DATABASE_POOL_SIZE", "1"), ("DATABASE_TIMEOUT_MS", "500")]);
    app.drop_postgres_database();
    let started = Instant::now();
    let replies = futures_util::future::join_all((0..6).map(|_| app.get("/health/ready"))).await;
    let elapsed = started.elapsed();
    for reply in &replies {
        reply.problem(503, "database-unavailable");
    }
    assert!(elapsed < Duration::from_millis(1500), "six queued requests took {elapsed:?}");
}

#[actix_web::test]
async fn connections_a_server_restart_closed_cost_no_request_an_error() {
    let app = spawn_app();
    if !app.db.is_postgres() {
        return;
    }
    let reads = || futures_util::future::join_all((0..4).map(|_| app.get("/api/v1/services")));
    assert!(reads().await.iter().all(|reply| reply.status == 200), "the pool holds open connections");
    app.terminate_postgres_sessions();
    // Idle connections are pinged before use, so the dead ones are replaced, not handed out.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    for reply in reads().await {
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    assert_eq!(app.get("/health/ready").await.status, 200);
    assert_eq!(database_errors(&app, "unavailable").await, Some(0.0));
}

#[actix_web::test]
async fn docs_and_the_openapi_document_are_served() {
    let app = spawn_app();
    let docs = app.send(app.request(reqwest::Method::GET, "/docs/")).await;
    assert_eq!(docs.status, 200);
    assert!(docs.body.as_str().unwrap_or_default().contains("swagger"), "Swagger UI page");
    let document = app.get("/openapi.json").await;
    assert_eq!(document.body["openapi"], "3.1.0");
    assert!(document.body["paths"]["/api/v1/services"].is_object());
}

#[actix_web::test]
async fn migrations_create_the_schema_on_an_empty_database_and_rerun_cleanly() {
    // spawn_app migrated an empty database; building again on it must apply nothing and work.
    let app = spawn_app();
    let config = cus_api::config::Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(app.db.url()),
        "BIND_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .unwrap();
    let second = cus_api::startup::Application::build(&config).expect("starts again on a migrated database");
    assert_ne!(second.port(), 0);
    let reply = app.get("/api/v1/services").await;
    assert_eq!(reply.status, 200);
}

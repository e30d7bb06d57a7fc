//! The audit log: one event per write, failures and denials recorded, and nothing can change it.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::ServiceBuilder;
use crate::helpers::{spawn_app, token_for, TestApp};

async fn events(app: &TestApp, query: &str) -> Vec<Value> {
    let reply = app
        .send(app.request_as(Some(&token_for(&["auditor"])), Method::GET, &format!("/api/v1/audit-events?{query}")))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn each_write_leaves_exactly_one_event_with_who_what_and_where() {
    let app = spawn_app();
    let reply = app
        .send(
            app.request(Method::POST, "/api/v1/services")
                .header("x-request-id", "req-42")
                .json(ServiceBuilder::new("AUD").body()),
        )
        .await;
    assert_eq!(reply.status, 201);
    let id = reply.body["id"].as_str().unwrap();
    let recorded = events(&app, &format!("resource_id={id}")).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let event = &recorded[0];
    assert_eq!(event["action"], "create_service");
    assert_eq!(event["resource_type"], "service");
    assert_eq!(event["outcome"], "success");
    assert_eq!(event["subject"], "user-ous");
    assert_eq!(event["roles"], json!(["ous"]));
    assert_eq!(event["request_id"], "req-42");
    assert_eq!(event["source_address"], "127.0.0.1");

    let path = format!("/api/v1/services/{id}");
    assert_eq!(app.patch_json(&path, "\"1\"", &json!({"name": "Nowa nazwa"})).await.status, 200);
    assert_eq!(app.post(&format!("{path}/activate")).await.status, 200);
    let actions: Vec<Value> =
        events(&app, &format!("resource_id={id}")).await.iter().map(|e| e["action"].clone()).collect();
    assert_eq!(
        actions,
        vec![json!("activate_service"), json!("update_service"), json!("create_service")],
        "newest first"
    );
    // Reads of the catalogue hold no personal data and are not audited.
    app.get(&path).await;
    assert_eq!(events(&app, &format!("resource_id={id}")).await.len(), 3);
}

#[actix_web::test]
async fn a_failed_write_is_recorded_and_changes_nothing() {
    let app = spawn_app();
    let existing = ServiceBuilder::new("FIRST").create(&app).await;
    let reply = app.post_json("/api/v1/services", ServiceBuilder::new("FIRST").body()).await;
    reply.problem(409, "duplicate-code");
    let failed = events(&app, "outcome=failed&action=create_service").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["detail"], json!({"status": 409, "code": "duplicate-code"}));
    let path = format!("/api/v1/services/{}", existing["id"].as_str().unwrap());
    app.patch_json(&path, "\"1\"", &json!({"area": "mars"})).await.problem(422, "validation-failed");
    let failed_patch = events(&app, "outcome=failed&action=update_service").await;
    assert_eq!(failed_patch[0]["resource_id"], existing["id"]);
    assert_eq!(app.get(&path).await.body["version"], 1, "nothing changed");
    assert_eq!(events(&app, "outcome=success").await.len(), 1, "only the first create succeeded");
}

#[actix_web::test]
async fn denied_attempts_are_recorded() {
    let app = spawn_app();
    let kipus = token_for(&["kipus"]);
    app.send(app.request_as(Some(&kipus), Method::POST, "/api/v1/services").json(ServiceBuilder::new("NO").body()))
        .await
        .problem(403, "forbidden");
    app.send(app.request_as(None, Method::POST, "/api/v1/services").json(ServiceBuilder::new("NO").body()))
        .await
        .problem(401, "unauthorized");
    let denied = events(&app, "outcome=denied").await;
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert_eq!(denied[0]["subject"], "anonymous");
    assert_eq!(denied[1]["subject"], "user-kipus");
    assert_eq!(denied[1]["detail"], json!({"status": 403, "code": "forbidden"}));
    assert!(app.get("/api/v1/services").await.body["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn the_log_filters_and_pages() {
    let app = spawn_app();
    for i in 0..5 {
        ServiceBuilder::new(&format!("E{i}")).create(&app).await;
    }
    let auditor = token_for(&["auditor"]);
    let first = app
        .send(app.request_as(Some(&auditor), Method::GET, "/api/v1/audit-events?limit=2&action=create_service"))
        .await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = events(&app, &format!("limit=10&action=create_service&cursor={cursor}")).await;
    assert_eq!(rest.len(), 3);
    assert!(events(&app, "subject=user-ous").await.len() >= 5);
    assert!(events(&app, "subject=nobody").await.is_empty());
    assert!(events(&app, "occurred_before=2000-01-01T00:00:00Z").await.is_empty());
    assert_eq!(events(&app, "updated_since=2000-01-01T00:00:00Z&resource_type=service").await.len(), 5);
    let bad = app.send(app.request_as(Some(&auditor), Method::GET, "/api/v1/audit-events?outcome=maybe")).await;
    bad.problem(400, "bad-request");
}

#[actix_web::test]
async fn the_log_cannot_be_altered_through_the_api_or_by_sql() {
    let app = spawn_app();
    ServiceBuilder::new("KEEP").create(&app).await;
    let auditor = token_for(&["admin"]);
    let event_id = events(&app, "").await[0]["id"].as_str().unwrap().to_owned();
    for method in [Method::DELETE, Method::PATCH, Method::PUT] {
        let reply =
            app.send(app.request_as(Some(&auditor), method.clone(), &format!("/api/v1/audit-events/{event_id}"))).await;
        assert!(reply.status == 404 || reply.status == 405, "{method}: {}", reply.status);
    }
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let url = app.db.url();
    let (update, delete) = (
        format!("UPDATE audit_events SET outcome = 'success' WHERE id = '{event_id}'"),
        format!("DELETE FROM audit_events WHERE id = '{event_id}'"),
    );
    if app.db.is_postgres() {
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        assert!(conn.batch_execute(&update).is_err(), "UPDATE refused");
        assert!(conn.batch_execute(&delete).is_err(), "DELETE refused");
        assert!(conn.batch_execute("TRUNCATE audit_events").is_err(), "TRUNCATE refused");
    } else {
        let mut conn = diesel::SqliteConnection::establish(url.trim_start_matches("sqlite://")).unwrap();
        assert!(conn.batch_execute(&update).is_err(), "UPDATE refused");
        assert!(conn.batch_execute(&delete).is_err(), "DELETE refused");
    }
    assert_eq!(events(&app, "").await.len(), 1);
}

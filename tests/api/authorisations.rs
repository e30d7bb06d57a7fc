//! The director's authorisations, and approval of plans by an authorised OUS.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, token_for, Reply, TestApp};
use crate::residents::as_role;
use crate::service_plans::{active_plan, plan_body};

/// The OUS of the tests' tokens (`token_for(&["ous"])`).
const OUS: &str = "user-ous";

async fn grant(app: &TestApp, role: &str, from: &str, to: Option<&str>) -> Reply {
    let body = json!({"subject": OUS, "scope": "approve_plans", "valid_from": from, "valid_to": to});
    as_role(app, role, Method::POST, "/api/v1/authorisations", Some(&body)).await
}

/// A plan submitted for approval, drafted by the KIPUS.
async fn submitted_plan(app: &TestApp) -> Value {
    let fixture = active_plan(app).await;
    let body = plan_body(&fixture.resident, &fixture.parties);
    let plan = as_role(app, "kipus", Method::POST, "/api/v1/service-plans", Some(&body)).await.body;
    let path = format!("/api/v1/service-plans/{}/submit-for-approval", plan["id"].as_str().unwrap());
    assert_eq!(as_role(app, "kipus", Method::POST, &path, None).await.status, 200);
    plan
}

async fn approve(app: &TestApp, plan: &Value) -> Reply {
    let path = format!("/api/v1/service-plans/{}/approve", plan["id"].as_str().unwrap());
    as_role(app, "ous", Method::POST, &path, None).await
}

#[actix_web::test]
async fn an_ous_approves_plans_only_while_the_director_authorises_it() {
    let app = spawn_app();
    let plan = submitted_plan(&app).await;
    approve(&app, &plan).await.problem(403, "forbidden");

    let expired = grant(&app, "director", "2020-01-01", Some("2020-12-31")).await;
    assert_eq!(expired.status, 201, "{}", expired.body);
    approve(&app, &plan).await.problem(403, "forbidden");

    let valid = grant(&app, "director", "2020-01-01", None).await;
    assert_eq!((valid.status, &valid.body["granted_by"]), (201, &json!("user-director")), "{}", valid.body);
    let revoke = format!("/api/v1/authorisations/{}/revoke", valid.body["id"].as_str().unwrap());
    let revoked = as_role(&app, "director", Method::POST, &revoke, None).await;
    assert_eq!((revoked.status, &revoked.body["revoked_by"]), (200, &json!("user-director")), "{}", revoked.body);
    as_role(&app, "director", Method::POST, &revoke, None).await.problem(409, "already-revoked");
    approve(&app, &plan).await.problem(403, "forbidden");

    assert_eq!(grant(&app, "director", "2020-01-01", Some("2099-12-31")).await.status, 201);
    let approved = approve(&app, &plan).await;
    assert_eq!(approved.status, 200, "an authorised OUS approves: {}", approved.body);
}

#[actix_web::test]
async fn only_the_director_grants_and_revokes_and_each_is_audited() {
    let app = spawn_app();
    for role in ["ous", "kipus", "admin"] {
        grant(&app, role, "2026-12-01", None).await.problem(403, "forbidden");
    }
    let granted = grant(&app, "director", "2026-12-01", None).await.body;
    let revoke = format!("/api/v1/authorisations/{}/revoke", granted["id"].as_str().unwrap());
    as_role(&app, "ous", Method::POST, &revoke, None).await.problem(403, "forbidden");
    grant(&app, "director", "2026-12-01", Some("2026-11-30")).await.problem(422, "validation-failed");

    let events = app
        .send(app.request_as(Some(&token_for(&["auditor"])), Method::GET, "/api/v1/audit-events?limit=200"))
        .await
        .body;
    let actions: Vec<&str> = events["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"create_authorisation"), "{events}");

    let own = as_role(&app, "ous", Method::GET, "/api/v1/authorisations?scope=approve_plans", None).await;
    assert_eq!(own.body["items"].as_array().map(Vec::len), Some(1), "the subject reads its own: {}", own.body);
    let kipus = as_role(&app, "kipus", Method::GET, "/api/v1/authorisations", None).await;
    kipus.problem(403, "forbidden");
    let other = as_role(&app, "director", Method::GET, "/api/v1/authorisations?subject=someone-else", None).await;
    assert_eq!(other.body["items"], json!([]));
    let active = as_role(&app, "director", Method::GET, "/api/v1/authorisations?active_on=2026-11-30", None).await;
    assert_eq!(active.body["items"], json!([]), "not yet valid on that day");
}

#[actix_web::test]
async fn one_authorisation_is_read_by_the_director_and_its_subject_only() {
    let app = spawn_app();
    let granted = grant(&app, "director", "2026-01-01", Some("2026-12-31")).await;
    assert_eq!(granted.status, 201, "{}", granted.body);
    let path = granted.header("location").unwrap().to_owned();
    let read = as_role(&app, "director", Method::GET, &path, None).await;
    assert_eq!((read.status, &read.body["subject"], &read.body["valid_to"]), (200, &json!(OUS), &json!("2026-12-31")));
    let etag = read.header("etag").unwrap().to_owned();
    let unchanged = app.send(app.request(Method::GET, &path).header("if-none-match", &etag)).await;
    assert_eq!(unchanged.status, 304, "its own subject (the tests' OUS) reads it, conditionally");
    let other_ous = token_for(&["ous", "kipus"]);
    let hidden = app.send(app.request_as(Some(&other_ous), Method::GET, &path)).await;
    hidden.problem(404, "not-found");
    assert_eq!(as_role(&app, "kipus", Method::GET, &path, None).await.status, 403);
}

//! The centre's settings: the grants planned each year for NGOs, versioned, audited, by role.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, token_for};

const PATH: &str = "/api/v1/settings/grant-years/2027";

#[actix_web::test]
async fn a_grant_year_is_recorded_once_and_changed_only_with_its_current_etag() {
    let app = spawn_app();
    app.get(PATH).await.problem(404, "not-found");
    let body = json!({"planned_ngo_grants": "1500000.00"});
    let created = app.send(app.request(Method::PUT, PATH).json(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        (&created.body["planned_ngo_grants"], &created.body["small_grant_limit"], &created.body["version"]),
        (&json!("1500000.00"), &json!("300000.00"), &json!(1))
    );
    let changed = json!({"planned_ngo_grants": "1600000.00"});
    app.send(app.request(Method::PUT, PATH).json(&changed)).await.problem(428, "precondition-required");
    let stale = app.send(app.request(Method::PUT, PATH).header("if-match", "\"7\"").json(&changed)).await;
    stale.problem(412, "precondition-failed");
    let fresh = app.send(app.request(Method::PUT, PATH).header("if-match", "\"1\"").json(&changed)).await;
    assert_eq!((fresh.status, &fresh.body["version"]), (200, &json!(2)), "{}", fresh.body);
    assert_eq!(app.get(PATH).await.body["planned_ngo_grants"], "1600000.00");
    let invalid = app.send(app.request(Method::PUT, PATH).header("if-match", "\"2\"").json(&json!({}))).await;
    assert_eq!(invalid.problem(422, "validation-failed")["errors"][0]["field"], "planned_ngo_grants");
    app.get("/api/v1/settings/grant-years/1999").await.problem(400, "bad-request");

    let audit = "/api/v1/audit-events?action=put_grant_year&outcome=success";
    let events = app.send(app.request_as(Some(&token_for(&["auditor"])), Method::GET, audit)).await;
    assert_eq!(events.body["items"].as_array().map(Vec::len), Some(2), "{}", events.body);
}

#[actix_web::test]
async fn the_director_and_the_ous_set_grant_years_and_the_staff_read_them() {
    let app = spawn_app();
    let body = json!({"planned_ngo_grants": "100000.00"});
    for role in ["kipus", "osl", "auditor", "admin", "integrator"] {
        let reply = app.send(app.request_as(Some(&token_for(&[role])), Method::PUT, PATH).json(&body)).await;
        reply.problem(403, "forbidden");
    }
    let director = app.send(app.request_as(Some(&token_for(&["director"])), Method::PUT, PATH).json(&body)).await;
    assert_eq!(director.status, 201, "{}", director.body);
    for role in ["kipus", "osl", "auditor", "ous"] {
        let reply = app.send(app.request_as(Some(&token_for(&[role])), Method::GET, PATH)).await;
        assert_eq!(reply.status, 200, "{role}: {}", reply.body);
    }
    app.send(app.request_as(Some(&token_for(&["admin"])), Method::GET, PATH)).await.problem(403, "forbidden");
}

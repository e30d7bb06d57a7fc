//! Individual service plans: lifecycle and rules, revisions, views, and the provider's items.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{parties, CommissionBuilder, Parties, NIPS};
use crate::helpers::{spawn_app, spawn_with, TestApp, TestDb};
use crate::residents::{as_role, create_resident, resident_body};

pub struct PlanFixture {
    pub resident: Value,
    pub parties: Parties,
    pub plan: Value,
}

pub fn plan_body(resident: &Value, parties: &Parties) -> Value {
    json!({
        "resident_id": resident["id"],
        "requested_on": chrono::Utc::now().date_naive().to_string(),
        "needs_assessment": "Mieszka sama, wymaga pomocy w higienie",
        "goals": [{"description": "Samodzielne zakupy", "indicator": "zakupy w tygodniu", "target_date": "2027-05-31"}],
        "items": [{"service_id": parties.service["id"], "provider_id": parties.provider["id"], "quantity": 120, "unit": "hour",
                   "frequency": "3 razy w tygodniu", "start_on": "2026-12-01", "end_on": "2027-05-31"}],
        "consent": {"given_on": "2026-11-05", "scope": "udział w IPUS", "recipients": ["realizatorzy usług"]},
        "period": {"start": "2026-12-01", "end": "2027-05-31"}
    })
}

async fn act(app: &TestApp, role: &str, plan: &Value, action: &str, body: Option<&Value>) -> crate::helpers::Reply {
    as_role(app, role, Method::POST, &format!("/api/v1/service-plans/{}/{action}", plan["id"].as_str().unwrap()), body)
        .await
}

/// A resident with an active plan whose one item a fresh provider delivers.
pub async fn active_plan(app: &TestApp) -> PlanFixture {
    let resident = create_resident(app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = parties(app, NIPS[0]).await;
    let created =
        as_role(app, "kipus", Method::POST, "/api/v1/service-plans", Some(&plan_body(&resident, &parties))).await;
    assert_eq!(created.status, 201, "{}", created.body);
    for (role, action) in [("kipus", "submit-for-approval"), ("director", "approve"), ("kipus", "activate")] {
        let reply = act(app, role, &created.body, action, None).await;
        assert_eq!(reply.status, 200, "{action}: {}", reply.body);
    }
    let plan = as_role(
        app,
        "kipus",
        Method::GET,
        &format!("/api/v1/service-plans/{}", created.body["id"].as_str().unwrap()),
        None,
    )
    .await
    .body;
    PlanFixture { resident, parties, plan }
}

#[actix_web::test]
async fn a_plan_goes_from_draft_through_approval_to_closure() {
    let app = spawn_app();
    let PlanFixture { plan, .. } = active_plan(&app).await;
    assert_eq!(plan["status"], "active");
    assert_eq!(plan["coordinator"], "user-kipus");
    assert_eq!(plan["approved_by"], "user-director");
    assert_eq!(plan["items"][0]["status"], "active");
    assert_eq!(plan["overdue"], false);
    let no_closure = act(&app, "kipus", &plan, "close", Some(&json!({}))).await;
    assert_eq!(no_closure.error_fields(), vec!["date", "reason"]);
    let closed = act(
        &app,
        "kipus",
        &plan,
        "close",
        Some(&json!({"date": "2027-05-31", "reason": "completed", "outcome": "Cele osiągnięte"})),
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(
        (closed.body["status"].as_str(), closed.body["items"][0]["status"].as_str()),
        (Some("closed"), Some("completed"))
    );
    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    let etag = format!("\"{}\"", closed.body["version"]);
    let token = crate::helpers::token_for(&["kipus"]);
    let reply = app
        .send(
            app.request_as(Some(&token), Method::PATCH, &path)
                .header("if-match", etag)
                .json(&json!({"needs_assessment": "x"})),
        )
        .await;
    reply.problem(409, "plan-closed");
}

#[actix_web::test]
async fn approval_rules_fail_each_on_its_own() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = parties(&app, NIPS[0]).await;
    let mut bare = plan_body(&resident, &parties);
    for field in ["consent", "goals", "items"] {
        bare.as_object_mut().unwrap().remove(field);
    }
    let draft = as_role(&app, "kipus", Method::POST, "/api/v1/service-plans", Some(&bare)).await.body;
    let incomplete = act(&app, "kipus", &draft, "submit-for-approval", None).await;
    assert_eq!(incomplete.problem(409, "plan-incomplete")["missing"], json!(["consent", "goals", "items"]));
    act(&app, "director", &draft, "approve", None).await.problem(409, "not-submitted-for-approval");

    let own = as_role(&app, "director", Method::POST, "/api/v1/service-plans", Some(&plan_body(&resident, &parties)))
        .await
        .body;
    assert_eq!(act(&app, "director", &own, "submit-for-approval", None).await.status, 200);
    act(&app, "director", &own, "approve", None).await.problem(403, "forbidden");
    act(&app, "ous", &own, "approve", None).await.problem(403, "forbidden");
    act(&app, "kipus", &own, "approve", None).await.problem(403, "forbidden");
    act(&app, "kipus", &own, "activate", None).await.problem(409, "invalid-state-transition");

    let authorised = spawn_with(TestDb::new(), &[("CUS_OUS_MAY_APPROVE_PLANS", "true")]);
    let fixture = active_plan(&authorised).await;
    let resident2 = fixture.resident;
    let second = as_role(
        &authorised,
        "kipus",
        Method::POST,
        "/api/v1/service-plans",
        Some(&plan_body(&resident2, &fixture.parties)),
    )
    .await
    .body;
    act(&authorised, "kipus", &second, "submit-for-approval", None).await;
    assert_eq!(act(&authorised, "ous", &second, "approve", None).await.status, 200, "an authorised OUS approves");
}

#[actix_web::test]
async fn plan_terms_are_checked_field_by_field() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = parties(&app, NIPS[0]).await;
    let other = crate::builders::parties(&app, NIPS[1]).await;
    let commission = CommissionBuilder::new("IPUS/1", &other.service, &other.provider).create(&app).await;
    let base = plan_body(&resident, &parties);
    let with_item = |change: Value| {
        let mut body = base.clone();
        for (key, value) in change.as_object().unwrap() {
            body["items"][0][key] = value.clone();
        }
        body
    };
    let mut too_long = base.clone();
    too_long["period"] = json!({"start": "2026-12-01", "end": "2027-12-01"});
    let cases = vec![
        (too_long, "period.end", "period_too_long"),
        (with_item(json!({"provider_id": other.provider["id"]})), "items[0].provider_id", "not_offered"),
        (with_item(json!({"commission_id": commission["id"]})), "items[0].commission_id", "commission_mismatch"),
        (with_item(json!({"end_on": "2027-07-01"})), "items[0].end_on", "outside_plan"),
        (with_item(json!({"unit": "meal"})), "items[0].unit", "unit_mismatch"),
    ];
    for (body, field, code) in cases {
        let reply = as_role(&app, "kipus", Method::POST, "/api/v1/service-plans", Some(&body)).await;
        reply.problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], field, "{}", reply.body);
        assert_eq!(reply.body["errors"][0]["code"], code);
    }
    let mine = CommissionBuilder::new("IPUS/2", &parties.service, &parties.provider)
        .with("period", json!({"start": "2026-01-01", "end": "2026-12-31"}))
        .create(&app)
        .await;
    let reply = as_role(
        &app,
        "kipus",
        Method::POST,
        "/api/v1/service-plans",
        Some(&with_item(json!({"commission_id": mine["id"]}))),
    )
    .await;
    assert_eq!(reply.body["errors"][0]["code"], "commission_period", "{}", reply.body);
    let mut late = base.clone();
    late["requested_on"] = json!("2026-09-01");
    let overdue = as_role(&app, "kipus", Method::POST, "/api/v1/service-plans", Some(&late)).await;
    assert_eq!((overdue.body["due_on"].as_str(), overdue.body["overdue"].as_bool()), (Some("2026-10-01"), Some(true)));
    let listed = as_role(&app, "kipus", Method::GET, "/api/v1/service-plans?overdue=true&coordinator=me", None).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn changes_to_an_approved_plan_keep_the_previous_revision() {
    let app = spawn_app();
    let PlanFixture { plan, .. } = active_plan(&app).await;
    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    let token = crate::helpers::token_for(&["kipus"]);
    let etag = format!("\"{}\"", plan["version"]);
    let goals = json!([{"id": "g1", "description": "Samodzielne zakupy", "status": "achieved"}]);
    let changed = app
        .send(
            app.request_as(Some(&token), Method::PATCH, &path).header("if-match", etag).json(&json!({"goals": goals})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["revision"], 2);
    assert_eq!(changed.body["items"][0]["id"], plan["items"][0]["id"], "items keep their ids");
    let revisions = as_role(&app, "kipus", Method::GET, &format!("{path}/revisions"), None).await;
    assert_eq!(revisions.body.as_array().unwrap().len(), 1);
    assert_eq!(revisions.body[0]["number"], 1);
    assert_eq!(revisions.body[0]["plan"]["goals"][0]["status"], "open", "the previous revision stays readable");
    let monitored = as_role(
        &app,
        "kipus",
        Method::POST,
        &format!("{path}/monitoring"),
        Some(&json!({"date": "2026-12-15", "note": "Wizyta domowa"})),
    )
    .await;
    assert_eq!(monitored.body["monitoring"][0]["author"], "user-kipus");
}

#[actix_web::test]
async fn each_role_sees_its_view_of_a_plan() {
    let app = spawn_app();
    let PlanFixture { plan, parties, .. } = active_plan(&app).await;
    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    let ous = as_role(&app, "ous", Method::GET, &path, None).await;
    assert_eq!(ous.status, 200);
    assert!(ous.body.get("needs_assessment").is_none() && ous.body.get("consent").is_none(), "{}", ous.body);
    assert_eq!((ous.body["goals"].as_u64(), ous.body["items"].as_array().map(Vec::len)), (Some(1), Some(1)));
    assert_eq!(
        as_role(&app, "director", Method::GET, &path, None).await.body["needs_assessment"],
        "Mieszka sama, wymaga pomocy w higienie"
    );
    for role in ["integrator", "osl", "auditor", "admin"] {
        as_role(&app, role, Method::GET, &path, None).await.problem(403, "forbidden");
    }
    app.send(app.request_as(Some(&parties.provider_token), Method::GET, &path)).await.problem(403, "forbidden");
    let auditor = crate::helpers::token_for(&["auditor"]);
    let reads =
        app.send(app.request_as(Some(&auditor), Method::GET, "/api/v1/audit-events?action=get_service_plan")).await;
    assert!(reads.body["items"].as_array().unwrap().len() >= 3, "plan reads are audited");
}

#[actix_web::test]
async fn a_provider_sees_its_items_and_records_deliveries() {
    let app = spawn_app();
    let PlanFixture { plan, parties, resident } = active_plan(&app).await;
    let mine =
        app.send(app.request_as(Some(&parties.provider_token), Method::GET, "/api/v1/plan-items?provider=me")).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let assigned = &mine.body[0];
    assert_eq!(assigned["resident"]["first_name"], "Maria");
    assert!(assigned["resident"].get("pesel").is_none());
    assert_eq!(assigned["item"]["plan_id"], plan["id"]);
    let item = assigned["item"]["id"].as_str().unwrap();
    let deliveries = format!("/api/v1/plan-items/{item}/deliveries");
    let record = |token: String, body: Value| {
        let app = &app;
        let deliveries = deliveries.clone();
        async move { app.send(app.request_as(Some(&token), Method::POST, &deliveries).json(&body)).await }
    };
    let recorded =
        record(parties.provider_token.clone(), json!({"delivered_on": "2026-12-03", "units": 2, "note": "Zakupy"}))
            .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let outside = record(parties.provider_token.clone(), json!({"delivered_on": "2026-11-03", "units": 2})).await;
    assert_eq!(outside.problem(422, "validation-failed")["errors"][0]["code"], "outside_item");
    let stranger = crate::helpers::provider_token("0193a5f2-0000-7000-8000-0000000000ee");
    record(stranger.clone(), json!({"delivered_on": "2026-12-03", "units": 1})).await.problem(404, "not-found");
    let others = app.send(app.request_as(Some(&stranger), Method::GET, "/api/v1/plan-items?provider=me")).await;
    assert_eq!(others.body, json!([]));
    let others_items = app
        .send(app.request_as(
            Some(&parties.provider_token),
            Method::GET,
            "/api/v1/plan-items?provider=0193a5f2-0000-7000-8000-0000000000ee",
        ))
        .await;
    others_items.problem(404, "not-found");
    let listed = as_role(&app, "kipus", Method::GET, &deliveries, None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let staff_items = as_role(
        &app,
        "kipus",
        Method::GET,
        &format!("/api/v1/plan-items?provider={}", parties.provider["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(staff_items.body.as_array().unwrap().len(), 1);
    let _ = resident;
}

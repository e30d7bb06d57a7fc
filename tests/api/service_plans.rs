//! Individual service plans: lifecycle and rules, revisions, views, and the provider's items.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{plan_parties, CommissionBuilder, Parties, NIPS};
use crate::helpers::{idp_claims, sign, spawn_app, spawn_with, Reply, TestApp, TestDb};
use crate::residents::{as_role, create_resident, resident_body};

pub struct PlanFixture {
    pub resident: Value,
    pub parties: Parties,
    pub plan: Value,
}

pub fn plan_body(resident: &Value, parties: &Parties) -> Value {
    json!({
        "resident_id": resident["id"],
        "requested_on": cus_api::clock::today().to_string(),
        "needs_assessment": "Mieszka sama, wymaga pomocy w higienie",
        "goals": [{"description": "Samodzielne zakupy", "indicator": "zakupy w tygodniu", "target_date": "2027-05-31"}],
        "items": [{"service_id": parties.service["id"], "provider_id": parties.provider["id"], "quantity": 120, "unit": "hour",
                   "frequency": "3 razy w tygodniu", "start_on": "2026-12-01", "end_on": "2027-05-31"}],
        "consent": {"given_on": "2026-11-05", "scope": "udział w IPUS", "recipients": ["realizatorzy usług"]},
        "period": {"start": "2026-12-01", "end": "2027-05-31"}
    })
}

pub async fn act(app: &TestApp, role: &str, plan: &Value, action: &str, body: Option<&Value>) -> Reply {
    as_role(app, role, Method::POST, &format!("/api/v1/service-plans/{}/{action}", plan["id"].as_str().unwrap()), body)
        .await
}

/// A resident with an active plan whose one item a fresh provider delivers.
pub async fn active_plan(app: &TestApp) -> PlanFixture {
    let resident = create_resident(app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = plan_parties(app, NIPS[0]).await;
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

/// A token of a person with these roles, under their own subject (to tell two directors apart).
fn person(subject: &str, roles: &[&str]) -> String {
    sign(&idp_claims(subject, roles), "idp-rsa", Some("idp-rsa-1"))
}

async fn act_as(app: &TestApp, token: &str, plan: &Value, action: &str) -> Reply {
    let path = format!("/api/v1/service-plans/{}/{action}", plan["id"].as_str().unwrap());
    app.send(app.request_as(Some(token), Method::POST, &path)).await
}

/// Changes the plan as read (its `version` is the ETag).
pub async fn patch(app: &TestApp, token: &str, plan: &Value, change: &Value) -> Reply {
    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    let request =
        app.request_as(Some(token), Method::PATCH, &path).header("if-match", format!("\"{}\"", plan["version"]));
    app.send(request.json(change)).await
}

/// Changes the plan as read, asserting 200.
pub async fn patch_as(app: &TestApp, token: &str, plan: &Value, change: &Value) -> Value {
    let reply = patch(app, token, plan, change).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
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
    assert_eq!(no_closure.error_fields(), vec!["date", "reason", "summary_interview_on", "summary"]);
    let today = cus_api::clock::today().to_string();
    let closure = json!({"date": "2027-05-31", "reason": "completed", "summary_interview_on": today,
                         "summary": "Usługi zrealizowane w pełnym wymiarze", "outcome": "Cele osiągnięte"});
    let closed = act(&app, "kipus", &plan, "close", Some(&closure)).await;
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
    let parties = plan_parties(&app, NIPS[0]).await;
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
    act(&app, "director", &own, "approve", None).await.problem(403, "self-approval");
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
    let parties = plan_parties(&app, NIPS[0]).await;
    let other = crate::builders::plan_parties(&app, NIPS[1]).await;
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
    let goals = json!([{"id": "g1", "description": "Samodzielne zakupy i gotowanie", "status": "achieved"}]);
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

#[actix_web::test]
async fn whoever_drafted_or_changed_a_plan_never_approves_it_whatever_it_names_as_coordinator() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = plan_parties(&app, NIPS[0]).await;
    let (drafter, other) = (person("director-a", &["director"]), person("director-b", &["director"]));
    let kipus = person("kipus-1", &["kipus"]);

    let mut naming_another = plan_body(&resident, &parties);
    naming_another["coordinator"] = json!("kipus-1");
    let created =
        app.send(app.request_as(Some(&drafter), Method::POST, "/api/v1/service-plans").json(&naming_another)).await;
    assert_eq!((created.status, created.body["coordinator"].as_str()), (201, Some("kipus-1")), "{}", created.body);
    assert_eq!(act_as(&app, &kipus, &created.body, "submit-for-approval").await.status, 200);
    act_as(&app, &drafter, &created.body, "approve").await.problem(403, "self-approval");
    assert_eq!(act_as(&app, &other, &created.body, "approve").await.status, 200, "a director who never touched it");

    let by_kipus = app
        .send(app.request_as(Some(&kipus), Method::POST, "/api/v1/service-plans").json(&plan_body(&resident, &parties)))
        .await
        .body;
    let changed =
        patch_as(&app, &drafter, &by_kipus, &json!({"coordinator": "kipus-2", "needs_assessment": "Po udarze"})).await;
    assert_eq!(act_as(&app, &kipus, &changed, "submit-for-approval").await.status, 200);
    act_as(&app, &drafter, &changed, "approve").await.problem(403, "self-approval");
    assert_eq!(act_as(&app, &other, &changed, "approve").await.status, 200);

    let mut coordinated_by_other = plan_body(&resident, &parties);
    coordinated_by_other["coordinator"] = json!("director-b");
    let named = app
        .send(app.request_as(Some(&kipus), Method::POST, "/api/v1/service-plans").json(&coordinated_by_other))
        .await
        .body;
    assert_eq!(act_as(&app, &kipus, &named, "submit-for-approval").await.status, 200);
    act_as(&app, &other, &named, "approve").await.problem(403, "self-approval");
    assert_eq!(
        act_as(&app, &drafter, &named, "approve").await.status,
        200,
        "the coordinator of record alone is refused"
    );
}

#[actix_web::test]
async fn any_change_to_a_plan_awaiting_approval_returns_it_to_draft() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = plan_parties(&app, NIPS[0]).await;
    let (kipus, director) = (person("kipus-1", &["kipus"]), person("director-a", &["director"]));
    let mut plan = app
        .send(app.request_as(Some(&kipus), Method::POST, "/api/v1/service-plans").json(&plan_body(&resident, &parties)))
        .await
        .body;
    let mut fewer_hours = plan["items"].clone();
    fewer_hours[0]["quantity"] = json!(60);
    let changes = [
        json!({"goals": [{"description": "Samodzielne gotowanie"}]}),
        json!({"items": fewer_hours}),
        json!({"needs_assessment": "Po udarze"}),
        json!({}),
    ];
    for change in changes {
        let submitted = act_as(&app, &kipus, &plan, "submit-for-approval").await;
        assert_eq!(submitted.status, 200, "{}", submitted.body);
        plan = patch_as(&app, &kipus, &submitted.body, &change).await;
        assert_eq!(
            (plan["status"].as_str(), plan["approval_requested_at"].as_str()),
            (Some("draft"), None),
            "{change}"
        );
        act_as(&app, &director, &plan, "approve").await.problem(409, "not-submitted-for-approval");
    }
    assert_eq!(act_as(&app, &kipus, &plan, "submit-for-approval").await.status, 200);
    let approved = act_as(&app, &director, &plan, "approve").await;
    assert_eq!((approved.status, approved.body["items"][0]["quantity"].as_i64()), (200, Some(60)), "{}", approved.body);
}

#[actix_web::test]
async fn items_added_to_an_active_plan_reach_their_provider_only_once_approved() {
    let app = spawn_app();
    let PlanFixture { plan, resident, parties } = active_plan(&app).await;
    let newcomer = crate::builders::plan_parties(&app, NIPS[1]).await;
    let mut items = plan["items"].clone();
    let mut added = items[0].clone();
    for field in ["id", "plan_id"] {
        added.as_object_mut().unwrap().remove(field);
    }
    added["service_id"] = newcomer.service["id"].clone();
    added["provider_id"] = newcomer.provider["id"].clone();
    added["status"] = json!("active");
    items.as_array_mut().unwrap().push(added);
    let kipus = crate::helpers::token_for(&["kipus"]);
    let changed = patch_as(&app, &kipus, &plan, &json!({"items": items})).await;
    assert_eq!((changed["status"].as_str(), changed["revision"].as_i64()), (Some("active"), Some(2)));
    assert_eq!(changed["approved_revision"], 1, "the approved revision stays in force");
    assert_eq!(
        (changed["items"][0]["status"].as_str(), changed["items"][1]["status"].as_str()),
        (Some("active"), Some("planned"))
    );
    let item = changed["items"][1]["id"].as_str().unwrap().to_owned();
    let resident_path = format!("/api/v1/residents/{}", resident["id"].as_str().unwrap());
    let deliveries = format!("/api/v1/plan-items/{item}/deliveries");
    let sees = |token: String| {
        let (app, resident_path, deliveries) = (&app, resident_path.clone(), deliveries.clone());
        async move {
            let items = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/plan-items?provider=me")).await;
            let listed = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/residents")).await;
            let resident = app.send(app.request_as(Some(&token), Method::GET, &resident_path)).await;
            let delivered = app.send(app.request_as(Some(&token), Method::GET, &deliveries)).await;
            (
                items.body.as_array().map(Vec::len),
                listed.body["items"].as_array().map(Vec::len),
                resident.status,
                delivered.status,
            )
        }
    };
    assert_eq!(sees(newcomer.provider_token.clone()).await, (Some(0), Some(0), 404, 404), "nothing before approval");
    let recorded = app
        .send(
            app.request_as(Some(&newcomer.provider_token), Method::POST, &deliveries)
                .json(&json!({"delivered_on": "2026-12-03", "units": 1})),
        )
        .await;
    recorded.problem(404, "not-found");
    assert_eq!(sees(parties.provider_token.clone()).await.0, Some(1), "the approved item stays in force");

    act(&app, "director", &changed, "approve", None).await.problem(409, "not-submitted-for-approval");
    assert_eq!(act(&app, "kipus", &changed, "submit-for-approval", None).await.status, 200);
    act(&app, "kipus", &changed, "approve", None).await.problem(403, "forbidden");
    let approved = act(&app, "director", &changed, "approve", None).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(
        (approved.body["status"].as_str(), approved.body["approved_revision"].as_i64()),
        (Some("active"), Some(2))
    );
    assert_eq!(approved.body["items"][1]["status"], "active");
    assert_eq!(sees(newcomer.provider_token.clone()).await, (Some(1), Some(1), 200, 200), "everything once approved");
    act(&app, "kipus", &approved.body, "submit-for-approval", None).await.problem(409, "nothing-to-approve");
}

#[actix_web::test]
async fn activating_an_approved_plan_leaves_an_unapproved_change_planned() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = plan_parties(&app, NIPS[0]).await;
    let created =
        as_role(&app, "kipus", Method::POST, "/api/v1/service-plans", Some(&plan_body(&resident, &parties))).await.body;
    assert_eq!(act(&app, "kipus", &created, "submit-for-approval", None).await.status, 200);
    let approved = act(&app, "director", &created, "approve", None).await.body;
    let mut items = approved["items"].clone();
    let mut added = items[0].clone();
    added.as_object_mut().unwrap().remove("id");
    added["quantity"] = json!(10);
    items.as_array_mut().unwrap().push(added);
    let changed = patch_as(&app, &crate::helpers::token_for(&["kipus"]), &approved, &json!({"items": items})).await;
    let active = act(&app, "kipus", &changed, "activate", None).await;
    assert_eq!(active.status, 200, "{}", active.body);
    let statuses: Vec<&str> =
        active.body["items"].as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["active", "planned"], "the approved item starts, the unapproved one waits");
}

//! What the law asks of individual plans (art. 7 of the CUS act): closing with the summary
//! interview and a summary, what stays fixed after approval, which changes are approved again,
//! items against what is in force (fees: plan_fees), and the authorised approver.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{plan_parties, CommissionBuilder, NIPS};
use crate::helpers::{token_for, Reply, TestApp};
use crate::residents::{as_role, create_resident, resident_body};
use crate::service_plans::{act, active_plan, patch, patch_as, plan_body, PlanFixture};

fn today() -> String {
    cus_api::clock::today().to_string()
}

/// `base` with the members of `changes` set (a null member set to null).
fn with(base: &Value, changes: Value) -> Value {
    let mut body = base.clone();
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// The plan body with its one item changed.
fn with_item(base: &Value, changes: Value) -> Value {
    let item = with(&base["items"][0], changes);
    with(base, json!({"items": [item]}))
}

async fn draft(app: &TestApp, body: &Value) -> Reply {
    as_role(app, "kipus", Method::POST, "/api/v1/service-plans", Some(body)).await
}

fn assert_field_error(reply: &Reply, field: &str, code: &str) {
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec![field], "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["code"], code, "{}", reply.body);
}

#[actix_web::test]
async fn closing_needs_the_summary_interview_and_the_summary_of_course_and_results() {
    let app = crate::helpers::spawn_app();
    let PlanFixture { plan, .. } = active_plan(&app).await;
    let closure = json!({"date": today(), "reason": "completed", "summary_interview_on": today(),
                         "summary": "Usługi opiekuńcze zrealizowane; pani robi zakupy samodzielnie."});
    let cases = [
        (json!({"summary": null}), "summary", "required"),
        (json!({"summary": "   "}), "summary", "required"),
        (json!({"summary_interview_on": null}), "summary_interview_on", "required"),
        (json!({"summary_interview_on": "2999-01-01"}), "summary_interview_on", "in_future"),
        (json!({"summary_interview_on": "2026-11-30"}), "summary_interview_on", "before_plan_start"),
    ];
    for (change, field, code) in cases {
        let reply = act(&app, "kipus", &plan, "close", Some(&with(&closure, change))).await;
        assert_field_error(&reply, field, code);
    }
    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    assert_eq!(as_role(&app, "kipus", Method::GET, &path, None).await.body["status"], "active", "nothing was written");
    let closed = act(&app, "kipus", &plan, "close", Some(&closure)).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.body["closure"]["summary"], closure["summary"]);
    assert_eq!(closed.body["closure"]["summary_interview_on"], today());
}

#[actix_web::test]
async fn the_request_date_and_the_period_start_stay_as_approved() {
    let app = crate::helpers::spawn_app();
    let PlanFixture { plan, resident, parties } = active_plan(&app).await;
    let kipus = token_for(&["kipus"]);
    let moved = json!({"requested_on": "2026-11-20", "period": {"start": "2026-11-30", "end": "2027-05-31"}});
    let refused = patch(&app, &kipus, &plan, &moved).await;
    refused.problem(422, "validation-failed");
    assert_eq!(refused.error_fields(), vec!["requested_on", "period.start"]);
    assert!(refused.body["errors"].as_array().unwrap().iter().all(|e| e["code"] == "fixed_after_approval"));

    let longer = patch_as(&app, &kipus, &plan, &json!({"period": {"start": "2026-12-01", "end": "2027-06-30"}})).await;
    assert_eq!(
        (longer["period"]["end"].as_str(), longer["revision_status"].as_str()),
        (Some("2027-06-30"), Some("draft"))
    );

    let unapproved = draft(&app, &plan_body(&resident, &parties)).await.body;
    let changed = patch_as(&app, &kipus, &unapproved, &json!({"requested_on": "2026-11-20"})).await;
    assert_eq!(changed["requested_on"], "2026-11-20", "a draft's dates may change until its approval");
}

#[actix_web::test]
async fn only_a_material_change_sends_an_approved_plan_back_for_approval() {
    let app = crate::helpers::spawn_app();
    let PlanFixture { plan, .. } = active_plan(&app).await;
    assert_eq!((plan["revision"].as_i64(), plan["revision_status"].as_str()), (Some(1), Some("approved")));
    let kipus = token_for(&["kipus"]);
    let mut progress = plan["goals"].clone();
    progress[0]["status"] = json!("achieved");
    let not_material = json!({
        "goals": progress,
        "consent": {"given_on": today(), "scope": "udział w IPUS i przekazanie danych realizatorom"},
        "needs_assessment": "Po udarze, wyraźna poprawa",
        "coordinator": "kipus-2"
    });
    let same = patch_as(&app, &kipus, &plan, &not_material).await;
    assert_eq!(
        (same["revision"].as_i64(), same["approved_revision"].as_i64(), same["revision_status"].as_str()),
        (Some(1), Some(1), Some("approved")),
        "{same}"
    );
    assert_eq!(
        (same["goals"][0]["status"].as_str(), same["coordinator"].as_str()),
        (Some("achieved"), Some("kipus-2"))
    );
    let path = format!("/api/v1/service-plans/{}/revisions", plan["id"].as_str().unwrap());
    assert_eq!(as_role(&app, "kipus", Method::GET, &path, None).await.body, json!([]));
    act(&app, "kipus", &same, "submit-for-approval", None).await.problem(409, "nothing-to-approve");

    let mut fewer = same["items"].clone();
    fewer[0]["quantity"] = json!(100);
    let changed = patch_as(&app, &kipus, &same, &json!({"items": fewer})).await;
    assert_eq!(
        (changed["revision"].as_i64(), changed["approved_revision"].as_i64(), changed["revision_status"].as_str()),
        (Some(2), Some(1), Some("draft"))
    );
    let submitted = act(&app, "kipus", &changed, "submit-for-approval", None).await;
    assert_eq!(submitted.body["revision_status"], "pending_approval", "{}", submitted.body);
    let consent_only =
        patch_as(&app, &kipus, &submitted.body, &json!({"consent": {"given_on": today(), "scope": "IPUS"}})).await;
    assert_eq!(consent_only["revision_status"], "pending_approval", "a consent update keeps the submission");
    let approved = act(&app, "director", &consent_only, "approve", None).await;
    assert_eq!(
        (approved.body["approved_revision"].as_i64(), approved.body["revision_status"].as_str()),
        (Some(2), Some("approved")),
        "{}",
        approved.body
    );
}

#[actix_web::test]
async fn new_and_changed_items_need_an_active_service_provider_and_commission() {
    let app = crate::helpers::spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = plan_parties(&app, NIPS[0]).await;
    let body = plan_body(&resident, &parties);
    let commission = CommissionBuilder::new("IPUS/3", &parties.service, &parties.provider)
        .with("period", json!({"start": "2026-12-01", "end": "2027-05-31"}))
        .create(&app)
        .await;
    let under_commission = with_item(&body, json!({"commission_id": commission["id"]}));
    let conflict = draft(&app, &under_commission).await;
    assert_eq!(conflict.problem(409, "commission-not-active")["item"], "items[0]");
    let activate = format!("/api/v1/commissions/{}/activate", commission["id"].as_str().unwrap());
    assert_eq!(app.post(&activate).await.status, 200);
    let planned = draft(&app, &under_commission).await;
    assert_eq!(planned.status, 201, "{}", planned.body);

    let provider = format!("/api/v1/providers/{}", parties.provider["id"].as_str().unwrap());
    assert_eq!(app.post(&format!("{provider}/suspend")).await.status, 200);
    draft(&app, &body).await.problem(409, "provider-not-active");
    let kipus = token_for(&["kipus"]);
    let unchanged_item = patch_as(&app, &kipus, &planned.body, &json!({"needs_assessment": "Po udarze"})).await;
    assert_eq!(unchanged_item["items"][0]["id"], planned.body["items"][0]["id"], "an unchanged item keeps its terms");
    assert_eq!(app.post(&format!("{provider}/activate")).await.status, 200);

    let service = format!("/api/v1/services/{}", parties.service["id"].as_str().unwrap());
    assert_eq!(app.post(&format!("{service}/retire")).await.status, 200);
    draft(&app, &body).await.problem(409, "service-not-active");
}

#[actix_web::test]
async fn an_authorised_ous_reads_in_full_the_plan_it_approves() {
    let app = crate::helpers::spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let parties = plan_parties(&app, NIPS[0]).await;
    let plan = draft(&app, &plan_body(&resident, &parties)).await.body;
    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    let ous = token_for(&["ous"]);
    let read = || app.send(app.request_as(Some(&ous), Method::GET, &path));
    assert!(read().await.body.get("needs_assessment").is_none(), "an OUS gets the overview");

    let grant = json!({"subject": "user-ous", "scope": "approve_plans", "valid_from": "2026-01-01"});
    let director = token_for(&["director"]);
    let granted = app.send(app.request_as(Some(&director), Method::POST, "/api/v1/authorisations").json(&grant)).await;
    assert_eq!(granted.status, 201, "{}", granted.body);
    assert!(read().await.body.get("needs_assessment").is_none(), "a draft not yet submitted stays an overview");
    assert_eq!(act(&app, "kipus", &plan, "submit-for-approval", None).await.status, 200);
    let full = read().await;
    assert_eq!(full.body["needs_assessment"], "Mieszka sama, wymaga pomocy w higienie", "{}", full.body);
    assert_eq!(act(&app, "ous", &plan, "approve", None).await.status, 200);
}

#[actix_web::test]
async fn the_approved_terms_stay_in_force_until_a_change_is_approved() {
    let app = crate::helpers::spawn_app();
    let PlanFixture { plan, parties, .. } = active_plan(&app).await;
    let kipus = token_for(&["kipus"]);
    let in_force = |token: String| {
        let app = &app;
        async move {
            let reply = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/plan-items?provider=me")).await;
            reply
                .body
                .as_array()
                .unwrap()
                .iter()
                .map(|assigned| assigned["item"]["quantity"].clone())
                .collect::<Vec<_>>()
        }
    };
    let mut fewer = plan["items"].clone();
    fewer[0]["quantity"] = json!(100);
    let changed = patch_as(&app, &kipus, &plan, &json!({"items": fewer})).await;
    let item = &changed["items"][0];
    assert_eq!(
        (&item["quantity"], &item["status"], &item["terms_approved"]),
        (&json!(100), &json!("active"), &json!(false))
    );
    assert_eq!(
        in_force(parties.provider_token.clone()).await,
        vec![json!(120)],
        "the provider keeps the approved terms"
    );
    let deliveries = format!("/api/v1/plan-items/{}/deliveries", item["id"].as_str().unwrap());
    let delivered = app
        .send(
            app.request_as(Some(&parties.provider_token), Method::POST, &deliveries)
                .json(&json!({"delivered_on": today(), "units": 2})),
        )
        .await;
    assert_eq!(delivered.status, 201, "the service goes on meanwhile: {}", delivered.body);
    assert_eq!(act(&app, "kipus", &changed, "submit-for-approval", None).await.status, 200);
    let approved = act(&app, "director", &changed, "approve", None).await.body;
    assert_eq!(approved["items"][0]["terms_approved"], true);
    assert_eq!(in_force(parties.provider_token.clone()).await, vec![json!(100)], "the approved change is in force");

    // A removal awaits approval too: the item stays with its provider until then.
    let newcomer = crate::builders::plan_parties(&app, NIPS[2]).await;
    let mut items = approved["items"].clone();
    let mut added =
        with(&items[0], json!({"service_id": newcomer.service["id"], "provider_id": newcomer.provider["id"]}));
    for field in ["id", "plan_id", "terms_approved"] {
        added.as_object_mut().unwrap().remove(field);
    }
    items.as_array_mut().unwrap().push(added);
    let two = patch_as(&app, &kipus, &approved, &json!({"items": items})).await;
    assert_eq!(act(&app, "kipus", &two, "submit-for-approval", None).await.status, 200);
    let two = act(&app, "director", &two, "approve", None).await.body;
    assert_eq!(in_force(newcomer.provider_token.clone()).await, vec![json!(100)]);
    let one = patch_as(&app, &kipus, &two, &json!({"items": [two["items"][0].clone()]})).await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(in_force(newcomer.provider_token.clone()).await, vec![json!(100)], "removed once approved, not before");
    assert_eq!(act(&app, "kipus", &one, "submit-for-approval", None).await.status, 200);
    let one = act(&app, "director", &one, "approve", None).await.body;
    assert_eq!(one["items"].as_array().unwrap().len(), 1, "{one}");
    assert!(in_force(newcomer.provider_token.clone()).await.is_empty());
}

//! Plan items under the programme in force in the resident's municipality: refused outside it,
//! their fee derived from the programme's rule or the resident's fee assessment (never typed),
//! and the programme service's capacity (places, units per month), also under concurrent plans.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{parties_with, plan_parties_with, programme_in_force, programme_service, ServiceBuilder, NIPS};
use crate::helpers::{spawn_app, Reply, TestApp};
use crate::residents::{as_role, create_resident, resident_body};
use crate::service_plans::{patch, plan_body};

async fn draft(app: &TestApp, body: &Value) -> Reply {
    as_role(app, "kipus", Method::POST, "/api/v1/service-plans", Some(body)).await
}

fn with_item(body: &Value, changes: Value) -> Value {
    let mut body = body.clone();
    for (key, value) in changes.as_object().unwrap() {
        body["items"][0][key] = value.clone();
    }
    body
}

fn assert_field_error(reply: &Reply, field: &str, code: &str) {
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec![field], "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["code"], code, "{}", reply.body);
}

/// Another resident of the same municipality (no PESEL, so it does not clash).
async fn neighbour(app: &TestApp, first: &str) -> Value {
    let mut body = resident_body(first, "Kowalska");
    body["pesel"] = Value::Null;
    body["birth_date"] = json!("1950-03-01");
    create_resident(app, &body).await
}

/// A service with this catalogue fee rule, offered by a fresh provider.
fn service(code: &str, fee_rule: Value) -> ServiceBuilder {
    ServiceBuilder::new(code).with("fee_rule", fee_rule)
}

/// PLN thresholds per person: free up to 1000.00, 6.50 an hour up to 2000.00, then 12.00; one exemption.
fn pln_table() -> Value {
    json!({"kind": "income_table", "basis": "pln", "brackets": [
        {"up_to": "1000", "fee": {"per_unit": "0"}},
        {"up_to": "2000", "fee": {"per_unit": "6.50"}},
        {"up_to": null, "fee": {"per_unit": "12.00"}}],
        "exemptions": [{"code": "two_disabled_in_household", "description": "Dwie osoby niepełnosprawne"}]})
}

#[actix_web::test]
async fn an_item_outside_every_programme_in_force_is_refused_and_so_is_a_resident_without_a_municipality() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let outside = parties_with(&app, NIPS[0], ServiceBuilder::new("POZA")).await;
    let refused = draft(&app, &plan_body(&resident, &outside)).await;
    assert_field_error(&refused, "items[0].service_id", "not_in_programme");

    let mut homeless = resident_body("Jan", "Nowak");
    homeless["pesel"] = Value::Null;
    homeless["birth_date"] = json!("1950-03-01");
    homeless["address"] = Value::Null;
    let homeless = create_resident(&app, &homeless).await;
    let granted = plan_parties_with(&app, NIPS[1], ServiceBuilder::new("WPR")).await;
    assert_field_error(&draft(&app, &plan_body(&homeless, &granted)).await, "resident_id", "no_municipality");
    let no_items = json!({"items": []});
    let mut empty = plan_body(&homeless, &granted);
    empty["items"] = no_items["items"].clone();
    assert_eq!(draft(&app, &empty).await.status, 201, "a plan without items needs no programme yet");
}

#[actix_web::test]
async fn a_free_or_fixed_fee_follows_the_programme_s_rule_else_the_catalogue_s_and_is_never_typed() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let free = plan_parties_with(&app, NIPS[0], ServiceBuilder::new("BEZ")).await;
    let created = draft(&app, &plan_body(&resident, &free)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        (&created.body["items"][0]["fee"], &created.body["items"][0]["fee_basis"]),
        (&Value::Null, &json!({"kind": "free"}))
    );

    // The catalogue says 2.50 an hour; the programme's own rule 1.50: 120 hours make 180.00.
    let fixed = parties_with(&app, NIPS[1], service("STA", json!({"kind": "fixed", "amount": "2.50"}))).await;
    let mut terms = programme_service(&fixed.service);
    terms["fee_rule"] = json!({"kind": "fixed", "amount": "1.50"});
    programme_in_force(&app, vec![terms]).await;
    let body = plan_body(&resident, &fixed);
    let created = draft(&app, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        (&created.body["items"][0]["fee"], &created.body["items"][0]["fee_basis"]),
        (&json!("180.00"), &json!({"kind": "fixed"}))
    );
    assert_eq!(
        draft(&app, &with_item(&body, json!({"fee": "180.00"}))).await.status,
        201,
        "the derived fee may be stated"
    );
    let typed = draft(&app, &with_item(&body, json!({"fee": "299.99"}))).await;
    assert_field_error(&typed, "items[0].fee", "fee_mismatch");
    assert!(typed.body["errors"][0]["message"].as_str().unwrap().contains("180.00"), "{}", typed.body);
    assert!(!typed.body.to_string().contains("299.99"), "no submitted value is repeated: {}", typed.body);
    let old = draft(&app, &with_item(&body, json!({"fee_exemption_reason": "decyzja"}))).await;
    assert_eq!(old.status, 400, "the free-text exemption is gone: {}", old.body);

    // The stored fee round-trips a merge patch; a changed quantity gets its fee derived again.
    let plan = &created.body;
    let untouched =
        patch(&app, &crate::helpers::token_for(&["kipus"]), plan, &json!({"needs_assessment": "Bez zmian"})).await;
    assert_eq!(untouched.status, 200, "{}", untouched.body);
    let mut items = untouched.body["items"].clone();
    items[0]["quantity"] = json!(60);
    let stale = patch(&app, &crate::helpers::token_for(&["kipus"]), &untouched.body, &json!({"items": items})).await;
    assert_field_error(&stale, "items[0].fee", "fee_mismatch");
    items[0]["fee"] = Value::Null;
    let changed = patch(&app, &crate::helpers::token_for(&["kipus"]), &untouched.body, &json!({"items": items})).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["items"][0]["fee"], "90.00");

    let path = format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap());
    let overview = as_role(&app, "ous", Method::GET, &path, None).await;
    assert_eq!(overview.body["items"][0]["fee"], "90.00");
    assert!(overview.body["items"][0].get("fee_basis").is_none(), "the OUS sees the fee, not its basis");
}

async fn assess(app: &TestApp, body: Value) -> Value {
    let reply = as_role(app, "kipus", Method::POST, "/api/v1/fee-assessments", Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

#[actix_web::test]
async fn an_income_dependent_fee_is_the_assessment_in_force_on_the_item_s_start() {
    let app = spawn_app();
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let care = parties_with(&app, NIPS[0], service("OPI", pln_table())).await;
    let programme = programme_in_force(&app, vec![programme_service(&care.service)]).await;
    let body = plan_body(&resident, &care);
    let missing = draft(&app, &body).await;
    assert_eq!(missing.problem(409, "fee-assessment-missing")["item"], "items[0]");

    let assessment = |income: &str, from: &str, to: Value, exemption: Value| {
        json!({"resident_id": resident["id"], "programme_id": programme["id"], "service_id": care.service["id"],
            "household_income": income, "household_size": 1, "stated_on": "2026-11-10",
            "valid_from": from, "valid_to": to, "exemption": exemption})
    };
    let december = assess(&app, assessment("1500.00", "2026-11-01", json!("2026-12-31"), Value::Null)).await;
    let from_january = assess(&app, assessment("2500.00", "2027-01-01", Value::Null, Value::Null)).await;
    // 120 hours at 6.50 (the assessment in force on 2026-12-01).
    let created = draft(&app, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["items"][0]["fee"], "780.00");
    assert_eq!(created.body["items"][0]["fee_basis"], json!({"kind": "assessment", "assessment_id": december["id"]}));
    // From January 12.00 applies.
    let later = draft(&app, &with_item(&body, json!({"start_on": "2027-01-04"}))).await;
    assert_eq!(later.status, 201, "{}", later.body);
    assert_eq!(later.body["items"][0]["fee"], "1440.00");
    assert_eq!(later.body["items"][0]["fee_basis"]["assessment_id"], from_january["id"]);

    let other = neighbour(&app, "Anna").await;
    let exemption = json!({"code": "two_disabled_in_household"});
    let mut exempt = assessment("2500.00", "2026-11-01", Value::Null, exemption);
    exempt["resident_id"] = other["id"].clone();
    let exempt = assess(&app, exempt).await;
    let created = draft(&app, &plan_body(&other, &care)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["items"][0]["fee"], "0.00");
    assert_eq!(created.body["items"][0]["fee_basis"], json!({"kind": "exempt", "assessment_id": exempt["id"]}));
}

/// A service whose programme in force offers it with this capacity.
async fn limited(app: &TestApp, nip: &str, capacity: Value) -> (crate::builders::Parties, Value) {
    let parties = parties_with(app, nip, ServiceBuilder::new("LIM")).await;
    let mut terms = programme_service(&parties.service);
    terms["capacity"] = capacity;
    let programme = programme_in_force(app, vec![terms]).await;
    (parties, programme)
}

/// Drafts the plan of `plan_body` for one resident and returns it for a neighbour, still to draft.
async fn after_a_first_plan(app: &TestApp, parties: &crate::builders::Parties) -> Value {
    let first = create_resident(app, &resident_body("Maria", "Wiśniewska")).await;
    assert_eq!(draft(app, &plan_body(&first, parties)).await.status, 201);
    plan_body(&neighbour(app, "Anna").await, parties)
}

#[actix_web::test]
async fn places_count_the_items_of_the_municipality_overlapping_the_new_one() {
    let app = spawn_app();
    let (parties, programme) = limited(&app, NIPS[0], json!({"kind": "places", "value": 1})).await;
    let body = after_a_first_plan(&app, &parties).await;
    let refused = draft(&app, &body).await;
    let problem = refused.problem(409, "capacity-exceeded");
    assert_eq!(
        (&problem["programme_id"], &problem["service_id"], &problem["capacity"], &problem["item"]),
        (&programme["id"], &parties.service["id"], &json!({"kind": "places", "value": 1}), &json!("items[0]"))
    );
    // A plan period after the first item's ends takes the place again.
    let after = json!({"period": {"start": "2027-06-01", "end": "2027-11-30"}});
    let mut later = with_item(&body, json!({"start_on": "2027-06-01", "end_on": "2027-11-30"}));
    later["period"] = after["period"].clone();
    assert_eq!(draft(&app, &later).await.status, 201, "dates that do not overlap take no place");
}

#[actix_web::test]
async fn units_per_month_sum_the_quantities_spread_over_each_month() {
    let app = spawn_app();
    let (parties, _) = limited(&app, NIPS[0], json!({"kind": "units_per_month", "value": 30})).await;
    // The first plan's 120 hours over 182 days: 20.4 in December, counted 21.
    let body = after_a_first_plan(&app, &parties).await;
    // 60 more: 10.2, counted 11, make 32 in December.
    let refused = draft(&app, &with_item(&body, json!({"quantity": 60}))).await;
    let problem = refused.problem(409, "capacity-exceeded");
    assert_eq!(
        (&problem["capacity"], &problem["month"]),
        (&json!({"kind": "units_per_month", "value": 30}), &json!("2026-12"))
    );
    // 30 more: 5.1, counted 6, make 27.
    assert_eq!(draft(&app, &with_item(&body, json!({"quantity": 30}))).await.status, 201);
    let third = neighbour(&app, "Zofia").await;
    draft(&app, &with_item(&plan_body(&third, &parties), json!({"quantity": 30})))
        .await
        .problem(409, "capacity-exceeded");
}

#[actix_web::test]
async fn two_concurrent_plans_never_both_take_the_last_place() {
    let app = spawn_app();
    let (parties, _) = limited(&app, NIPS[0], json!({"kind": "places", "value": 1})).await;
    let first = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let second = neighbour(&app, "Anna").await;
    let (a, b) = (plan_body(&first, &parties), plan_body(&second, &parties));
    let (one, other) = futures_util::future::join(draft(&app, &a), draft(&app, &b)).await;
    let mut statuses = [one.status, other.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{} / {}", one.body, other.body);
}

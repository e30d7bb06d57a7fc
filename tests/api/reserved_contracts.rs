//! Reserved contracts (zamówienia zastrzeżone, Pzp art. 361): the conditions of ust. 1 pkt 1-3 as
//! input, the 3-year limit of ust. 2, and pkt 4 (no second reserved contract for the same service
//! within 3 years) at creation and at activation.

use serde_json::{json, Value};

use crate::builders::{parties, CommissionBuilder, ServiceBuilder, NIPS};
use crate::helpers::{spawn_app, Reply, TestApp};

fn all_met() -> Value {
    json!({"public_service_mission": true, "profits_reinvested": true, "participatory_governance": true})
}

/// A public procurement reserved to the provider (every condition met) for a period.
fn reserved(reference: &str, service: &Value, provider: &Value, start: &str, end: &str) -> CommissionBuilder {
    CommissionBuilder::new(reference, service, provider)
        .with("mode", json!("public_procurement"))
        .with("form", Value::Null)
        .with("reservation", all_met())
        .with("period", json!({"start": start, "end": end}))
}

fn path_of(commission: &Value) -> String {
    format!("/api/v1/commissions/{}", commission["id"].as_str().unwrap())
}

async fn activate(app: &TestApp, commission: &Value) -> Reply {
    app.post(&format!("{}/activate", path_of(commission))).await
}

/// The one field error of a refused input, as (field, code, message).
fn only_error(reply: &Reply) -> (String, String, String) {
    let errors = reply.problem(422, "validation-failed")["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{}", reply.body);
    let text = |key: &str| errors[0][key].as_str().unwrap().to_owned();
    (text("field"), text("code"), text("message"))
}

#[actix_web::test]
async fn a_reserved_contract_is_created_shown_and_patched_like_any_field() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let created = reserved("ZZ/1", &parties.service, &parties.provider, "2026-01-01", "2026-12-31").create(&app).await;
    assert_eq!(created["reservation"], all_met());
    assert_eq!(app.get(&path_of(&created)).await.body["reservation"], all_met());
    let listed = app.get("/api/v1/commissions?mode=public_procurement").await;
    assert_eq!(listed.body["items"][0]["reservation"], all_met());

    let plain = CommissionBuilder::new("ZZ/2", &parties.service, &parties.provider).create(&app).await;
    assert_eq!(plain["reservation"], Value::Null);

    let etag = format!("\"{}\"", created["version"]);
    let unreserved = app.patch_json(&path_of(&created), &etag, &json!({"reservation": null})).await;
    assert_eq!((unreserved.status, &unreserved.body["reservation"]), (200, &Value::Null), "{}", unreserved.body);
    let etag = format!("\"{}\"", unreserved.body["version"]);
    let refused =
        app.patch_json(&path_of(&created), &etag, &json!({"reservation": {"profits_reinvested": true}})).await;
    assert_eq!(
        refused.error_fields(),
        vec!["reservation.public_service_mission", "reservation.participatory_governance"]
    );
    let again = app.patch_json(&path_of(&created), &etag, &json!({"reservation": all_met()})).await;
    assert_eq!(again.body["reservation"], all_met(), "{}", again.body);
    assert_eq!(app.get(&path_of(&created)).await.body["reservation"], all_met());
}

#[actix_web::test]
async fn only_a_public_procurement_may_be_reserved() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let competition =
        CommissionBuilder::new("ZZ/1", &parties.service, &parties.provider).with("reservation", all_met());
    let reply = app.post_json("/api/v1/commissions", competition.body()).await;
    let (field, code, _) = only_error(&reply);
    assert_eq!((field.as_str(), code.as_str()), ("reservation", "reservation_not_allowed"));
}

#[actix_web::test]
async fn each_condition_of_art_361_must_be_given_and_met() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    for (condition, point) in
        [("public_service_mission", 1), ("profits_reinvested", 2), ("participatory_governance", 3)]
    {
        let mut reservation = all_met();
        reservation[condition] = json!(false);
        let unmet = reserved("ZZ/1", &parties.service, &parties.provider, "2026-01-01", "2026-12-31")
            .with("reservation", reservation.clone());
        let reply = app.post_json("/api/v1/commissions", unmet.body()).await;
        let (field, code, message) = only_error(&reply);
        assert_eq!((field, code.as_str()), (format!("reservation.{condition}"), "reservation_condition_unmet"));
        assert!(message.contains(&format!("Pzp art. 361 ust. 1 pkt {point}")), "{message}");

        reservation.as_object_mut().unwrap().remove(condition);
        let missing = unmet.with("reservation", reservation);
        let reply = app.post_json("/api/v1/commissions", missing.body()).await;
        let (field, code, _) = only_error(&reply);
        assert_eq!((field, code.as_str()), (format!("reservation.{condition}"), "required"));
    }
}

#[actix_web::test]
async fn a_reserved_contract_lasts_at_most_three_years() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let four_years = reserved("ZZ/1", &parties.service, &parties.provider, "2026-01-01", "2029-01-01");
    let reply = app.post_json("/api/v1/commissions", four_years.body()).await;
    let (field, code, message) = only_error(&reply);
    assert_eq!((field.as_str(), code.as_str()), ("period.end", "reserved_contract_period_max"));
    assert!(message.contains("Pzp art. 361 ust. 2"), "{message}");
    let three_years =
        reserved("ZZ/1", &parties.service, &parties.provider, "2026-01-01", "2028-12-31").create(&app).await;
    assert_eq!(three_years["period"]["end"], "2028-12-31", "exactly three years");

    let activated = activate(&app, &three_years).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    let annex = app
        .post_json(
            &format!("{}/annexes", path_of(&three_years)),
            &json!({"reason": "Przedłużenie", "period": {"start": "2026-01-01", "end": "2029-06-30"}}),
        )
        .await;
    assert_eq!(only_error(&annex).1, "reserved_contract_period_max", "an annex keeps the limit");
}

#[actix_web::test]
async fn a_second_reserved_contract_for_the_same_service_within_three_years_is_refused_at_creation() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let (service, provider) = (&parties.service, &parties.provider);
    let first = reserved("ZZ/1", service, provider, "2026-01-01", "2026-12-31").create(&app).await;
    assert_eq!(activate(&app, &first).await.status, 200);

    let within = reserved("ZZ/2", service, provider, "2028-12-31", "2029-12-30");
    let reply = app.post_json("/api/v1/commissions", within.body()).await;
    let problem = reply.problem(409, "provider-not-eligible");
    assert_eq!(problem["legal_basis"], "Pzp art. 361 ust. 1 pkt 4");
    assert_eq!(problem["awarded_commission_id"], first["id"]);
    assert!(problem["rule"].is_string(), "{problem}");

    let later = reserved("ZZ/3", service, provider, "2029-01-01", "2029-12-31").create(&app).await;
    assert_eq!(later["status"], "draft", "three years after the first one started");
    let other_service = ServiceBuilder::new("INNA").create_active(&app).await;
    let elsewhere = reserved("ZZ/4", &other_service, provider, "2027-01-01", "2027-12-31").create(&app).await;
    assert_eq!(elsewhere["status"], "draft", "another service");
    let unreserved = reserved("ZZ/5", service, provider, "2027-01-01", "2027-12-31")
        .with("reservation", Value::Null)
        .create(&app)
        .await;
    assert_eq!(unreserved["reservation"], Value::Null, "an open procurement is not limited by pkt 4");
}

#[actix_web::test]
async fn only_awarded_reserved_contracts_count_so_a_draft_does_not_but_its_activation_is_checked() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let (service, provider) = (&parties.service, &parties.provider);
    let plain = reserved("ZZ/0", service, provider, "2026-01-01", "2026-12-31")
        .with("reservation", Value::Null)
        .create(&app)
        .await;
    assert_eq!(activate(&app, &plain).await.status, 200, "an unreserved award does not count");
    let abandoned = reserved("ZZ/1", service, provider, "2026-01-01", "2026-12-31").create(&app).await;
    let ended = app.post_json(&format!("{}/terminate", path_of(&abandoned)), &json!({"reason": "Rezygnacja"})).await;
    assert_eq!(ended.status, 200, "a draft terminated before signing was never awarded");
    let first = reserved("ZZ/2", service, provider, "2026-06-01", "2027-05-31").create(&app).await;
    let second = reserved("ZZ/3", service, provider, "2027-06-01", "2028-05-31").create(&app).await;
    assert_eq!(second["status"], "draft", "the first one is only a draft");
    let earlier = reserved("ZZ/4", service, provider, "2025-06-01", "2026-05-31").create(&app).await;

    assert_eq!(activate(&app, &first).await.status, 200);
    let refused = activate(&app, &second).await;
    assert_eq!(refused.problem(409, "provider-not-eligible")["legal_basis"], "Pzp art. 361 ust. 1 pkt 4");
    let refused = activate(&app, &earlier).await;
    assert_eq!(
        refused.problem(409, "provider-not-eligible")["awarded_commission_id"],
        first["id"],
        "one starting later but awarded first counts too"
    );

    let etag = format!("\"{}\"", app.get(&path_of(&first)).await.body["version"]);
    let unreserve = app.patch_json(&path_of(&first), &etag, &json!({"reservation": null})).await;
    assert_eq!(unreserve.problem(409, "terms-fixed")["fields"], json!(["reservation"]));
}

#[actix_web::test]
async fn overlapping_reserved_contracts_activated_at_once_one_alone_is_awarded() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let mut drafts = Vec::new();
    for month in 1..=6 {
        let start = format!("2026-{month:02}-01");
        drafts.push(
            reserved(&format!("ZZ/C{month}"), &parties.service, &parties.provider, &start, "2026-12-31")
                .create(&app)
                .await,
        );
    }
    let replies = futures_util::future::join_all(drafts.iter().map(|draft| activate(&app, draft))).await;
    let mut statuses: Vec<u16> = replies.iter().map(|reply| reply.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409], "pkt 4 lets one of them through");
    for refused in replies.iter().filter(|reply| reply.status == 409) {
        assert_eq!(refused.problem(409, "provider-not-eligible")["legal_basis"], "Pzp art. 361 ust. 1 pkt 4");
    }
}

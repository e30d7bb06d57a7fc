//! Commissions: the rules of creation and activation, locked financial terms, annexes, access.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{active_commission, parties, CommissionBuilder, NIPS};
use crate::helpers::{provider_token, spawn_app, token_for};

fn path_of(commission: &Value) -> String {
    format!("/api/v1/commissions/{}", commission["id"].as_str().unwrap())
}

#[actix_web::test]
async fn a_commission_is_created_as_a_draft_and_activated_when_signed() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let created = CommissionBuilder::new("CUS/2026/014", &parties.service, &parties.provider).create(&app).await;
    assert_eq!(created["status"], "draft");
    assert_eq!(created["amount"], "60000.00");
    assert_eq!(created["own_contribution"], json!({"financial": "0.00", "non_financial": "0.00"}));
    let active = app.post(&format!("{}/activate", path_of(&created))).await;
    assert_eq!(active.status, 200, "{}", active.body);
    assert_eq!(active.body["status"], "active");
}

#[actix_web::test]
async fn each_rule_of_the_terms_fails_on_its_own() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let base = || CommissionBuilder::new("CUS/R/1", &parties.service, &parties.provider);
    let small_grant = || base().with("mode", json!("small_grant")).with("form", Value::Null);
    let cases = vec![
        ("period order", base().with("period", json!({"start": "2026-05-01", "end": "2026-04-30"})), "period.end", "period_order"),
        ("tranches", base().with("amount", json!("50000.00")), "tranches", "tranches_sum"),
        ("form missing", base().with("form", Value::Null), "form", "required"),
        ("form not allowed", base().with("mode", json!("public_procurement")), "form", "not_allowed"),
        ("wspieranie", base().with("form", json!("wspieranie")), "own_contribution", "required"),
        (
            "small grant amount",
            small_grant().with("amount", json!("10000.01")).with("tranches", json!([{"date": "2026-01-20", "amount": "10000.01"}])).with("period", json!({"start": "2026-01-01", "end": "2026-03-01"})),
            "amount",
            "small_grant_amount",
        ),
        (
            "small grant days",
            small_grant().with("amount", json!("5000.00")).with("tranches", json!([{"date": "2026-01-20", "amount": "5000.00"}])).with("period", json!({"start": "2026-01-01", "end": "2026-04-01"})),
            "period",
            "small_grant_period",
        ),
        ("unit", base().with("unit", json!("meal")), "unit", "unit_mismatch"),
        ("service", base().with("service_id", json!("0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41")), "service_id", "unknown"),
        ("reference", base().with("reference", json!("CUS 2026")), "reference", "pattern"),
        ("date", base().with("period", json!({"start": "2026-02-30", "end": "2026-12-31"})), "period.start", "invalid_date"),
        ("results", base().with("expected_results", json!([{"indicator": "A", "unit": "h", "planned_value": 1}, {"indicator": "A", "unit": "h", "planned_value": 2}])), "expected_results[1].indicator", "duplicate"),
    ];
    for (what, builder, field, code) in cases {
        let reply = app.post_json("/api/v1/commissions", builder.body()).await;
        reply.problem(422, "validation-failed");
        let errors = reply.body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{what}: {}", reply.body);
        assert_eq!((errors[0]["field"].as_str(), errors[0]["code"].as_str()), (Some(field), Some(code)), "{what}");
    }
    base().create(&app).await;
    let duplicate = app.post_json("/api/v1/commissions", base().body()).await;
    duplicate.problem(409, "duplicate-reference");
}

#[actix_web::test]
async fn activation_needs_an_agreement_active_parties_and_an_offer() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let unsigned = CommissionBuilder::new("A/1", &parties.service, &parties.provider)
        .with("agreement", Value::Null)
        .create(&app)
        .await;
    app.post(&format!("{}/activate", path_of(&unsigned))).await.problem(409, "agreement-missing");

    let commission = CommissionBuilder::new("A/2", &parties.service, &parties.provider).create(&app).await;
    let provider_path = format!("/api/v1/providers/{}", parties.provider["id"].as_str().unwrap());
    app.post(&format!("{provider_path}/suspend")).await;
    app.post(&format!("{}/activate", path_of(&commission))).await.problem(409, "provider-not-active");
    app.post(&format!("{provider_path}/activate")).await;

    let service_path = format!("/api/v1/services/{}", parties.service["id"].as_str().unwrap());
    app.post(&format!("{service_path}/retire")).await;
    app.post(&format!("{}/activate", path_of(&commission))).await.problem(409, "service-not-active");
    app.post(&format!("{service_path}/activate")).await;

    let other_service = crate::builders::ServiceBuilder::new("INNA").create_active(&app).await;
    let not_offered = CommissionBuilder::new("A/3", &other_service, &parties.provider).create(&app).await;
    app.post(&format!("{}/activate", path_of(&not_offered))).await.problem(409, "service-not-offered");
    assert_eq!(app.post(&format!("{}/activate", path_of(&commission))).await.status, 200);
}

#[actix_web::test]
async fn small_grants_to_one_provider_stay_within_twenty_thousand_a_year() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let grant = |reference: &str, start: &str, end: &str| {
        CommissionBuilder::new(reference, &parties.service, &parties.provider)
            .with("mode", json!("small_grant"))
            .with("form", Value::Null)
            .with("amount", json!("10000.00"))
            .with("tranches", json!([{"date": start, "amount": "10000.00"}]))
            .with("period", json!({"start": start, "end": end}))
    };
    for (reference, start, end) in [("MG/1", "2026-01-01", "2026-03-01"), ("MG/2", "2026-04-01", "2026-06-01")] {
        let created = grant(reference, start, end).create(&app).await;
        assert_eq!(app.post(&format!("{}/activate", path_of(&created))).await.status, 200);
    }
    let third = grant("MG/3", "2026-07-01", "2026-08-01").create(&app).await;
    let refused = app.post(&format!("{}/activate", path_of(&third))).await;
    assert_eq!(refused.problem(409, "small-grant-yearly-limit")["committed"], "20000.00");
    let next_year = grant("MG/4", "2027-01-10", "2027-02-10").create(&app).await;
    assert_eq!(app.post(&format!("{}/activate", path_of(&next_year))).await.status, 200, "a new calendar year");
}

#[actix_web::test]
async fn signed_financial_terms_change_only_through_an_annex_kept_in_history() {
    let app = spawn_app();
    let (commission, _) = active_commission(&app, "AN/1", NIPS[0], &[]).await;
    let path = path_of(&commission);
    let etag = format!("\"{}\"", commission["version"]);
    app.patch_json(&path, &etag, &json!({"amount": "70000.00"})).await.problem(409, "financial-terms-locked");
    app.patch_json(&path, &etag, &json!({"provider_id": "0193a5f2-0000-7000-8000-0000000000aa"}))
        .await
        .problem(409, "terms-fixed");
    let retitled = app.patch_json(&path, &etag, &json!({"title": "Nowy tytuł"})).await;
    assert_eq!(retitled.status, 200, "{}", retitled.body);

    let annexes = format!("{path}/annexes");
    let no_reason = app.post_json(&annexes, &json!({"amount": "66000.00"})).await;
    assert_eq!(no_reason.problem(422, "validation-failed")["errors"][0]["field"], "reason");
    let unbalanced = app.post_json(&annexes, &json!({"reason": "Aneks 1", "amount": "66000.00"})).await;
    assert_eq!(unbalanced.problem(422, "validation-failed")["errors"][0]["code"], "tranches_sum");
    let annex = app
        .post_json(
            &annexes,
            &json!({"reason": "Aneks 1: więcej godzin", "amount": "66000.00",
                    "tranches": [{"date": "2026-01-20", "amount": "30000.00"}, {"date": "2026-07-01", "amount": "36000.00"}]}),
        )
        .await;
    assert_eq!(annex.status, 201, "{}", annex.body);
    assert_eq!(annex.body["changes"]["amount"], json!({"before": "60000.00", "after": "66000.00"}));
    assert_eq!(app.get(&path).await.body["amount"], "66000.00");
    let history = app.get(&annexes).await;
    assert_eq!(history.body.as_array().unwrap().len(), 1);
    assert_eq!(history.body[0]["reason"], "Aneks 1: więcej godzin");
}

#[actix_web::test]
async fn the_lifecycle_allows_only_its_actions_and_termination_needs_a_reason() {
    let app = spawn_app();
    let (commission, _) = active_commission(&app, "L/1", NIPS[0], &[]).await;
    let path = path_of(&commission);
    app.post(&format!("{path}/resume")).await.problem(409, "invalid-state-transition");
    assert_eq!(app.post(&format!("{path}/suspend")).await.body["status"], "suspended");
    app.post(&format!("{path}/complete")).await.problem(409, "invalid-state-transition");
    assert_eq!(app.post(&format!("{path}/resume")).await.body["status"], "active");
    let no_reason = app.post_json(&format!("{path}/terminate"), &json!({})).await;
    assert_eq!(no_reason.problem(422, "validation-failed")["errors"][0]["field"], "reason");
    let terminated = app.post_json(&format!("{path}/terminate"), &json!({"reason": "Porozumienie stron"})).await;
    assert_eq!(
        (terminated.body["status"].as_str(), terminated.body["termination_reason"].as_str()),
        (Some("terminated"), Some("Porozumienie stron"))
    );
    let problem = app.post(&format!("{path}/suspend")).await;
    assert_eq!(problem.problem(409, "invalid-state-transition")["allowed_actions"], json!([]));
    app.patch_json(&path, &format!("\"{}\"", terminated.body["version"]), &json!({"title": "x"}))
        .await
        .problem(409, "commission-closed");
}

#[actix_web::test]
async fn providers_see_only_their_own_commissions() {
    let app = spawn_app();
    let (mine, parties) = active_commission(&app, "V/1", NIPS[0], &[]).await;
    let (theirs, _) = active_commission(&app, "V/2", NIPS[1], &[]).await;
    let token = &parties.provider_token;
    let own = app.send(app.request_as(Some(token), Method::GET, &path_of(&mine))).await;
    assert_eq!(own.status, 200);
    app.send(app.request_as(Some(token), Method::GET, &path_of(&theirs))).await.problem(404, "not-found");
    let listed = app.send(app.request_as(Some(token), Method::GET, "/api/v1/commissions")).await;
    let ids: Vec<&Value> = listed.body["items"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, vec![&mine["id"]]);
    let stranger = provider_token("0193a5f2-0000-7000-8000-0000000000ee");
    app.send(app.request_as(Some(&stranger), Method::GET, &format!("{}/summary", path_of(&mine))))
        .await
        .problem(404, "not-found");
    let integrator = app
        .send(app.request_as(Some(&token_for(&["integrator"])), Method::GET, "/api/v1/commissions?status=active"))
        .await;
    assert_eq!(integrator.body["items"].as_array().unwrap().len(), 2);
    let osl = app.send(app.request_as(Some(&token_for(&["osl"])), Method::GET, "/api/v1/commissions")).await;
    osl.problem(403, "forbidden");
    let filtered =
        app.get(&format!("/api/v1/commissions?provider_id={}&q=v%2F1", parties.provider["id"].as_str().unwrap())).await;
    assert_eq!(filtered.body["items"].as_array().unwrap().len(), 1);
}

//! Commissions: the rules of creation and activation, locked financial terms, annexes, access.

use reqwest::Method;
use serde_json::{json, Value};

use chrono::{Datelike, Duration};

use crate::builders::{active_commission, parties, plan_grant_year, small_grant, CommissionBuilder, NIPS};
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
    let grant = || small_grant("CUS/R/1", &parties, ("2026-01-01", "2026-03-01"), "5000.00");
    let cases = vec![
        ("period order", base().with("period", json!({"start": "2026-05-01", "end": "2026-04-30"})), "period.end", "period_order"),
        ("tranches", base().with("amount", json!("50000.00")), "tranches", "tranches_sum"),
        ("form missing", base().with("form", Value::Null), "form", "required"),
        ("form not allowed", base().with("mode", json!("public_procurement")), "form", "not_allowed"),
        ("five years", base().with("period", json!({"start": "2026-01-01", "end": "2031-01-01"})), "period.end", "agreement_period_max"),
        ("scope missing", grant().with("task_scope", Value::Null), "task_scope", "required"),
        ("scope value", grant().with("task_scope", json!("national")), "task_scope", "unknown_value"),
        ("scope elsewhere", base().with("task_scope", json!("local")), "task_scope", "not_allowed"),
        ("offer missing", grant().with("offer", Value::Null), "offer.published_on", "required"),
        ("offer elsewhere", base().with("offer", json!({"published_on": "2026-01-01"})), "offer", "not_allowed"),
        (
            "signed before the offer's 7 days",
            grant().with("agreement", json!({"number": "UM/1", "signed_on": "2026-01-07"})),
            "agreement.signed_on",
            "signed_before_offer_period",
        ),
        ("wspieranie", base().with("form", json!("wspieranie")), "own_contribution", "required"),
        (
            "small grant amount",
            grant().with("amount", json!("10000.01")).with("tranches", json!([{"date": "2026-01-20", "amount": "10000.01"}])),
            "amount",
            "small_grant_amount",
        ),
        (
            "small grant days",
            grant().with("amount", json!("5000.00")).with("tranches", json!([{"date": "2026-01-20", "amount": "5000.00"}])).with("period", json!({"start": "2026-01-01", "end": "2026-04-01"})),
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

async fn activate(app: &crate::helpers::TestApp, commission: &Value) -> crate::helpers::Reply {
    app.post(&format!("{}/activate", path_of(commission))).await
}

#[actix_web::test]
async fn the_yearly_small_grant_limit_counts_the_tranches_transferred_in_each_calendar_year() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    plan_grant_year(&app, 2030, "1000000.00").await;
    plan_grant_year(&app, 2031, "1000000.00").await;
    // 5,000 of it in 2030 and 5,000 in 2031: by its start it would count 10,000 in 2030.
    let straddling = small_grant("MG/1", &parties, ("2030-12-01", "2031-02-15"), "10000.00")
        .with(
            "tranches",
            json!([{"date": "2030-12-05", "amount": "5000.00"}, {"date": "2031-01-10", "amount": "5000.00"}]),
        )
        .create(&app)
        .await;
    assert_eq!(activate(&app, &straddling).await.status, 200);
    let spring = small_grant("MG/2", &parties, ("2030-03-01", "2030-05-01"), "10000.00").create(&app).await;
    assert_eq!(activate(&app, &spring).await.status, 200);
    let summer = small_grant("MG/3", &parties, ("2030-06-01", "2030-07-01"), "5000.00").create(&app).await;
    assert_eq!(activate(&app, &summer).await.status, 200, "5,000 + 10,000 + 5,000 transferred in 2030");
    let autumn = small_grant("MG/4", &parties, ("2030-09-01", "2030-10-01"), "0.01").create(&app).await;
    let refused = activate(&app, &autumn).await;
    let problem = refused.problem(409, "small-grant-yearly-limit");
    assert_eq!((&problem["committed"], &problem["year"]), (&json!("20000.00"), &json!(2030)));
    assert!(problem["detail"].as_str().unwrap().contains("art. 19a"), "{problem}");
    let next_year = small_grant("MG/5", &parties, ("2031-03-01", "2031-04-01"), "10000.00").create(&app).await;
    assert_eq!(activate(&app, &next_year).await.status, 200, "2031 holds 5,000 + 10,000");
}

#[actix_web::test]
async fn a_terminated_small_grant_counts_what_it_transferred_before_termination_and_a_draft_nothing() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let today = cus_api::clock::today();
    let day = |offset: i64| (today + Duration::days(offset)).to_string();
    let years: std::collections::BTreeSet<i32> = [-1, 1].map(|offset| (today + Duration::days(offset)).year()).into();
    for year in years {
        plan_grant_year(&app, year, "1000000.00").await;
    }
    let grant = |reference: &str, amount: &str| {
        small_grant(reference, &parties, (&day(-1), &day(30)), amount)
            .with("offer", json!({"published_on": day(-30)}))
            .with("agreement", json!({"number": format!("UM/{reference}"), "signed_on": day(-2)}))
    };
    let terminated = grant("MG/T", "10000.00")
        .with("tranches", json!([{"date": day(-1), "amount": "4000.00"}, {"date": day(1), "amount": "6000.00"}]))
        .create(&app)
        .await;
    assert_eq!(activate(&app, &terminated).await.status, 200);
    let ended = app.post_json(&format!("{}/terminate", path_of(&terminated)), &json!({"reason": "Porozumienie"})).await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    let draft = grant("MG/D", "10000.00").create(&app).await;
    let ended = app.post_json(&format!("{}/terminate", path_of(&draft)), &json!({"reason": "Rezygnacja"})).await;
    assert_eq!(ended.status, 200, "a terminated draft transferred nothing");
    let first = grant("MG/A", "10000.00").create(&app).await;
    assert_eq!(activate(&app, &first).await.status, 200);
    let second = grant("MG/B", "6000.00").create(&app).await;
    assert_eq!(activate(&app, &second).await.status, 200, "4,000 transferred + 10,000 + 6,000");
    let third = grant("MG/C", "0.01").create(&app).await;
    assert_eq!(activate(&app, &third).await.problem(409, "small-grant-yearly-limit")["committed"], "20000.00");
}

#[actix_web::test]
async fn small_grants_of_a_year_stay_within_a_fifth_of_the_grants_planned_for_ngos() {
    let app = spawn_app();
    let (one, two) = (parties(&app, NIPS[0]).await, parties(&app, NIPS[1]).await);
    let first = small_grant("MG/1", &one, ("2030-03-01", "2030-05-01"), "6000.00").create(&app).await;
    let unplanned = activate(&app, &first).await;
    assert_eq!(unplanned.problem(409, "grant-year-not-planned")["year"], 2030);
    plan_grant_year(&app, 2030, "50000.00").await;
    assert_eq!(activate(&app, &first).await.status, 200);
    let second = small_grant("MG/2", &two, ("2030-06-01", "2030-07-01"), "5000.00").create(&app).await;
    let refused = activate(&app, &second).await;
    let problem = refused.problem(409, "small-grant-budget-share");
    assert_eq!((&problem["limit"], &problem["excess"]), (&json!("10000.00"), &json!("1000.00")));
    assert!(problem["detail"].as_str().unwrap().contains("by 1000.00 PLN"), "{problem}");
    let path = "/api/v1/settings/grant-years/2030";
    let etag = app.get(path).await.body["version"].to_string();
    let raised = app
        .send(
            app.request(reqwest::Method::PUT, path)
                .header("if-match", format!("\"{etag}\""))
                .json(&json!({"planned_ngo_grants": "55000.00"})),
        )
        .await;
    assert_eq!(raised.status, 200, "{}", raised.body);
    assert_eq!(activate(&app, &second).await.status, 200, "20% of 55,000 is 11,000");
}

#[actix_web::test]
async fn a_small_grant_takes_a_form_and_is_signed_only_seven_days_after_its_offer_was_published() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    plan_grant_year(&app, 2026, "1000000.00").await;
    let cofinanced = small_grant("MG/W", &parties, ("2026-02-01", "2026-03-01"), "5000.00")
        .with("form", json!("wspieranie"))
        .with("own_contribution", json!({"financial": "500.00"}))
        .create(&app)
        .await;
    assert_eq!(
        (&cofinanced["form"], &cofinanced["task_scope"], &cofinanced["offer"]),
        (&json!("wspieranie"), &json!("local"), &json!({"published_on": "2026-01-01", "remarks": "Brak uwag"}))
    );
    assert_eq!(activate(&app, &cofinanced).await.status, 200);

    let today = cus_api::clock::today();
    let day = |offset: i64| (today + Duration::days(offset)).to_string();
    let fresh = small_grant("MG/F", &parties, (&day(10), &day(40)), "5000.00")
        .with("offer", json!({"published_on": day(-3)}))
        .with("agreement", json!({"number": "UM/F", "signed_on": day(4)}))
        .create(&app)
        .await;
    let early = activate(&app, &fresh).await;
    let problem = early.problem(409, "offer-publication-running");
    assert_eq!(problem["earliest"], json!(day(4)));
    assert!(problem["detail"].as_str().unwrap().contains("art. 19a ust. 5"), "{problem}");
}

#[actix_web::test]
async fn a_task_may_last_one_day_and_other_acts_allow_longer_agreements() {
    let app = spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    let one_day = CommissionBuilder::new("D/1", &parties.service, &parties.provider)
        .with("period", json!({"start": "2026-06-01", "end": "2026-06-01"}))
        .with("tranches", json!([{"date": "2026-06-01", "amount": "60000.00"}]))
        .create(&app)
        .await;
    assert_eq!(one_day["period"], json!({"start": "2026-06-01", "end": "2026-06-01"}));
    let five_years = CommissionBuilder::new("D/2", &parties.service, &parties.provider)
        .with("period", json!({"start": "2026-01-01", "end": "2030-12-31"}))
        .create(&app)
        .await;
    assert_eq!(five_years["status"], "draft", "exactly five years");
    let procurement = CommissionBuilder::new("D/3", &parties.service, &parties.provider)
        .with("mode", json!("public_procurement"))
        .with("form", Value::Null)
        .with("period", json!({"start": "2026-01-01", "end": "2032-12-31"}))
        .create(&app)
        .await;
    assert_eq!(procurement["mode"], "public_procurement", "art. 16 ust. 2 binds the public benefit act only");
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

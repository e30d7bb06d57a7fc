//! Provider reports: the full flow, each rule, retries, versions, concurrency and the summary.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};

use chrono::NaiveDate;

use crate::builders::{active_commission, parties, plan_grant_year, report_body, small_grant, CommissionBuilder, NIPS};
use crate::helpers::{Reply, TestApp};

fn reports_path(commission: &Value) -> String {
    format!("/api/v1/commissions/{}/reports", commission["id"].as_str().unwrap())
}

async fn submit(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> Reply {
    app.send(app.request_as(Some(token), Method::POST, path).header("idempotency-key", key).json(body)).await
}

#[actix_web::test]
async fn a_report_action_its_status_forbids_is_409_naming_the_status_and_the_actions_it_allows() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "F/9", NIPS[0], &[]).await;
    let token = &parties.provider_token;
    let path = reports_path(&commission);
    let body = report_body("partial", "2026-01-01", "2026-03-31", "13000.00");
    let submitted = submit(&app, token, &path, "sub-9", &body).await;
    assert_eq!(submitted.status, 201, "{}", submitted.body);
    let report = format!("{path}/{}", submitted.body["id"].as_str().unwrap());

    let mut correction = body.clone();
    correction.as_object_mut().unwrap().remove("kind");
    let early = submit(&app, token, &format!("{report}/versions"), "fix-9", &correction).await;
    let problem = early.problem(409, "invalid-state-transition");
    assert_eq!(
        (&problem["current_status"], &problem["allowed_actions"]),
        (&json!("submitted"), &json!(["accept", "return"]))
    );

    assert_eq!(app.post(&format!("{report}/accept")).await.status, 200);
    let again = app.post(&format!("{report}/accept")).await;
    let problem = again.problem(409, "invalid-state-transition");
    assert_eq!((&problem["current_status"], &problem["allowed_actions"]), (&json!("accepted"), &json!([])));
    let returned = app
        .post_json(&format!("{report}/return"), &json!({"comments": [{"field": "activities", "comment": "?"}]}))
        .await;
    returned.problem(409, "invalid-state-transition");
}

#[actix_web::test]
async fn the_whole_flow_submit_retry_return_correct_accept_and_summarise() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "F/1", NIPS[0], &[]).await;
    let token = &parties.provider_token;
    let path = reports_path(&commission);
    let body = report_body("partial", "2026-01-01", "2026-03-31", "13000.00");

    let first = submit(&app, token, &path, "sub-1", &body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!((first.body["status"].as_str(), first.body["current_version"].as_i64()), (Some("submitted"), Some(1)));
    assert_eq!(first.body["due_on"], "2026-04-30");
    let retry = submit(&app, token, &path, "sub-1", &body).await;
    assert_eq!((retry.status, &retry.body["id"]), (201, &first.body["id"]), "a retry replays the first answer");
    assert_eq!(app.get(&path).await.body["items"].as_array().unwrap().len(), 1, "one report");

    let report = format!("{path}/{}", first.body["id"].as_str().unwrap());
    let returned = app
        .post_json(
            &format!("{report}/return"),
            &json!({"comments": [{"field": "cost_lines[0]", "comment": "Proszę o szczegóły"}]}),
        )
        .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(returned.body["status"], "returned");
    assert_eq!(returned.body["review"]["comments"][0]["field"], "cost_lines[0]");
    app.post(&format!("{report}/accept")).await.problem(409, "invalid-state-transition");

    let mut corrected = body.clone();
    corrected["units_delivered"] = json!(1250);
    corrected.as_object_mut().unwrap().remove("kind");
    let correction = submit(&app, token, &format!("{report}/versions"), "fix-1", &corrected).await;
    assert_eq!(correction.status, 201, "{}", correction.body);
    assert_eq!(
        (correction.body["current_version"].as_i64(), correction.body["status"].as_str()),
        (Some(2), Some("submitted"))
    );
    let versions = app.get(&format!("{report}/versions")).await;
    assert_eq!(versions.body.as_array().unwrap().len(), 2, "every version is kept");
    assert_eq!(versions.body[0]["content"]["units_delivered"], 1200);
    assert_eq!(versions.body[0]["review"]["outcome"], "returned");
    assert_eq!(versions.body[1]["content"]["units_delivered"], 1250);

    let second =
        submit(&app, token, &path, "sub-2", &report_body("partial", "2026-04-01", "2026-06-30", "14000.00")).await;
    assert_eq!(second.status, 201, "{}", second.body);
    let accepted = app.post(&format!("{report}/accept")).await;
    assert_eq!((accepted.body["status"].as_str(), accepted.body["accepted_at"].is_string()), (Some("accepted"), true));

    let summary = app.get(&format!("/api/v1/commissions/{}/summary", commission["id"].as_str().unwrap())).await;
    assert_eq!(summary.status, 200, "{}", summary.body);
    assert_eq!(summary.body["units"], json!({"accepted": 1250, "including_pending": 2450}));
    assert_eq!(summary.body["grant"]["used_accepted"], "13000.00");
    assert_eq!(summary.body["grant"]["used_including_pending"], "27000.00");
    assert_eq!(summary.body["grant"]["remaining"], "33000.00");
    assert_eq!(summary.body["recipients"]["accepted"], 40);
    let counts = &summary.body["reports"];
    assert_eq!(
        (counts["expected"].as_u64(), counts["accepted"].as_u64(), counts["submitted"].as_u64()),
        (Some(4), Some(1), Some(1))
    );
}

#[actix_web::test]
async fn each_submission_rule_fails_with_its_own_error() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "R/1", NIPS[0], &[]).await;
    let token = &parties.provider_token;
    let path = reports_path(&commission);
    let good = || report_body("partial", "2026-01-01", "2026-03-31", "1000.00");

    let no_key = app.send(app.request_as(Some(token), Method::POST, &path).json(&good())).await;
    assert_eq!(no_key.problem(400, "bad-request")["errors"][0]["field"], "Idempotency-Key");

    let mut cases: Vec<(&str, Value, &str, &str)> = Vec::new();
    let mut mismatch = good();
    mismatch["funding"]["grant"] = json!("900.00");
    cases.push(("funding", mismatch, "funding.grant", "funding_mismatch"));
    let mut line = good();
    line["cost_lines"][0]["actual"] = json!("1100.00");
    cases.push(("line", line, "cost_lines[0].actual", "line_sum"));
    cases.push((
        "grant",
        report_body("partial", "2026-01-01", "2026-03-31", "60000.01"),
        "funding.grant",
        "grant_exceeded",
    ));
    cases.push((
        "period",
        report_body("partial", "2025-12-01", "2026-03-31", "1000.00"),
        "period",
        "outside_commission",
    ));
    let mut indicator = good();
    indicator["results"][0]["indicator"] = json!("Coś innego");
    cases.push(("indicator", indicator, "results[0].indicator", "unknown_indicator"));
    let mut breakdown = good();
    breakdown["recipients"]["by_sex"] = json!({"female": 1});
    cases.push(("breakdown", breakdown, "recipients.by_sex", "breakdown_sum"));
    let mut kind = good();
    kind["kind"] = json!("weekly");
    cases.push(("kind", kind, "kind", "unknown_value"));
    for (index, (what, body, field, code)) in cases.into_iter().enumerate() {
        let reply = submit(&app, token, &path, &format!("rule-{index}"), &body).await;
        reply.problem(422, "validation-failed");
        let errors = reply.body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{what}: {}", reply.body);
        assert_eq!((errors[0]["field"].as_str(), errors[0]["code"].as_str()), (Some(field), Some(code)), "{what}");
    }

    assert_eq!(submit(&app, token, &path, "ok-1", &good()).await.status, 201);
    let overlap =
        submit(&app, token, &path, "ok-2", &report_body("partial", "2026-03-01", "2026-04-30", "100.00")).await;
    overlap.problem(409, "overlapping-report");
    let reused =
        submit(&app, token, &path, "ok-1", &report_body("partial", "2026-04-01", "2026-06-30", "100.00")).await;
    reused.problem(422, "idempotency-key-reused");

    let commission_path = format!("/api/v1/commissions/{}", commission["id"].as_str().unwrap());
    app.post(&format!("{commission_path}/suspend")).await;
    let beyond =
        submit(&app, token, &path, "ok-3", &report_body("partial", "2026-12-01", "2026-12-31", "100.00")).await;
    assert_eq!(beyond.problem(422, "validation-failed")["errors"][0]["code"], "outside_active_period");
    let suspended =
        submit(&app, token, &path, "ok-4", &report_body("partial", "2026-04-01", "2026-06-30", "100.00")).await;
    assert_eq!(
        suspended.status, 201,
        "a suspended commission is reported on for its active period: {}",
        suspended.body
    );
    app.post(&format!("{commission_path}/resume")).await;
    app.post(&format!("{commission_path}/complete")).await;
    let partial_after =
        submit(&app, token, &path, "ok-6", &report_body("partial", "2026-07-01", "2026-09-30", "100.00")).await;
    assert_eq!(partial_after.status, 201, "lateness never refuses a report: {}", partial_after.body);
    let days_late = (cus_api::clock::today() - NaiveDate::from_ymd_opt(2026, 10, 30).unwrap()).num_days();
    assert_eq!(
        (partial_after.body["submitted_late"].as_bool(), partial_after.body["days_late"].as_i64()),
        (Some(days_late > 0), Some(days_late.max(0)))
    );
    let final_report =
        submit(&app, token, &path, "ok-5", &report_body("final", "2026-01-01", "2026-12-31", "50000.00")).await;
    assert_eq!(
        final_report.status, 201,
        "the final report of a completed commission, within its due window: {}",
        final_report.body
    );
    assert_eq!(final_report.body["due_on"], "2027-01-30");
}

#[actix_web::test]
async fn only_the_commissions_provider_reports_and_reads_its_reports() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "P/1", NIPS[0], &[]).await;
    let (_, other) = active_commission(&app, "P/2", NIPS[1], &[]).await;
    let path = reports_path(&commission);
    let body = report_body("partial", "2026-01-01", "2026-03-31", "1000.00");
    submit(&app, &other.provider_token, &path, "k", &body).await.problem(404, "not-found");
    let mine = submit(&app, &parties.provider_token, &path, "k", &body).await;
    assert_eq!(mine.status, 201);
    let report = format!("{path}/{}", mine.body["id"].as_str().unwrap());
    app.send(app.request_as(Some(&other.provider_token), Method::GET, &report)).await.problem(404, "not-found");
    app.send(app.request_as(Some(&other.provider_token), Method::GET, &format!("{report}/versions")))
        .await
        .problem(404, "not-found");
    let theirs = app.send(app.request_as(Some(&other.provider_token), Method::GET, "/api/v1/reports")).await;
    assert!(theirs.body["items"].as_array().unwrap().is_empty());
    let staff = app.send(app.request(Method::POST, &path).header("idempotency-key", "s").json(&body)).await;
    staff.problem(403, "forbidden");
    let accept_by_provider =
        app.send(app.request_as(Some(&parties.provider_token), Method::POST, &format!("{report}/accept"))).await;
    accept_by_provider.problem(403, "forbidden");
}

#[actix_web::test]
async fn partial_grants_add_up_to_the_amount_and_only_reports_of_one_kind_overlap() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "G/1", NIPS[0], &[]).await;
    let token = &parties.provider_token;
    let path = reports_path(&commission);
    let first =
        submit(&app, token, &path, "g-1", &report_body("partial", "2026-01-01", "2026-03-31", "20000.00")).await;
    assert_eq!(first.status, 201, "{}", first.body);

    let over = submit(&app, token, &path, "g-2", &report_body("partial", "2026-04-01", "2026-06-30", "40000.01")).await;
    assert_eq!(over.problem(422, "validation-failed")["errors"][0]["code"], "grant_exceeded");
    let exact =
        submit(&app, token, &path, "g-3", &report_body("partial", "2026-04-01", "2026-06-30", "40000.00")).await;
    assert_eq!(exact.status, 201, "20,000 + 40,000 is the whole amount: {}", exact.body);

    // An annual report may cover the partial reports' months; a second one of its period may not.
    let annual = submit(&app, token, &path, "g-4", &report_body("annual", "2026-01-01", "2026-06-30", "0.00")).await;
    assert_eq!(annual.status, 201, "{}", annual.body);
    let again = submit(&app, token, &path, "g-5", &report_body("annual", "2026-06-01", "2026-12-31", "0.00")).await;
    assert_eq!(again.problem(409, "overlapping-report")["existing_id"], annual.body["id"]);
}

#[actix_web::test]
async fn concurrent_submissions_for_one_period_create_exactly_one_report() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "C/1", NIPS[0], &[]).await;
    let path = reports_path(&commission);
    let body = report_body("partial", "2026-01-01", "2026-03-31", "1000.00");
    let keys: Vec<String> = (0..6).map(|i| format!("race-{i}")).collect();
    let replies =
        futures_util::future::join_all(keys.iter().map(|key| submit(&app, &parties.provider_token, &path, key, &body)))
            .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let listed = app.get(&path).await;
    let ids: HashSet<&str> =
        listed.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1);
}

#[actix_web::test]
async fn review_queues_filter_across_commissions() {
    let app = crate::helpers::spawn_app();
    let past = [
        ("period", json!({"start": "2025-01-01", "end": "2025-06-30"})),
        ("tranches", json!([{"date": "2025-01-10", "amount": "60000.00"}])),
    ];
    let (old, parties) = active_commission(&app, "Q/1", NIPS[0], &past).await;
    let late = submit(
        &app,
        &parties.provider_token,
        &reports_path(&old),
        "late",
        &report_body("final", "2025-01-01", "2025-06-30", "1000.00"),
    )
    .await;
    assert_eq!(late.status, 201, "{}", late.body);
    assert_eq!((late.body["overdue"].as_bool(), late.body["submitted_late"].as_bool()), (Some(true), Some(true)));
    let (current, other) = active_commission(&app, "Q/2", NIPS[1], &[]).await;
    submit(
        &app,
        &other.provider_token,
        &reports_path(&current),
        "fresh",
        &report_body("partial", "2026-11-01", "2026-11-30", "100.00"),
    )
    .await;

    let count = |query: &str| {
        let app = &app;
        let query = query.to_owned();
        async move { app.get(&format!("/api/v1/reports?{query}")).await.body["items"].as_array().unwrap().len() }
    };
    assert_eq!(count("status=submitted").await, 2);
    assert_eq!(count("overdue=true").await, 1);
    assert_eq!(count(&format!("provider_id={}", parties.provider["id"].as_str().unwrap())).await, 1);
    assert_eq!(count("kind=final").await, 1);
    assert_eq!(count("status=accepted").await, 0);
    let summary = app.get(&format!("/api/v1/commissions/{}/summary", old["id"].as_str().unwrap())).await;
    assert_eq!(
        summary.body["reports"]["overdue"], 1,
        "the two quarterly reports are overdue; the late final one is submitted: {}",
        summary.body
    );
}

#[actix_web::test]
async fn a_late_final_report_of_a_completed_commission_is_accepted_and_its_lateness_recorded() {
    let app = crate::helpers::spawn_app();
    let past = [
        ("period", json!({"start": "2025-01-01", "end": "2025-06-30"})),
        ("tranches", json!([{"date": "2025-01-10", "amount": "60000.00"}])),
    ];
    let (old, parties) = active_commission(&app, "L/1", NIPS[0], &past).await;
    assert_eq!(app.post(&format!("/api/v1/commissions/{}/complete", old["id"].as_str().unwrap())).await.status, 200);
    let body = report_body("final", "2025-01-01", "2025-06-30", "1000.00");
    let late = submit(&app, &parties.provider_token, &reports_path(&old), "late", &body).await;
    assert_eq!(late.status, 201, "{}", late.body);
    let days_late = (cus_api::clock::today() - NaiveDate::from_ymd_opt(2025, 7, 30).unwrap()).num_days();
    assert_eq!(
        (&late.body["due_on"], late.body["submitted_late"].as_bool(), late.body["days_late"].as_i64()),
        (&json!("2025-07-30"), Some(true), Some(days_late))
    );
}

#[actix_web::test]
async fn a_terminated_commission_is_reported_on_for_the_period_it_was_active_and_a_draft_not_at_all() {
    let app = crate::helpers::spawn_app();
    let (commission, parties) = active_commission(&app, "T/1", NIPS[0], &[]).await;
    let commission_path = format!("/api/v1/commissions/{}", commission["id"].as_str().unwrap());
    let ended = app.post_json(&format!("{commission_path}/terminate"), &json!({"reason": "Porozumienie"})).await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    let path = reports_path(&commission);
    let token = &parties.provider_token;
    let settled =
        submit(&app, token, &path, "t-1", &report_body("partial", "2026-01-01", "2026-03-31", "100.00")).await;
    assert_eq!(settled.status, 201, "the settlement of a terminated agreement: {}", settled.body);
    let after = submit(&app, token, &path, "t-2", &report_body("final", "2026-01-01", "2026-12-31", "100.00")).await;
    let problem = after.problem(422, "validation-failed");
    assert_eq!(
        (&problem["errors"][0]["field"], &problem["errors"][0]["code"]),
        (&json!("period"), &json!("outside_active_period"))
    );

    let draft = CommissionBuilder::new("T/2", &parties.service, &parties.provider).create(&app).await;
    let refused = submit(
        &app,
        token,
        &reports_path(&draft),
        "t-3",
        &report_body("partial", "2026-01-01", "2026-03-31", "100.00"),
    )
    .await;
    assert_eq!(refused.problem(409, "commission-not-accepting-reports")["current_status"], "draft");
}

#[actix_web::test]
async fn small_grants_report_on_the_simplified_template_and_the_other_modes_on_annex_5() {
    let app = crate::helpers::spawn_app();
    let parties = parties(&app, NIPS[0]).await;
    plan_grant_year(&app, 2026, "1000000.00").await;
    let grant = small_grant("MG/R", &parties, ("2026-02-01", "2026-03-01"), "5000.00").create(&app).await;
    let activated = app.post(&format!("/api/v1/commissions/{}/activate", grant["id"].as_str().unwrap())).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    let path = reports_path(&grant);
    let token = &parties.provider_token;
    let with_lines = report_body("final", "2026-02-01", "2026-03-01", "1000.00");
    let refused = submit(&app, token, &path, "s-1", &with_lines).await;
    let errors = refused.problem(422, "validation-failed")["errors"].clone();
    assert_eq!((&errors[0]["field"], &errors[0]["code"]), (&json!("cost_lines"), &json!("not_in_template")));
    assert!(errors[0]["message"].as_str().unwrap().contains("poz. 2055"), "{errors}");
    let mut simplified = with_lines.clone();
    simplified.as_object_mut().unwrap().remove("cost_lines");
    let accepted = submit(&app, token, &path, "s-2", &simplified).await;
    assert_eq!(accepted.status, 201, "totals and results only: {}", accepted.body);
    assert_eq!(accepted.body["template"], "simplified");

    let (commission, other) = active_commission(&app, "A5/1", NIPS[1], &[]).await;
    let path = reports_path(&commission);
    let mut no_lines = report_body("partial", "2026-01-01", "2026-03-31", "0.00");
    no_lines.as_object_mut().unwrap().remove("cost_lines");
    let missing = submit(&app, &other.provider_token, &path, "a-1", &no_lines).await;
    let errors = missing.problem(422, "validation-failed")["errors"].clone();
    assert_eq!((&errors[0]["field"], &errors[0]["code"]), (&json!("cost_lines"), &json!("required")));
    let full = submit(
        &app,
        &other.provider_token,
        &path,
        "a-2",
        &report_body("partial", "2026-01-01", "2026-03-31", "100.00"),
    )
    .await;
    assert_eq!(full.body["template"], "annex_5", "{}", full.body);
}

#[actix_web::test]
async fn the_final_report_of_the_public_benefit_act_modes_is_due_thirty_days_after_the_task_ends() {
    let app = crate::helpers::spawn_app();
    let terms = [("reporting", json!({"schedule": "final_only", "due_days": 14}))];
    let (competition, parties) = active_commission(&app, "FD/1", NIPS[0], &terms).await;
    let body = report_body("final", "2026-01-01", "2026-12-31", "100.00");
    let report = submit(&app, &parties.provider_token, &reports_path(&competition), "f-1", &body).await;
    assert_eq!(report.body["due_on"], "2027-01-30", "art. 18 ust. 1, whatever the agreement says: {}", report.body);

    let procurement = [
        ("reporting", json!({"schedule": "final_only", "due_days": 14})),
        ("mode", json!("public_procurement")),
        ("form", serde_json::Value::Null),
    ];
    let (commission, other) = active_commission(&app, "FD/2", NIPS[1], &procurement).await;
    let report = submit(&app, &other.provider_token, &reports_path(&commission), "f-2", &body).await;
    assert_eq!(report.body["due_on"], "2027-01-14", "the agreement's own term: {}", report.body);
}

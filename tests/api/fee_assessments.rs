//! Fee assessments: the fee per unit from a household's income under the effective income table
//! (the programme's own, else the catalogue's), on both bases; exemptions; every refusal; the
//! income shown only by the single GET and never in an error; who may call; the audit trail.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{
    programme_service, DiagnosisBuilder, MunicipalityBuilder, Parties, ProgrammeBuilder, ProviderBuilder,
    ServiceBuilder, NIPS,
};
use crate::helpers::{provider_token, spawn_app, spawn_with, token_for, Reply, TestApp, TestDb};
use crate::residents::{as_role, create_resident, resident_body};
use crate::service_plans::plan_body;

const PATH: &str = "/api/v1/fee-assessments";

/// PLN thresholds: free up to 1000.00 per person, 6.50 up to 2000.00, then 12.00.
fn pln_table() -> Value {
    json!({"kind": "income_table", "basis": "pln", "brackets": [
        {"up_to": "1000", "fee": {"per_unit": "0"}},
        {"up_to": "2000", "fee": {"per_unit": "6.50"}},
        {"up_to": null, "fee": {"per_unit": "12.00"}}], "exemptions": []})
}

/// Per cent of the criterion: free up to 100 %, 20 % of the unit cost up to 200 %, then 50 %.
fn criterion_table() -> Value {
    json!({"kind": "income_table", "basis": "percent_of_criterion", "brackets": [
        {"up_to": "100", "fee": {"per_unit": "0"}},
        {"up_to": "200", "fee": {"percent_of_unit_cost": "20"}},
        {"up_to": null, "fee": {"percent_of_unit_cost": "50"}}],
        "exemptions": [{"code": "two_disabled_in_household", "description": "Dwie osoby niepełnosprawne"}]})
}

/// A programme in force from 2027-01-01 offering `care` (the catalogue's PLN table), `meals`
/// (fixed) and `transport` (free); a second one offering `respite`, whose catalogue rule is free
/// but the programme's own is the criterion table; `club` is in the catalogue only. A resident.
struct Frame {
    programme_id: Value,
    respite_programme_id: Value,
    care: Value,
    respite: Value,
    meals: Value,
    transport: Value,
    club: Value,
    resident: Value,
}

const IN_FORCE: [&str; 3] = ["consult", "adopt", "put-in-force"];

async fn frame(app: &TestApp) -> Frame {
    let gmina = MunicipalityBuilder::founder("2611011", "Starachowice").create(app).await;
    let diagnosis = DiagnosisBuilder::new(&[&gmina]).create_adopted(app, "2026-04-15").await;
    let care = ServiceBuilder::new("OPI").with("fee_rule", pln_table()).create_active(app).await;
    let respite = ServiceBuilder::new("WYT").create_active(app).await;
    let meals = ServiceBuilder::new("POS")
        .with("fee_rule", json!({"kind": "fixed", "amount": "8.00"}))
        .create_active(app)
        .await;
    let transport = ServiceBuilder::new("TRA").create_active(app).await;
    let club = ServiceBuilder::new("KLU").create_active(app).await;
    let programme =
        ProgrammeBuilder::new(&gmina, &diagnosis, &[&care, &meals, &transport]).create_through(app, &IN_FORCE).await;
    let mut respite_terms = programme_service(&respite);
    respite_terms["fee_rule"] = criterion_table();
    let second = ProgrammeBuilder::new(&gmina, &diagnosis, &[])
        .with("services", json!([respite_terms]))
        .create_through(app, &IN_FORCE)
        .await;
    assert_eq!(second["services"][0]["fee_rule"]["basis"], "percent_of_criterion");
    assert_eq!(programme["services"][0]["fee_rule"], Value::Null, "the catalogue's rule applies");
    let resident = create_resident(app, &resident_body("Maria", "Wiśniewska")).await;
    Frame {
        programme_id: programme["id"].clone(),
        respite_programme_id: second["id"].clone(),
        care,
        respite,
        meals,
        transport,
        club,
        resident,
    }
}

impl Frame {
    fn body(&self, service: &Value, income: &str, size: i64) -> Value {
        let programme =
            if service["id"] == self.respite["id"] { &self.respite_programme_id } else { &self.programme_id };
        json!({"resident_id": self.resident["id"], "programme_id": programme, "service_id": service["id"],
            "household_income": income, "household_size": size, "stated_on": "2027-01-10",
            "valid_from": "2027-02-01", "valid_to": "2027-12-31"})
    }
}

async fn events(app: &TestApp, query: &str) -> Vec<Value> {
    let auditor = token_for(&["auditor"]);
    let reply = app.send(app.request_as(Some(&auditor), Method::GET, &format!("/api/v1/audit-events?{query}"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

async fn assess(app: &TestApp, body: &Value) -> Reply {
    as_role(app, "kipus", Method::POST, PATH, Some(body)).await
}

fn assert_no_income(assessment: &Value) {
    for field in ["household_income", "household_size", "income_per_person"] {
        assert!(assessment.get(field).is_none(), "{field} in {assessment}");
    }
}

#[actix_web::test]
async fn the_programme_s_criterion_table_sets_a_percent_of_the_unit_cost_and_only_the_get_shows_the_income() {
    let app = spawn_app();
    let frame = frame(&app).await;
    // 2400.00 for two: 1200.00 each, 145.8 % of the 2025 criterion for a family (823.00).
    let created = assess(&app, &frame.body(&frame.respite, "2400.00", 2)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(created.header("location"), Some(format!("{PATH}/{id}").as_str()));
    assert_eq!(created.body["fee_per_unit"], "9.00", "20 % of 45.00");
    assert_eq!(
        created.body["bracket"],
        json!({"index": 1, "above": "100.00", "up_to": "200.00", "basis": "percent_of_criterion",
            "criterion": "823.00", "fee": {"percent_of_unit_cost": "20.00"}})
    );
    assert_eq!(
        (created.body["valid_from"].as_str(), created.body["valid_to"].as_str()),
        (Some("2027-02-01"), Some("2027-12-31"))
    );
    assert_eq!(created.body["exemption"], Value::Null);
    assert_eq!(created.body["assessed_by"], "user-kipus");
    assert_no_income(&created.body);

    let read = as_role(&app, "director", Method::GET, &format!("{PATH}/{id}"), None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        (
            read.body["household_income"].as_str(),
            read.body["household_size"].as_i64(),
            read.body["income_per_person"].as_str()
        ),
        (Some("2400.00"), Some(2), Some("1200.00"))
    );
    assert_eq!(read.body["fee_per_unit"], "9.00");
    assert_eq!(read.header("etag"), Some("\"1\""));

    // A higher income is in the open-ended bracket: 50 % of 45.00.
    let top = assess(&app, &frame.body(&frame.respite, "3400.00", 2)).await;
    assert_eq!((top.body["bracket"]["index"].as_i64(), top.body["fee_per_unit"].as_str()), (Some(2), Some("22.50")));

    let resident = frame.resident["id"].as_str().unwrap();
    let listed = as_role(&app, "kipus", Method::GET, &format!("{PATH}?resident_id={resident}&limit=1"), None).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
    assert_no_income(&items[0]);
    let next = listed.body["next_cursor"].as_str().expect("a second page");
    let second =
        as_role(&app, "kipus", Method::GET, &format!("{PATH}?resident_id={resident}&cursor={next}"), None).await;
    assert_eq!(second.body["items"][0]["id"], top.body["id"]);
    let other = frame.care["id"].as_str().unwrap();
    let none = as_role(&app, "kipus", Method::GET, &format!("{PATH}?service_id={other}"), None).await;
    assert_eq!(none.body["items"], json!([]));
}

#[actix_web::test]
async fn the_catalogue_s_pln_table_applies_where_the_programme_sets_none() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let alone = assess(&app, &frame.body(&frame.care, "1500.00", 1)).await;
    assert_eq!(alone.status, 201, "{}", alone.body);
    assert_eq!(alone.body["fee_per_unit"], "6.50");
    assert_eq!(
        alone.body["bracket"],
        json!({"index": 1, "above": "1000.00", "up_to": "2000.00", "basis": "pln", "criterion": "1010.00",
            "fee": {"per_unit": "6.50"}})
    );
    // 3000.00 for three is 1000.00 each: the bound itself is in the first bracket.
    let family = assess(&app, &frame.body(&frame.care, "3000.00", 3)).await;
    assert_eq!(
        (family.body["bracket"]["index"].as_i64(), family.body["fee_per_unit"].as_str()),
        (Some(0), Some("0.00"))
    );
    assert_eq!(family.body["bracket"]["above"], Value::Null);
}

#[actix_web::test]
async fn an_exemption_of_the_rule_frees_the_resident_and_an_unknown_one_is_refused() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let mut body = frame.body(&frame.respite, "3400.00", 2);
    body["exemption"] = json!({"code": "two_disabled_in_household", "note": "Orzeczenia obojga małżonków"});
    let exempt = assess(&app, &body).await;
    assert_eq!(exempt.status, 201, "{}", exempt.body);
    assert_eq!(exempt.body["fee_per_unit"], "0.00");
    assert_eq!(exempt.body["bracket"]["index"], 2, "the bracket is still shown");
    assert_eq!(
        exempt.body["exemption"],
        json!({"code": "two_disabled_in_household", "note": "Orzeczenia obojga małżonków"})
    );
    body["exemption"] = json!({"code": "because"});
    let unknown = assess(&app, &body).await;
    unknown.problem(422, "validation-failed");
    assert_eq!(
        (unknown.body["errors"][0]["field"].as_str(), unknown.body["errors"][0]["code"].as_str()),
        (Some("exemption.code"), Some("unknown_exemption"))
    );
}

#[actix_web::test]
async fn unknown_references_and_services_outside_the_programme_are_422() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let unknown = "0193a5f2-0000-7000-8000-00000000ffff";
    let cases = [
        ("resident_id", json!(unknown), "resident_id", "unknown"),
        ("programme_id", json!(unknown), "programme_id", "unknown"),
        ("service_id", frame.club["id"].clone(), "service_id", "not_in_programme"),
        ("household_size", json!(0), "household_size", "range"),
        ("household_size", json!(21), "household_size", "range"),
        ("household_income", json!("dużo"), "household_income", "invalid_amount"),
        ("valid_to", json!("2027-01-31"), "valid_to", "period_order"),
        ("stated_on", json!("2018-09-30"), "stated_on", "no_criterion"),
        ("stated_on", Value::Null, "stated_on", "required"),
    ];
    for (field, value, error_field, code) in cases {
        let mut body = frame.body(&frame.care, "2400.00", 2);
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        let reply = assess(&app, &body).await;
        reply.problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], error_field, "{field}: {}", reply.body);
        assert_eq!(reply.body["errors"][0]["code"], code, "{field}: {}", reply.body);
    }
    let listed = as_role(&app, "kipus", Method::GET, PATH, None).await;
    assert_eq!(listed.body["items"], json!([]), "nothing was stored");
}

#[actix_web::test]
async fn the_income_never_appears_in_an_error() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let mut body = frame.body(&frame.care, "24817.39", 21);
    body["resident_id"] = json!("0193a5f2-0000-7000-8000-00000000ffff");
    let reply = assess(&app, &body).await;
    reply.problem(422, "validation-failed");
    assert!(!reply.body.to_string().contains("24817"), "{}", reply.body);
    let reply = assess(&app, &frame.body(&frame.care, "24817,3x", 2)).await;
    reply.problem(422, "validation-failed");
    assert!(!reply.body.to_string().contains("24817"), "{}", reply.body);
    let mut number = frame.body(&frame.care, "", 2);
    number["household_income"] = json!(24817);
    let reply = assess(&app, &number).await;
    reply.problem(400, "bad-request");
    assert!(!reply.body.to_string().contains("24817"), "{}", reply.body);
    let reply = assess(&app, &frame.body(&frame.meals, "24817.39", 2)).await;
    reply.problem(409, "fee-not-income-dependent");
    assert!(!reply.body.to_string().contains("24817"), "{}", reply.body);
}

#[actix_web::test]
async fn no_assessment_for_a_free_or_fixed_fee_or_outside_the_programme_s_force() {
    let app = spawn_app();
    let frame = frame(&app).await;
    for service in [&frame.meals, &frame.transport] {
        assess(&app, &frame.body(service, "2400.00", 2)).await.problem(409, "fee-not-income-dependent");
    }
    let mut before = frame.body(&frame.care, "2400.00", 2);
    before["valid_from"] = json!("2026-12-31");
    let reply = assess(&app, &before).await;
    assert_eq!(reply.problem(409, "programme-not-in-force")["programme_status"], "in_force");
    let mut after = frame.body(&frame.care, "2400.00", 2);
    after["valid_from"] = json!("2030-01-01");
    after["valid_to"] = Value::Null;
    assess(&app, &after).await.problem(409, "programme-not-in-force");
    let path = format!("/api/v1/programmes/{}/repeal", frame.programme_id.as_str().unwrap());
    assert_eq!(app.post(&path).await.status, 200);
    let reply = assess(&app, &frame.body(&frame.care, "2400.00", 2)).await;
    assert_eq!(reply.problem(409, "programme-not-in-force")["programme_status"], "repealed");
}

#[actix_web::test]
async fn a_retry_with_the_same_key_replays_the_assessment() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let body = frame.body(&frame.care, "1500.00", 1);
    let token = token_for(&["director"]);
    let send = || app.request_as(Some(&token), Method::POST, PATH).header("idempotency-key", "fee-1").json(&body);
    let first = app.send(send()).await;
    let again = app.send(send()).await;
    assert_eq!((first.status, again.status), (201, 201), "{}", again.body);
    assert_eq!(first.body["id"], again.body["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
}

#[actix_web::test]
async fn only_case_workers_assess_and_read_fees_and_every_read_and_write_is_audited() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let created = assess(&app, &frame.body(&frame.care, "1500.00", 1)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let read = as_role(&app, "kipus", Method::GET, &format!("{PATH}/{id}"), None).await;
    assert_eq!(read.status, 200);
    assert_eq!(as_role(&app, "kipus", Method::GET, PATH, None).await.status, 200);
    let body = frame.body(&frame.care, "1500.00", 1);
    let tokens =
        [token_for(&["ous"]), token_for(&["integrator"]), provider_token("0193a5f2-0000-7000-8000-000000000001")];
    for token in &tokens {
        for (method, path, body) in [
            (Method::POST, PATH.to_owned(), Some(&body)),
            (Method::GET, PATH.to_owned(), None),
            (Method::GET, format!("{PATH}/{id}"), None),
        ] {
            let mut request = app.request_as(Some(token), method.clone(), &path);
            if let Some(body) = body {
                request = request.json(body);
            }
            app.send(request).await.problem(403, "forbidden");
        }
    }
    assert_eq!(app.send(app.request_as(None, Method::GET, PATH)).await.status, 401);

    let write = events(&app, "action=create_fee_assessment&outcome=success").await;
    let resident = frame.resident["id"].as_str().unwrap();
    let kinds: Vec<(&str, &str)> =
        write.iter().map(|e| (e["resource_type"].as_str().unwrap(), e["resource_id"].as_str().unwrap())).collect();
    assert!(kinds.contains(&("fee_assessment", id)), "{write:?}");
    assert!(kinds.contains(&("resident", resident)), "the write is also a read of the resident's data: {write:?}");
    let get = events(&app, &format!("action=get_fee_assessment&resource_id={id}&outcome=success")).await;
    assert_eq!(get.len(), 1, "{get:?}");
    assert_eq!(get[0]["detail"]["resident_id"], resident);
    let list = events(&app, "action=list_fee_assessments&outcome=success").await;
    assert_eq!(list[0]["detail"]["ids"], json!([id]));
    let denied = events(&app, "action=create_fee_assessment&outcome=denied").await;
    assert_eq!(denied.len(), 3);
}

const OLD_SERVICE: &str =
    "INSERT INTO services (id, code, name, description, area, target_groups, delivery_mode, unit, \
    unit_cost, fee_kind, fee_amount, fee_description, eligibility, delivered_by, status, search_text, name_sort_key, \
    created_at, updated_at, version) VALUES ('0193a5f2-0000-7000-8000-0000000000b1', 'OPI-OLD', 'Opieka', '', \
    'social_assistance', '[\"person\"]', 'at_home', 'hour', 4500, 'income_dependent', NULL, 'Wg uchwały Rady Miasta', \
    '', 'commissioned', 'active', 'opi-old opieka', 'opieka', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1);";

#[actix_web::test]
async fn a_free_text_income_rule_is_migrated_to_needs_review_and_blocks_assessments_and_plan_items_until_replaced() {
    let db = TestDb::new();
    cus_api::db::migrate_before(&db.url(), "20261203000009").expect("migrate to the release before");
    db.execute(OLD_SERVICE);
    let app = spawn_with(db, &[]);
    let service_path = "/api/v1/services/0193a5f2-0000-7000-8000-0000000000b1";
    let service = app.get(service_path).await;
    assert_eq!(service.status, 200, "{}", service.body);
    assert_eq!(service.body["fee_rule"], json!({"kind": "needs_review", "description": "Wg uchwały Rady Miasta"}));
    let gmina = MunicipalityBuilder::founder("2611011", "Starachowice").create(&app).await;
    let diagnosis = DiagnosisBuilder::new(&[&gmina]).create_adopted(&app, "2026-04-15").await;
    let programme = ProgrammeBuilder::new(&gmina, &diagnosis, &[&service.body])
        .create_through(&app, &["consult", "adopt", "put-in-force"])
        .await;
    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let body = json!({"resident_id": resident["id"], "programme_id": programme["id"], "service_id": service.body["id"],
        "household_income": "2400.00", "household_size": 2, "stated_on": "2027-01-10", "valid_from": "2027-02-01"});
    assess(&app, &body).await.problem(409, "fee-rule-needs-review");
    let provider = ProviderBuilder::new("Fundacja Opieka", NIPS[0]).create(&app).await;
    let offers = format!("/api/v1/providers/{}/offers", provider["id"].as_str().unwrap());
    assert_eq!(app.post_json(&offers, &json!({"service_id": service.body["id"]})).await.status, 201);
    let parties = Parties { service: service.body.clone(), provider, provider_token: String::new() };
    let mut plan = plan_body(&resident, &parties);
    plan["items"][0]["start_on"] = json!("2027-02-01");
    let draft = |plan: Value| {
        let app = &app;
        async move { as_role(app, "kipus", Method::POST, "/api/v1/service-plans", Some(&plan)).await }
    };
    let blocked = draft(plan.clone()).await;
    blocked.problem(409, "fee-rule-needs-review");
    let unreviewed = app.patch_json(service_path, "\"1\"", &json!({"name": "Opieka domowa"})).await;
    unreviewed.problem(422, "validation-failed");
    assert!(unreviewed.error_fields().contains(&"fee_rule.kind".to_owned()), "{}", unreviewed.body);
    let mut table = criterion_table();
    table["description"] = Value::Null;
    let reviewed = app.patch_json(service_path, "\"1\"", &json!({"fee_rule": table})).await;
    assert_eq!(reviewed.status, 200, "{}", reviewed.body);
    let assessed = assess(&app, &body).await;
    assert_eq!((assessed.status, assessed.body["fee_per_unit"].as_str()), (201, Some("9.00")), "{}", assessed.body);
    let granted = draft(plan).await;
    assert_eq!((granted.status, granted.body["items"][0]["fee"].as_str()), (201, Some("1080.00")), "{}", granted.body);
}

#[actix_web::test]
async fn the_export_holds_the_assessments_and_erasure_takes_the_income_but_keeps_the_fee() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let created = assess(&app, &frame.body(&frame.respite, "2400.00", 2)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let resident = frame.resident["id"].as_str().unwrap();
    let export = as_role(&app, "director", Method::GET, &format!("/api/v1/residents/{resident}/export"), None).await;
    assert_eq!(export.status, 200, "{}", export.body);
    let held = &export.body["fee_assessments"];
    assert_eq!(
        (held[0]["id"].as_str(), held[0]["household_income"].as_str()),
        (created.body["id"].as_str(), Some("2400.00"))
    );

    let anonymised =
        as_role(&app, "director", Method::POST, &format!("/api/v1/residents/{resident}/anonymise"), None).await;
    assert_eq!(anonymised.status, 200, "{}", anonymised.body);
    let path = format!("{PATH}/{}", created.body["id"].as_str().unwrap());
    let read = as_role(&app, "director", Method::GET, &path, None).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        (&read.body["household_income"], &read.body["income_per_person"], read.body["household_size"].as_i64()),
        (&Value::Null, &Value::Null, Some(2)),
        "the income is erased, the household's size stays for statistics"
    );
    assert_eq!((read.body["fee_per_unit"].as_str(), read.body["bracket"]["index"].as_i64()), (Some("9.00"), Some(1)));
}

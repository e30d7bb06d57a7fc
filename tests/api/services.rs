//! The service catalogue: validation, concurrency control, actions, listing and idempotency.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::ServiceBuilder;
use crate::helpers::{spawn_app, TestApp};

fn path_of(service: &Value) -> String {
    format!("/api/v1/services/{}", service["id"].as_str().unwrap())
}

fn etag_of(service: &Value) -> String {
    format!("\"{}\"", service["version"])
}

#[actix_web::test]
async fn create_returns_the_draft_with_location_and_etag() {
    let app = spawn_app();
    let reply = app.post_json("/api/v1/services", ServiceBuilder::new("opieka-dom").body()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let service = &reply.body;
    assert_eq!(service["code"], "OPIEKA-DOM", "codes are stored upper case");
    assert_eq!(service["status"], "draft");
    assert_eq!(service["version"], 1);
    assert_eq!(service["unit_cost"], "45.00");
    assert_eq!(reply.header("location"), Some(path_of(service).as_str()));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    let read = app.get(&path_of(service)).await;
    assert_eq!(read.status, 200);
    assert_eq!(&read.body, service, "the stored entry reads back exactly");
}

#[actix_web::test]
async fn polish_text_and_money_round_trip_exactly() {
    let app = spawn_app();
    let created = ServiceBuilder::new("ZLOBEK")
        .with("name", json!("Żłobek „Pod Świerkami” – opieka dzienna"))
        .with("unit_cost", json!("19.99"))
        .with("fee_rule", json!({"kind": "fixed", "amount": "2499985.1"}))
        .create(&app)
        .await;
    let read = app.get(&path_of(&created)).await.body;
    assert_eq!(read["name"], "Żłobek „Pod Świerkami” – opieka dzienna");
    assert_eq!(read["unit_cost"], "19.99");
    assert_eq!(read["fee_rule"], json!({"kind": "fixed", "amount": "2499985.10"}));
}

#[actix_web::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = spawn_app();
    let reply = app
        .post_json(
            "/api/v1/services",
            &json!({
                "code": "x",
                "name": "   ",
                "description": "d".repeat(5001),
                "area": "helth",
                "target_groups": ["person", "person", "aliens"],
                "delivery_mode": "by_drone",
                "unit": "litre",
                "unit_cost": "12.345",
                "fee_rule": {"kind": "fixed"},
                "eligibility": "e".repeat(5001),
                "delivered_by": "nobody"
            }),
        )
        .await;
    reply.problem(422, "validation-failed");
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "area",
            "code",
            "delivered_by",
            "delivery_mode",
            "description",
            "eligibility",
            "fee_rule.amount",
            "name",
            "target_groups[1]",
            "target_groups[2]",
            "unit",
            "unit_cost"
        ]
    );
}

#[actix_web::test]
async fn each_validation_rule_rejects_on_its_own() {
    let app = spawn_app();
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("code", json!("-LEADING"), "code", "pattern"),
        ("code", json!("A".repeat(33)), "code", "pattern"),
        ("code", json!("SPACE IN"), "code", "pattern"),
        ("code", Value::Null, "code", "required"),
        ("name", Value::Null, "name", "required"),
        ("name", json!(""), "name", "blank"),
        ("name", json!("n".repeat(201)), "name", "length"),
        ("area", Value::Null, "area", "required"),
        ("area", json!("housingg"), "area", "unknown_value"),
        ("target_groups", json!([]), "target_groups", "length"),
        (
            "target_groups",
            json!(["person", "family", "social_group", "special_needs_group", "all_residents", "person"]),
            "target_groups",
            "length",
        ),
        ("target_groups", Value::Null, "target_groups", "required"),
        ("delivery_mode", Value::Null, "delivery_mode", "required"),
        ("unit", json!("kg"), "unit", "unknown_value"),
        ("unit_cost", json!("-5.00"), "unit_cost", "invalid_amount"),
        ("unit_cost", json!("12345678901234.00"), "unit_cost", "invalid_amount"),
        ("fee_rule", Value::Null, "fee_rule", "required"),
        ("fee_rule", json!({}), "fee_rule.kind", "required"),
        ("fee_rule", json!({"kind": "sometimes"}), "fee_rule.kind", "unknown_value"),
        ("fee_rule", json!({"kind": "free", "amount": "1.00"}), "fee_rule.amount", "not_allowed"),
        (
            "fee_rule",
            json!({"kind": "fixed", "amount": "1.00", "description": "x"}),
            "fee_rule.description",
            "not_allowed",
        ),
        ("fee_rule", json!({"kind": "fixed", "amount": "abc"}), "fee_rule.amount", "invalid_amount"),
        ("fee_rule", json!({"kind": "needs_review"}), "fee_rule.kind", "needs_review"),
        ("fee_rule", json!({"kind": "income_table", "basis": "pln"}), "fee_rule.brackets", "required"),
        (
            "fee_rule",
            json!({"kind": "income_table", "basis": "pln", "amount": "2.00", "brackets": [{"fee": {"per_unit": "0"}}]}),
            "fee_rule.amount",
            "not_allowed",
        ),
        (
            "fee_rule",
            json!({"kind": "income_table", "basis": "percent_of_criterion", "brackets": [
                {"up_to": "150", "fee": {"per_unit": "0"}}, {"up_to": "100", "fee": {"per_unit": "1"}}, {"fee": {"per_unit": "2"}}]}),
            "fee_rule.brackets[1].up_to",
            "ascending",
        ),
        ("delivered_by", json!("volunteers"), "delivered_by", "unknown_value"),
    ];
    for (field, value, error_field, error_code) in cases {
        let body = ServiceBuilder::new("RULE").with(field, value.clone()).body().clone();
        let reply = app.post_json("/api/v1/services", &body).await;
        reply.problem(422, "validation-failed");
        let errors = reply.body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{field}={value}: {}", reply.body);
        assert_eq!(errors[0]["field"], error_field, "{field}={value}");
        assert_eq!(errors[0]["code"], error_code, "{field}={value}");
    }
    assert_eq!(app.get("/api/v1/services").await.body["items"], json!([]), "no invalid entry was stored");
}

#[actix_web::test]
async fn wrong_types_and_unknown_fields_are_400_naming_the_field() {
    let app = spawn_app();
    let reply = app.post_json("/api/v1/services", ServiceBuilder::new("T1").with("name", json!(42)).body()).await;
    reply.problem(400, "bad-request");
    assert_eq!(reply.error_fields(), vec!["name"]);
    let reply = app.post_json("/api/v1/services", ServiceBuilder::new("T2").with("colour", json!("red")).body()).await;
    reply.problem(400, "bad-request");
    assert_eq!(reply.error_fields(), vec!["colour"]);
    assert_eq!(reply.body["errors"][0]["code"], "unknown_field");
    let reply = app
        .post_json(
            "/api/v1/services",
            ServiceBuilder::new("T3").with("fee_rule", json!({"kind": "free", "x": 1})).body(),
        )
        .await;
    assert_eq!(reply.error_fields(), vec!["fee_rule.x"]);
}

#[actix_web::test]
async fn duplicate_code_is_a_conflict_naming_the_existing_entry() {
    let app = spawn_app();
    let first = ServiceBuilder::new("DUP").create(&app).await;
    let reply = app.post_json("/api/v1/services", ServiceBuilder::new("dup").body()).await;
    reply.problem(409, "duplicate-code");
    assert_eq!(reply.body["existing_id"], first["id"]);
    let other = ServiceBuilder::new("OTHER").create(&app).await;
    let reply = app.patch_json(&path_of(&other), &etag_of(&other), &json!({"code": "DUP"})).await;
    reply.problem(409, "duplicate-code");
}

#[actix_web::test]
async fn merge_patch_changes_only_what_it_names_and_bumps_the_version() {
    let app = spawn_app();
    let created = ServiceBuilder::new("PATCH").create(&app).await;
    let reply = app
        .patch_json(
            &path_of(&created),
            "\"1\"",
            &json!({"name": "Asystencja osobista", "unit_cost": null, "fee_rule": {"kind": "fixed", "amount": "5"}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let patched = reply.body;
    assert_eq!(patched["name"], "Asystencja osobista");
    assert_eq!(patched["unit_cost"], Value::Null);
    assert_eq!(patched["fee_rule"], json!({"kind": "fixed", "amount": "5.00"}));
    assert_eq!(patched["description"], created["description"]);
    assert_eq!(patched["version"], 2);
    assert_eq!(patched["created_at"], created["created_at"]);
    assert_ne!(patched["updated_at"], created["updated_at"]);
}

#[actix_web::test]
async fn patch_results_are_validated_and_read_only_fields_refused() {
    let app = spawn_app();
    let created = ServiceBuilder::new("RO").create(&app).await;
    let reply = app.patch_json(&path_of(&created), "\"1\"", &json!({"status": "active", "version": 7})).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["status", "version"]);
    let reply = app.patch_json(&path_of(&created), "\"1\"", &json!({"area": "nowhere", "name": null})).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["name", "area"]);
    assert_eq!(app.get(&path_of(&created)).await.body, created, "a refused patch changes nothing");
}

#[actix_web::test]
async fn conditional_requests_prevent_lost_updates() {
    let app = spawn_app();
    let created = ServiceBuilder::new("ETAG").create(&app).await;
    let path = path_of(&created);
    // Missing If-Match: 428.
    let reply = app
        .send(app.request(Method::PATCH, &path).header("content-type", "application/json").body("{\"name\":\"x\"}"))
        .await;
    reply.problem(428, "precondition-required");
    // Stale If-Match: 412 with the current ETag.
    assert_eq!(app.patch_json(&path, "\"1\"", &json!({"name": "Pierwsza"})).await.status, 200);
    let stale = app.patch_json(&path, "\"1\"", &json!({"name": "Druga"})).await;
    stale.problem(412, "precondition-failed");
    assert_eq!(stale.header("etag"), Some("\"2\""));
    assert_eq!(app.get(&path).await.body["name"], "Pierwsza");
    // If-None-Match: 304 while unchanged, 200 after a change.
    let reply = app.send(app.request(Method::GET, &path).header("if-none-match", "\"2\"")).await;
    assert_eq!(reply.status, 304);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let reply = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn concurrent_patches_with_one_etag_let_exactly_one_win() {
    let app = spawn_app();
    let created = ServiceBuilder::new("RACE").create(&app).await;
    let path = path_of(&created);
    let bodies: Vec<Value> = (0..6).map(|i| json!({"name": format!("Wersja {i}")})).collect();
    let patches = bodies.iter().map(|body| app.patch_json(&path, "\"1\"", body));
    let statuses: Vec<u16> = futures_util::future::join_all(patches).await.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 5, "{statuses:?}");
    assert_eq!(app.get(&path).await.body["version"], 2);
}

#[actix_web::test]
async fn actions_follow_the_lifecycle_and_name_what_is_allowed() {
    let app = spawn_app();
    let created = ServiceBuilder::new("LIFE").create(&app).await;
    let path = path_of(&created);
    let retire_draft = app.post(&format!("{path}/retire")).await;
    let problem = retire_draft.problem(409, "invalid-state-transition");
    assert_eq!(problem["current_status"], "draft");
    assert_eq!(problem["allowed_actions"], json!(["activate"]));

    let active = app.post(&format!("{path}/activate")).await;
    assert_eq!(active.status, 200);
    assert_eq!(active.body["status"], "active");
    assert_eq!(active.body["version"], 2);
    let again = app.post(&format!("{path}/activate")).await;
    assert_eq!(again.problem(409, "invalid-state-transition")["allowed_actions"], json!(["retire"]));

    let retired = app.post(&format!("{path}/retire")).await;
    assert_eq!(retired.body["status"], "retired");
    let reactivated = app.post(&format!("{path}/activate")).await;
    assert_eq!(reactivated.body["status"], "active");
    assert_eq!(app.post("/api/v1/services/0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41/activate").await.status, 404);
}

#[actix_web::test]
async fn only_drafts_can_be_deleted_and_only_with_if_match() {
    let app = spawn_app();
    let draft = ServiceBuilder::new("DEL").create(&app).await;
    let path = path_of(&draft);
    app.send(app.request(Method::DELETE, &path)).await.problem(428, "precondition-required");
    app.send(app.request(Method::DELETE, &path).header("if-match", "\"9\"")).await.problem(412, "precondition-failed");
    let reply = app.send(app.request(Method::DELETE, &path).header("if-match", "\"1\"")).await;
    assert_eq!(reply.status, 204);
    app.get(&path).await.problem(404, "not-found");

    let active = ServiceBuilder::new("KEEP").create_active(&app).await;
    let reply = app.send(app.request(Method::DELETE, &path_of(&active)).header("if-match", etag_of(&active))).await;
    assert_eq!(reply.problem(409, "not-a-draft")["allowed_actions"], json!(["retire"]));
}

#[actix_web::test]
async fn idempotency_key_replays_the_first_response_without_a_second_write() {
    let app = spawn_app();
    let body = ServiceBuilder::new("IDEM").body().clone();
    let send =
        || app.send(app.request(Method::POST, "/api/v1/services").header("idempotency-key", "key-1").json(&body));
    let first = send().await;
    assert_eq!(first.status, 201);
    let replay = send().await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.header("location"), first.header("location"));
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.get("/api/v1/services").await.body["items"].as_array().unwrap().len(), 1);

    let other_body = ServiceBuilder::new("IDEM2").body().clone();
    let reused = app
        .send(app.request(Method::POST, "/api/v1/services").header("idempotency-key", "key-1").json(&other_body))
        .await;
    reused.problem(422, "idempotency-key-reused");
    // Without a key, the same body is a new request: the code is taken.
    app.post_json("/api/v1/services", &body).await.problem(409, "duplicate-code");
}

#[actix_web::test]
async fn an_expired_idempotency_key_starts_afresh() {
    let app = spawn_app();
    let send = |body: serde_json::Value| {
        app.send(app.request(Method::POST, "/api/v1/services").header("idempotency-key", "old-key").json(&body))
    };
    let first = send(ServiceBuilder::new("OLD").body().clone()).await;
    assert_eq!(first.status, 201);
    app.db.execute("UPDATE idempotency_keys SET created_at = '2000-01-01 00:00:00'");

    let second = send(ServiceBuilder::new("NEW").body().clone()).await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_eq!(second.header("idempotent-replayed"), None);
    assert_ne!(second.body["id"], first.body["id"]);
    let replay = send(ServiceBuilder::new("NEW").body().clone()).await;
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.body["id"], second.body["id"]);
    assert_eq!(app.get("/api/v1/services").await.body["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn concurrent_retries_with_one_key_create_one_entry() {
    let app = spawn_app();
    let body = ServiceBuilder::new("BURST").body().clone();
    let requests = (0..8).map(|_| {
        app.send(app.request(Method::POST, "/api/v1/services").header("idempotency-key", "burst").json(&body))
    });
    let replies = futures_util::future::join_all(requests).await;
    let ids: HashSet<String> = replies
        .iter()
        .map(|reply| {
            assert_eq!(reply.status, 201, "{}", reply.body);
            reply.body["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every retry answers with the one entry created");
    assert_eq!(app.get("/api/v1/services").await.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn idempotent_actions_replay_instead_of_conflicting() {
    let app = spawn_app();
    let created = ServiceBuilder::new("ACT").create(&app).await;
    let activate = || {
        app.send(
            app.request(Method::POST, &format!("{}/activate", path_of(&created))).header("idempotency-key", "act-1"),
        )
    };
    let first = activate().await;
    let second = activate().await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.body, second.body);
}

#[actix_web::test]
async fn invalid_idempotency_key_is_a_400() {
    let app = spawn_app();
    let reply = app
        .send(
            app.request(Method::POST, "/api/v1/services")
                .header("idempotency-key", "x".repeat(256))
                .json(ServiceBuilder::new("K").body()),
        )
        .await;
    reply.problem(400, "bad-request");
    assert_eq!(reply.error_fields(), vec!["Idempotency-Key"]);
}

async fn codes(app: &TestApp, query: &str) -> Vec<String> {
    let reply = app.get(&format!("/api/v1/services?{query}")).await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.body["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn search_ignores_case_and_polish_diacritics() {
    let app = spawn_app();
    ServiceBuilder::new("ZLOBEK").with("name", json!("Żłobek miejski")).create(&app).await;
    ServiceBuilder::new("SENIOR")
        .with("name", json!("Dzienny dom seniora"))
        .with("description", json!("Zajęcia ruchowe, ŚWIETLICA"))
        .create(&app)
        .await;
    ServiceBuilder::new("PCT").with("name", json!("Rabat 50% dla rodzin")).create(&app).await;
    assert_eq!(codes(&app, "q=zlobek").await, vec!["ZLOBEK"]);
    assert_eq!(codes(&app, "q=%C5%BB%C5%81OBEK").await, vec!["ZLOBEK"], "ŻŁOBEK");
    assert_eq!(codes(&app, "q=swietlica").await, vec!["SENIOR"]);
    assert_eq!(codes(&app, "q=senior").await, vec!["SENIOR"], "matches the code too");
    assert_eq!(codes(&app, "q=50%25").await, vec!["PCT"], "% is literal, not a wildcard");
    assert!(codes(&app, "q=_").await.is_empty(), "_ is literal, not a wildcard");
}

#[actix_web::test]
async fn filters_combine() {
    let app = spawn_app();
    ServiceBuilder::new("A1")
        .with("area", json!("health"))
        .with("target_groups", json!(["family", "person"]))
        .create_active(&app)
        .await;
    ServiceBuilder::new("A2").with("area", json!("health")).with("delivery_mode", json!("online")).create(&app).await;
    ServiceBuilder::new("A3")
        .with("area", json!("culture"))
        .with("target_groups", json!(["all_residents"]))
        .create_active(&app)
        .await;
    assert_eq!(codes(&app, "area=health&sort=code").await, vec!["A1", "A2"]);
    assert_eq!(codes(&app, "status=active&sort=code").await, vec!["A1", "A3"]);
    assert_eq!(codes(&app, "target_group=family").await, vec!["A1"]);
    assert_eq!(codes(&app, "target_group=person&sort=code").await, vec!["A1", "A2"]);
    assert_eq!(codes(&app, "delivery_mode=online").await, vec!["A2"]);
    assert_eq!(codes(&app, "area=health&status=draft").await, vec!["A2"]);
    assert!(codes(&app, "updated_since=2999-01-01T00:00:00Z").await.is_empty());
    assert_eq!(codes(&app, "updated_since=2000-01-01T00:00:00Z").await.len(), 3);
}

#[actix_web::test]
async fn updated_since_returns_what_changed_after_a_point() {
    let app = spawn_app();
    let old = ServiceBuilder::new("OLD").create(&app).await;
    ServiceBuilder::new("OLD2").create(&app).await;
    let mark = app.get(&path_of(&old)).await.body["updated_at"].as_str().unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let reply = app.patch_json(&path_of(&old), "\"1\"", &json!({"name": "Zmieniona"})).await;
    assert_eq!(reply.status, 200);
    assert_eq!(codes(&app, &format!("updated_since={}", since.replace('+', "%2B"))).await, vec!["OLD"]);
    assert!(mark < since);
}

#[actix_web::test]
async fn sorts_by_polish_name_code_and_updated_at() {
    let app = spawn_app();
    for (code, name) in [
        ("C1", "Żywienie"),
        ("C2", "zajęcia"),
        ("C3", "Łaźnia"),
        ("C4", "Lekcje"),
        ("C5", "Ćwiczenia"),
        ("C6", "Catering"),
    ] {
        ServiceBuilder::new(code).with("name", json!(name)).create(&app).await;
    }
    assert_eq!(codes(&app, "sort=name").await, vec!["C6", "C5", "C4", "C3", "C2", "C1"]);
    assert_eq!(codes(&app, "").await, vec!["C6", "C5", "C4", "C3", "C2", "C1"], "name is the default");
    assert_eq!(codes(&app, "sort=-name").await, vec!["C1", "C2", "C3", "C4", "C5", "C6"]);
    assert_eq!(codes(&app, "sort=code").await, vec!["C1", "C2", "C3", "C4", "C5", "C6"]);
    assert_eq!(codes(&app, "sort=-updated_at").await, vec!["C6", "C5", "C4", "C3", "C2", "C1"]);
}

/// Pages through everything with `limit`, following `Link` headers, returning codes in order.
async fn walk(app: &TestApp, query: &str, during: impl Fn(usize) -> Option<Value>) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = Some(format!("/api/v1/services?{query}"));
    let mut page = 0;
    while let Some(path) = next.take() {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        seen.extend(reply.body["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap().to_owned()));
        if let Some(body) = during(page) {
            assert_eq!(app.post_json("/api/v1/services", &body).await.status, 201);
        }
        page += 1;
        match (reply.header("link"), reply.body["next_cursor"].as_str()) {
            (Some(link), Some(_)) => {
                let url = link.trim_start_matches('<').split('>').next().unwrap();
                assert!(url.contains("cursor="));
                next = Some(url.to_owned());
            }
            (None, None) => {}
            other => panic!("Link header and next_cursor disagree: {other:?}"),
        }
    }
    seen
}

#[actix_web::test]
async fn pagination_has_no_duplicates_or_gaps_under_concurrent_inserts() {
    let app = spawn_app();
    let mut expected = Vec::new();
    for i in 0..23 {
        let code = format!("P{i:02}");
        ServiceBuilder::new(&code).with("name", json!(format!("Usługa {i:02}"))).create(&app).await;
        expected.push(code);
    }
    // Entries inserted while paging sort before the cursor ("A…") or after everything ("Z…").
    let seen = walk(&app, "limit=5&sort=name", |page| {
        let code = format!("N{page}");
        let name = if page % 2 == 0 { format!("Aaa {page}") } else { format!("Zzz {page}") };
        Some(ServiceBuilder::new(&code).with("name", json!(name)).body().clone())
    })
    .await;
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no entry appears twice: {seen:?}");
    for code in &expected {
        assert!(seen.contains(code), "{code} was skipped: {seen:?}");
    }
    let original: Vec<&String> = seen.iter().filter(|c| c.starts_with('P')).collect();
    assert_eq!(original, expected.iter().collect::<Vec<_>>(), "order is stable across pages");
}

#[actix_web::test]
async fn every_sort_pages_consistently_in_both_directions() {
    let app = spawn_app();
    for i in 0..7 {
        // Equal names force the id tie-breaker.
        ServiceBuilder::new(&format!("S{i}"))
            .with("name", json!(if i < 4 { "Ta sama" } else { "Inna" }))
            .create(&app)
            .await;
    }
    for sort in ["name", "-name", "code", "-code", "updated_at", "-updated_at"] {
        let all = codes(&app, &format!("sort={sort}")).await;
        let paged = walk(&app, &format!("sort={sort}&limit=2"), |_| None).await;
        assert_eq!(paged, all, "sort={sort}");
        assert_eq!(all.len(), 7);
    }
}

#[actix_web::test]
async fn list_parameters_are_checked() {
    let app = spawn_app();
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("sort=colour", "sort"),
        ("area=moon", "area"),
        ("status=deleted", "status"),
        ("updated_since=yesterday", "updated_since"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=", "q"),
        ("page=2", "page"),
    ] {
        let reply = app.get(&format!("/api/v1/services?{query}")).await;
        reply.problem(400, "bad-request");
        assert_eq!(reply.error_fields(), vec![field], "{query}");
    }
    for i in 0..3 {
        ServiceBuilder::new(&format!("L{i}")).create(&app).await;
    }
    let first = app.get("/api/v1/services?limit=1&sort=code").await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let reply = app.get(&format!("/api/v1/services?limit=1&sort=name&cursor={cursor}")).await;
    assert_eq!(reply.problem(400, "bad-request")["errors"][0]["field"], "cursor", "a cursor belongs to its sort");
    assert_eq!(codes(&app, "limit=200").await.len(), 3);
}

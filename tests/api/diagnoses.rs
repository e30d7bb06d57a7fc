//! Diagnoses of needs and potential: drafts covering registered municipalities, adoption once
//! complete, renewal due 5 years later (overdue after it), superseding, and who may do what.

use chrono::{Months, NaiveDate};
use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{DiagnosisBuilder, MunicipalityBuilder, DOCUMENT_SHA256};
use crate::helpers::{provider_token, spawn_app, token_for, Reply, TestApp};

fn path_of(diagnosis: &Value) -> String {
    format!("/api/v1/diagnoses/{}", diagnosis["id"].as_str().unwrap())
}

async fn act(app: &TestApp, diagnosis: &Value, action: &str) -> Reply {
    app.post(&format!("{}/{action}", path_of(diagnosis))).await
}

/// Two registered gminas: the founder and one served by agreement.
async fn gminas(app: &TestApp) -> (Value, Value) {
    let founder = MunicipalityBuilder::founder("2611011", "Starachowice").create(app).await;
    let party = MunicipalityBuilder::new("2611022", "Brody").create(app).await;
    (founder, party)
}

fn today() -> NaiveDate {
    cus_api::clock::today()
}

#[actix_web::test]
async fn a_draft_is_created_read_and_changed_under_if_match() {
    let app = spawn_app();
    let (founder, party) = gminas(&app).await;
    let body = DiagnosisBuilder::new(&[&party, &founder]).body().clone();
    let create = || app.request(Method::POST, "/api/v1/diagnoses").header("idempotency-key", "diagnoza").json(&body);
    let created = app.send(create()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = path_of(&created.body);
    assert_eq!((created.header("location"), created.header("etag")), (Some(path.as_str()), Some("\"1\"")));
    assert_eq!(created.body["municipality_ids"], json!([party["id"], founder["id"]]), "in the order given");
    for field in ["methods", "consultation", "document", "needs", "resources", "gaps"] {
        assert_eq!(created.body[field], body[field], "{field} round-trips");
    }
    assert_eq!(
        (created.body["status"].as_str(), &created.body["adopted_on"], &created.body["next_due_on"]),
        (Some("draft"), &Value::Null, &Value::Null)
    );
    assert_eq!(created.body["overdue"], false);
    let retried = app.send(create()).await;
    assert_eq!((retried.status, &retried.body["id"]), (201, &created.body["id"]), "a retry replays");
    assert_eq!(app.get("/api/v1/diagnoses").await.body["items"].as_array().unwrap().len(), 1);

    let read = app.get(&path).await;
    assert_eq!((read.status, read.header("etag")), (200, Some("\"1\"")));
    let unchanged = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    assert_eq!(unchanged.status, 304);

    let changed = app.patch_json(&path, "\"1\"", &json!({"municipality_ids": [founder["id"]], "gaps": []})).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"2\"")), "{}", changed.body);
    assert_eq!((&changed.body["municipality_ids"], &changed.body["gaps"]), (&json!([founder["id"]]), &json!([])));
    assert_eq!(changed.body["title"], body["title"], "what the patch leaves out stays");
    app.patch_json(&path, "\"1\"", &json!({"title": "Inna"})).await.problem(412, "precondition-failed");
    let read_only = app.patch_json(&path, "\"2\"", &json!({"status": "adopted", "adopted_on": "2026-01-01"})).await;
    read_only.problem(422, "validation-failed");
    assert_eq!(read_only.error_fields(), vec!["status", "adopted_on"]);
    let covering = app.get(&format!("/api/v1/diagnoses?municipality_id={}", party["id"].as_str().unwrap())).await;
    assert_eq!(covering.body["items"], json!([]), "the coverage follows the change");
}

#[actix_web::test]
async fn adoption_names_what_is_missing_and_sets_the_renewal_five_years_on() {
    let app = spawn_app();
    let (founder, _) = gminas(&app).await;
    let bare = DiagnosisBuilder::new(&[&founder])
        .with("consultation", Value::Null)
        .with("document", Value::Null)
        .with("needs", Value::Null)
        .create(&app)
        .await;
    let refused = act(&app, &bare, "adopt").await;
    assert_eq!(refused.problem(409, "diagnosis-incomplete")["missing"], json!(["consultation", "document", "needs"]));
    let path = path_of(&bare);
    let full = DiagnosisBuilder::new(&[&founder]).body().clone();
    let with_document = app.patch_json(&path, "\"1\"", &json!({"document": full["document"], "needs": []})).await;
    assert_eq!(with_document.status, 200, "{}", with_document.body);
    let refused = act(&app, &bare, "adopt").await;
    assert_eq!(refused.problem(409, "diagnosis-incomplete")["missing"], json!(["consultation", "needs"]));
    let complete =
        app.patch_json(&path, "\"2\"", &json!({"consultation": full["consultation"], "needs": full["needs"]})).await;
    assert_eq!(complete.status, 200, "{}", complete.body);

    let adopted = act(&app, &bare, "adopt").await;
    assert_eq!(adopted.status, 200, "{}", adopted.body);
    let due = today().checked_add_months(Months::new(60)).unwrap();
    assert_eq!(
        (adopted.body["status"].as_str(), adopted.body["adopted_on"].as_str(), adopted.body["next_due_on"].as_str()),
        (Some("adopted"), Some(today().to_string().as_str()), Some(due.to_string().as_str())),
        "adopted today without a body, due 5 years on"
    );
    assert_eq!((adopted.body["overdue"].as_bool(), adopted.header("etag")), (Some(false), Some("\"4\"")));
    let again = act(&app, &bare, "adopt").await;
    assert_eq!(again.problem(409, "invalid-state-transition")["allowed_actions"], json!(["supersede"]));

    let leap = DiagnosisBuilder::new(&[&founder]).create_adopted(&app, "2024-02-29").await;
    assert_eq!(leap["next_due_on"], "2029-02-28", "the last day of February five years on");
}

#[actix_web::test]
async fn a_diagnosis_adopted_over_five_years_ago_is_overdue_and_the_date_is_never_to_come() {
    let app = spawn_app();
    let (founder, _) = gminas(&app).await;
    let six_years_ago = today().checked_sub_months(Months::new(72)).unwrap().to_string();
    let old = DiagnosisBuilder::new(&[&founder]).create_adopted(&app, &six_years_ago).await;
    assert_eq!((old["adopted_on"].as_str(), old["overdue"].as_bool()), (Some(six_years_ago.as_str()), Some(true)));
    let recent = DiagnosisBuilder::new(&[&founder]).create_adopted(&app, &today().to_string()).await;
    assert_eq!(recent["overdue"], false);
    let draft = DiagnosisBuilder::new(&[&founder]).create(&app).await;
    let overdue = app.get("/api/v1/diagnoses?overdue=true").await;
    assert_eq!(
        overdue.body["items"].as_array().unwrap().iter().map(|d| &d["id"]).collect::<Vec<_>>(),
        vec![&old["id"]]
    );
    let current = app.get("/api/v1/diagnoses?overdue=false").await;
    let ids: Vec<&Value> = current.body["items"].as_array().unwrap().iter().map(|d| &d["id"]).collect();
    assert_eq!(ids, vec![&recent["id"], &draft["id"]]);

    let tomorrow = today().succ_opt().unwrap().to_string();
    let path = format!("{}/adopt", path_of(&draft));
    let future = app.post_json(&path, &json!({"adopted_on": tomorrow})).await;
    let problem = future.problem(422, "validation-failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("adopted_on"), Some("in_future"))
    );
    assert!(!problem.to_string().contains(&tomorrow), "the date is not echoed");
    app.post_json(&path, &json!({"adopted_on": today().to_string(), "by": "x"})).await.problem(400, "bad-request");
    assert_eq!(app.get(&path_of(&draft)).await.body["status"], "draft", "nothing changed");
    let null_body = app.post_json(&path, &Value::Null).await;
    assert_eq!(
        (null_body.status, null_body.body["adopted_on"].as_str()),
        (200, Some(today().to_string().as_str())),
        "a null body, as the contract allows, adopts today: {}",
        null_body.body
    );
}

#[actix_web::test]
async fn an_adopted_diagnosis_changes_only_by_being_superseded() {
    let app = spawn_app();
    let (founder, _) = gminas(&app).await;
    let adopted = DiagnosisBuilder::new(&[&founder]).create_adopted(&app, "2026-04-15").await;
    let path = path_of(&adopted);
    let patched = app.patch_json(&path, "\"2\"", &json!({"title": "Poprawiona"})).await;
    let problem = patched.problem(409, "diagnosis-adopted");
    assert_eq!((&problem["current_status"], &problem["allowed_actions"]), (&json!("adopted"), &json!(["supersede"])));

    let superseded = act(&app, &adopted, "supersede").await;
    assert_eq!(superseded.status, 200, "{}", superseded.body);
    assert_eq!(
        (superseded.body["status"].as_str(), superseded.body["adopted_on"].as_str()),
        (Some("superseded"), Some("2026-04-15"))
    );
    assert_eq!(superseded.body["title"], adopted["title"]);
    app.patch_json(&path, "\"3\"", &json!({"title": "Poprawiona"})).await.problem(409, "diagnosis-adopted");
    let again = act(&app, &superseded.body, "supersede").await;
    assert_eq!(again.problem(409, "invalid-state-transition")["allowed_actions"], json!([]));
    let draft = DiagnosisBuilder::new(&[&founder]).create(&app).await;
    act(&app, &draft, "supersede").await.problem(409, "invalid-state-transition");
    let listed = app.get("/api/v1/diagnoses?status=superseded").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn every_invalid_field_has_its_own_code_and_no_value_is_echoed() {
    let app = spawn_app();
    let (founder, _) = gminas(&app).await;
    let stranger = "0193a5f2-0000-7000-8000-0000000000ff";
    let invalid = DiagnosisBuilder::new(&[&founder])
        .with("municipality_ids", json!([founder["id"], stranger, founder["id"]]))
        .with("document", json!({"url": "http://bip.example.pl/d.pdf", "sha256": DOCUMENT_SHA256.to_uppercase()}))
        .with("consultation", json!({"from": "2026-03-21", "to": "2026-03-01", "how": " "}))
        .with(
            "needs",
            json!([{"area": "leisure", "target_group": "person", "indicator": "x", "value": "1", "source": "y"}]),
        )
        .with("methods", json!(["ankieta", ""]));
    let reply = app.post_json("/api/v1/diagnoses", invalid.body()).await;
    let problem = reply.problem(422, "validation-failed");
    let errors: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("municipality_ids[2]", "duplicate"),
            ("methods[1]", "required"),
            ("consultation.how", "required"),
            ("consultation.to", "period_order"),
            ("document.url", "invalid_url"),
            ("document.sha256", "invalid_sha256"),
            ("needs[0].area", "unknown_value"),
        ]
    );
    let text = problem.to_string();
    assert!(!text.contains("http://bip") && !text.contains("9F86D081"), "no submitted value is echoed: {text}");

    let unknown = DiagnosisBuilder::new(&[&founder]).with("municipality_ids", json!([founder["id"], stranger]));
    let reply = app.post_json("/api/v1/diagnoses", unknown.body()).await;
    let problem = reply.problem(422, "validation-failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("municipality_ids[1]"), Some("unknown_municipality"))
    );
    assert!(!problem.to_string().contains(stranger));
    let short = DiagnosisBuilder::new(&[&founder]).with("document", json!({"url": "https://x.pl/d", "sha256": "abc"}));
    let reply = app.post_json("/api/v1/diagnoses", short.body()).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["code"], "invalid_sha256");
    let none = DiagnosisBuilder::new(&[]).with("title", Value::Null);
    let reply = app.post_json("/api/v1/diagnoses", none.body()).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["title", "municipality_ids"]);
    assert_eq!(app.get("/api/v1/diagnoses").await.body["items"], json!([]), "nothing was stored");
}

#[actix_web::test]
async fn the_list_filters_by_status_municipality_and_time_page_by_page() {
    let app = spawn_app();
    let (founder, party) = gminas(&app).await;
    let both = DiagnosisBuilder::new(&[&founder, &party]).create_adopted(&app, "2026-04-15").await;
    let founders = DiagnosisBuilder::new(&[&founder]).create(&app).await;
    let partys = DiagnosisBuilder::new(&[&party]).create(&app).await;
    let ids = |query: String| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/diagnoses?{query}")).await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.body);
            reply.body["items"].as_array().unwrap().iter().map(|d| d["id"].clone()).collect::<Vec<_>>()
        }
    };
    let id = |m: &Value| m["id"].as_str().unwrap().to_owned();
    assert_eq!(ids(String::new()).await, vec![both["id"].clone(), founders["id"].clone(), partys["id"].clone()]);
    assert_eq!(ids("status=adopted".into()).await, vec![both["id"].clone()]);
    assert_eq!(ids(format!("municipality_id={}", id(&party))).await, vec![both["id"].clone(), partys["id"].clone()]);
    assert_eq!(ids(format!("municipality_id={}&status=draft", id(&founder))).await, vec![founders["id"].clone()]);
    assert_eq!(ids("updated_since=2999-01-01T00:00:00Z".into()).await, Vec::<Value>::new());
    let first = app.get("/api/v1/diagnoses?limit=2").await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/diagnoses?limit=2&cursor={cursor}")).await;
    assert_eq!((&rest.body["items"][0]["id"], &rest.body["next_cursor"]), (&partys["id"], &Value::Null));
    app.get("/api/v1/diagnoses?area=health").await.problem(400, "bad-request");
}

#[actix_web::test]
async fn the_director_and_the_ous_write_and_staff_and_integrators_read() {
    let app = spawn_app();
    let (founder, _) = gminas(&app).await;
    let draft = DiagnosisBuilder::new(&[&founder]).create(&app).await;
    let body = DiagnosisBuilder::new(&[&founder]).body().clone();
    let director = token_for(&["director"]);
    let created = app.send(app.request_as(Some(&director), Method::POST, "/api/v1/diagnoses").json(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    for role in ["kipus", "osl", "integrator", "auditor"] {
        let token = token_for(&[role]);
        let read = app.send(app.request_as(Some(&token), Method::GET, &path_of(&draft))).await;
        assert_eq!(read.status, 200, "{role} reads: {}", read.body);
        let listed = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/diagnoses")).await;
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 2, "{role} lists");
        let create = app.send(app.request_as(Some(&token), Method::POST, "/api/v1/diagnoses").json(&body)).await;
        create.problem(403, "forbidden");
        let adopt = app.send(app.request_as(Some(&token), Method::POST, &format!("{}/adopt", path_of(&draft)))).await;
        adopt.problem(403, "forbidden");
    }
    for token in [provider_token("0193a5f2-0000-7000-8000-0000000000ee"), token_for(&["admin"])] {
        app.send(app.request_as(Some(&token), Method::GET, &path_of(&draft))).await.problem(403, "forbidden");
    }
    app.send(app.request_as(None, Method::GET, "/api/v1/diagnoses")).await.problem(401, "unauthorized");
    assert_eq!(app.get(&path_of(&draft)).await.body["status"], "draft", "nothing changed");
}

#[actix_web::test]
async fn the_seed_adopts_one_diagnosis_covering_its_municipalities() {
    let app = spawn_app();
    let config = cus_api::config::Config::from_lookup(|name| (name == "DATABASE_URL").then(|| app.db.url())).unwrap();
    let pool = cus_api::db::connect(&config.backend, &config.pool).unwrap();
    let written = cus_api::seed::seed(&mut pool.get().unwrap(), 0.01).expect("seed an empty database");
    assert_eq!(written["diagnoses"], 1);
    let listed = app.get("/api/v1/diagnoses").await.body;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let diagnosis = &items[0];
    assert_eq!(
        (diagnosis["status"].as_str(), diagnosis["next_due_on"].as_str()),
        (Some("adopted"), Some("2030-11-20"))
    );
    let municipalities = app.get("/api/v1/municipalities?limit=200").await.body;
    let mut served: Vec<&Value> = municipalities["items"].as_array().unwrap().iter().map(|m| &m["id"]).collect();
    let mut covered: Vec<&Value> = diagnosis["municipality_ids"].as_array().unwrap().iter().collect();
    served.sort_by_key(|id| id.as_str().unwrap().to_owned());
    covered.sort_by_key(|id| id.as_str().unwrap().to_owned());
    assert_eq!(covered, served, "every seeded municipality is covered");
}

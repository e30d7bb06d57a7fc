//! Programmes of social services: drafts for a registered municipality on an adopted diagnosis,
//! with catalogue services under their terms; consultation, adoption by resolution, entry into
//! force once published, expiry and repeal; no two overlapping programmes sharing a service;
//! the filtered list, and who may do what.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{programme_service, DiagnosisBuilder, MunicipalityBuilder, ProgrammeBuilder, ServiceBuilder};
use crate::helpers::{provider_token, spawn_app, token_for, Reply, TestApp};

fn path_of(programme: &Value) -> String {
    format!("/api/v1/programmes/{}", programme["id"].as_str().unwrap())
}

async fn act(app: &TestApp, programme: &Value, action: &str) -> Reply {
    app.post(&format!("{}/{action}", path_of(programme))).await
}

/// The founder gmina, its adopted diagnosis and two catalogue services.
struct Frame {
    gmina: Value,
    diagnosis: Value,
    care: Value,
    respite: Value,
}

async fn frame(app: &TestApp) -> Frame {
    let gmina = MunicipalityBuilder::founder("2611011", "Starachowice").create(app).await;
    let diagnosis = DiagnosisBuilder::new(&[&gmina]).create_adopted(app, "2026-04-15").await;
    let care = ServiceBuilder::new("OPI").create_active(app).await;
    let respite = ServiceBuilder::new("WYT").create_active(app).await;
    Frame { gmina, diagnosis, care, respite }
}

impl Frame {
    fn programme(&self, services: &[&Value]) -> ProgrammeBuilder {
        ProgrammeBuilder::new(&self.gmina, &self.diagnosis, services)
    }
}

#[actix_web::test]
async fn a_draft_is_created_read_and_changed_under_if_match() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let body = frame.programme(&[&frame.care, &frame.respite]).body().clone();
    let create = || app.request(Method::POST, "/api/v1/programmes").header("idempotency-key", "program").json(&body);
    let created = app.send(create()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = path_of(&created.body);
    assert_eq!((created.header("location"), created.header("etag")), (Some(path.as_str()), Some("\"1\"")));
    for field in [
        "municipality_id",
        "diagnosis_id",
        "period",
        "resolution",
        "publication",
        "in_force_from",
        "consultation",
        "services",
    ] {
        assert_eq!(created.body[field], body[field], "{field} round-trips");
    }
    assert_eq!(created.body["status"], "draft");
    let retried = app.send(create()).await;
    assert_eq!((retried.status, &retried.body["id"]), (201, &created.body["id"]), "a retry replays");

    let read = app.get(&path).await;
    assert_eq!((read.status, read.header("etag")), (200, Some("\"1\"")));
    let unchanged = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    assert_eq!(unchanged.status, 304);

    let changed = app.patch_json(&path, "\"1\"", &json!({"services": [programme_service(&frame.respite)]})).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"2\"")), "{}", changed.body);
    assert_eq!(changed.body["services"][0]["service_id"], frame.respite["id"]);
    assert_eq!(changed.body["services"].as_array().unwrap().len(), 1);
    assert_eq!(changed.body["title"], body["title"], "what the patch leaves out stays");
    app.patch_json(&path, "\"1\"", &json!({"title": "Inny"})).await.problem(412, "precondition-failed");
    let read_only = app.patch_json(&path, "\"2\"", &json!({"status": "adopted"})).await;
    assert_eq!(read_only.problem(422, "validation-failed")["errors"][0]["field"], "status");
}

#[actix_web::test]
async fn references_and_terms_are_validated_field_by_field() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let nobody = json!("0193a5f2-0000-7000-8000-00000000ffff");
    let mut unknown_service = programme_service(&frame.care);
    unknown_service["service_id"] = nobody.clone();
    let refused = app
        .post_json(
            "/api/v1/programmes",
            frame
                .programme(&[&frame.care])
                .with("municipality_id", nobody.clone())
                .with("diagnosis_id", nobody.clone())
                .with("services", json!([programme_service(&frame.care), unknown_service]))
                .body(),
        )
        .await;
    let problem = refused.problem(422, "validation-failed");
    let codes: Vec<(&str, &str)> = (problem["errors"].as_array().unwrap().iter())
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("municipality_id", "unknown_municipality"),
            ("diagnosis_id", "unknown"),
            ("services[1].service_id", "unknown")
        ]
    );

    let mut bad_terms = programme_service(&frame.care);
    bad_terms["access_criteria"]["age_min"] = json!(70);
    bad_terms["access_criteria"]["age_max"] = json!(60);
    bad_terms["capacity"] = json!({"kind": "units_per_month"});
    let mut zero = programme_service(&frame.respite);
    zero["capacity"] = json!({"kind": "places", "value": 0});
    let invalid = app
        .post_json(
            "/api/v1/programmes",
            frame
                .programme(&[])
                .with("period", json!({"start": "2029-01-01", "end": "2027-01-01"}))
                .with("services", json!([bad_terms, zero]))
                .body(),
        )
        .await;
    let problem = invalid.problem(422, "validation-failed");
    let codes: Vec<(&str, &str)> = (problem["errors"].as_array().unwrap().iter())
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("period.end", "period_order"),
            ("services[0].access_criteria.age_max", "age_order"),
            ("services[0].capacity.value", "required"),
            ("services[1].capacity.value", "range"),
        ]
    );
    let duplicate = app.post_json("/api/v1/programmes", frame.programme(&[&frame.care, &frame.care]).body()).await;
    let problem = duplicate.problem(422, "validation-failed");
    assert_eq!(
        (&problem["errors"][0]["field"], &problem["errors"][0]["code"]),
        (&json!("services[1].service_id"), &json!("duplicate"))
    );
    let unlimited = frame
        .programme(&[])
        .with(
            "services",
            json!([{"service_id": frame.care["id"], "target_groups": ["all_residents"],
            "how_to_apply": {"where": "CUS"}, "capacity": {"kind": "unlimited"}, "quality_standard": "Standard"}]),
        )
        .create(&app)
        .await;
    assert_eq!(unlimited["services"][0]["capacity"], json!({"kind": "unlimited", "value": null}));
    assert_eq!(unlimited["services"][0]["access_criteria"]["residence_required"], false);
}

#[actix_web::test]
async fn a_programme_rests_on_an_adopted_diagnosis() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let draft = DiagnosisBuilder::new(&[&frame.gmina]).create(&app).await;
    let refused = app
        .post_json(
            "/api/v1/programmes",
            frame.programme(&[&frame.care]).with("diagnosis_id", draft["id"].clone()).body(),
        )
        .await;
    assert_eq!(refused.problem(409, "diagnosis-not-adopted")["diagnosis_status"], "draft");
}

#[actix_web::test]
async fn the_lifecycle_runs_from_draft_to_expiry_or_repeal() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let programme = frame.programme(&[&frame.care]).create(&app).await;
    act(&app, &programme, "adopt").await.problem(409, "invalid-state-transition");
    assert_eq!(act(&app, &programme, "consult").await.body["status"], "in_consultation");
    let patched = app.patch_json(&path_of(&programme), "\"2\"", &json!({"title": "Po konsultacjach"})).await;
    assert_eq!(patched.status, 200, "a programme in consultation still changes: {}", patched.body);
    assert_eq!(act(&app, &programme, "adopt").await.body["status"], "adopted");
    let amended = app.patch_json(&path_of(&programme), "\"4\"", &json!({"title": "Zmiana"})).await;
    assert_eq!(amended.problem(409, "amendment-needed")["current_status"], "adopted");
    assert_eq!(act(&app, &programme, "put-in-force").await.body["status"], "in_force");
    act(&app, &programme, "put-in-force").await.problem(409, "invalid-state-transition");
    assert_eq!(act(&app, &programme, "expire").await.body["status"], "expired");
    act(&app, &programme, "repeal").await.problem(409, "invalid-state-transition");

    let adopted = frame.programme(&[&frame.respite]).create_through(&app, &["consult", "adopt"]).await;
    assert_eq!(act(&app, &adopted, "repeal").await.body["status"], "repealed");
    let in_force = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[&frame.respite])
        .create_through(&app, &["consult", "adopt", "put-in-force"])
        .await;
    assert_eq!(act(&app, &in_force, "repeal").await.body["status"], "repealed");
}

#[actix_web::test]
async fn adoption_needs_the_resolution_and_entry_into_force_the_publication() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let bare = frame
        .programme(&[&frame.care])
        .with("resolution", Value::Null)
        .with("publication", Value::Null)
        .with("in_force_from", Value::Null)
        .create_through(&app, &["consult"])
        .await;
    act(&app, &bare, "adopt").await.problem(409, "resolution-missing");
    let resolution = json!({"resolution": {"number": "XII/145/2026", "adopted_on": "2026-06-25"}});
    assert_eq!(app.patch_json(&path_of(&bare), "\"2\"", &resolution).await.status, 200);
    assert_eq!(act(&app, &bare, "adopt").await.body["status"], "adopted");
    let refused = act(&app, &bare, "put-in-force").await;
    assert_eq!(refused.problem(409, "publication-missing")["missing"], json!(["in_force_from", "publication"]));
    assert_eq!(app.get(&path_of(&bare)).await.body["status"], "adopted", "nothing changed");
}

#[actix_web::test]
async fn overlapping_programmes_of_a_gmina_may_not_share_a_service() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let first = frame.programme(&[&frame.care, &frame.respite]).create_through(&app, &["consult", "adopt"]).await;
    let overlapping = frame
        .programme(&[&frame.respite])
        .with("period", json!({"start": "2029-06-01", "end": "2031-12-31"}))
        .create_through(&app, &["consult"])
        .await;
    let refused = act(&app, &overlapping, "adopt").await;
    let problem = refused.problem(409, "programme-overlap");
    assert_eq!((&problem["programme_id"], &problem["service_ids"]), (&first["id"], &json!([frame.respite["id"]])));

    let later = frame
        .programme(&[&frame.care])
        .with("period", json!({"start": "2030-01-01", "end": "2032-12-31"}))
        .create_through(&app, &["consult", "adopt"])
        .await;
    assert_eq!(later["status"], "adopted", "a period after the first's end does not overlap");
    let other_gmina = MunicipalityBuilder::new("2611022", "Brody").create(&app).await;
    let diagnosis = DiagnosisBuilder::new(&[&other_gmina]).create_adopted(&app, "2026-04-15").await;
    ProgrammeBuilder::new(&other_gmina, &diagnosis, &[&frame.care]).create_through(&app, &["consult", "adopt"]).await;
    act(&app, &first, "repeal").await;
    assert_eq!(
        act(&app, &overlapping, "adopt").await.body["status"],
        "adopted",
        "a repealed programme frees its services"
    );
}

#[actix_web::test]
async fn the_list_filters_and_pages() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let in_force = frame.programme(&[&frame.care]).create_through(&app, &["consult", "adopt", "put-in-force"]).await;
    let draft = frame.programme(&[&frame.respite]).create(&app).await;
    let ids = |reply: &Reply| -> Vec<Value> {
        reply.body["items"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect()
    };
    let gmina = frame.gmina["id"].as_str().unwrap();
    assert_eq!(ids(&app.get(&format!("/api/v1/programmes?municipality_id={gmina}")).await).len(), 2);
    assert_eq!(ids(&app.get("/api/v1/programmes?status=draft").await), vec![draft["id"].clone()]);
    let care = frame.care["id"].as_str().unwrap();
    assert_eq!(ids(&app.get(&format!("/api/v1/programmes?service_id={care}")).await), vec![in_force["id"].clone()]);
    assert_eq!(ids(&app.get("/api/v1/programmes?in_force_on=2028-03-01").await), vec![in_force["id"].clone()]);
    assert!(ids(&app.get("/api/v1/programmes?in_force_on=2026-12-31").await).is_empty(), "before in_force_from");
    assert!(ids(&app.get("/api/v1/programmes?in_force_on=2030-01-01").await).is_empty(), "after the period");
    assert_eq!(ids(&app.get("/api/v1/programmes?updated_since=2000-01-01T00:00:00Z").await).len(), 2);
    assert!(ids(&app.get("/api/v1/programmes?updated_since=2999-01-01T00:00:00Z").await).is_empty());
    let first = app.get("/api/v1/programmes?limit=1").await;
    assert_eq!(ids(&first), vec![in_force["id"].clone()]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    assert_eq!(ids(&app.get(&format!("/api/v1/programmes?limit=1&cursor={cursor}")).await), vec![draft["id"].clone()]);
}

#[actix_web::test]
async fn staff_and_municipal_systems_read_and_the_ous_and_director_write() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let programme = frame.programme(&[&frame.care]).create(&app).await;
    for role in ["director", "ous", "kipus", "osl", "integrator", "auditor"] {
        let token = token_for(&[role]);
        let read = app.send(app.request_as(Some(&token), Method::GET, &path_of(&programme))).await;
        assert_eq!(read.status, 200, "{role} reads");
    }
    for role in ["kipus", "osl", "integrator", "auditor"] {
        let token = token_for(&[role]);
        let write =
            app.send(app.request_as(Some(&token), Method::POST, &format!("{}/consult", path_of(&programme)))).await;
        write.problem(403, "forbidden");
    }
    for token in [provider_token("0193a5f2-0000-7000-8000-0000000000ee"), token_for(&["admin"])] {
        app.send(app.request_as(Some(&token), Method::GET, "/api/v1/programmes")).await.problem(403, "forbidden");
    }
    app.send(app.request_as(None, Method::GET, "/api/v1/programmes")).await.problem(401, "unauthorized");
}

#[actix_web::test]
async fn the_seed_puts_a_programme_of_each_gmina_in_force_and_amends_the_founder_s() {
    let app = spawn_app();
    let config = cus_api::config::Config::from_lookup(|name| (name == "DATABASE_URL").then(|| app.db.url())).unwrap();
    let pool = cus_api::db::connect(&config.backend, &config.pool).unwrap();
    let written = cus_api::seed::seed(&mut pool.get().unwrap(), 0.01).expect("seed an empty database");
    assert_eq!(written["programmes"], written["municipalities"]);
    let today = cus_api::clock::today();
    let gminas = app.get("/api/v1/municipalities?limit=200").await.body;
    for gmina in gminas["items"].as_array().unwrap() {
        let id = gmina["id"].as_str().unwrap();
        let listed = app.get(&format!("/api/v1/programmes?municipality_id={id}&in_force_on={today}")).await.body;
        assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    }
    let founders = app.get("/api/v1/municipalities?role=founder").await.body;
    let founder = founders["items"][0]["id"].as_str().unwrap().to_owned();
    let listed = app.get(&format!("/api/v1/programmes?municipality_id={founder}&in_force_on={today}")).await.body;
    let programme = &listed["items"][0];
    assert_eq!((&programme["status"], &programme["current_version"]), (&json!("in_force"), &json!(2)));
    let diagnoses = app.get("/api/v1/diagnoses").await.body;
    assert_eq!(programme["diagnosis_id"], diagnoses["items"][0]["id"]);
    let services = programme["services"].as_array().unwrap();
    assert_eq!(services.len(), 3);
    for service in services {
        let read = app.get(&format!("/api/v1/services/{}", service["service_id"].as_str().unwrap())).await;
        assert_eq!(read.body["status"], "active", "a seeded programme offers active catalogue services");
    }
    let versions = app.get(&format!("{}/versions", path_of(programme))).await.body;
    let versions = versions["items"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["effective_from"], "2026-07-01");
    assert_eq!(
        versions[1]["services"][0]["capacity"]["value"].as_i64(),
        versions[0]["services"][0]["capacity"]["value"].as_i64().map(|places| places + 15)
    );
    let in_june = app.get(&format!("{}/services?on=2026-06-30", path_of(programme))).await.body;
    assert_eq!(in_june["version"], 1);
}

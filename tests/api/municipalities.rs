//! Municipalities: the gminas the CUS serves (founder, agreement parties), their public view, and
//! the rule that a resident lives in an active one.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::MunicipalityBuilder;
use crate::helpers::{provider_token, spawn_app, spawn_with, token_for, TestApp, TestDb};
use crate::residents::{as_role, create_resident, resident_body, TERYT};

fn path_of(municipality: &Value) -> String {
    format!("/api/v1/municipalities/{}", municipality["id"].as_str().unwrap())
}

async fn act(app: &TestApp, municipality: &Value, action: &str) -> crate::helpers::Reply {
    let director = token_for(&["director"]);
    app.send(app.request_as(Some(&director), Method::POST, &format!("{}/{action}", path_of(municipality)))).await
}

#[actix_web::test]
async fn a_municipality_is_registered_read_changed_and_deactivated() {
    let app = spawn_app();
    let director = token_for(&["director"]);
    let body = MunicipalityBuilder::new("0611102", "Wojcieszków").body().clone();
    let created = app
        .send(
            app.request_as(Some(&director), Method::POST, "/api/v1/municipalities")
                .header("idempotency-key", "wojcieszkow")
                .json(&body),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = path_of(&created.body);
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(
        (created.body["status"].as_str(), created.body["needs_review"].as_bool(), created.body["role"].as_str()),
        (Some("active"), Some(false), Some("agreement_party"))
    );
    assert_eq!(created.body["agreement"], body["agreement"]);
    assert_eq!(created.body["population"], json!({"count": 47500, "as_of": "2025-12-31"}));
    let retried = app
        .send(
            app.request_as(Some(&director), Method::POST, "/api/v1/municipalities")
                .header("idempotency-key", "wojcieszkow")
                .json(&body),
        )
        .await;
    assert_eq!((retried.status, &retried.body["id"]), (201, &created.body["id"]), "a retry replays");

    let read = app.get(&path).await;
    assert_eq!((read.status, read.header("etag")), (200, Some("\"1\"")));
    let unchanged = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    assert_eq!(unchanged.status, 304);

    let changed = app.patch_json(&path, "\"1\"", &json!({"population": {"count": 7000, "as_of": "2026-06-30"}})).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"2\"")), "{}", changed.body);
    assert_eq!(changed.body["population"]["count"], 7000);
    assert_eq!(changed.body["name"], "Wojcieszków");
    app.patch_json(&path, "\"1\"", &json!({"name": "Gmina Wojcieszków"})).await.problem(412, "precondition-failed");
    let read_only = app.patch_json(&path, "\"2\"", &json!({"teryt": "2611011", "status": "inactive"})).await;
    read_only.problem(422, "validation-failed");
    assert_eq!(read_only.error_fields(), vec!["teryt", "status"]);

    let inactive = act(&app, &created.body, "deactivate").await;
    assert_eq!((inactive.status, inactive.body["status"].as_str()), (200, Some("inactive")), "{}", inactive.body);
    let again = act(&app, &created.body, "deactivate").await;
    assert_eq!(again.problem(409, "invalid-state-transition")["allowed_actions"], json!(["activate"]));
    let active = act(&app, &created.body, "activate").await;
    assert_eq!((active.status, active.body["version"].as_i64()), (200, Some(4)));
}

#[actix_web::test]
async fn the_public_reads_the_code_and_name_of_active_municipalities_and_staff_everything() {
    let app = spawn_app();
    let served = MunicipalityBuilder::founder("2611011", "Starachowice").create(&app).await;
    let former = MunicipalityBuilder::new("2861011", "Elbląg").create(&app).await;
    assert_eq!(act(&app, &former, "deactivate").await.status, 200);

    let public = app.send(app.request_as(None, Method::GET, "/api/v1/municipalities")).await;
    assert_eq!(public.status, 200, "{}", public.body);
    assert_eq!(public.body["items"], json!([{"id": served["id"], "teryt": "2611011", "name": "Starachowice"}]));
    let one = app.send(app.request_as(None, Method::GET, &path_of(&served))).await;
    assert_eq!(one.body, json!({"id": served["id"], "teryt": "2611011", "name": "Starachowice"}));
    app.send(app.request_as(None, Method::GET, &path_of(&former))).await.problem(404, "not-found");
    let asked = app.send(app.request_as(None, Method::GET, "/api/v1/municipalities?status=inactive")).await;
    assert_eq!(asked.body["items"], json!([]), "the public never sees an inactive one");

    for token in
        [token_for(&["integrator"]), token_for(&["kipus"]), provider_token("0193a5f2-0000-7000-8000-0000000000ee")]
    {
        let full = app.send(app.request_as(Some(&token), Method::GET, &path_of(&former))).await;
        assert_eq!((full.status, full.body["status"].as_str()), (200, Some("inactive")), "{}", full.body);
        assert_eq!(full.body["agreement"]["number"], "POR/2861011");
        let listed = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/municipalities")).await;
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
    }
}

#[actix_web::test]
async fn the_list_filters_by_role_status_and_name_in_polish_order_page_by_page() {
    let app = spawn_app();
    MunicipalityBuilder::founder("2611011", "Starachowice").create(&app).await;
    let zory = MunicipalityBuilder::new("2479011", "Żory").create(&app).await;
    MunicipalityBuilder::new("0611102", "Wojcieszków").create(&app).await;
    MunicipalityBuilder::new("2861011", "Elbląg").create(&app).await;
    assert_eq!(act(&app, &zory, "deactivate").await.status, 200);
    let names = |query: &'static str| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/municipalities?{query}")).await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.body);
            reply.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("").await, vec!["Elbląg", "Starachowice", "Wojcieszków", "Żory"]);
    assert_eq!(names("role=founder").await, vec!["Starachowice"]);
    assert_eq!(names("role=agreement_party&status=active").await, vec!["Elbląg", "Wojcieszków"]);
    assert_eq!(names("status=inactive").await, vec!["Żory"]);
    assert_eq!(names("q=zory").await, vec!["Żory"]);
    assert_eq!(names("updated_since=2999-01-01T00:00:00Z").await, Vec::<String>::new());
    let first = app.get("/api/v1/municipalities?limit=3").await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/municipalities?limit=3&cursor={cursor}")).await;
    assert_eq!((rest.body["items"][0]["name"].as_str(), &rest.body["next_cursor"]), (Some("Żory"), &Value::Null));
    app.get("/api/v1/municipalities?powiat=1").await.problem(400, "bad-request");
}

#[actix_web::test]
async fn only_the_director_and_the_ous_register_and_change_municipalities() {
    let app = spawn_app();
    let municipality = MunicipalityBuilder::new("2861011", "Elbląg").create(&app).await;
    let body = MunicipalityBuilder::new("0611102", "Wojcieszków").body().clone();
    for token in
        [provider_token("0193a5f2-0000-7000-8000-0000000000ee"), token_for(&["integrator"]), token_for(&["kipus"])]
    {
        let create = app.send(app.request_as(Some(&token), Method::POST, "/api/v1/municipalities").json(&body)).await;
        create.problem(403, "forbidden");
        let patch = app
            .send(
                app.request_as(Some(&token), Method::PATCH, &path_of(&municipality))
                    .header("if-match", "\"1\"")
                    .json(&json!({"name": "X"})),
            )
            .await;
        patch.problem(403, "forbidden");
        let deactivate =
            app.send(app.request_as(Some(&token), Method::POST, &format!("{}/deactivate", path_of(&municipality))));
        deactivate.await.problem(403, "forbidden");
    }
    let anonymous = app.send(app.request_as(None, Method::POST, "/api/v1/municipalities").json(&body)).await;
    anonymous.problem(401, "unauthorized");
    assert_eq!(app.get(&path_of(&municipality)).await.body["version"], 1, "nothing changed");
}

#[actix_web::test]
async fn the_teryt_code_is_checked_and_unique() {
    let app = spawn_app();
    for (code, rule) in [("26110", "format"), ("3511011", "range"), ("2611016", "range")] {
        let reply = app.post_json("/api/v1/municipalities", MunicipalityBuilder::new(code, "X").body()).await;
        let problem = reply.problem(422, "validation-failed");
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some("teryt"), Some(rule))
        );
    }
    let first = MunicipalityBuilder::new("2861011", "Elbląg").create(&app).await;
    let duplicate = app.post_json("/api/v1/municipalities", MunicipalityBuilder::new(" 2861011 ", "Inna").body()).await;
    assert_eq!(duplicate.problem(409, "duplicate-teryt")["existing_id"], first["id"]);
}

#[actix_web::test]
async fn a_cus_has_one_founding_gmina() {
    let app = spawn_app();
    let founder = MunicipalityBuilder::founder("2611011", "Starachowice").create(&app).await;
    assert_eq!((founder["role"].as_str(), &founder["agreement"]), (Some("founder"), &Value::Null));
    let second =
        app.post_json("/api/v1/municipalities", MunicipalityBuilder::founder("2861011", "Elbląg").body()).await;
    assert_eq!(second.problem(409, "founder-exists")["existing_id"], founder["id"]);
    let party = MunicipalityBuilder::new("2861011", "Elbląg").create(&app).await;
    let promoted = app.patch_json(&path_of(&party), "\"1\"", &json!({"role": "founder", "agreement": null})).await;
    assert_eq!(promoted.problem(409, "founder-exists")["existing_id"], founder["id"]);
    let renamed = app.patch_json(&path_of(&founder), "\"1\"", &json!({"name": "Gmina Starachowice"})).await;
    assert_eq!(renamed.status, 200, "the founder itself may change: {}", renamed.body);
}

#[actix_web::test]
async fn an_agreement_is_required_of_a_party_and_refused_for_the_founder() {
    let app = spawn_app();
    let missing = MunicipalityBuilder::new("2861011", "Elbląg").with("agreement", Value::Null);
    let reply = app.post_json("/api/v1/municipalities", missing.body()).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["agreement"]);
    let broken = MunicipalityBuilder::new("2861011", "Elbląg").with(
        "agreement",
        json!({"number": " ", "signed_on": "15.01.2026", "period": {"start": "2026-02-01", "end": "2025-12-31"}}),
    );
    let reply = app.post_json("/api/v1/municipalities", broken.body()).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["agreement.number", "agreement.signed_on", "agreement.period.end"]);
    let founder = MunicipalityBuilder::new("2611011", "Starachowice").with("role", json!("founder"));
    let reply = app.post_json("/api/v1/municipalities", founder.body()).await;
    let problem = reply.problem(422, "validation-failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("agreement"), Some("not_allowed"))
    );
    let population = MunicipalityBuilder::new("2861011", "Elbląg").with("population", json!({"count": 0}));
    let reply = app.post_json("/api/v1/municipalities", population.body()).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["population.count", "population.as_of"]);
}

#[actix_web::test]
async fn a_resident_lives_in_an_active_municipality_of_the_cus() {
    let app = spawn_app();
    let mut elsewhere = resident_body("Maria", "Wiśniewska");
    elsewhere["address"]["teryt"] = json!("2861011");
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&elsewhere)).await;
    let problem = reply.problem(422, "validation-failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("address.teryt"), Some("unknown_municipality"))
    );
    let mut invalid = resident_body("Maria", "Wiśniewska");
    invalid["address"]["teryt"] = json!("3511011");
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&invalid)).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["code"], "range");

    let resident = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let elblag = MunicipalityBuilder::new("2861011", "Elbląg").create(&app).await;
    assert_eq!(act(&app, &elblag, "deactivate").await.status, 200);
    let mut another = resident_body("Jan", "Nowak");
    another["pesel"] = Value::Null;
    another["address"]["teryt"] = json!("2861011");
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&another)).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["code"], "inactive_municipality");

    let path = format!("/api/v1/residents/{}", resident["id"].as_str().unwrap());
    let kipus = token_for(&["kipus"]);
    let patch = |etag: &str, body: Value| {
        app.request_as(Some(&kipus), Method::PATCH, &path).header("if-match", etag.to_owned()).json(&body)
    };
    let moved = app.send(patch("\"1\"", json!({"address": {"teryt": "2861011"}}))).await;
    assert_eq!(moved.problem(422, "validation-failed")["errors"][0]["field"], "address.teryt");
    let home = app.get("/api/v1/municipalities?status=active").await.body["items"][0].clone();
    assert_eq!((home["teryt"].as_str(), act(&app, &home, "deactivate").await.status), (Some(TERYT), 200));
    let phone = app.send(patch("\"1\"", json!({"phone": "600 999 999"}))).await;
    assert_eq!(phone.status, 200, "a resident of a gmina no longer served can still be corrected: {}", phone.body);
    assert_eq!(phone.body["address"]["teryt"], TERYT);
}

/// Residents as the release before municipalities left them: two gminas' codes, one address without.
const OLD_RESIDENTS: &str = "INSERT INTO residents (id, first_name, last_name, pesel, birth_date, birth_year, sex, street, building, postal_code, city, teryt, phone, email, legal_representative, notes_on_needs, search_text, anonymised_at, created_at, updated_at, version) VALUES
    ('0193a5f2-0000-7000-8000-0000000000a1', 'Maria', 'Wiśniewska', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Starachowice', '2611011', NULL, NULL, NULL, '', 'maria wisniewska', NULL, '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-0000000000a2', 'Jan', 'Nowak', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Starachowice', '2611011', NULL, NULL, NULL, '', 'jan nowak', NULL, '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-0000000000a3', 'Anna', 'Kowalska', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Wojcieszków', '0611102', NULL, NULL, NULL, '', 'anna kowalska', NULL, '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-0000000000a4', 'Ewa', 'Bez Adresu', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', 'ewa bez adresu', NULL, '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1);";

#[actix_web::test]
async fn the_codes_residents_already_use_become_municipalities_for_staff_to_review() {
    let db = TestDb::new();
    cus_api::db::migrate_before(&db.url(), "20261203000003").expect("migrate to the release before");
    db.execute(OLD_RESIDENTS);
    let app = spawn_with(db, &[]);
    let listed = app.get("/api/v1/municipalities").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|m| m["teryt"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["0611102", "2611011"], "one per distinct code, named by it");
    for municipality in items {
        assert_eq!(municipality["name"], municipality["teryt"]);
        assert_eq!(
            (municipality["role"].as_str(), municipality["status"].as_str(), municipality["needs_review"].as_bool()),
            (Some("agreement_party"), Some("active"), Some(true))
        );
        assert_eq!(municipality["agreement"], Value::Null);
    }
    let path = path_of(&items[1]);
    let unreviewed =
        app.patch_json(&path, "\"1\"", &json!({"population": {"count": 47500, "as_of": "2025-12-31"}})).await;
    assert_eq!(unreviewed.problem(422, "validation-failed")["errors"][0]["field"], "agreement");
    let reviewed = app.patch_json(&path, "\"1\"", &json!({"name": "Starachowice", "role": "founder"})).await;
    assert_eq!(reviewed.status, 200, "{}", reviewed.body);
    assert_eq!(
        (reviewed.body["name"].as_str(), reviewed.body["needs_review"].as_bool()),
        (Some("Starachowice"), Some(false))
    );
    let resident =
        as_role(&app, "kipus", Method::GET, "/api/v1/residents/0193a5f2-0000-7000-8000-0000000000a1", None).await;
    assert_eq!(resident.body["address"]["teryt"], "2611011");
}

#[actix_web::test]
async fn the_seed_registers_the_municipalities_its_residents_live_in() {
    let app = spawn_app();
    let config = cus_api::config::Config::from_lookup(|name| (name == "DATABASE_URL").then(|| app.db.url())).unwrap();
    let pool = cus_api::db::connect(&config.backend, &config.pool).unwrap();
    let written = cus_api::seed::seed(&mut pool.get().unwrap(), 0.01).expect("seed an empty database");
    assert_eq!(written["municipalities"], 8);
    let listed = app.get("/api/v1/municipalities?limit=200").await.body;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.iter().filter(|m| m["role"] == "founder").count(), 1);
    assert!(items.iter().all(|m| m["role"] == "founder" || m["agreement"].is_object()));
    let served: Vec<&str> = items.iter().map(|m| m["teryt"].as_str().unwrap()).collect();
    let residents = as_role(&app, "director", Method::GET, "/api/v1/residents?limit=200", None).await;
    for resident in residents.body["items"].as_array().unwrap() {
        let teryt = resident["address"]["teryt"].as_str().unwrap();
        assert!(served.contains(&teryt), "{teryt} is registered");
    }
}

//! The providers registry: identifiers, uniqueness, lifecycle, offers, visibility, import/export.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{provider_token, spawn_app, token_for, TestApp};

fn path_of(provider: &Value) -> String {
    format!("/api/v1/providers/{}", provider["id"].as_str().unwrap())
}

async fn get_as(app: &TestApp, token: Option<&str>, path: &str) -> crate::helpers::Reply {
    app.send(app.request_as(token, Method::GET, path)).await
}

#[actix_web::test]
async fn identifiers_are_accepted_as_typed_and_stored_canonically() {
    let app = spawn_app();
    let created = ProviderBuilder::new("Fundacja Złota Jesień", "PL 856-734-62-15")
        .with("krs", json!(" 249506 "))
        .with("regon", json!("123-456-785"))
        .with("address", json!({"building": "1", "postal_code": "27200", "city": "Starachowice"}))
        .create(&app)
        .await;
    assert_eq!(created["nip"], "8567346215");
    assert_eq!(created["krs"], "0000249506");
    assert_eq!(created["regon"], "123456785");
    assert_eq!(created["address"]["postal_code"], "27-200");
    assert_eq!(created["public_benefit_standing"], "ngo");
    assert_eq!(created["legal_form_needs_review"], false);
    assert_eq!(created["status"], "active");
    let cooperative = ProviderBuilder::new("Spółdzielnia Socjalna Razem", NIPS[1])
        .with("legal_form", json!("social_cooperative"))
        .with("statuses", json!({"social_economy_entity": true}))
        .create(&app)
        .await;
    assert_eq!(cooperative["public_benefit_standing"], "none", "until staff confirm the statute");
    assert_eq!(cooperative["statuses"]["social_economy_entity"], true);
}

#[actix_web::test]
async fn bad_identifiers_say_which_check_failed() {
    let app = spawn_app();
    let cases = [
        ("nip", json!("8567346216"), "nip", "checksum"),
        ("nip", json!("12345"), "nip", "format"),
        ("regon", json!("123456786"), "regon", "checksum"),
        ("regon", json!("12345678512348"), "regon", "checksum"),
        ("krs", json!("12345678901"), "krs", "format"),
        ("address", json!({"building": "1", "postal_code": "2-7200", "city": "X"}), "address.postal_code", "format"),
        (
            "address",
            json!({"building": "1", "postal_code": "27-200", "city": "X", "teryt": "3511011"}),
            "address.teryt",
            "range",
        ),
        ("address", json!({"postal_code": "27-200", "city": "X"}), "address.building", "required"),
        ("contact", json!({"email": "not-an-email"}), "contact.email", "email"),
        ("contact", json!({"phone": "12"}), "contact.phone", "phone"),
        ("contact_persons", json!([{"position": "prezes"}]), "contact_persons[0].name", "required"),
        ("areas", json!(["health", "health"]), "areas[1]", "duplicate"),
        ("legal_form", json!("llc"), "legal_form", "unknown_value"),
    ];
    for (field, value, error_field, code) in cases {
        let reply = app
            .post_json("/api/v1/providers", ProviderBuilder::new("X", NIPS[0]).with(field, value.clone()).body())
            .await;
        reply.problem(422, "validation-failed");
        let errors = reply.body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{field}={value}: {}", reply.body);
        assert_eq!(errors[0]["field"], error_field, "{field}={value}");
        assert_eq!(errors[0]["code"], code, "{field}={value}");
    }
    // Non-public providers need a NIP or KRS; public units need neither.
    let reply = app
        .post_json("/api/v1/providers", ProviderBuilder::new("Bez NIP", NIPS[0]).with("nip", Value::Null).body())
        .await;
    assert_eq!(reply.error_fields(), vec!["nip"]);
    let school = ProviderBuilder::new("Szkoła Podstawowa nr 1", NIPS[0])
        .with("nip", Value::Null)
        .with("legal_form", json!("public_unit"));
    assert_eq!(school.create(&app).await["public_benefit_standing"], "none");
}

#[actix_web::test]
async fn nip_and_krs_are_unique_among_living_providers() {
    let app = spawn_app();
    let first = ProviderBuilder::new("Pierwsza", NIPS[0]).with("krs", json!("0000249506")).create(&app).await;
    let reply = app.post_json("/api/v1/providers", ProviderBuilder::new("Druga", "856-734-62-15").body()).await;
    let problem = reply.problem(409, "duplicate-nip");
    assert_eq!(problem["existing_id"], first["id"]);
    let reply = app
        .post_json("/api/v1/providers", ProviderBuilder::new("Trzecia", NIPS[1]).with("krs", json!("249506")).body())
        .await;
    reply.problem(409, "duplicate-krs");
    // Archived providers free their identifiers; bringing one back checks them again.
    assert_eq!(app.post(&format!("{}/archive", path_of(&first))).await.status, 200);
    let successor = ProviderBuilder::new("Następczyni", NIPS[0]).create(&app).await;
    assert_eq!(successor["nip"], NIPS[0]);
    app.post(&format!("{}/activate", path_of(&first))).await.problem(409, "duplicate-nip");
}

#[actix_web::test]
async fn status_actions_follow_the_lifecycle() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Cykl", NIPS[0]).create(&app).await;
    let path = path_of(&provider);
    let problem = app.post(&format!("{path}/activate")).await;
    assert_eq!(problem.problem(409, "invalid-state-transition")["allowed_actions"], json!(["suspend", "archive"]));
    assert_eq!(app.post(&format!("{path}/suspend")).await.body["status"], "suspended");
    assert_eq!(app.post(&format!("{path}/activate")).await.body["status"], "active");
    assert_eq!(app.post(&format!("{path}/archive")).await.body["status"], "archived");
    app.post(&format!("{path}/suspend")).await.problem(409, "invalid-state-transition");
    app.patch_json(&path, "\"4\"", &json!({"status": "active"})).await.problem(422, "validation-failed");
}

#[actix_web::test]
async fn contact_persons_are_shown_only_to_commissioning_staff_and_the_provider_itself_and_reads_are_audited() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Widoczność", NIPS[0]).create(&app).await;
    let other = ProviderBuilder::new("Inna", NIPS[1]).create(&app).await;
    let path = path_of(&provider);
    let own = provider_token(provider["id"].as_str().unwrap());
    let stranger = provider_token(other["id"].as_str().unwrap());
    for (who, token, sees) in [
        ("public", None, false),
        ("integrator", Some(token_for(&["integrator"])), false),
        ("osl, who organises communities, not commissions", Some(token_for(&["osl"])), false),
        ("admin, who manages accounts, not the registry", Some(token_for(&["admin"])), false),
        ("other provider", Some(stranger.clone()), false),
        ("kipus", Some(token_for(&["kipus"])), true),
        ("director", Some(token_for(&["director"])), true),
        ("the provider itself", Some(own.clone()), true),
    ] {
        let reply = get_as(&app, token.as_deref(), &path).await;
        assert_eq!(reply.status, 200, "{who}");
        assert_eq!(reply.body["contact_persons"].is_array(), sees, "{who}: {}", reply.body);
        assert_eq!(reply.body["contact"]["email"], "biuro@example.org", "organisation contacts are public");
        let listed = get_as(&app, token.as_deref(), "/api/v1/providers").await;
        assert!(
            listed.body["items"].as_array().unwrap().iter().all(|p| p.get("contact_persons").is_none()),
            "{who}: lists never carry persons"
        );
    }
    let auditor = token_for(&["auditor"]);
    let reads = app
        .send(app.request_as(
            Some(&auditor),
            Method::GET,
            &format!("/api/v1/audit-events?action=get_provider&resource_id={}", provider["id"].as_str().unwrap()),
        ))
        .await;
    assert_eq!(reads.body["items"].as_array().unwrap().len(), 3, "kipus, director and the provider read personal data");
    assert_eq!(reads.body["items"][0]["detail"], json!({"personal_data": ["contact_persons"]}));
}

#[actix_web::test]
async fn suspended_providers_are_hidden_from_the_public_but_not_from_themselves() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Zawieszona", NIPS[0]).create(&app).await;
    let path = path_of(&provider);
    app.post(&format!("{path}/suspend")).await;
    get_as(&app, None, &path).await.problem(404, "not-found");
    let stranger = provider_token("0193a5f2-0000-7000-8000-0000000000ee");
    get_as(&app, Some(&stranger), &path).await.problem(404, "not-found");
    let own = provider_token(provider["id"].as_str().unwrap());
    assert_eq!(get_as(&app, Some(&own), &path).await.status, 200);
    let own_list = get_as(&app, Some(&own), "/api/v1/providers").await;
    assert_eq!(own_list.body["items"].as_array().unwrap().len(), 1);
    assert!(get_as(&app, None, "/api/v1/providers").await.body["items"].as_array().unwrap().is_empty());
    assert_eq!(
        get_as(&app, Some(&token_for(&["integrator"])), "/api/v1/providers?status=suspended").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn a_provider_changes_only_its_own_contact_data() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Własna", NIPS[0]).create(&app).await;
    let other = ProviderBuilder::new("Cudza", NIPS[1]).create(&app).await;
    let own = provider_token(provider["id"].as_str().unwrap());
    let patch = |path: String, body: Value| {
        let own = own.clone();
        let app = &app;
        async move {
            app.send(app.request_as(Some(&own), Method::PATCH, &path).header("if-match", "\"1\"").json(&body)).await
        }
    };
    let reply = patch(
        path_of(&provider),
        json!({"contact": {"phone": "+48 41 000 00 00"}, "contact_persons": [{"name": "Jan Kowalski"}]}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["contact"]["phone"], "+48 41 000 00 00");
    assert_eq!(reply.body["contact"]["email"], "biuro@example.org", "merge patch keeps the rest");
    assert_eq!(
        reply.body["contact_persons"],
        json!([{"name": "Jan Kowalski", "position": null, "email": null, "phone": null}])
    );
    patch(path_of(&provider), json!({"name": "Nowa nazwa"})).await.problem(403, "forbidden");
    patch(path_of(&other), json!({"contact": {"phone": "+48 41 000 00 00"}})).await.problem(404, "not-found");
    let hidden = ProviderBuilder::new("Ukryta", NIPS[2]).create(&app).await;
    app.post(&format!("{}/suspend", path_of(&hidden))).await;
    patch(path_of(&hidden), json!({"contact": {}})).await.problem(404, "not-found");
}

#[actix_web::test]
async fn offers_link_providers_to_active_catalogue_services() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Oferent", NIPS[0]).create(&app).await;
    let service = ServiceBuilder::new("OPIEKA").create_active(&app).await;
    let draft = ServiceBuilder::new("SZKIC").create(&app).await;
    let offers = format!("{}/offers", path_of(&provider));
    let body = json!({"service_id": service["id"], "capacity_per_month": 400, "area_served": ["2611011", "0611102"], "notes": "Także w weekendy"});
    let created = app.post_json(&offers, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["area_served"], json!(["2611011", "0611102"]));
    app.post_json(&offers, &body).await.problem(409, "duplicate-offer");
    app.post_json(&offers, &json!({"service_id": draft["id"]})).await.problem(409, "service-not-active");
    let reply = app.post_json(&offers, &json!({"service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "capacity_per_month": -1, "area_served": ["123"]})).await;
    assert_eq!(reply.error_fields(), vec!["capacity_per_month", "area_served[0]"]);

    let listed = get_as(&app, None, &offers).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "offers of active providers are public");
    let offer_path = format!("{offers}/{}", created.body["id"].as_str().unwrap());
    let changed = app.patch_json(&offer_path, "\"1\"", &json!({"capacity_per_month": 500, "notes": null})).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!((changed.body["capacity_per_month"].as_i64(), changed.body["notes"].as_str()), (Some(500), Some("")));
    app.patch_json(&offer_path, "\"2\"", &json!({"service_id": draft["id"]})).await.problem(422, "validation-failed");
    let by_service =
        get_as(&app, None, &format!("/api/v1/providers?service_id={}", service["id"].as_str().unwrap())).await;
    assert_eq!(by_service.body["items"].as_array().unwrap().len(), 1);
    let deleted = app.send(app.request(Method::DELETE, &offer_path).header("if-match", "\"2\"")).await;
    assert_eq!(deleted.status, 204);
    assert!(get_as(&app, None, &offers).await.body.as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn a_provider_manages_its_own_offers_only() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Sama", NIPS[0]).create(&app).await;
    let other = ProviderBuilder::new("Obca", NIPS[1]).create(&app).await;
    let service = ServiceBuilder::new("POSILKI").create_active(&app).await;
    let own = provider_token(provider["id"].as_str().unwrap());
    let body = json!({"service_id": service["id"]});
    let mine =
        app.send(app.request_as(Some(&own), Method::POST, &format!("{}/offers", path_of(&provider))).json(&body)).await;
    assert_eq!(mine.status, 201, "{}", mine.body);
    let theirs =
        app.send(app.request_as(Some(&own), Method::POST, &format!("{}/offers", path_of(&other))).json(&body)).await;
    theirs.problem(404, "not-found");
    let integrator = token_for(&["integrator"]);
    let denied = app
        .send(app.request_as(Some(&integrator), Method::POST, &format!("{}/offers", path_of(&provider))).json(&body))
        .await;
    denied.problem(403, "forbidden");
}

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let reply = app.get(&format!("/api/v1/providers?{query}")).await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.body["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn the_registry_filters_searches_and_sorts_in_polish_order() {
    let app = spawn_app();
    ProviderBuilder::new("Żółty Dom", NIPS[0]).with("areas", json!(["housing"])).create(&app).await;
    ProviderBuilder::new("Ład i Porządek", NIPS[1]).with("legal_form", json!("association")).create(&app).await;
    let cis = ProviderBuilder::new("Centrum Integracji Społecznej", NIPS[2])
        .with("legal_form", json!("social_cooperative"))
        .with("address", json!({"building": "3", "postal_code": "21-132", "city": "Wojcieszków", "teryt": "0611102"}))
        .create(&app)
        .await;
    ProviderBuilder::new("Lato", NIPS[3]).create(&app).await;
    assert_eq!(names(&app, "").await, vec!["Centrum Integracji Społecznej", "Lato", "Ład i Porządek", "Żółty Dom"]);
    assert_eq!(names(&app, "sort=-name&limit=1").await, vec!["Żółty Dom"]);
    assert_eq!(names(&app, "q=zolty").await, vec!["Żółty Dom"]);
    assert_eq!(names(&app, "q=LAD").await, vec!["Ład i Porządek"]);
    assert_eq!(
        names(&app, &format!("q={}", "PL%20526-025-02-74")).await,
        vec!["Ład i Porządek"],
        "a NIP as typed matches exactly"
    );
    assert_eq!(names(&app, "legal_form=association").await, vec!["Ład i Porządek"]);
    assert_eq!(names(&app, "legal_form=social_cooperative").await, vec!["Centrum Integracji Społecznej"]);
    assert_eq!(names(&app, "area=housing").await, vec!["Żółty Dom"]);
    assert_eq!(names(&app, "teryt=0611102").await, vec!["Centrum Integracji Społecznej"]);
    app.post(&format!("{}/suspend", path_of(&cis))).await;
    assert_eq!(names(&app, "status=suspended").await, vec!["Centrum Integracji Społecznej"]);
    assert_eq!(names(&app, "updated_since=2999-01-01T00:00:00Z").await.len(), 0);
    let walked = {
        let first = app.get("/api/v1/providers?limit=2").await;
        let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
        let second = app.get(&format!("/api/v1/providers?limit=2&cursor={cursor}")).await;
        [first.body["items"].as_array().unwrap().clone(), second.body["items"].as_array().unwrap().clone()].concat()
    };
    assert_eq!(walked.len(), 4);
    app.get("/api/v1/providers?legal_form=cis").await.problem(400, "bad-request");
    app.get("/api/v1/providers?sector=ngo").await.problem(400, "bad-request");
}

const CSV_HEADER: &str = "name;short_name;legal_form;statutory_art_3_3;public_benefit_organisation_since;social_economy_entity;social_enterprise_since;nip;regon;krs;street;building;postal_code;city;teryt;email;phone;website;areas;description";

async fn import(app: &TestApp, content_type: &str, body: String) -> crate::helpers::Reply {
    app.send(app.request(Method::POST, "/api/v1/providers/import").header("content-type", content_type).body(body))
        .await
}

#[actix_web::test]
async fn an_import_with_an_invalid_row_imports_nothing_and_lists_every_error() {
    let app = spawn_app();
    let csv = format!(
        "{CSV_HEADER}\n\
         Fundacja Jeden;;foundation;;;;;{};;;;1;27-200;Starachowice;;;;;;\n\
         Fundacja Dwa;;foundation;;;;;8567346216;;;;1;27-200;Starachowice;;;;;;\n\
         Fundacja Trzy;;foundation;;;;;{};;;;1;27200x;Starachowice;;;;;health|moon;\n\
         Fundacja Cztery;;foundation;;;;;{};;;;1;27-200;Starachowice;;;;;;\n",
        NIPS[0], NIPS[1], NIPS[0]
    );
    let reply = import(&app, "text/csv", csv).await;
    reply.problem(422, "validation-failed");
    let errors: Vec<(u64, String, String)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (2, "nip".to_owned(), "checksum".to_owned()),
            (3, "address.postal_code".to_owned(), "format".to_owned()),
            (3, "areas[1]".to_owned(), "unknown_value".to_owned()),
            (4, "nip".to_owned(), "duplicate_in_file".to_owned()),
        ]
    );
    assert!(names(&app, "").await.is_empty(), "all or nothing");
}

#[actix_web::test]
async fn reimporting_updates_by_nip_or_krs_instead_of_duplicating() {
    let app = spawn_app();
    let existing = ProviderBuilder::new("Stara nazwa", NIPS[0]).create(&app).await;
    let rows = json!([
        {"name": "Nowa nazwa", "legal_form": "foundation", "nip": NIPS[0], "address": {"building": "1", "postal_code": "27-200", "city": "Starachowice"}},
        {"name": "Stowarzyszenie KRS", "legal_form": "association", "krs": "1234", "address": {"building": "2", "postal_code": "27-200", "city": "Starachowice"}}
    ]);
    let first = import(&app, "application/json", rows.to_string()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!((first.body["created"].as_u64(), first.body["updated"].as_u64()), (Some(1), Some(1)));
    assert_eq!(first.body["provider_ids"][0], existing["id"]);
    let again = import(&app, "application/json", rows.to_string()).await;
    assert_eq!((again.body["created"].as_u64(), again.body["updated"].as_u64()), (Some(0), Some(2)));
    assert_eq!(names(&app, "").await, vec!["Nowa nazwa", "Stowarzyszenie KRS"]);
    let kept = app.get(&path_of(&existing)).await;
    assert_eq!(kept.body["contact_persons"][0]["name"], "Anna Nowak", "rows without contact persons keep them");
}

#[actix_web::test]
async fn csv_export_and_import_round_trip_polish_text() {
    let app = spawn_app();
    ProviderBuilder::new("Fundacja „Źródło” – Łódź", NIPS[0])
        .with("short_name", json!("Źródło"))
        .with("areas", json!(["health", "culture"]))
        .with("description", json!("Zajęcia; warsztaty, \"spotkania\"\nw dwóch liniach"))
        .with("krs", json!("0000249506"))
        .with("statuses", json!({"public_benefit_organisation_since": "2015-06-01", "social_economy_entity": true}))
        .create(&app)
        .await;
    let exported = app.send(app.request(Method::GET, "/api/v1/providers/export")).await;
    assert_eq!(exported.status, 200);
    assert_eq!(exported.header("content-type"), Some("text/csv; charset=utf-8"));
    let csv = exported.body.as_str().unwrap().to_owned();
    assert!(csv.starts_with('\u{feff}'), "a byte order mark for spreadsheets");
    assert!(csv.contains(CSV_HEADER));
    assert!(csv.contains("Fundacja „Źródło” – Łódź;Źródło;foundation;false;2015-06-01;true;;8567346215"));

    let fresh = spawn_app();
    let reply = import(&fresh, "text/csv", csv.clone()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let original: Vec<Value> = app.get("/api/v1/providers").await.body["items"].as_array().unwrap().clone();
    let copied: Vec<Value> = fresh.get("/api/v1/providers").await.body["items"].as_array().unwrap().clone();
    for field in ["name", "short_name", "legal_form", "statuses", "nip", "address", "contact", "areas", "description"] {
        assert_eq!(copied[0][field], original[0][field], "{field}");
    }
    let second_export = fresh.send(fresh.request(Method::GET, "/api/v1/providers/export")).await;
    assert_eq!(second_export.body.as_str().unwrap(), csv, "export -> import -> export is stable");
}

#[actix_web::test]
async fn comma_separated_csv_and_bad_files_are_handled() {
    let app = spawn_app();
    let csv = format!("\u{feff}name,legal_form,nip,building,postal_code,city\n\"Fundacja, z przecinkiem\",foundation,{},1,27-200,Starachowice\n", NIPS[0]);
    let reply = import(&app, "text/csv; charset=utf-8", csv).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(names(&app, "").await, vec!["Fundacja, z przecinkiem"]);
    let unknown = import(&app, "text/csv", "name;legal_form;colour\nX;foundation;red\n".to_owned()).await;
    assert_eq!(unknown.problem(422, "validation-failed")["errors"][0]["field"], "colour");
    let latin2 = app
        .send(
            app.request(Method::POST, "/api/v1/providers/import")
                .header("content-type", "text/csv")
                .body(vec![b'n', b';', 0xB3, b'\n']),
        )
        .await;
    latin2.problem(400, "bad-request");
    import(&app, "text/plain", "x".to_owned()).await.problem(415, "unsupported-media-type");
    import(&app, "application/json", "[]".to_owned()).await.problem(422, "validation-failed");
}

//! Residents: PESEL rules, the view of each role, audited reads, search, export, anonymisation.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::MunicipalityBuilder;
use crate::helpers::{provider_token, spawn_app, token_for, Reply, TestApp};
use crate::service_plans::{active_plan, PlanFixture};

pub const PESEL: &str = "02211307589";
/// The municipality of `resident_body`'s address, which `create_resident` registers.
pub const TERYT: &str = "2611011";

pub fn resident_body(first: &str, last: &str) -> Value {
    json!({
        "first_name": first,
        "last_name": last,
        "pesel": PESEL,
        "address": {"street": "ul. Polna", "building": "3/2", "postal_code": "27-200", "city": "Starachowice", "teryt": TERYT},
        "phone": "600 100 200",
        "notes_on_needs": "Po udarze, wymaga pomocy"
    })
}

pub async fn as_role(app: &TestApp, role: &str, method: Method, path: &str, body: Option<&Value>) -> Reply {
    let token = token_for(&[role]);
    let mut request = app.request_as(Some(&token), method, path);
    if let Some(body) = body {
        request = request.json(body);
    }
    app.send(request).await
}

/// Creates a resident, registering the municipality of `resident_body` first.
pub async fn create_resident(app: &TestApp, body: &Value) -> Value {
    MunicipalityBuilder::new(TERYT, "Starachowice").ensure(app).await;
    let reply = as_role(app, "kipus", Method::POST, "/api/v1/residents", Some(body)).await;
    assert_eq!(reply.status, 201, "create resident: {}", reply.body);
    reply.body
}

#[actix_web::test]
async fn a_pesel_gives_the_birth_date_and_sex_or_must_agree_with_them() {
    let app = spawn_app();
    let created = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    assert_eq!((created["birth_date"].as_str(), created["sex"].as_str()), (Some("2002-01-13"), Some("female")));
    let mut wrong = resident_body("Anna", "Nowak");
    wrong["pesel"] = json!("90123112340");
    wrong["birth_date"] = json!("1990-12-30");
    wrong["sex"] = json!("male");
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&wrong)).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["birth_date", "sex"]);
    let mut bad = resident_body("Anna", "Nowak");
    bad["pesel"] = json!("02211307588");
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&bad)).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["code"], "checksum");
    assert!(!reply.body.to_string().contains("02211307588"), "a PESEL never appears in an error");
    let duplicate =
        as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&resident_body("Inna", "Osoba"))).await;
    assert_eq!(duplicate.problem(409, "duplicate-pesel")["existing_id"], created["id"]);
    assert!(!duplicate.body.to_string().contains(PESEL));
    let no_pesel = json!({"first_name": "Jan", "last_name": "Bez Peselu", "birth_date": "1950-05-05", "sex": "male"});
    assert_eq!(create_resident(&app, &no_pesel).await["pesel"], Value::Null);
}

#[actix_web::test]
async fn each_role_sees_its_own_view_of_a_resident() {
    let app = spawn_app();
    let PlanFixture { resident, parties, .. } = active_plan(&app).await;
    let path = format!("/api/v1/residents/{}", resident["id"].as_str().unwrap());
    for role in ["kipus", "director"] {
        let full = as_role(&app, role, Method::GET, &path, None).await;
        assert_eq!((full.status, full.body["pesel"].as_str()), (200, Some(PESEL)), "{role}");
        assert_eq!(full.body["notes_on_needs"], "Po udarze, wymaga pomocy");
    }
    let ous = as_role(&app, "ous", Method::GET, &path, None).await;
    assert_eq!(
        ous.body,
        json!({"id": resident["id"], "year_of_birth": 2002, "municipality": "2611011", "active_plans": 1})
    );
    let provider = app.send(app.request_as(Some(&parties.provider_token), Method::GET, &path)).await;
    assert_eq!(provider.status, 200, "{}", provider.body);
    assert_eq!(provider.body["first_name"], "Maria");
    assert_eq!(provider.body["phone"], "600 100 200");
    assert!(provider.body.get("pesel").is_none() && provider.body.get("notes_on_needs").is_none(), "{}", provider.body);
    assert_eq!(provider.body["items"].as_array().unwrap().len(), 1);
    let stranger = provider_token("0193a5f2-0000-7000-8000-0000000000ee");
    app.send(app.request_as(Some(&stranger), Method::GET, &path)).await.problem(404, "not-found");
    for role in ["integrator", "osl", "auditor", "admin"] {
        as_role(&app, role, Method::GET, &path, None).await.problem(403, "forbidden");
        as_role(&app, role, Method::GET, "/api/v1/residents", None).await.problem(403, "forbidden");
    }
    app.send(app.request_as(None, Method::GET, &path)).await.problem(401, "unauthorized");
    let listed = app.send(app.request_as(Some(&parties.provider_token), Method::GET, "/api/v1/residents")).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "a provider lists only residents it serves");
    let stranger_list = app.send(app.request_as(Some(&stranger), Method::GET, "/api/v1/residents")).await;
    assert!(stranger_list.body["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn every_read_is_audited_with_the_ids_returned() {
    let app = spawn_app();
    let first = create_resident(&app, &resident_body("Maria", "Wiśniewska")).await;
    let mut second_body = resident_body("Żaneta", "Łukasik");
    second_body["pesel"] = json!("90123112340");
    let second = create_resident(&app, &second_body).await;
    as_role(&app, "kipus", Method::GET, &format!("/api/v1/residents/{}", first["id"].as_str().unwrap()), None).await;
    as_role(&app, "director", Method::GET, "/api/v1/residents", None).await;
    let found =
        as_role(&app, "kipus", Method::POST, "/api/v1/residents/search", Some(&json!({"name": "zaneta lukasik"})))
            .await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["items"][0]["id"], second["id"]);
    let by_pesel =
        as_role(&app, "kipus", Method::POST, "/api/v1/residents/search", Some(&json!({"pesel": PESEL}))).await;
    assert_eq!(by_pesel.body["items"][0]["id"], first["id"]);
    let invalid =
        as_role(&app, "kipus", Method::POST, "/api/v1/residents/search", Some(&json!({"pesel": "12345678901"}))).await;
    invalid.problem(422, "validation-failed");
    assert!(!invalid.body.to_string().contains("12345678901"));

    let auditor = token_for(&["auditor"]);
    let events = |query: &str| {
        let app = &app;
        let auditor = auditor.clone();
        let query = query.to_owned();
        async move {
            let reply =
                app.send(app.request_as(Some(&auditor), Method::GET, &format!("/api/v1/audit-events?{query}"))).await;
            reply.body["items"].as_array().unwrap().clone()
        }
    };
    let get = events("action=get_resident").await;
    assert_eq!((get.len(), &get[0]["resource_id"], get[0]["subject"].as_str()), (1, &first["id"], Some("user-kipus")));
    let listed = events("action=list_residents").await;
    assert_eq!(listed[0]["detail"]["ids"].as_array().unwrap().len(), 2);
    let searched = events("action=search_residents").await;
    assert_eq!(searched.len(), 2);
    assert_eq!(searched[1]["detail"]["ids"], json!([second["id"]]));
    let created = events("action=create_resident&outcome=success").await;
    assert_eq!(created.len(), 2, "writes are audited too");
}

#[actix_web::test]
async fn export_holds_everything_and_anonymisation_keeps_only_statistics() {
    let app = spawn_app();
    let PlanFixture { resident, plan, .. } = active_plan(&app).await;
    let id = resident["id"].as_str().unwrap();
    as_role(&app, "ous", Method::GET, &format!("/api/v1/residents/{id}"), None).await;
    let export = as_role(&app, "kipus", Method::GET, &format!("/api/v1/residents/{id}/export"), None).await;
    assert_eq!(export.status, 200, "{}", export.body);
    assert_eq!(export.body["resident"]["pesel"], PESEL);
    assert_eq!(export.body["service_plans"][0]["id"], plan["id"]);
    let readers: Vec<&str> =
        export.body["access_log"].as_array().unwrap().iter().map(|e| e["subject"].as_str().unwrap()).collect();
    assert!(readers.contains(&"user-ous"), "the export says who read the data: {readers:?}");

    as_role(&app, "kipus", Method::POST, &format!("/api/v1/residents/{id}/anonymise"), None)
        .await
        .problem(403, "forbidden");
    let anonymised = as_role(&app, "director", Method::POST, &format!("/api/v1/residents/{id}/anonymise"), None).await;
    assert_eq!(anonymised.status, 200, "{}", anonymised.body);
    let full = as_role(&app, "kipus", Method::GET, &format!("/api/v1/residents/{id}"), None).await.body;
    assert_eq!(full["anonymised"], true);
    for field in ["pesel", "birth_date", "sex", "phone"] {
        assert_eq!(full[field], Value::Null, "{field}");
    }
    assert!(!full.to_string().contains("Maria") && !full.to_string().contains("Wiśniewska"));
    let pseudonym = as_role(&app, "ous", Method::GET, &format!("/api/v1/residents/{id}"), None).await.body;
    assert_eq!(
        (pseudonym["year_of_birth"].as_i64(), pseudonym["municipality"].as_str(), pseudonym["active_plans"].as_i64()),
        (Some(2002), Some("2611011"), Some(1))
    );
    let kept =
        as_role(&app, "kipus", Method::GET, &format!("/api/v1/service-plans/{}", plan["id"].as_str().unwrap()), None)
            .await
            .body;
    assert_eq!(
        (kept["items"].as_array().unwrap().len(), kept["goals"].as_array().unwrap().len()),
        (1, 1),
        "statistics stay"
    );
    assert_eq!(kept["needs_assessment"], "", "free texts go");
    let again = as_role(&app, "director", Method::POST, &format!("/api/v1/residents/{id}/anonymise"), None).await;
    again.problem(409, "anonymised");
    let search = as_role(&app, "kipus", Method::POST, "/api/v1/residents/search", Some(&json!({"pesel": PESEL}))).await;
    assert!(search.body["items"].as_array().unwrap().is_empty(), "the PESEL is gone");
}

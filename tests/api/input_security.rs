//! Hostile-input leftovers of the security review: CSV formulas, echoed values, duplicate keys,
//! bidirectional and control characters, sizes, slow bodies and the headers of every response.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{spawn_app, spawn_with, token_for, TestDb};
use crate::residents::{as_role, resident_body};

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[actix_web::test]
async fn csv_export_neutralises_formulas_and_the_import_reads_them_back_unchanged() {
    let app = spawn_app();
    let address = |street: &str, city: &str| json!({"street": street, "building": "1", "postal_code": "27-200", "city": city, "teryt": "2611011"});
    ProviderBuilder::new("=HYPERLINK(\"https://evil.example\",\"Kliknij\")", NIPS[0])
        .with("short_name", json!("'=już z apostrofem"))
        .with("address", address("-5 Długa", "@Łódź"))
        .with("contact", json!({"phone": "+48 41 274 00 00"}))
        .create(&app)
        .await;
    ProviderBuilder::new("+Fundacja Plus", NIPS[1])
        .with("short_name", json!("'zwykły apostrof"))
        .with("address", address("ul. Zwykła", "-Minus"))
        .create(&app)
        .await;
    let exported = app.send(app.request(Method::GET, "/api/v1/providers/export")).await;
    assert_eq!(exported.status, 200);
    let csv = exported.body.as_str().unwrap().trim_start_matches('\u{feff}').to_owned();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(FORMULA_START), "a cell a spreadsheet runs as a formula: {cell:?}");
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("''=już z apostrofem"), "{csv}");
    assert!(csv.contains(";'zwykły apostrof;"), "a quote before plain text stays as it is: {csv}");

    let fresh = spawn_app();
    let reply = fresh
        .send(fresh.request(Method::POST, "/api/v1/providers/import").header("content-type", "text/csv").body(csv))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let sorted = |items: &Value| {
        let mut items = items.as_array().unwrap().clone();
        items.sort_by_key(|item| item["nip"].as_str().unwrap_or_default().to_owned());
        items
    };
    let original = sorted(&app.get("/api/v1/providers").await.body["items"]);
    let copied = sorted(&fresh.get("/api/v1/providers").await.body["items"]);
    assert_eq!(copied.len(), 2);
    for (copy, source) in copied.iter().zip(&original) {
        for field in ["name", "short_name", "address", "contact"] {
            assert_eq!(copy[field], source[field], "{field}");
        }
    }
    let formula = copied.iter().find(|p| p["nip"] == NIPS[0]).unwrap();
    assert_eq!(formula["address"]["street"], "-5 Długa");
    assert_eq!(formula["contact"]["phone"], "+48 41 274 00 00");
}

#[actix_web::test]
async fn wrong_values_are_named_by_field_and_expected_type_never_repeated() {
    let app = spawn_app();
    let mut resident = resident_body("Anna", "Kowalska");
    resident["pesel"] = json!(2_211_307_589_u64);
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&resident)).await;
    let problem = reply.problem(400, "bad-request");
    assert_eq!(problem["errors"][0]["field"], "pesel");
    assert_eq!(problem["errors"][0]["message"], "invalid type, expected a string");
    let mut resident = resident_body("Anna", "Kowalska");
    resident["birth_date"] = json!("Kowalska-22113075891");
    let reply = as_role(&app, "kipus", Method::POST, "/api/v1/residents", Some(&resident)).await;
    let problem = reply.problem(422, "validation-failed");
    assert!(problem["errors"].to_string().contains("birth_date"), "{problem}");
    assert!(!reply.body.to_string().contains("22113075891"), "{}", reply.body);
    let service = ServiceBuilder::new("ECHO").with("area", json!("Kowalska22113075891"));
    let service = service.with("unit_cost", json!("Kowalska 12,5x"));
    for (path, body) in [("/api/v1/services", service.body().clone())] {
        let reply = app.post_json(path, &body).await;
        assert!(reply.status >= 400, "{}", reply.body);
        assert!(!reply.body.to_string().contains("Kowalska"), "{}", reply.body);
    }
    for query in ["sort=Kowalska", "limit=22113075891", "status=Kowalska"] {
        let reply = app.get(&format!("/api/v1/services?{query}")).await;
        reply.problem(400, "bad-request");
        assert!(
            !reply.body.to_string().contains("Kowalska") && !reply.body.to_string().contains("22113075891"),
            "{}",
            reply.body
        );
    }
    let reply = app.get("/api/v1/services/Kowalska-22113075891").await;
    assert!(!reply.problem(400, "bad-request")["errors"].to_string().contains("Kowalska"), "{}", reply.body);
}

#[actix_web::test]
async fn a_member_given_twice_is_a_400_naming_its_path_not_its_values() {
    let app = spawn_app();
    for (body, path) in [
        (r#"{"code": "A", "name": "Anna Kowalska", "name": "Ewa Kowalska"}"#, "name"),
        (r#"{"code": "A", "fee_rule": {"kind": "free", "kind": "fixed"}}"#, "fee_rule.kind"),
        (r#"{"code": "A", "target_groups": [{"x": 1, "x": 2}]}"#, "target_groups[0].x"),
    ] {
        let reply = app
            .send(app.request(Method::POST, "/api/v1/services").header("content-type", "application/json").body(body))
            .await;
        let problem = reply.problem(400, "bad-request");
        assert_eq!(problem["errors"][0]["field"], path, "{problem}");
        assert_eq!(problem["errors"][0]["code"], "duplicate_key");
        assert!(!problem.to_string().contains("Kowalska"), "{problem}");
    }
}

#[actix_web::test]
async fn bidi_controls_and_control_characters_are_refused_in_texts_and_line_breaks_in_short_ones() {
    let app = spawn_app();
    for (field, value) in [
        ("name", "Fundacja \u{202E}akłatS"),
        ("name", "Fundacja \u{2066}x\u{2069}"),
        ("name", "Fundacja\u{1b}[31m"),
        ("name", "Fundacja\nDruga linia"),
        ("description", "opis \u{202D}x"),
        ("description", "opis\u{7}"),
    ] {
        let body = ProviderBuilder::new("Fundacja", NIPS[0]).with(field, json!(value));
        let reply = app.post_json("/api/v1/providers", body.body()).await;
        let problem = reply.problem(422, "validation-failed");
        assert_eq!(problem["errors"][0]["field"], field, "{value:?}: {problem}");
        assert_eq!(problem["errors"][0]["code"], "invalid_character");
    }
    let street = ProviderBuilder::new("Fundacja", NIPS[0]).with(
        "address",
        json!({"street": "ul.\u{202E} Długa", "building": "1", "postal_code": "27-200", "city": "Starachowice"}),
    );
    let reply = app.post_json("/api/v1/providers", street.body()).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["field"], "address.street");
    let multiline =
        ProviderBuilder::new("Fundacja", NIPS[0]).with("description", json!("linia\r\nlinia\tz tabulatorem"));
    let created = app.post_json("/api/v1/providers", multiline.body()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!("/api/v1/providers/{}", created.body["id"].as_str().unwrap());
    let etag = created.header("etag").unwrap().to_owned();
    let patched = app.patch_json(&path, &etag, &json!({"short_name": "F\u{202E}x"})).await;
    assert_eq!(patched.problem(422, "validation-failed")["errors"][0]["field"], "short_name");
    let csv = "name;legal_form;city;building;postal_code\nFundacja \u{2067}x;foundation;Starachowice;1;27-200\n";
    let imported = app
        .send(app.request(Method::POST, "/api/v1/providers/import").header("content-type", "text/csv").body(csv))
        .await;
    let problem = imported.problem(422, "validation-failed");
    assert_eq!((problem["errors"][0]["field"].as_str(), problem["errors"][0]["row"].as_u64()), (Some("name"), Some(1)));
    let reply = app.get("/api/v1/providers?q=a%E2%80%AEb").await;
    assert_eq!(reply.problem(400, "bad-request")["errors"][0]["code"], "invalid_character");
}

#[actix_web::test]
async fn texts_and_arrays_have_limits_checked_and_documented() {
    let app = spawn_app();
    let long_note = ProviderBuilder::new("Fundacja", NIPS[0]).with("description", json!("x".repeat(10_001)));
    let reply = app.post_json("/api/v1/providers", long_note.body()).await;
    let problem = reply.problem(422, "validation-failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("description"), Some("length"))
    );
    let long_city = ProviderBuilder::new("Fundacja", NIPS[0])
        .with("address", json!({"building": "1", "postal_code": "27-200", "city": "x".repeat(301)}));
    let reply = app.post_json("/api/v1/providers", long_city.body()).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["field"], "address.city");
    let many = ProviderBuilder::new("Fundacja", NIPS[0]).with("areas", json!(vec!["health"; 21]));
    let reply = app.post_json("/api/v1/providers", many.body()).await;
    let problem = reply.problem(422, "validation-failed");
    assert!(
        problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == "areas" && e["code"] == "max_items"),
        "{problem}"
    );

    let document = serde_json::to_value(cus_api::startup::openapi()).unwrap();
    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["ProviderInput"]["properties"]["description"]["maxLength"], 10_000);
    assert_eq!(schemas["ProviderInput"]["properties"]["areas"]["maxItems"], 20);
    assert_eq!(schemas["ReturnInput"]["properties"]["comments"]["maxItems"], 200);
    assert_eq!(schemas["NewApiClient"]["properties"]["name"]["maxLength"], 200, "a tighter own limit stays");
}

#[actix_web::test]
async fn a_long_error_list_gives_the_first_100_errors_and_the_total() {
    let app = spawn_app();
    let rows: Vec<Value> = (0..150).map(|_| json!({"name": "", "legal_form": "foundation"})).collect();
    let reply = app.post_json("/api/v1/providers/import", &json!(rows)).await;
    let problem = reply.problem(422, "validation-failed");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 100);
    assert!(problem["errors_total"].as_u64().unwrap() >= 150, "{}", problem["errors_total"]);
}

/// The answer to a request whose body never finishes, read from a raw socket.
fn answer_to_unfinished_body(address: &str, token: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /api/v1/services HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"code\": "
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[actix_web::test]
async fn a_body_that_never_finishes_is_answered_408_after_the_configured_time() {
    let app = spawn_with(TestDb::new(), &[("REQUEST_BODY_TIMEOUT_SECONDS", "1")]);
    let address = app.address.trim_start_matches("http://").to_owned();
    let token = token_for(&["ous"]);
    let started = std::time::Instant::now();
    let answer =
        actix_web::rt::task::spawn_blocking(move || answer_to_unfinished_body(&address, &token)).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request-timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[actix_web::test]
async fn responses_are_never_sniffed_and_personal_ones_never_stored() {
    let app = spawn_app();
    let public = app.send(app.request_as(None, Method::GET, "/api/v1/services")).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(public.header("cache-control"), None, "the public catalogue may be cached");
    let residents = as_role(&app, "kipus", Method::GET, "/api/v1/residents", None).await;
    assert_eq!(residents.status, 200, "{}", residents.body);
    assert_eq!(residents.header("cache-control"), Some("no-store"));
    assert_eq!(residents.header("x-content-type-options"), Some("nosniff"));
    let admin = token_for(&["admin"]);
    let new_client = json!({"name": "System", "roles": ["integrator"]});
    let client = app.send(app.request_as(Some(&admin), Method::POST, "/api/v1/api-clients").json(&new_client)).await;
    assert_eq!(client.status, 201, "{}", client.body);
    assert_eq!(client.header("cache-control"), Some("no-store"), "the client secret is never stored");
    let missing = app.send(app.request_as(None, Method::GET, "/nowhere")).await;
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    let audit = as_role(&app, "auditor", Method::GET, "/api/v1/audit-events", None).await;
    assert_eq!(audit.header("cache-control"), Some("no-store"), "{}", audit.body);
}

//! The HSDS 3.0 view (`/hsds/...`): public data only, HSDS's paging, `modified_after`, 404s as
//! problems and cacheable answers; locations with their hours as schedules, and the services at
//! them. Conformance to the HSDS schemas is `scripts/hsds-conformance`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{LocationBuilder, ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{Reply, TestApp};

async fn anonymous(app: &TestApp, path: &str) -> Reply {
    app.send(app.request_as(None, Method::GET, path)).await
}

fn paging(page: &Value) -> Value {
    json!([
        page["total_items"],
        page["total_pages"],
        page["page_number"],
        page["size"],
        page["first_page"],
        page["last_page"],
        page["empty"]
    ])
}

fn ids(page: &Value) -> Vec<&str> {
    page["contents"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap()).collect()
}

#[actix_web::test]
async fn lists_are_paged_by_number_with_hsds_totals_and_only_active_services() {
    let app = crate::helpers::spawn_app();
    let mut active = Vec::new();
    for code in ["HSDS-A", "HSDS-B", "HSDS-C"] {
        active.push(ServiceBuilder::new(code).create_active(&app).await["id"].as_str().unwrap().to_owned());
    }
    let draft = ServiceBuilder::new("HSDS-DRAFT").create(&app).await;

    let first = anonymous(&app, "/hsds/services?per_page=2").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(paging(&first.body), json!([3, 2, 1, 2, true, false, false]));
    let second = anonymous(&app, "/hsds/services?per_page=2&page=2").await;
    assert_eq!(paging(&second.body), json!([3, 2, 2, 1, false, true, false]));
    let mut seen: Vec<&str> = ids(&first.body);
    seen.extend(ids(&second.body));
    assert_eq!(seen, active.iter().map(String::as_str).collect::<Vec<_>>(), "id order, no draft");
    let beyond = anonymous(&app, "/hsds/services?per_page=2&page=3").await;
    assert_eq!((beyond.status, &beyond.body["contents"]), (200, &json!([])));
    assert_eq!(first.body["contents"][0]["status"], "active");
    app.get(&format!("/hsds/services/{}", draft["id"].as_str().unwrap())).await.problem(404, "not-found");

    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("page=0", "page"),
        ("page=1000001", "page"),
        ("limit=5", "limit"),
    ] {
        let reply = anonymous(&app, &format!("/hsds/services?{query}")).await;
        assert_eq!(reply.problem(400, "bad-request")["errors"][0]["field"], field, "{query}");
    }
    let nothing = anonymous(&app, "/hsds/locations").await;
    assert_eq!(paging(&nothing.body), json!([0, 1, 1, 0, true, true, true]));
    assert_eq!(nothing.body["contents"], json!([]));
    let terms = anonymous(&app, "/hsds/taxonomy_terms?per_page=200").await;
    assert_eq!(terms.body["total_items"], 19, "14 statutory areas and 5 target groups");
}

#[actix_web::test]
async fn modified_after_keeps_only_what_changed_at_or_after_it() {
    let app = crate::helpers::spawn_app();
    let older = ServiceBuilder::new("HSDS-OLD").create_active(&app).await;
    let newer = ServiceBuilder::new("HSDS-NEW").create_active(&app).await;
    let since = newer["updated_at"].as_str().unwrap();
    let changed = anonymous(&app, &format!("/hsds/services?modified_after={since}")).await;
    assert_eq!(ids(&changed.body), vec![newer["id"].as_str().unwrap()], "{}", changed.body);
    let all = anonymous(&app, "/hsds/services?modified_after=2000-01-01T00:00:00Z").await;
    assert_eq!(ids(&all.body), vec![older["id"].as_str().unwrap(), newer["id"].as_str().unwrap()]);
    let none = anonymous(&app, "/hsds/organizations?modified_after=2999-01-01T00:00:00Z").await;
    assert_eq!(paging(&none.body), json!([0, 1, 1, 0, true, true, true]));
    anonymous(&app, "/hsds/services?modified_after=yesterday").await.problem(400, "bad-request");
}

#[actix_web::test]
async fn organizations_show_their_public_identity_and_services_never_contacts_or_persons() {
    let app = crate::helpers::spawn_app();
    let service = ServiceBuilder::new("HSDS-OPIEKA").create_active(&app).await;
    let provider =
        ProviderBuilder::new("Fundacja Złota Jesień", NIPS[0]).with("krs", json!("0000249506")).create(&app).await;
    let id = provider["id"].as_str().unwrap();
    let offer = app.post_json(&format!("/api/v1/providers/{id}/offers"), &json!({"service_id": service["id"]})).await;
    assert_eq!(offer.status, 201, "{}", offer.body);

    let list = anonymous(&app, "/hsds/organizations").await;
    let one = anonymous(&app, &format!("/hsds/organizations/{id}")).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(list.body["contents"][0]["name"], "Fundacja Złota Jesień");
    assert_eq!(
        (one.body["legal_status"].as_str(), one.body["description"].as_str()),
        (Some("fundacja"), Some("Usługi opiekuńcze"))
    );
    let identifiers: Vec<(&str, &str)> = one.body["organization_identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|identifier| (identifier["identifier_type"].as_str().unwrap(), identifier["identifier"].as_str().unwrap()))
        .collect();
    assert_eq!(identifiers, vec![("NIP", NIPS[0]), ("KRS", "0000249506")]);
    assert_eq!(one.body["services"][0]["id"], service["id"]);
    for reply in [&list, &one] {
        let text = reply.body.to_string();
        for personal in ["Anna Nowak", "600 100 200", "biuro@example.org", "+48 41 274 00 00", "Kościelna"] {
            assert!(!text.contains(personal), "{personal} leaked: {text}");
        }
    }
    app.get("/hsds/organizations/0193a5f2-0000-7000-8000-0000000000ee").await.problem(404, "not-found");
    app.get("/hsds/organizations/not-a-uuid").await.problem(400, "bad-request");
    app.get("/hsds/service_at_locations/0193a5f2-0000-7000-8000-0000000000ee").await.problem(404, "not-found");
}

#[actix_web::test]
async fn fee_rules_become_cost_options_and_classifications_taxonomy_terms() {
    let app = crate::helpers::spawn_app();
    let rules = [
        json!({"kind": "free"}),
        json!({"kind": "fixed", "amount": "12.50"}),
        json!({"kind": "income_table", "basis": "percent_of_criterion", "brackets": [
            {"up_to": "100", "fee": {"per_unit": "0"}},
            {"up_to": null, "fee": {"percent_of_unit_cost": "30"}}], "exemptions": []}),
    ];
    let mut options = Vec::new();
    for (n, rule) in rules.into_iter().enumerate() {
        let service = ServiceBuilder::new(&format!("HSDS-FEE{n}"))
            .with("fee_rule", rule)
            .with("target_groups", json!(["family", "person"]))
            .create_active(&app)
            .await;
        let hsds = anonymous(&app, &format!("/hsds/services/{}", service["id"].as_str().unwrap())).await;
        let option = &hsds.body["cost_options"][0];
        options.push(json!([option["option"], option["amount"], option["currency"], option["amount_description"]]));
        let codes: Vec<&str> = hsds.body["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["taxonomy_term"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, vec!["social_assistance", "family", "person"]);
        let term = anonymous(
            &app,
            &format!("/hsds/taxonomy_terms/{}", hsds.body["attributes"][0]["taxonomy_term_id"].as_str().unwrap()),
        )
        .await;
        assert_eq!((term.status, term.body["name"].as_str()), (200, Some("Pomoc społeczna")));
        let taxonomy =
            anonymous(&app, &format!("/hsds/taxonomies/{}", term.body["taxonomy_id"].as_str().unwrap())).await;
        assert_eq!(taxonomy.body["name"], "Obszary usług społecznych");
    }
    assert_eq!(
        options,
        vec![
            json!(["Nieodpłatnie", 0.0, "PLN", null]),
            json!(["Odpłatność stała", 12.5, "PLN", "za godzinę"]),
            json!([
                "Odpłatność zależna od dochodu",
                null,
                null,
                "do 100.00% kryterium dochodowego: 0.00 zł za godzinę; powyżej: 30.00% kosztu za godzinę"
            ]),
        ]
    );
}

#[actix_web::test]
async fn every_answer_has_an_etag_and_may_be_cached_publicly() {
    let app = crate::helpers::spawn_app();
    ServiceBuilder::new("HSDS-CACHE").create_active(&app).await;
    for path in ["/hsds/", "/hsds/services", "/hsds/organizations", "/hsds/taxonomies", "/hsds/service_at_locations"] {
        let reply = anonymous(&app, path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.header("cache-control"), Some("public, max-age=300"), "{path}");
        let etag = reply.header("etag").unwrap().to_owned();
        let again = app.send(app.request_as(None, Method::GET, path).header("if-none-match", &etag)).await;
        assert_eq!((again.status, again.header("etag")), (304, Some(etag.as_str())), "{path}");
    }
    let root = anonymous(&app, "/hsds/").await;
    assert_eq!(root.body, anonymous(&app, "/hsds").await.body, "HSDS's / below our base, with or without the slash");
    assert_eq!(root.body["version"], "3.0");
    assert!(root.body["openapi_url"].as_str().unwrap().ends_with("/openapi.json"));
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

#[actix_web::test]
async fn a_location_shows_its_address_hours_exceptions_and_accessibility_and_archived_ones_are_absent() {
    let app = crate::helpers::spawn_app();
    let office = LocationBuilder::new("CUS Starachowice")
        .with("kind", json!("cus_office"))
        .with("coordinates", json!({"latitude": 51.0486, "longitude": 21.0739}))
        .with("opening_hours", json!([{"day": "monday", "from": "08:00", "to": "16:00"}]))
        .with(
            "exceptions",
            json!([
                {"date": "2026-12-25", "closed": true, "note": "Boże Narodzenie"},
                {"date": "2027-06-30", "hours": [{"from": "09:00", "to": "12:00"}], "note": "Dzień skrócony"}
            ]),
        )
        .with("accessibility", json!({"step_free": true, "sign_language": true, "note": "Dzwonek przy drzwiach."}))
        .with("contact", json!({"phone": "+48 41 273 00 00", "email": "cus@example.org"}))
        .create(&app)
        .await;
    let archived = LocationBuilder::new("Dawna świetlica").create(&app).await;
    assert_eq!(app.post(&format!("/api/v1/locations/{}/archive", id(&archived))).await.status, 200);
    let provider = ProviderBuilder::new("Fundacja Złota Jesień", NIPS[0]).create(&app).await;
    let premises = LocationBuilder::of_provider("Siedziba fundacji", &provider).create(&app).await;

    let list = anonymous(&app, "/hsds/locations").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(ids(&list.body), vec![id(&office), id(&premises)], "archived left out");
    let one = anonymous(&app, &format!("/hsds/locations/{}", id(&office))).await;
    assert_eq!(one.body, list.body["contents"][0]);
    let location = &one.body;
    assert_eq!((location["location_type"].as_str(), location.get("organization_id")), (Some("physical"), None));
    assert_eq!((location["latitude"].as_f64(), location["longitude"].as_f64()), (Some(51.0486), Some(21.0739)));
    let address = &location["addresses"][0];
    assert_eq!(
        json!([
            address["address_1"],
            address["city"],
            address["state_province"],
            address["postal_code"],
            address["country"]
        ]),
        json!(["ul. Radomska 45", "Starachowice", "świętokrzyskie", "27-200", "PL"])
    );
    assert_eq!(location["phones"][0]["number"], "+48 41 273 00 00");
    assert!(!location.to_string().contains("cus@example.org"), "no e-mail: {location}");
    let schedules: Vec<Value> = location["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!([s["freq"], s["byday"], s["opens_at"], s["closes_at"], s["valid_from"], s["valid_to"], s["timezone"]])
        })
        .collect();
    assert_eq!(
        schedules,
        vec![
            json!(["WEEKLY", "MO", "08:00", "16:00", null, null, null]),
            json!([null, null, null, null, "2026-12-25", "2026-12-25", null]),
            json!(["WEEKLY", "WE", "09:00+02:00", "12:00+02:00", "2027-06-30", "2027-06-30", 2]),
        ]
    );
    assert_eq!(location["schedules"][1]["description"], "2026-12-25 nieczynne: Boże Narodzenie");
    let accessibility: Vec<&str> =
        location["accessibility"].as_array().unwrap().iter().map(|a| a["description"].as_str().unwrap()).collect();
    assert_eq!(accessibility.len(), 3, "{accessibility:?}");
    assert!(accessibility[0].starts_with("Wejście bez barier"), "{accessibility:?}");
    assert_eq!(accessibility[2], "Dzwonek przy drzwiach.");
    assert_eq!(location["languages"][0]["code"], "pso");
    assert_eq!(list.body["contents"][1]["organization_id"], provider["id"]);

    app.get(&format!("/hsds/locations/{}", id(&archived))).await.problem(404, "not-found");
    assert_eq!(app.post(&format!("/api/v1/providers/{}/suspend", id(&provider))).await.status, 200);
    let after = anonymous(&app, "/hsds/locations?per_page=1").await;
    assert_eq!(ids(&after.body), vec![id(&office)], "a suspended provider's premises leave the view");
    assert_eq!(paging(&after.body), json!([1, 1, 1, 1, true, true, false]));
    app.get(&format!("/hsds/locations/{}", id(&premises))).await.problem(404, "not-found");
    let later = anonymous(&app, "/hsds/locations?modified_after=2999-01-01T00:00:00Z").await;
    assert_eq!(later.body["contents"], json!([]));
}

#[actix_web::test]
async fn services_at_locations_pair_active_offers_services_and_locations() {
    let app = crate::helpers::spawn_app();
    let first = ServiceBuilder::new("HSDS-SAL-A").create_active(&app).await;
    let second = ServiceBuilder::new("HSDS-SAL-B").create_active(&app).await;
    let at_home = ServiceBuilder::new("HSDS-SAL-DOM").create_active(&app).await;
    let office = LocationBuilder::new("CUS").create(&app).await;
    let provider = ProviderBuilder::new("Fundacja Razem", NIPS[0]).create(&app).await;
    let premises = LocationBuilder::of_provider("Siedziba", &provider).create(&app).await;
    let other = ProviderBuilder::new("Stowarzyszenie Obok", NIPS[1]).create(&app).await;
    let theirs = LocationBuilder::of_provider("Świetlica", &other).create(&app).await;
    let offers = [
        (&provider, &first, json!([id(&premises), id(&office)])),
        (&provider, &second, json!([id(&office)])),
        (&provider, &at_home, json!([])),
        (&other, &first, json!([id(&office)])),
        (&other, &second, json!([id(&theirs)])),
    ];
    for (by, service, location_ids) in offers {
        let body = json!({"service_id": service["id"], "location_ids": location_ids, "at_home": true});
        let offer = app.post_json(&format!("/api/v1/providers/{}/offers", id(by)), &body).await;
        assert_eq!(offer.status, 201, "{}", offer.body);
    }
    assert_eq!(app.post(&format!("/api/v1/providers/{}/suspend", id(&other))).await.status, 200);

    let pair = |item: &Value| {
        (item["service_id"].as_str().unwrap().to_owned(), item["location_id"].as_str().unwrap().to_owned())
    };
    let own = |service: &Value, location: &Value| (id(service).to_owned(), id(location).to_owned());
    let page = anonymous(&app, "/hsds/service_at_locations?per_page=2").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(paging(&page.body), json!([3, 2, 1, 2, true, false, false]));
    let rest = anonymous(&app, "/hsds/service_at_locations?per_page=2&page=2").await;
    let mut items: Vec<Value> = page.body["contents"].as_array().unwrap().clone();
    items.extend(rest.body["contents"].as_array().unwrap().iter().cloned());
    let mut expected = vec![own(&first, &office), own(&first, &premises), own(&second, &office)];
    expected.sort();
    assert_eq!(items.iter().map(pair).collect::<Vec<_>>(), expected, "deduplicated, no suspended provider's");

    let item = &items[0];
    let again = anonymous(&app, &format!("/hsds/service_at_locations/{}", id(item))).await;
    assert_eq!(again.body, *item, "the id is stable and names the pair");
    assert_eq!(item["location"]["id"], item["location_id"]);
    let schedule = &item["schedules"][0];
    assert_eq!((schedule["service_at_location_id"].as_str(), schedule.get("location_id")), (Some(id(item)), None));
    assert_eq!(item["schedules"].as_array().unwrap().len(), 5, "the location's weekly hours");

    let service = anonymous(&app, &format!("/hsds/services/{}", id(&first))).await;
    let nested: Vec<&str> = service.body["service_at_locations"].as_array().unwrap().iter().map(id).collect();
    let of_first: Vec<&str> = items.iter().filter(|i| i["service_id"] == first["id"]).map(id).collect();
    assert_eq!(nested, of_first);
    let listed = anonymous(&app, "/hsds/services").await;
    assert!(listed.body["contents"][0].get("service_at_locations").is_none(), "only on the service by id");
    let home = anonymous(&app, &format!("/hsds/services/{}", id(&at_home))).await;
    assert_eq!(home.body["service_at_locations"], json!([]), "given at home only");

    let later = anonymous(&app, "/hsds/service_at_locations?modified_after=2999-01-01T00:00:00Z").await;
    assert_eq!(paging(&later.body), json!([0, 1, 1, 0, true, true, true]));
    app.get("/hsds/service_at_locations/0193a5f2-0000-7000-8000-0000000000ee").await.problem(404, "not-found");
}

//! The benchmark's seed data: valid for the API's own rules, on both databases.

use reqwest::Method;

use crate::helpers::{spawn_app, token_for};

#[actix_web::test]
async fn seeded_data_is_served_and_follows_the_rules() {
    let app = spawn_app();
    let config = cus_api::config::Config::from_lookup(|name| (name == "DATABASE_URL").then(|| app.db.url())).unwrap();
    let pool = cus_api::db::connect(&config.backend, &config.pool).unwrap();
    let written = cus_api::seed::seed(&mut pool.get().unwrap(), 0.01).expect("seed an empty database");
    assert_eq!((written["residents"].as_u64(), written["reports"].as_u64()), (Some(1000), Some(500)));
    assert_eq!((written["municipalities"].as_u64(), written["programmes"].as_u64()), (Some(8), Some(8)));
    let again = cus_api::seed::seed(&mut pool.get().unwrap(), 0.01);
    assert!(again.is_err(), "seeding refuses a database that has data");

    let services = app.get("/api/v1/services?limit=200").await;
    assert_eq!(services.body["items"].as_array().unwrap().len(), 20);
    let director = token_for(&["director"]);
    let residents = app.send(app.request_as(Some(&director), Method::GET, "/api/v1/residents?limit=200")).await;
    assert_eq!(residents.status, 200, "{}", residents.body);
    for resident in residents.body["items"].as_array().unwrap() {
        let pesel = resident["pesel"].as_str().unwrap();
        assert!(cus_api::domain::Pesel::parse(pesel).is_ok(), "{pesel}");
        assert_eq!(
            cus_api::domain::Pesel::parse(pesel).unwrap().birth_date().to_string(),
            resident["birth_date"].as_str().unwrap()
        );
    }
    let providers = app.get("/api/v1/providers?limit=200").await;
    for provider in providers.body["items"].as_array().unwrap() {
        assert!(cus_api::domain::Nip::parse(provider["nip"].as_str().unwrap()).is_ok());
    }
    let reports =
        app.send(app.request_as(Some(&director), Method::GET, "/api/v1/reports?status=submitted&limit=5")).await;
    assert_eq!(reports.body["items"].as_array().unwrap().len(), 5);

    // The CUS office closes on Christmas Day, the first provider's premises close early on its eve.
    assert_eq!(written["locations"].as_u64(), Some(2));
    let kinds = |reply: crate::helpers::Reply| -> Vec<serde_json::Value> {
        reply.body["items"].as_array().unwrap().iter().map(|l| l["kind"].clone()).collect()
    };
    let christmas = app.get("/api/v1/locations?open_at=2026-12-25T10:00:00").await;
    let runner = christmas.body["items"][0]["provider_id"].as_str().unwrap().to_owned();
    assert_eq!(kinds(christmas), vec![serde_json::json!("provider_premises")]);
    let eve = app.get("/api/v1/locations?open_at=2026-12-24T13:00:00").await;
    assert_eq!(kinds(eve), vec![serde_json::json!("cus_office")]);
    let offers = app.get(&format!("/api/v1/providers/{runner}/offers")).await;
    assert_eq!(offers.body[0]["location_ids"].as_array().unwrap().len(), 2, "given at its premises and the office");

    assert_eq!(written["fee_assessments"].as_u64(), Some(100), "every tenth resident's fee is assessed");
    let assessments = app.send(app.request_as(Some(&director), Method::GET, "/api/v1/fee-assessments?limit=5")).await;
    assert_eq!(assessments.status, 200, "{}", assessments.body);
    let first = &assessments.body["items"][0];
    let programme = app
        .send(app.request_as(
            Some(&director),
            Method::GET,
            &format!("/api/v1/programmes/{}", first["programme_id"].as_str().unwrap()),
        ))
        .await;
    let offered = &programme.body["services"][0];
    assert_eq!(
        (&offered["service_id"], offered["fee_rule"]["kind"].as_str()),
        (&first["service_id"], Some("income_table"))
    );
    let path = format!("/api/v1/fee-assessments/{}", first["id"].as_str().unwrap());
    let detail = app.send(app.request_as(Some(&director), Method::GET, &path)).await;
    assert_eq!(
        detail.body["bracket"]["criterion"],
        if detail.body["household_size"] == 1 { "1010.00" } else { "823.00" }
    );
}

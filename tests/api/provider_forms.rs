//! Providers' legal form, statuses and units as the law tells them apart (issue 13), the
//! migration of records kept under the old forms, and the TERYT codes of city districts.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{ProviderBuilder, NIPS};
use crate::helpers::{spawn_with, token_for, TestApp, TestDb};

fn path_of(provider: &Value) -> String {
    format!("/api/v1/providers/{}", provider["id"].as_str().unwrap())
}

/// The single field error of a refused registration.
async fn refused(app: &TestApp, builder: ProviderBuilder) -> (String, String) {
    let reply = app.post_json("/api/v1/providers", builder.body()).await;
    reply.problem(422, "validation-failed");
    let errors = reply.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{}", reply.body);
    (errors[0]["field"].as_str().unwrap().to_owned(), errors[0]["code"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn standing_follows_the_form_and_the_statute_only_where_the_act_leaves_it_to_the_statute() {
    let app = crate::helpers::spawn_app();
    let cases = [
        ("association", false, "ngo"),
        ("ordinary_association", false, "ngo"),
        ("foundation", false, "ngo"),
        ("church_legal_person", false, "art3_ust3"),
        ("association_of_local_governments", false, "art3_ust3"),
        ("rural_housewives_circle", false, "art3_ust3"),
        ("social_cooperative", false, "none"),
        ("social_cooperative", true, "art3_ust3"),
        ("non_profit_company", false, "none"),
        ("non_profit_company", true, "art3_ust3"),
        ("other_cooperative", false, "none"),
        ("company", false, "none"),
        ("sole_trader", false, "none"),
        ("public_unit", false, "none"),
        ("other", false, "none"),
    ];
    for (index, (form, statute, standing)) in cases.into_iter().enumerate() {
        let created = ProviderBuilder::new(&format!("Podmiot {index}"), NIPS[index % NIPS.len()])
            .with("nip", Value::Null)
            .with("krs", json!(format!("{}", 1000 + index)))
            .with("legal_form", json!(form))
            .with("statutory_art_3_3", json!(statute))
            .create(&app)
            .await;
        assert_eq!(created["public_benefit_standing"], standing, "{form}, statute {statute}");
        assert_eq!(created["statutory_art_3_3"], statute);
    }
    let (field, code) =
        refused(&app, ProviderBuilder::new("Fundacja", NIPS[0]).with("statutory_art_3_3", json!(true))).await;
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("statutory_art_3_3", "not_applicable"),
        "the law decides a foundation's standing"
    );
    let created = app.post_json("/api/v1/providers", ProviderBuilder::new("Fundacja", NIPS[0]).body()).await;
    let etag = created.header("etag").unwrap().to_owned();
    let reply = app.patch_json(&path_of(&created.body), &etag, &json!({"public_benefit_standing": "art3_ust3"})).await;
    assert_eq!(reply.error_fields(), vec!["public_benefit_standing"], "derived, never typed");
    for old in ["cis", "kis", "zaz", "wtz"] {
        let (field, code) = refused(&app, ProviderBuilder::new("CIS", NIPS[1]).with("legal_form", json!(old))).await;
        assert_eq!((field.as_str(), code.as_str()), ("legal_form", "unknown_value"), "{old} is a unit, not a form");
    }
}

#[actix_web::test]
async fn statuses_carry_their_dates_and_what_the_law_presupposes() {
    let app = crate::helpers::spawn_app();
    let opp = json!({"public_benefit_organisation_since": "2015-06-01", "social_economy_entity": true, "social_enterprise_since": "2023-03-01"});
    let created = ProviderBuilder::new("Fundacja OPP", NIPS[0])
        .with("krs", json!("0000249506"))
        .with("statuses", opp.clone())
        .create(&app)
        .await;
    assert_eq!(
        created["statuses"], opp,
        "a foundation can be an OPP, a social economy entity and a social enterprise at once"
    );
    let cases = [
        (
            ProviderBuilder::new("Bez KRS", NIPS[1])
                .with("statuses", json!({"public_benefit_organisation_since": "2015-06-01"})),
            "statuses.public_benefit_organisation_since",
            "krs_required",
        ),
        (
            ProviderBuilder::new("Spółka", NIPS[1])
                .with("legal_form", json!("company"))
                .with("krs", json!("0000000123"))
                .with("statuses", json!({"public_benefit_organisation_since": "2015-06-01"})),
            "statuses.public_benefit_organisation_since",
            "standing_required",
        ),
        (
            ProviderBuilder::new("Nie PES", NIPS[1]).with("statuses", json!({"social_enterprise_since": "2023-03-01"})),
            "statuses.social_enterprise_since",
            "social_economy_entity_required",
        ),
        (
            ProviderBuilder::new("Zła data", NIPS[1])
                .with("statuses", json!({"social_enterprise_since": "2023-02-30", "social_economy_entity": true})),
            "statuses.social_enterprise_since",
            "date",
        ),
    ];
    for (builder, field, code) in cases {
        assert_eq!(refused(&app, builder).await, (field.to_owned(), code.to_owned()));
    }
}

#[actix_web::test]
async fn units_a_provider_runs_have_a_kind_a_name_and_an_address() {
    let app = crate::helpers::spawn_app();
    let unit = json!({"kind": "zaz", "name": "Zakład Aktywności Zawodowej", "address": {"street": "ul. Polna", "building": "3", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"}});
    let created = ProviderBuilder::new("Stowarzyszenie", NIPS[0])
        .with("legal_form", json!("association"))
        .with("units", json!([unit, {"kind": "day_centre", "name": "Dzienny Dom", "address": {"building": "4", "postal_code": "27-200", "city": "Starachowice"}}]))
        .create(&app)
        .await;
    assert_eq!(created["units"][0], unit);
    assert_eq!(created["units"][1]["kind"], "day_centre");
    let cases = [
        (json!([{"kind": "cis_club", "name": "X", "address": unit["address"]}]), "units[0].kind", "unknown_value"),
        (json!([{"kind": "cis", "address": unit["address"]}]), "units[0].name", "required"),
        (json!([{"kind": "cis", "name": "X"}]), "units[0].address", "required"),
        (
            json!([{"kind": "cis", "name": "X", "address": {"building": "1", "postal_code": "272", "city": "X"}}]),
            "units[0].address.postal_code",
            "format",
        ),
    ];
    for (units, field, code) in cases {
        let builder = ProviderBuilder::new("Z jednostką", NIPS[1]).with("units", units);
        assert_eq!(refused(&app, builder).await, (field.to_owned(), code.to_owned()));
    }
}

#[actix_web::test]
async fn teryt_codes_of_warsaw_districts_and_city_delegations_are_municipality_codes() {
    let app = crate::helpers::spawn_app();
    for (index, teryt) in ["1465028", "1261029"].into_iter().enumerate() {
        let address = json!({"building": "1", "postal_code": "00-001", "city": "Miasto", "teryt": teryt});
        let created = ProviderBuilder::new(&format!("Dzielnica {index}"), NIPS[index])
            .with("address", address)
            .create(&app)
            .await;
        assert_eq!(created["address"]["teryt"], teryt);
    }
    let address = json!({"building": "1", "postal_code": "00-001", "city": "Miasto", "teryt": "1261027"});
    let builder = ProviderBuilder::new("Typ 7", NIPS[2]).with("address", address);
    assert_eq!(refused(&app, builder).await, ("address.teryt".to_owned(), "range".to_owned()));
}

#[actix_web::test]
async fn a_flag_in_a_csv_import_is_true_or_false() {
    let app = crate::helpers::spawn_app();
    let csv = format!("name;legal_form;statutory_art_3_3;nip;building;postal_code;city\nSpółdzielnia;social_cooperative;tak;{};1;27-200;Starachowice\n", NIPS[0]);
    let reply = app
        .send(app.request(Method::POST, "/api/v1/providers/import").header("content-type", "text/csv").body(csv))
        .await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "statutory_art_3_3");
    assert_eq!(reply.body["errors"][0]["code"], "boolean");
    let csv = format!("name;legal_form;statutory_art_3_3;nip;building;postal_code;city\nSpółdzielnia;social_cooperative;true;{};1;27-200;Starachowice\n", NIPS[0]);
    let reply = app
        .send(app.request(Method::POST, "/api/v1/providers/import").header("content-type", "text/csv").body(csv))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let imported = app.get(&format!("/api/v1/providers/{}", reply.body["provider_ids"][0].as_str().unwrap())).await;
    assert_eq!(imported.body["public_benefit_standing"], "art3_ust3");
}

/// The registry as the release before issue 13 kept it: forms that were units, and a sector.
const OLD_ROWS: &str = "INSERT INTO providers (id, name, short_name, legal_form, sector, nip, regon, krs, street, building, postal_code, city, teryt, email, phone, website, contact_persons, areas, description, status, search_text, name_sort_key, created_at, updated_at, version) VALUES
    ('0193a5f2-0000-7000-8000-000000000c01', 'Centrum Integracji Społecznej w Starachowicach', NULL, 'cis', 'social_economy', '8567346215', NULL, NULL, 'ul. Radomska', '29', '27-200', 'Starachowice', '2611011', NULL, NULL, NULL, '[]', '[\"social_and_vocational_reintegration\"]', '', 'active', 'centrum integracji spolecznej w starachowicach', 'cis', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-000000000c02', 'Warsztat Terapii Zajęciowej', NULL, 'wtz', 'social_economy', '5260250274', NULL, NULL, NULL, '7', '27-200', 'Starachowice', NULL, NULL, NULL, NULL, '[]', '[]', '', 'active', 'warsztat terapii zajeciowej', 'wtz', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-000000000c03', 'Stowarzyszenie Razem', NULL, 'association', 'ngo', '7740001454', NULL, NULL, NULL, '1', '27-200', 'Starachowice', NULL, NULL, NULL, NULL, '[]', '[]', '', 'active', 'stowarzyszenie razem', 'stowarzyszenie', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-000000000c04', 'Spółdzielnia Socjalna', NULL, 'social_cooperative', 'social_economy', '5213017228', NULL, NULL, NULL, '2', '27-200', 'Starachowice', NULL, NULL, NULL, NULL, '[]', '[]', '', 'active', 'spoldzielnia socjalna', 'spoldzielnia', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1),
    ('0193a5f2-0000-7000-8000-000000000c05', 'Parafia', NULL, 'church_legal_person', 'ngo', '1132853869', NULL, NULL, NULL, '3', '27-200', 'Starachowice', NULL, NULL, NULL, NULL, '[]', '[]', '', 'active', 'parafia', 'parafia', '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1);";

#[actix_web::test]
async fn old_cis_kis_zaz_wtz_records_become_units_of_a_provider_whose_form_staff_must_confirm() {
    let db = TestDb::new();
    cus_api::db::migrate_before(&db.url(), "20261202000004").expect("migrate to the release before");
    db.execute(OLD_ROWS);
    let app = spawn_with(db, &[]);
    let staff = token_for(&["ous"]);
    let get = |id: &str| {
        app.send(app.request_as(
            Some(&staff),
            Method::GET,
            &format!("/api/v1/providers/0193a5f2-0000-7000-8000-000000000c0{id}"),
        ))
    };
    let cis = get("1").await;
    assert_eq!(cis.status, 200, "{}", cis.body);
    assert_eq!(cis.body["legal_form"], "other");
    assert_eq!(cis.body["legal_form_needs_review"], true);
    assert_eq!(cis.body["public_benefit_standing"], "none");
    assert_eq!(cis.body["statuses"]["social_economy_entity"], true);
    assert_eq!(
        cis.body["units"],
        json!([{"kind": "cis", "name": "Centrum Integracji Społecznej w Starachowicach",
            "address": {"street": "ul. Radomska", "building": "29", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"}}])
    );
    assert!(cis.body.get("sector").is_none(), "the single sector is gone");
    let wtz = get("2").await;
    assert_eq!((wtz.body["legal_form"].as_str(), wtz.body["units"][0]["kind"].as_str()), (Some("other"), Some("wtz")));
    assert_eq!(wtz.body["units"][0]["address"]["street"], Value::Null);
    let association = get("3").await;
    assert_eq!(
        (association.body["public_benefit_standing"].as_str(), association.body["legal_form_needs_review"].as_bool()),
        (Some("ngo"), Some(false))
    );
    assert_eq!(association.body["units"], json!([]));
    let cooperative = get("4").await;
    assert_eq!(cooperative.body["public_benefit_standing"], "none", "its statute is for staff to confirm");
    assert_eq!(cooperative.body["statuses"]["social_economy_entity"], true);
    assert_eq!(get("5").await.body["public_benefit_standing"], "art3_ust3");

    // A change that does not state the form leaves the review open; stating it settles it.
    let path = "/api/v1/providers/0193a5f2-0000-7000-8000-000000000c01";
    let etag = cis.header("etag").unwrap().to_owned();
    let touched = app.patch_json(path, &etag, &json!({"description": "CIS"})).await;
    assert_eq!(
        (touched.status, touched.body["legal_form_needs_review"].as_bool()),
        (200, Some(true)),
        "{}",
        touched.body
    );
    let etag = touched.header("etag").unwrap().to_owned();
    let confirmed = app.patch_json(path, &etag, &json!({"legal_form": "association"})).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["legal_form_needs_review"], false);
    assert_eq!(confirmed.body["public_benefit_standing"], "ngo");
    assert_eq!(confirmed.body["units"][0]["kind"], "cis", "the unit stays with its provider");
}

//! Amendments of programmes: a new resolution makes a new version from a day, every version is
//! readable, and what a programme offers on a day comes from the version in force that day, by
//! programme and by catalogue service.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{programme_service, DiagnosisBuilder, MunicipalityBuilder, ProgrammeBuilder, ServiceBuilder};
use crate::helpers::{spawn_app, token_for, Reply, TestApp};

fn path_of(programme: &Value) -> String {
    format!("/api/v1/programmes/{}", programme["id"].as_str().unwrap())
}

/// The founder gmina's programme in force from 2027-01-01 to 2029-12-31 offering care and respite.
struct Frame {
    gmina: Value,
    diagnosis: Value,
    care: Value,
    respite: Value,
    programme: Value,
}

async fn frame(app: &TestApp) -> Frame {
    let gmina = MunicipalityBuilder::founder("2611011", "Starachowice").create(app).await;
    let diagnosis = DiagnosisBuilder::new(&[&gmina]).create_adopted(app, "2026-04-15").await;
    let care = ServiceBuilder::new("OPI").create_active(app).await;
    let respite = ServiceBuilder::new("WYT").create_active(app).await;
    let programme = ProgrammeBuilder::new(&gmina, &diagnosis, &[&care, &respite])
        .create_through(app, &["consult", "adopt", "put-in-force"])
        .await;
    Frame { gmina, diagnosis, care, respite, programme }
}

/// From 2028-01-01: care only, with 40 places, under a new title.
fn amendment(care: &Value) -> Value {
    let mut more_places = programme_service(care);
    more_places["capacity"] = json!({"kind": "places", "value": 40});
    json!({
        "resolution": {"number": "XX/201/2027", "adopted_on": "2027-11-25"},
        "changes": "Więcej miejsc w usługach opiekuńczych, bez usług wytchnieniowych",
        "effective_from": "2028-01-01",
        "title": "Program usług społecznych 2027-2029 (zmieniony)",
        "services": [more_places]
    })
}

async fn etag_of(app: &TestApp, programme: &Value) -> String {
    app.get(&path_of(programme)).await.header("etag").unwrap().to_owned()
}

async fn amend(app: &TestApp, programme: &Value, etag: &str, body: &Value) -> Reply {
    let path = format!("{}/amendments", path_of(programme));
    app.send(app.request(Method::POST, &path).header("if-match", etag).json(body)).await
}

#[actix_web::test]
async fn an_amendment_makes_a_new_version_and_every_version_is_readable() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let path = path_of(&frame.programme);
    let etag = etag_of(&app, &frame.programme).await;
    let body = amendment(&frame.care);
    let request = || {
        app.request(Method::POST, &format!("{path}/amendments"))
            .header("if-match", etag.as_str())
            .header("idempotency-key", "zmiana-1")
            .json(&body)
    };
    let amended = app.send(request()).await;
    assert_eq!(amended.status, 201, "{}", amended.body);
    assert_eq!(amended.header("location"), Some(format!("{path}/versions/2").as_str()));
    assert_ne!(amended.header("etag"), Some(etag.as_str()));
    assert_eq!(amended.body["current_version"], 2);
    assert_eq!(amended.body["title"], body["title"]);
    assert_eq!(amended.body["services"], body["services"]);
    assert_eq!(amended.body["status"], "in_force", "an amendment keeps the status");
    assert_eq!(amended.body["resolution"]["number"], "XII/145/2026", "the adopting resolution stays");
    let retried = app.send(request()).await;
    assert_eq!((retried.status, &retried.body), (201, &amended.body), "a retry replays");
    assert_eq!(app.get(&path).await.body["current_version"], 2);

    let versions = app.get(&format!("{path}/versions")).await;
    assert_eq!(versions.status, 200, "{}", versions.body);
    let items = versions.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((&items[0]["number"], &items[0]["effective_from"]), (&json!(1), &json!("2027-01-01")));
    assert_eq!((&items[0]["superseded_on"], &items[0]["changes"]), (&json!("2028-01-01"), &Value::Null));
    assert_eq!(items[0]["resolution"]["number"], "XII/145/2026");
    assert_eq!(items[0]["services"].as_array().unwrap().len(), 2, "version 1 keeps its services");
    assert_eq!(items[0]["title"], "Program usług społecznych 2027-2029");
    assert_eq!((&items[1]["number"], &items[1]["superseded_on"]), (&json!(2), &Value::Null));
    assert_eq!((&items[1]["resolution"], &items[1]["changes"]), (&body["resolution"], &body["changes"]));
    assert_eq!(items[1]["services"], body["services"]);

    let second = app.get(&format!("{path}/versions/2")).await;
    assert_eq!((second.status, &second.body), (200, &items[1]));
    app.get(&format!("{path}/versions/3")).await.problem(404, "not-found");
    app.get("/api/v1/programmes/0193a5f2-0000-7000-8000-00000000ffff/versions").await.problem(404, "not-found");
    let first_page = app.get(&format!("{path}/versions?limit=1")).await;
    assert_eq!(first_page.body["items"][0]["number"], 1);
    let cursor = first_page.body["next_cursor"].as_str().unwrap();
    let next_page = app.get(&format!("{path}/versions?limit=1&cursor={cursor}")).await;
    assert_eq!((&next_page.body["items"][0]["number"], &next_page.body["next_cursor"]), (&json!(2), &Value::Null));
}

#[actix_web::test]
async fn an_amendment_needs_if_match_an_adopted_programme_and_a_day_after_the_last_version() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let path = format!("{}/amendments", path_of(&frame.programme));
    let body = amendment(&frame.care);
    app.post_json(&path, &body).await.problem(428, "precondition-required");
    amend(&app, &frame.programme, "\"1\"", &body).await.problem(412, "precondition-failed");
    let etag = etag_of(&app, &frame.programme).await;

    let missing = amend(&app, &frame.programme, &etag, &json!({})).await;
    missing.problem(422, "validation-failed");
    assert_eq!(missing.error_fields(), vec!["resolution", "changes", "effective_from"]);
    for (effective_from, code) in [
        ("2027-01-01", "not_after_previous_version"),
        ("2026-12-31", "not_after_previous_version"),
        ("2030-01-01", "outside_period"),
    ] {
        let mut early = body.clone();
        early["effective_from"] = json!(effective_from);
        let refused = amend(&app, &frame.programme, &etag, &early).await;
        assert_eq!(refused.problem(422, "validation-failed")["errors"][0]["code"], code, "{effective_from}");
    }
    let mut unknown = body.clone();
    unknown["services"][0]["service_id"] = json!("0193a5f2-0000-7000-8000-00000000ffff");
    let refused = amend(&app, &frame.programme, &etag, &unknown).await;
    assert_eq!(refused.problem(422, "validation-failed")["errors"][0]["code"], "unknown");
    assert_eq!(app.get(&path_of(&frame.programme)).await.body["current_version"], 1, "nothing changed");

    let amended = amend(&app, &frame.programme, &etag, &body).await;
    assert_eq!(amended.status, 201, "{}", amended.body);
    let mut same_day = body.clone();
    same_day["changes"] = json!("Druga zmiana");
    let etag = amended.header("etag").unwrap();
    let refused = amend(&app, &frame.programme, etag, &same_day).await;
    assert_eq!(refused.problem(422, "validation-failed")["errors"][0]["code"], "not_after_previous_version");

    let draft = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[&frame.respite]).create(&app).await;
    let refused = amend(&app, &draft, "\"1\"", &body).await;
    assert_eq!(refused.problem(409, "invalid-state-transition")["current_status"], "draft");
    let expired = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[])
        .with("period", json!({"start": "2024-01-01", "end": "2024-12-31"}))
        .with("in_force_from", json!("2024-01-01"))
        .create_through(&app, &["consult", "adopt", "put-in-force", "expire"])
        .await;
    let mut in_2024 = body.clone();
    in_2024["effective_from"] = json!("2024-06-01");
    let etag = etag_of(&app, &expired).await;
    amend(&app, &expired, &etag, &in_2024).await.problem(409, "invalid-state-transition");
}

#[actix_web::test]
async fn an_amendment_may_not_offer_what_another_programme_of_the_gmina_offers_meanwhile() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let later = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[&frame.care])
        .with("period", json!({"start": "2030-01-01", "end": "2032-12-31"}))
        .create_through(&app, &["consult", "adopt"])
        .await;
    let mut longer = amendment(&frame.care);
    longer["period"] = json!({"start": "2027-01-01", "end": "2030-12-31"});
    let etag = etag_of(&app, &frame.programme).await;
    let refused = amend(&app, &frame.programme, &etag, &longer).await;
    let problem = refused.problem(409, "programme-overlap");
    assert_eq!((&problem["programme_id"], &problem["service_ids"]), (&later["id"], &json!([frame.care["id"]])));

    let mut respite_only = longer.clone();
    respite_only["services"] = json!([programme_service(&frame.respite)]);
    let amended = amend(&app, &frame.programme, &etag, &respite_only).await;
    assert_eq!(amended.status, 201, "services the other does not offer: {}", amended.body);
    assert_eq!(amended.body["period"], json!({"start": "2027-01-01", "end": "2030-12-31"}));

    let in_2027 = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[&frame.care])
        .with("period", json!({"start": "2027-06-01", "end": "2027-12-31"}))
        .create_through(&app, &["consult"])
        .await;
    let refused = app.post(&format!("{}/adopt", path_of(&in_2027))).await;
    assert_eq!(
        refused.problem(409, "programme-overlap")["programme_id"],
        frame.programme["id"],
        "version 1 offers care in 2027"
    );
    let in_2028 = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[&frame.care])
        .with("period", json!({"start": "2028-01-01", "end": "2028-12-31"}))
        .create_through(&app, &["consult"])
        .await;
    let adopted = app.post(&format!("{}/adopt", path_of(&in_2028))).await;
    assert_eq!(adopted.status, 200, "version 2 no longer offers care from 2028: {}", adopted.body);
}

#[actix_web::test]
async fn the_services_on_a_day_are_those_of_the_version_in_force_that_day() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let path = path_of(&frame.programme);
    let etag = etag_of(&app, &frame.programme).await;
    assert_eq!(amend(&app, &frame.programme, &etag, &amendment(&frame.care)).await.status, 201);

    let before = app.get(&format!("{path}/services?on=2027-12-31")).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!((&before.body["version"], &before.body["on"]), (&json!(1), &json!("2027-12-31")));
    let ids: Vec<&Value> = before.body["services"].as_array().unwrap().iter().map(|s| &s["service_id"]).collect();
    assert_eq!(ids, vec![&frame.care["id"], &frame.respite["id"]]);
    let after = app.get(&format!("{path}/services?on=2028-01-01")).await;
    assert_eq!(after.body["version"], 2);
    assert_eq!(after.body["services"][0]["capacity"]["value"], 40);
    assert_eq!(after.body["services"].as_array().unwrap().len(), 1);

    let early = app.get(&format!("{path}/services?on=2026-12-31")).await;
    let problem = early.problem(409, "programme-not-in-force");
    assert_eq!((&problem["on"], &problem["programme_status"]), (&json!("2026-12-31"), &json!("in_force")));
    assert_eq!((&problem["in_force_from"], &problem["in_force_until"]), (&json!("2027-01-01"), &json!("2029-12-31")));
    app.get(&format!("{path}/services?on=2030-01-01")).await.problem(409, "programme-not-in-force");
    let today = cus_api::clock::today().to_string();
    let draft = ProgrammeBuilder::new(&frame.gmina, &frame.diagnosis, &[&frame.respite]).create(&app).await;
    let refused = app.get(&format!("{}/services", path_of(&draft))).await;
    let problem = refused.problem(409, "programme-not-in-force");
    assert_eq!((&problem["on"], &problem["programme_status"]), (&json!(today), &json!("draft")), "today by default");
    app.get(&format!("{path}/services?on=someday")).await.problem(400, "bad-request");
}

#[actix_web::test]
async fn a_service_is_offered_by_the_programmes_in_force_on_the_day_under_their_version_s_terms() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let etag = etag_of(&app, &frame.programme).await;
    assert_eq!(amend(&app, &frame.programme, &etag, &amendment(&frame.care)).await.status, 201);
    let other = MunicipalityBuilder::new("2611022", "Brody").create(&app).await;
    let diagnosis = DiagnosisBuilder::new(&[&other]).create_adopted(&app, "2026-04-15").await;
    let others = ProgrammeBuilder::new(&other, &diagnosis, &[&frame.care])
        .create_through(&app, &["consult", "adopt", "put-in-force"])
        .await;
    let offering = |service: &Value, query: &str| {
        format!("/api/v1/services/{}/programmes?{query}", service["id"].as_str().unwrap())
    };

    let before = app.get(&offering(&frame.care, "on=2027-06-01")).await;
    assert_eq!(before.status, 200, "{}", before.body);
    let items = before.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((&items[0]["programme_id"], &items[0]["version"]), (&frame.programme["id"], &json!(1)));
    assert_eq!(items[0]["terms"]["capacity"]["value"], 25);
    assert_eq!((&items[0]["municipality_id"], &items[0]["title"]), (&frame.gmina["id"], &frame.programme["title"]));
    assert_eq!((&items[1]["programme_id"], &items[1]["municipality_id"]), (&others["id"], &other["id"]));

    let gmina = frame.gmina["id"].as_str().unwrap();
    let after = app.get(&offering(&frame.care, &format!("on=2028-06-01&municipality_id={gmina}"))).await;
    let items = after.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one municipality: {}", after.body);
    assert_eq!((&items[0]["version"], &items[0]["terms"]["capacity"]["value"]), (&json!(2), &json!(40)));
    assert_eq!(items[0]["title"], "Program usług społecznych 2027-2029 (zmieniony)");
    let dropped = app.get(&offering(&frame.respite, "on=2028-06-01")).await;
    assert!(dropped.body["items"].as_array().unwrap().is_empty(), "version 2 no longer offers respite");
    let still = app.get(&offering(&frame.respite, "on=2027-12-31")).await;
    assert_eq!(still.body["items"][0]["version"], 1);
    let outside = app.get(&offering(&frame.care, "on=2026-06-01")).await;
    assert!(outside.body["items"].as_array().unwrap().is_empty(), "nothing in force yet");

    let first_page = app.get(&offering(&frame.care, "on=2027-06-01&limit=1")).await;
    let cursor = first_page.body["next_cursor"].as_str().unwrap();
    let next_page = app.get(&offering(&frame.care, &format!("on=2027-06-01&limit=1&cursor={cursor}"))).await;
    assert_eq!(
        (&next_page.body["items"][0]["programme_id"], &next_page.body["next_cursor"]),
        (&others["id"], &Value::Null)
    );
    app.get("/api/v1/services/0193a5f2-0000-7000-8000-00000000ffff/programmes").await.problem(404, "not-found");
}

#[actix_web::test]
async fn staff_read_versions_and_only_the_ous_and_director_amend() {
    let app = spawn_app();
    let frame = frame(&app).await;
    let path = path_of(&frame.programme);
    let care = frame.care["id"].as_str().unwrap();
    for role in ["director", "ous", "kipus", "osl", "integrator", "auditor"] {
        let token = token_for(&[role]);
        for read in [
            format!("{path}/versions"),
            format!("{path}/versions/1"),
            format!("{path}/services?on=2027-06-01"),
            format!("/api/v1/services/{care}/programmes"),
        ] {
            let reply = app.send(app.request_as(Some(&token), Method::GET, &read)).await;
            assert_eq!(reply.status, 200, "{role} reads {read}: {}", reply.body);
        }
    }
    let etag = etag_of(&app, &frame.programme).await;
    for role in ["kipus", "osl", "integrator", "auditor", "admin"] {
        let token = token_for(&[role]);
        let request = app.request_as(Some(&token), Method::POST, &format!("{path}/amendments"));
        app.send(request.header("if-match", etag.as_str()).json(&amendment(&frame.care)))
            .await
            .problem(403, "forbidden");
    }
    let token = token_for(&["ous"]);
    let request = app.request_as(Some(&token), Method::POST, &format!("{path}/amendments"));
    assert_eq!(app.send(request.header("if-match", etag.as_str()).json(&amendment(&frame.care))).await.status, 201);
}

//! Locations: created, read, changed under If-Match, archived and activated; every validation
//! code; a provider's reach (its own only: 403 on another's, 404 on another's archived); public
//! reads; `open_at` across both DST changes of Europe/Warsaw and over dated exceptions; the
//! accessibility and TERYT filters; the locations offers are given at.

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{LocationBuilder, ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{provider_token, spawn_app, Reply, TestApp};

fn path_of(location: &Value) -> String {
    format!("/api/v1/locations/{}", location["id"].as_str().unwrap())
}

/// The ids of a list page's items, in order.
fn ids(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"].as_array().unwrap().iter().map(|item| item["id"].clone()).collect()
}

async fn list(app: &TestApp, query: &str) -> Vec<Value> {
    ids(&app.get(&format!("/api/v1/locations?{query}")).await)
}

#[actix_web::test]
async fn a_location_is_created_read_changed_under_if_match_archived_and_activated() {
    let app = spawn_app();
    let body = LocationBuilder::new("Klub Seniora")
        .with("coordinates", json!({"latitude": 51.0486123, "longitude": 21.0739}))
        .with("exceptions", json!([{"date": "2026-12-25", "closed": true, "note": "Boże Narodzenie"}]))
        .with("accessibility", json!({"step_free": true, "note": "Wejście od podwórza"}))
        .body()
        .clone();
    let create = || app.request(Method::POST, "/api/v1/locations").header("idempotency-key", "klub").json(&body);
    let created = app.send(create()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = path_of(&created.body);
    assert_eq!((created.header("location"), created.header("etag")), (Some(path.as_str()), Some("\"1\"")));
    for field in ["name", "kind", "address", "coordinates", "opening_hours"] {
        assert_eq!(created.body[field], body[field], "{field} round-trips");
    }
    assert_eq!(created.body["contact"], json!({"email": null, "phone": "+48 41 273 00 00", "website": null}));
    assert_eq!(created.body["provider_id"], Value::Null, "run by the CUS");
    assert_eq!(
        created.body["exceptions"],
        json!([{"date": "2026-12-25", "closed": true, "hours": [], "note": "Boże Narodzenie"}])
    );
    assert_eq!(created.body["accessibility"]["step_free"], true);
    assert_eq!(created.body["accessibility"]["hearing_loop"], false);
    assert_eq!(created.body["status"], "active");
    let retried = app.send(create()).await;
    assert_eq!((retried.status, &retried.body["id"]), (201, &created.body["id"]), "a retry replays");

    let read = app.get(&path).await;
    assert_eq!((read.status, read.header("etag")), (200, Some("\"1\"")));
    let unchanged = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    assert_eq!(unchanged.status, 304);

    let hours =
        json!([{"day": "saturday", "from": "10:00", "to": "14:00"}, {"day": "monday", "from": "12:00", "to": "24:00"}]);
    let changed = app.patch_json(&path, "\"1\"", &json!({"opening_hours": hours, "coordinates": null})).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"2\"")), "{}", changed.body);
    assert_eq!(
        changed.body["opening_hours"],
        json!([{"day": "monday", "from": "12:00", "to": "24:00"}, {"day": "saturday", "from": "10:00", "to": "14:00"}]),
        "replaced whole, in weekday order"
    );
    assert_eq!(changed.body["coordinates"], Value::Null);
    assert_eq!(changed.body["exceptions"], created.body["exceptions"], "what the patch leaves out stays");
    app.patch_json(&path, "\"1\"", &json!({"name": "Inny"})).await.problem(412, "precondition-failed");
    let read_only = app.patch_json(&path, "\"2\"", &json!({"status": "archived"})).await;
    assert_eq!(read_only.problem(422, "validation-failed")["errors"][0]["field"], "status");

    let archived = app.post(&format!("{path}/archive")).await;
    assert_eq!((archived.status, &archived.body["status"]), (200, &json!("archived")), "{}", archived.body);
    app.post(&format!("{path}/archive")).await.problem(409, "invalid-state-transition");
    assert_eq!(app.send(app.request_as(None, Method::GET, &path)).await.status, 404, "hidden from the public");
    assert_eq!(app.get(&path).await.status, 200, "kept for the staff");
    assert_eq!(list(&app, "status=archived").await, vec![created.body["id"].clone()]);
    let activated = app.post(&format!("{path}/activate")).await;
    assert_eq!((activated.status, &activated.body["status"]), (200, &json!("active")));
    assert_eq!(activated.body["version"], 4);
}

#[actix_web::test]
async fn every_invalid_field_is_named_with_its_code() {
    let app = spawn_app();
    let body = json!({
        "kind": "cus_office",
        "provider_id": "0193a5f2-0000-7000-8000-0000000000aa",
        "address": {"building": "1", "postal_code": "27200x", "city": "Starachowice"},
        "coordinates": {"latitude": 91.0},
        "opening_hours": [
            {"day": "monday", "from": "8:00", "to": "16:00"},
            {"day": "monday", "from": "16:00", "to": "09:00"},
            {"day": "moonday", "from": "08:00", "to": "09:00"},
            {"day": "tuesday", "from": "08:00", "to": "12:00"},
            {"day": "tuesday", "from": "11:00", "to": "13:00"},
            {"day": "tuesday", "from": "24:00", "to": "24:00"}
        ],
        "exceptions": [
            {"date": "2026-12-24", "closed": true, "hours": [{"from": "08:00", "to": "12:00"}]},
            {"date": "2026-12-24", "note": "Wigilia"},
            {"date": "2026-02-30", "closed": true},
            {"date": "2026-12-31", "hours": [{"from": "08:00", "to": "12:00"}, {"from": "09:00", "to": "10:00"}]}
        ],
        "contact": {"email": "not-an-address", "phone": "call us"}
    });
    let reply = app.post_json("/api/v1/locations", &body).await;
    reply.problem(422, "validation-failed");
    let mut found: Vec<(String, String)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    found.sort();
    let mut expected: Vec<(String, String)> = [
        ("name", "required"),
        ("provider_id", "not_allowed"),
        ("address.postal_code", "format"),
        ("address.teryt", "required"),
        ("coordinates.latitude", "range"),
        ("coordinates.longitude", "required"),
        ("opening_hours[0].from", "time"),
        ("opening_hours[1].to", "interval_order"),
        ("opening_hours[2].day", "unknown_value"),
        ("opening_hours[4]", "overlap"),
        ("opening_hours[5].from", "time"),
        ("exceptions[0].hours", "not_allowed"),
        ("exceptions[1].date", "duplicate"),
        ("exceptions[1].hours", "required"),
        ("exceptions[2].date", "invalid_date"),
        ("exceptions[3].hours[1]", "overlap"),
        ("contact.email", "email"),
        ("contact.phone", "phone"),
    ]
    .iter()
    .map(|(field, code)| (field.to_string(), code.to_string()))
    .collect();
    expected.sort();
    assert_eq!(found, expected, "{}", reply.body);
    assert!(!reply.body.to_string().contains("not-an-address"), "no submitted value is echoed");

    let unknown_kind =
        app.post_json("/api/v1/locations", LocationBuilder::new("X").with("kind", json!("home")).body()).await;
    assert_eq!(unknown_kind.body["errors"][0]["code"], "unknown_value", "{}", unknown_kind.body);
    let unknown_provider = app
        .post_json(
            "/api/v1/locations",
            LocationBuilder::new("X").with("provider_id", json!("0193a5f2-0000-7000-8000-0000000000aa")).body(),
        )
        .await;
    unknown_provider.problem(422, "validation-failed");
    assert_eq!(
        (&unknown_provider.body["errors"][0]["field"], &unknown_provider.body["errors"][0]["code"]),
        (&json!("provider_id"), &json!("unknown"))
    );
}

#[actix_web::test]
async fn a_provider_manages_its_own_locations_only_and_never_sees_anothers_archived_ones() {
    let app = spawn_app();
    let own = ProviderBuilder::new("Fundacja A", NIPS[0]).create(&app).await;
    let other = ProviderBuilder::new("Fundacja B", NIPS[1]).create(&app).await;
    let token = provider_token(own["id"].as_str().unwrap());
    let as_provider = |method: Method, path: &str| app.request_as(Some(&token), method, path);

    let mine = app
        .send(as_provider(Method::POST, "/api/v1/locations").json(LocationBuilder::of_provider("A", &own).body()))
        .await;
    assert_eq!((mine.status, &mine.body["provider_id"]), (201, &own["id"]), "{}", mine.body);
    for body in [LocationBuilder::of_provider("B", &other), LocationBuilder::new("CUS")] {
        let reply = app.send(as_provider(Method::POST, "/api/v1/locations").json(body.body())).await;
        reply.problem(403, "forbidden");
    }
    let theirs = LocationBuilder::of_provider("B", &other).create(&app).await;
    let theirs_archived = LocationBuilder::of_provider("B stara", &other).create(&app).await;
    assert_eq!(app.post(&format!("{}/archive", path_of(&theirs_archived))).await.status, 200);

    let patch = |path: String| {
        as_provider(Method::PATCH, &path)
            .header("if-match", "\"1\"")
            .header("content-type", "application/merge-patch+json")
            .body(json!({"name": "Przejęta"}).to_string())
    };
    app.send(patch(path_of(&theirs))).await.problem(403, "forbidden");
    app.send(as_provider(Method::POST, &format!("{}/archive", path_of(&theirs)))).await.problem(403, "forbidden");
    app.send(patch(path_of(&theirs_archived))).await.problem(404, "not-found");
    app.send(as_provider(Method::GET, &path_of(&theirs_archived))).await.problem(404, "not-found");
    let hand_over = as_provider(Method::PATCH, &path_of(&mine.body))
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .body(json!({"provider_id": other["id"]}).to_string());
    app.send(hand_over).await.problem(403, "forbidden");
    let renamed = app.send(patch(path_of(&mine.body))).await;
    assert_eq!((renamed.status, &renamed.body["name"]), (200, &json!("Przejęta")), "{}", renamed.body);
    let archived = app.send(as_provider(Method::POST, &format!("{}/archive", path_of(&mine.body)))).await;
    assert_eq!(archived.status, 200, "{}", archived.body);

    let seen = ids(&app.send(as_provider(Method::GET, "/api/v1/locations")).await);
    assert_eq!(seen, vec![mine.body["id"].clone(), theirs["id"].clone()], "its own archived one, not B's");
    assert_eq!(app.send(as_provider(Method::GET, &path_of(&mine.body))).await.status, 200);
    assert_eq!(list(&app, "").await.len(), 3, "the staff see every one");
    assert_eq!(list(&app, &format!("provider_id={}", other["id"].as_str().unwrap())).await.len(), 2);
}

#[actix_web::test]
async fn the_public_reads_active_locations_without_a_token_and_writes_nothing() {
    let app = spawn_app();
    let open = LocationBuilder::new("Punkt informacyjny").create(&app).await;
    let closed = LocationBuilder::new("Stary punkt").create(&app).await;
    assert_eq!(app.post(&format!("{}/archive", path_of(&closed))).await.status, 200);
    let anonymous = |method: Method, path: &str| app.request_as(None, method, path);
    let page = app.send(anonymous(Method::GET, "/api/v1/locations?status=archived")).await;
    assert_eq!(ids(&page), Vec::<Value>::new(), "the public asks for archived ones in vain");
    assert_eq!(ids(&app.send(anonymous(Method::GET, "/api/v1/locations")).await), vec![open["id"].clone()]);
    let read = app.send(anonymous(Method::GET, &path_of(&open))).await;
    assert_eq!((read.status, &read.body["contact"]["phone"]), (200, &json!("+48 41 273 00 00")));
    let body = LocationBuilder::new("X").body().clone();
    app.send(anonymous(Method::POST, "/api/v1/locations").json(&body)).await.problem(401, "unauthorized");
    let kipus = crate::helpers::token_for(&["kipus"]);
    let reply = app.send(app.request_as(Some(&kipus), Method::POST, "/api/v1/locations").json(&body)).await;
    reply.problem(403, "forbidden");
}

#[actix_web::test]
async fn open_at_follows_polish_wall_clock_time_across_both_dst_changes() {
    let app = spawn_app();
    let office = LocationBuilder::new("Biuro 8-16").create(&app).await;
    let open = vec![office["id"].clone()];
    let none: Vec<Value> = Vec::new();
    for (at, expected, why) in [
        ("2027-03-26T14:30:00Z", &open, "Friday, CET: 15:30"),
        ("2027-03-29T14:30:00Z", &none, "Monday, CEST: 16:30"),
        ("2027-03-29T13:30:00Z", &open, "Monday, CEST: 15:30"),
        ("2026-10-23T14:30:00Z", &none, "Friday, CEST: 16:30"),
        ("2026-10-23T13:30:00Z", &open, "Friday, CEST: 15:30"),
        ("2026-10-26T14:30:00Z", &open, "Monday, CET: 15:30"),
        ("2026-10-26T15:00:00Z", &none, "Monday, CET: 16:00, the end excluded"),
        ("2027-01-04T16:30:00", &none, "local Monday 16:30"),
        ("2027-01-04T15:59:59", &open, "local Monday 15:59"),
        ("2027-01-04T08:00", &open, "local Monday 08:00, the start included"),
        ("2027-03-29T15:30:00", &open, "local time in summer is not shifted"),
        ("2027-01-04T16:30:00%2B02:00", &open, "an offset: 15:30 in Warsaw"),
        ("2027-01-03T12:00:00", &none, "Sunday"),
    ] {
        assert_eq!(&list(&app, &format!("open_at={at}")).await, expected, "{at}: {why}");
    }
    let bad = app.get("/api/v1/locations?open_at=tomorrow").await;
    assert_eq!(bad.problem(400, "bad-request")["errors"][0]["field"], "open_at");
}

#[actix_web::test]
async fn a_dated_exception_replaces_the_weekly_hours_of_its_day() {
    let app = spawn_app();
    let exceptions = json!([
        {"date": "2026-12-25", "closed": true, "note": "Boże Narodzenie"},
        {"date": "2026-12-24", "hours": [{"from": "08:00", "to": "12:00"}], "note": "Wigilia"},
        {"date": "2026-12-19", "hours": [{"from": "10:00", "to": "14:00"}], "note": "Kiermasz"}
    ]);
    let centre = LocationBuilder::new("Dzienny dom").with("exceptions", exceptions).create(&app).await;
    let open = vec![centre["id"].clone()];
    let none: Vec<Value> = Vec::new();
    for (at, expected, why) in [
        ("2026-12-25T10:00:00", &none, "a holiday closes a Friday"),
        ("2026-12-24T11:00:00", &open, "Christmas Eve in its own hours"),
        ("2026-12-24T13:00:00", &none, "Christmas Eve after them, though Thursdays run to 16:00"),
        ("2026-12-19T11:00:00", &open, "a Saturday opened by an exception"),
        ("2026-12-18T13:00:00", &open, "an ordinary Friday"),
    ] {
        assert_eq!(&list(&app, &format!("open_at={at}")).await, expected, "{at}: {why}");
    }
    assert_eq!(
        centre["exceptions"].as_array().unwrap().iter().map(|e| e["date"].clone()).collect::<Vec<_>>(),
        vec![json!("2026-12-19"), json!("2026-12-24"), json!("2026-12-25")],
        "by date"
    );
}

#[actix_web::test]
async fn accessibility_teryt_and_kind_filters_combine() {
    let app = spawn_app();
    let ramp = LocationBuilder::new("Z podjazdem")
        .with("accessibility", json!({"step_free": true, "hearing_loop": true}))
        .create(&app)
        .await;
    let step_free_only = LocationBuilder::new("Bez progów")
        .with("accessibility", json!({"step_free": true}))
        .with("kind", json!("other"))
        .with("address", json!({"building": "2", "postal_code": "27-215", "city": "Wąchock", "teryt": "2611052"}))
        .create(&app)
        .await;
    LocationBuilder::new("Schody").create(&app).await;
    assert_eq!(list(&app, "accessibility=step_free").await, vec![ramp["id"].clone(), step_free_only["id"].clone()]);
    assert_eq!(list(&app, "accessibility=step_free,hearing_loop").await, vec![ramp["id"].clone()]);
    assert_eq!(list(&app, "accessibility=sign_language").await, Vec::<Value>::new());
    assert_eq!(list(&app, "teryt=2611052").await, vec![step_free_only["id"].clone()]);
    assert_eq!(list(&app, "teryt=2611011&accessibility=step_free").await, vec![ramp["id"].clone()]);
    assert_eq!(list(&app, "kind=other").await, vec![step_free_only["id"].clone()]);
    let bad = app.get("/api/v1/locations?accessibility=step_free,lift").await;
    assert_eq!(bad.problem(400, "bad-request")["errors"][0]["field"], "accessibility");
    let page = app.get("/api/v1/locations?limit=2").await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    let next = page.body["next_cursor"].as_str().unwrap();
    assert_eq!(list(&app, &format!("limit=2&cursor={next}")).await.len(), 1, "keyset paging");
}

#[actix_web::test]
async fn offers_are_given_at_the_providers_or_the_cus_active_locations_or_at_home() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Fundacja A", NIPS[0]).create(&app).await;
    let other = ProviderBuilder::new("Fundacja B", NIPS[1]).create(&app).await;
    let service = ServiceBuilder::new("OPI").create_active(&app).await;
    let own = LocationBuilder::of_provider("A", &provider).create(&app).await;
    let cus = LocationBuilder::new("CUS").create(&app).await;
    let theirs = LocationBuilder::of_provider("B", &other).create(&app).await;
    let gone = LocationBuilder::of_provider("A stara", &provider).create(&app).await;
    assert_eq!(app.post(&format!("{}/archive", path_of(&gone))).await.status, 200);
    let offers = format!("/api/v1/providers/{}/offers", provider["id"].as_str().unwrap());

    let unknown = "0193a5f2-0000-7000-8000-0000000000ff";
    let body =
        json!({"service_id": service["id"], "location_ids": [theirs["id"], unknown, gone["id"], own["id"], own["id"]]});
    let refused = app.post_json(&offers, &body).await;
    refused.problem(422, "validation-failed");
    assert_eq!(refused.body["errors"][0]["field"], "location_ids[4]");
    assert_eq!(refused.body["errors"][0]["code"], "duplicate");
    let body = json!({"service_id": service["id"], "location_ids": [theirs["id"], unknown, gone["id"]]});
    let refused = app.post_json(&offers, &body).await;
    refused.problem(422, "validation-failed");
    let codes: Vec<(&str, &str)> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        vec![("location_ids[0]", "other_provider"), ("location_ids[1]", "unknown"), ("location_ids[2]", "archived")]
    );
    assert_eq!(app.get(&offers).await.body, json!([]), "nothing was written");

    let body = json!({"service_id": service["id"], "location_ids": [own["id"], cus["id"]], "at_home": true});
    let created = app.post_json(&offers, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["location_ids"], json!([own["id"], cus["id"]]));
    assert_eq!(created.body["at_home"], true);
    let path = format!("{offers}/{}", created.body["id"].as_str().unwrap());
    let changed = app.patch_json(&path, "\"1\"", &json!({"location_ids": [cus["id"]], "at_home": false})).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!((&changed.body["location_ids"], &changed.body["at_home"]), (&json!([cus["id"]]), &json!(false)));
    let listed = app.get(&offers).await;
    assert_eq!(listed.body[0]["location_ids"], json!([cus["id"]]));
    let moved = app.patch_json(&path, "\"2\"", &json!({"location_ids": [theirs["id"]]})).await;
    assert_eq!(moved.problem(422, "validation-failed")["errors"][0]["code"], "other_provider");
    let removed = app.send(app.request(Method::DELETE, &path).header("if-match", "\"2\"")).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
}

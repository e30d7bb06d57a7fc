//! The service does what its OpenAPI document says, in the cases contract fuzzing (scripts/fuzz)
//! found it did not.

use reqwest::Method;
use serde_json::json;

use crate::builders::{ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{spawn_app, token_for};

#[actix_web::test]
async fn another_method_on_a_known_path_is_a_405_naming_the_allowed_ones() {
    let app = spawn_app();
    for (method, path, allow) in [
        (Method::PUT, "/api/v1/services", "GET, POST"),
        (Method::DELETE, "/health/live", "GET"),
        (Method::PATCH, "/api/v1/providers/export", "GET"),
        (Method::POST, "/api/v1/services/0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41", "GET, PATCH, DELETE"),
    ] {
        let reply = app.send(app.request(method.clone(), path)).await;
        reply.problem(405, "method-not-allowed");
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
    }
    app.send(app.request(Method::PATCH, "/api/v1/services/not-a-uuid")).await.problem(400, "bad-request");
    app.send(app.request(Method::PUT, "/api/v1/nothing-here")).await.problem(404, "not-found");
}

#[actix_web::test]
async fn whole_numbers_count_as_integers_and_out_of_range_ones_are_invalid_content() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Oferent", NIPS[0]).create(&app).await;
    let service = ServiceBuilder::new("OPIEKA").create_active(&app).await;
    let offers = format!("/api/v1/providers/{}/offers", provider["id"].as_str().unwrap());
    for too_big in [json!(10_000_000_000_000_000_000_u64), json!(1e20)] {
        let reply = app.post_json(&offers, &json!({"service_id": service["id"], "capacity_per_month": too_big})).await;
        assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["field"], "capacity_per_month");
    }
    let reply = app.post_json(&offers, &json!({"service_id": service["id"], "capacity_per_month": 400.0})).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["capacity_per_month"], 400);
}

#[actix_web::test]
async fn text_holding_nul_is_refused_before_it_reaches_the_database() {
    let app = spawn_app();
    let body = ServiceBuilder::new("NUL").with("name", json!("Usługa\u{0}")).body().clone();
    let reply = app.post_json("/api/v1/services", &body).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["code"], "invalid_character");
    let reply = app.get("/api/v1/services?q=opieka%00").await;
    assert_eq!(reply.problem(400, "bad-request")["errors"][0]["field"], "q");
}

#[actix_web::test]
async fn a_merge_patch_that_is_not_an_object_is_malformed_whatever_the_precondition() {
    let app = spawn_app();
    let service = ServiceBuilder::new("PATCHED").create(&app).await;
    let path = format!("/api/v1/services/{}", service["id"].as_str().unwrap());
    app.patch_json(&path, "\"999\"", &json!([1])).await.problem(400, "bad-request");
    app.patch_json(&path, "\"999\"", &json!({})).await.problem(412, "precondition-failed");
}

#[actix_web::test]
async fn search_text_may_be_padded_but_not_blank() {
    let app = spawn_app();
    ServiceBuilder::new("OPIEKA").create(&app).await;
    let padded = app.get("/api/v1/services?q=%20opieka%20").await;
    assert_eq!(padded.body["items"].as_array().map(Vec::len), Some(1), "{}", padded.body);
    app.get("/api/v1/services?q=%20%20").await.problem(400, "bad-request");
}

#[actix_web::test]
async fn the_export_is_not_paged() {
    let app = spawn_app();
    let reply = app.get("/api/v1/providers/export?limit=10").await;
    assert_eq!(reply.problem(400, "bad-request")["errors"][0]["field"], "limit");
    assert_eq!(app.get("/api/v1/providers/export?sort=-name").await.status, 200);
}

#[actix_web::test]
async fn plan_items_name_their_provider_and_me_is_only_for_provider_users() {
    let app = spawn_app();
    let kipus = token_for(&["kipus"]);
    let list = |query: &'static str| app.send(app.request_as(Some(&kipus), Method::GET, query));
    list("/api/v1/plan-items").await.problem(400, "bad-request");
    list("/api/v1/plan-items?provider=me").await.problem(422, "validation-failed");
    let reply = list("/api/v1/plan-items?provider=0193a5f2-0000-7000-8000-0000000000ee").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

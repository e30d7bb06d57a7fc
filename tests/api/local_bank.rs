//! The public local bank (`/api/v1/local-bank/...`): active services with the offers of active
//! providers, the funded flag, keyset paging, `updated_since`, cacheable answers, no personal data.

use reqwest::Method;
use serde_json::json;

use crate::builders::{parties, CommissionBuilder, ServiceBuilder, NIPS};
use crate::helpers::{token_for, Reply, TestApp};

async fn anonymous(app: &TestApp, path: &str) -> Reply {
    app.send(app.request_as(None, Method::GET, path)).await
}

#[actix_web::test]
async fn services_carry_offers_of_active_providers_marked_funded_only_under_an_active_commission() {
    let app = crate::helpers::spawn_app();
    let funded = parties(&app, NIPS[0]).await;
    let unfunded = parties(&app, NIPS[1]).await;
    let commission = CommissionBuilder::new("LB/1", &funded.service, &funded.provider).create(&app).await;
    let activate = format!("/api/v1/commissions/{}/activate", commission["id"].as_str().unwrap());
    assert_eq!(app.post(&activate).await.status, 200);
    ServiceBuilder::new("LB-DRAFT").create(&app).await;

    let page = anonymous(&app, "/api/v1/local-bank/services").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "active services only: {}", page.body);
    let of = |service: &serde_json::Value| {
        items.iter().find(|item| item["id"] == service["id"]).unwrap()["offers"][0].clone()
    };
    let offer = of(&funded.service);
    assert_eq!(offer["provider_id"], funded.provider["id"]);
    assert_eq!(offer["provider_name"], funded.provider["name"]);
    assert_eq!(offer["funded_by_cus"], true);
    assert_eq!(of(&unfunded.service)["funded_by_cus"], false);
    assert_eq!(items[0]["status"], "active");
    let text = page.body.to_string();
    for personal in ["contact_persons", "email", "phone"] {
        assert!(!text.contains(personal), "no {personal} in the local bank: {text}");
    }

    let with_token =
        app.send(app.request_as(Some(&token_for(&["director"])), Method::GET, "/api/v1/local-bank/services"));
    assert_eq!(with_token.await.body, page.body, "the same public view for everyone");
}

#[actix_web::test]
async fn pages_follow_the_last_change_and_every_answer_is_cacheable() {
    let app = crate::helpers::spawn_app();
    let mut ids = Vec::new();
    for code in ["LB-A", "LB-B", "LB-C"] {
        ids.push(ServiceBuilder::new(code).create_active(&app).await["id"].clone());
    }
    let first = anonymous(&app, "/api/v1/local-bank/services?limit=2").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.header("cache-control"), Some("public, max-age=300"));
    assert!(first.header("link").unwrap().contains("rel=\"next\""));
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = anonymous(&app, &format!("/api/v1/local-bank/services?limit=2&cursor={cursor}")).await;
    let seen: Vec<_> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second.body["items"].as_array().unwrap())
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(seen, ids);
    assert_eq!(second.body["next_cursor"], json!(null));

    let etag = first.header("etag").unwrap().to_owned();
    let again = app
        .send(app.request_as(None, Method::GET, "/api/v1/local-bank/services?limit=2").header("if-none-match", &etag));
    let again = again.await;
    assert_eq!((again.status, again.header("etag")), (304, Some(etag.as_str())));
    assert_eq!(again.header("cache-control"), Some("public, max-age=300"));

    let newest = anonymous(&app, "/api/v1/local-bank/services?limit=3").await.body["items"][2]["updated_at"].clone();
    let since =
        anonymous(&app, &format!("/api/v1/local-bank/services?updated_since={}", newest.as_str().unwrap())).await;
    assert_eq!(
        since.body["items"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect::<Vec<_>>(),
        vec![ids[2].clone()]
    );
    let bad = anonymous(&app, "/api/v1/local-bank/services?limit=0").await;
    assert_eq!(bad.problem(400, "bad-request")["errors"][0]["field"], "limit");
}

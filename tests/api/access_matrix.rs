//! Role combinations against every operation a provider can reach: the provider role held with
//! any other role is refused, in identity-provider tokens and in cus-api's own alike, and a
//! provider alone reaches only its own provider's records (404 for anyone else's).

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{register_api_client, report_body, CommissionBuilder, ProviderBuilder, NIPS};
use crate::helpers::{idp_claims, provider_token, sign, spawn_app, token_for, Reply, TestApp};
use crate::service_plans::{active_plan, PlanFixture};

/// Every role but `provider`: CUS staff and municipal systems, which a provider's system never is.
const OTHER_ROLES: [&str; 7] = ["director", "ous", "kipus", "osl", "integrator", "auditor", "admin"];

/// One request of an operation that a provider token can reach.
struct Case {
    operation: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

/// The records of provider B (the victim), which provider A must not reach.
struct Victim {
    provider: String,
    resident: String,
    item: String,
    commission: String,
    report: String,
    offer: String,
}

/// B delivers an active plan's item, holds an active commission with a submitted report and an offer.
async fn victim(app: &TestApp) -> Victim {
    let PlanFixture { resident, parties, .. } = active_plan(app).await;
    let items = app.send(app.request_as(Some(&parties.provider_token), Method::GET, "/api/v1/plan-items?provider=me"));
    let item = items.await.body[0]["item"]["id"].as_str().unwrap().to_owned();
    let created = CommissionBuilder::new("V/1", &parties.service, &parties.provider).create(app).await;
    let commission = created["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(&format!("/api/v1/commissions/{commission}/activate")).await.status, 200);
    let reports = format!("/api/v1/commissions/{commission}/reports");
    let body = report_body("partial", "2026-01-01", "2026-03-31", "13000.00");
    let submitted = app
        .send(
            app.request_as(Some(&parties.provider_token), Method::POST, &reports)
                .header("idempotency-key", "victim")
                .json(&body),
        )
        .await;
    assert_eq!(submitted.status, 201, "{}", submitted.body);
    let provider = parties.provider["id"].as_str().unwrap().to_owned();
    let offers = app.get(&format!("/api/v1/providers/{provider}/offers")).await;
    Victim {
        provider,
        resident: resident["id"].as_str().unwrap().to_owned(),
        item,
        commission,
        report: submitted.body["id"].as_str().unwrap().to_owned(),
        offer: offers.body[0]["id"].as_str().unwrap().to_owned(),
    }
}

/// Every operation a provider can reach (the `provider` rules and the public reads a token can
/// widen), each aimed at B's records.
fn cases(victim: &Victim) -> Vec<Case> {
    let provider = format!("/api/v1/providers/{}", victim.provider);
    let commission = format!("/api/v1/commissions/{}", victim.commission);
    let report = format!("{commission}/reports/{}", victim.report);
    let item = format!("/api/v1/plan-items/{}/deliveries", victim.item);
    let offer = format!("{provider}/offers/{}", victim.offer);
    let case = |operation, method, path: String, body: Option<Value>| Case { operation, method, path, body };
    vec![
        case("list_providers", Method::GET, "/api/v1/providers".to_owned(), None),
        case("export_providers", Method::GET, "/api/v1/providers/export".to_owned(), None),
        case("get_provider", Method::GET, provider.clone(), None),
        case(
            "update_provider",
            Method::PATCH,
            provider.clone(),
            Some(json!({"contact": {"phone": "+48 41 000 00 00"}})),
        ),
        case("list_provider_offers", Method::GET, format!("{provider}/offers"), None),
        case(
            "create_provider_offer",
            Method::POST,
            format!("{provider}/offers"),
            Some(json!({"service_id": victim.provider})),
        ),
        case("update_provider_offer", Method::PATCH, offer.clone(), Some(json!({"capacity_per_month": 1}))),
        case("delete_provider_offer", Method::DELETE, offer, None),
        case("list_commissions", Method::GET, "/api/v1/commissions".to_owned(), None),
        case("get_commission", Method::GET, commission.clone(), None),
        case("list_commission_annexes", Method::GET, format!("{commission}/annexes"), None),
        case("get_commission_summary", Method::GET, format!("{commission}/summary"), None),
        case("list_reports", Method::GET, "/api/v1/reports".to_owned(), None),
        case("list_commission_reports", Method::GET, format!("{commission}/reports"), None),
        case(
            "submit_report",
            Method::POST,
            format!("{commission}/reports"),
            Some(report_body("partial", "2026-04-01", "2026-06-30", "1000.00")),
        ),
        case("get_report", Method::GET, report.clone(), None),
        case("list_report_versions", Method::GET, format!("{report}/versions"), None),
        case(
            "correct_report",
            Method::POST,
            format!("{report}/versions"),
            Some(report_body("partial", "2026-01-01", "2026-03-31", "12000.00")),
        ),
        case("list_residents", Method::GET, "/api/v1/residents".to_owned(), None),
        case("get_resident", Method::GET, format!("/api/v1/residents/{}", victim.resident), None),
        case("list_plan_items", Method::GET, format!("/api/v1/plan-items?provider={}", victim.provider), None),
        case("record_delivery", Method::POST, item.clone(), Some(json!({"delivered_on": "2026-12-03", "units": 1}))),
        case("list_deliveries", Method::GET, item, None),
    ]
}

async fn call(app: &TestApp, case: &Case, token: &str) -> Reply {
    let mut request = app.request_as(Some(token), case.method.clone(), &case.path);
    if let Some(body) = &case.body {
        request = request.json(body);
    }
    if case.method == Method::PATCH || case.method == Method::DELETE {
        request = request.header("if-match", "\"1\"");
    }
    if case.method == Method::POST {
        request = request.header("idempotency-key", format!("matrix-{}", uuid::Uuid::now_v7()));
    }
    app.send(request).await
}

/// An identity-provider token and one of cus-api's own, both with these roles and provider A.
fn combined_tokens(app: &TestApp, roles: &[&str], provider: &str) -> [(&'static str, String); 2] {
    let mut claims = idp_claims("combined", roles);
    claims["provider_id"] = json!(provider);
    let idp = sign(&claims, "idp-rsa", Some("idp-rsa-1"));
    claims["iss"] = json!("cus-api");
    claims["aud"] = json!("cus-api");
    [("identity provider", idp), ("own", app.own_token(&claims))]
}

#[actix_web::test]
async fn the_provider_role_with_any_other_role_is_refused_on_every_operation_a_provider_reaches() {
    let app = spawn_app();
    let victim = victim(&app).await;
    let attacker = ProviderBuilder::new("Napastnik", NIPS[3]).create(&app).await;
    let attacker = attacker["id"].as_str().unwrap();
    let cases = cases(&victim);
    for other in OTHER_ROLES {
        for roles in [["provider", other], [other, "provider"]] {
            for (issuer, token) in combined_tokens(&app, &roles, attacker) {
                for case in &cases {
                    let reply = call(&app, case, &token).await;
                    assert_eq!(reply.status, 401, "{} with {roles:?} ({issuer} token): {}", case.operation, reply.body);
                }
            }
        }
    }
    let (issuer, token) = &combined_tokens(&app, &["provider", "integrator"], attacker)[0];
    let reply = app.send(app.request_as(Some(token), Method::GET, "/api/v1/commissions")).await;
    let detail = reply.problem(401, "unauthorized")["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("never combined"), "{issuer}: {detail}");
    let name = app.get(&format!("/api/v1/providers/{}", victim.provider)).await.body["name"].clone();
    assert_eq!(name, format!("Fundacja {}", NIPS[0]), "B is unchanged");
}

#[actix_web::test]
async fn a_provider_reaches_only_its_own_records_and_gets_404_for_anyone_elses() {
    let app = spawn_app();
    let victim = victim(&app).await;
    let attacker = ProviderBuilder::new("Napastnik", NIPS[3]).create(&app).await;
    let token = provider_token(attacker["id"].as_str().unwrap());
    for case in &cases(&victim) {
        let reply = call(&app, case, &token).await;
        let text = reply.body.to_string();
        match case.operation {
            "list_providers" | "export_providers" | "get_provider" | "list_provider_offers" => {
                assert_eq!(reply.status, 200, "{} (public): {}", case.operation, reply.body);
                assert!(!text.contains("Anna Nowak"), "{}: no contact persons of B", case.operation);
            }
            "list_commissions" | "list_reports" | "list_residents" => {
                assert_eq!(reply.status, 200, "{}: {}", case.operation, reply.body);
                assert_eq!(reply.body["items"], json!([]), "{}: nothing of B", case.operation);
            }
            _ => assert_eq!(reply.problem(404, "not-found")["status"], 404, "{}", case.operation),
        }
    }
}

#[actix_web::test]
async fn an_api_client_never_combines_the_provider_role_and_a_legacy_one_gets_no_token() {
    let app = spawn_app();
    let provider = ProviderBuilder::new("Fundacja", NIPS[0]).create(&app).await;
    let admin = token_for(&["admin"]);
    for other in OTHER_ROLES {
        let body = json!({"name": "mixed", "roles": ["provider", other], "provider_id": provider["id"]});
        let reply = app.send(app.request_as(Some(&admin), Method::POST, "/api/v1/api-clients").json(&body)).await;
        reply.problem(422, "validation-failed");
        assert_eq!(reply.error_fields(), vec!["roles"], "{other}");
        assert_eq!(reply.body["errors"][0]["code"], "provider_combined");
    }
    // A client registered before the rule: its stored roles are refused when it asks for a token.
    let (client, secret) = register_api_client(&app, &json!({"name": "old", "roles": ["integrator"]})).await;
    let id = client["id"].as_str().unwrap();
    app.db.execute(&format!(
        "UPDATE api_clients SET roles = '[\"provider\",\"integrator\"]', provider_id = '{}' WHERE id = '{id}'",
        provider["id"].as_str().unwrap()
    ));
    let form = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", &secret)];
    let reply = app.send(app.request_as(None, Method::POST, "/api/v1/auth/token").form(&form)).await;
    reply.problem(401, "unauthorized");
}

//! API clients: registration, the token endpoint, rotation, revocation, rate limiting, the CLI.

use std::process::Command;

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::{register_api_client, ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{spawn_app, spawn_with, token_for, Reply, TestApp, TestDb};

/// Registers a client as admin (approved when it needs to be); returns (client, secret).
async fn register(app: &TestApp, body: Value) -> (Value, String) {
    register_api_client(app, &body).await
}

async fn token_request(app: &TestApp, id: &str, secret: &str) -> Reply {
    let form = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)];
    app.send(app.request_as(None, Method::POST, "/api/v1/auth/token").form(&form)).await
}

fn admin_path(client: &Value, suffix: &str) -> String {
    format!("/api/v1/api-clients/{}{suffix}", client["id"].as_str().unwrap())
}

#[actix_web::test]
async fn a_registered_client_gets_a_token_that_carries_its_roles() {
    let app = spawn_app();
    let (client, secret) = register(&app, json!({"name": "Miejski system finansowy", "roles": ["ous"]})).await;
    assert!(secret.starts_with("cus_") && secret.len() > 40);
    assert_eq!(client["status"], "active");
    let id = client["id"].as_str().unwrap();

    let reply = token_request(&app, id, &secret).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let token = reply.body["access_token"].as_str().unwrap();
    let created = app
        .send(app.request_as(Some(token), Method::POST, "/api/v1/services").json(ServiceBuilder::new("SYS").body()))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);

    // JSON and HTTP Basic work as well.
    let json_reply = app
        .send(
            app.request_as(None, Method::POST, "/api/v1/auth/token")
                .json(&json!({"client_id": id, "client_secret": secret})),
        )
        .await;
    assert_eq!(json_reply.status, 200);
    let basic = app
        .send(
            app.request_as(None, Method::POST, "/api/v1/auth/token")
                .basic_auth(id, Some(&secret))
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    assert_eq!(basic.status, 200, "{}", basic.body);

    let listed = app.send(app.request_as(Some(&token_for(&["admin"])), Method::GET, "/api/v1/api-clients")).await;
    assert_eq!(listed.body["items"][0]["id"], client["id"]);
    assert!(!listed.body.to_string().contains(&secret), "secrets are never listed");
}

#[actix_web::test]
async fn wrong_or_missing_credentials_are_refused() {
    let app = spawn_app();
    let (client, _) = register(&app, json!({"name": "x", "roles": ["integrator"]})).await;
    let id = client["id"].as_str().unwrap();
    token_request(&app, id, "cus_wrong").await.problem(401, "unauthorized");
    token_request(&app, "0193a5f2-0000-7000-8000-000000000009", "cus_wrong").await.problem(401, "unauthorized");
    token_request(&app, "not-a-uuid", "cus_wrong").await.problem(401, "unauthorized");
    let reply = app
        .send(app.request_as(None, Method::POST, "/api/v1/auth/token").form(&[("grant_type", "client_credentials")]))
        .await;
    reply.problem(400, "bad-request");
    assert_eq!(reply.error_fields(), vec!["client_id", "client_secret"]);
    let reply =
        app.send(app.request_as(None, Method::POST, "/api/v1/auth/token").form(&[("grant_type", "password")])).await;
    assert_eq!(reply.problem(400, "bad-request")["errors"][0]["code"], "unsupported_grant_type");
    let reply = app
        .send(app.request_as(None, Method::POST, "/api/v1/auth/token").header("content-type", "text/plain").body("x"))
        .await;
    reply.problem(415, "unsupported-media-type");
}

#[actix_web::test]
async fn rotation_replaces_the_secret_and_revocation_stops_existing_tokens() {
    let app = spawn_app();
    let admin = token_for(&["admin"]);
    let (client, old_secret) = register(&app, json!({"name": "NGO", "roles": ["ous"]})).await;
    let id = client["id"].as_str().unwrap().to_owned();
    let token = token_request(&app, &id, &old_secret).await.body["access_token"].as_str().unwrap().to_owned();

    let rotated = app.send(app.request_as(Some(&admin), Method::POST, &admin_path(&client, "/rotate-secret"))).await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = rotated.body["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);
    token_request(&app, &id, &old_secret).await.problem(401, "unauthorized");
    assert_eq!(token_request(&app, &id, &new_secret).await.status, 200);

    let still_valid = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/services?status=draft")).await;
    assert_eq!(still_valid.status, 200, "tokens issued before a rotation live until they expire");
    let revoked = app.send(app.request_as(Some(&admin), Method::POST, &admin_path(&client, "/revoke"))).await;
    assert_eq!(revoked.body["status"], "revoked");
    assert!(revoked.body["revoked_at"].is_string());
    let refused = app.send(app.request_as(Some(&token), Method::GET, "/api/v1/services")).await;
    refused.problem(401, "unauthorized");
    token_request(&app, &id, &new_secret).await.problem(401, "unauthorized");
    let again = app.send(app.request_as(Some(&admin), Method::POST, &admin_path(&client, "/revoke"))).await;
    again.problem(409, "invalid-state-transition");
    app.send(app.request_as(Some(&admin), Method::POST, &admin_path(&client, "/rotate-secret")))
        .await
        .problem(409, "invalid-state-transition");
}

#[actix_web::test]
async fn repeated_failures_are_rate_limited_per_client() {
    let app = spawn_with(TestDb::new(), &[("CUS_AUTH_MAX_FAILURES", "3")]);
    let (client, secret) = register(&app, json!({"name": "guessed", "roles": ["integrator"]})).await;
    let id = client["id"].as_str().unwrap();
    for _ in 0..3 {
        token_request(&app, id, "cus_guess").await.problem(401, "unauthorized");
    }
    let limited = token_request(&app, id, &secret).await;
    limited.problem(429, "too-many-requests");
    assert_eq!(limited.header("retry-after"), Some("300"));
}

#[actix_web::test]
async fn repeated_failures_are_rate_limited_per_address() {
    let app = spawn_with(TestDb::new(), &[("CUS_AUTH_MAX_FAILURES", "3")]);
    let (client, secret) = register(&app, json!({"name": "innocent", "roles": ["integrator"]})).await;
    for i in 0..3 {
        token_request(&app, &format!("0193a5f2-0000-7000-8000-00000000000{i}"), "cus_guess")
            .await
            .problem(401, "unauthorized");
    }
    token_request(&app, client["id"].as_str().unwrap(), &secret).await.problem(429, "too-many-requests");
}

#[actix_web::test]
async fn client_registration_is_validated_and_never_replays_a_secret() {
    let app = spawn_app();
    let admin = token_for(&["admin"]);
    let create = |body: Value| app.send(app.request_as(Some(&admin), Method::POST, "/api/v1/api-clients").json(&body));
    let reply = create(json!({"roles": ["wizard"], "provider_id": "0193a5f2-0000-7000-8000-0000000000aa"})).await;
    reply.problem(422, "validation-failed");
    assert_eq!(reply.error_fields(), vec!["name", "roles[0]"]);
    let reply = create(json!({"name": "p", "roles": ["provider"]})).await;
    assert_eq!(reply.error_fields(), vec!["provider_id"]);
    let reply =
        create(json!({"name": "p", "roles": ["ous"], "provider_id": "0193a5f2-0000-7000-8000-0000000000aa"})).await;
    assert_eq!(reply.body["errors"][0]["code"], "not_allowed");
    let keyed = app
        .send(
            app.request_as(Some(&admin), Method::POST, "/api/v1/api-clients")
                .header("idempotency-key", "k")
                .json(&json!({"name": "n", "roles": ["ous"]})),
        )
        .await;
    assert_eq!(keyed.problem(400, "bad-request")["errors"][0]["field"], "Idempotency-Key");
    let unknown =
        create(json!({"name": "NGO", "roles": ["provider"], "provider_id": "0193a5f2-0000-7000-8000-0000000000aa"}))
            .await;
    unknown.problem(422, "validation-failed");
    assert_eq!(
        (unknown.error_fields(), &unknown.body["errors"][0]["code"]),
        (vec!["provider_id".to_owned()], &json!("unknown"))
    );
    let registered = ProviderBuilder::new("Fundacja", NIPS[0]).create(&app).await;
    let provider = create(json!({"name": "NGO", "roles": ["provider"], "provider_id": registered["id"]})).await;
    assert_eq!(provider.status, 201, "{}", provider.body);
    assert_eq!(provider.body["client"]["provider_id"], registered["id"]);
    assert_eq!(provider.body["client"]["status"], "active", "a provider client needs no approval");
    let missing = app
        .send(app.request_as(Some(&admin), Method::GET, "/api/v1/api-clients/0193a5f2-0000-7000-8000-000000000009"))
        .await;
    missing.problem(404, "not-found");
}

async fn request_client(app: &TestApp, token: &str, roles: &[&str]) -> (Value, String) {
    let body = json!({"name": "System kadrowy", "roles": roles});
    let reply = app.send(app.request_as(Some(token), Method::POST, "/api/v1/api-clients").json(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    (reply.body["client"].clone(), reply.body["client_secret"].as_str().unwrap().to_owned())
}

async fn approve(app: &TestApp, token: &str, client: &Value) -> Reply {
    app.send(app.request_as(Some(token), Method::POST, &admin_path(client, "/approve"))).await
}

#[actix_web::test]
async fn a_client_with_a_personal_data_role_works_only_once_a_director_approves_it() {
    let app = spawn_app();
    let admin = token_for(&["admin"]);
    let director = token_for(&["director"]);
    for role in ["kipus", "director", "ous", "osl"] {
        let (client, secret) = request_client(&app, &admin, &[role, "integrator"]).await;
        assert_eq!((client["status"].as_str(), client["requested_by"].as_str()), (Some("pending"), Some("user-admin")));
        assert!(client["approved_by"].is_null());
        let id = client["id"].as_str().unwrap();
        let pending = token_request(&app, id, &secret).await;
        let unknown = token_request(&app, "0193a5f2-0000-7000-8000-000000000009", &secret).await;
        assert_eq!(
            pending.problem(401, "unauthorized")["detail"],
            unknown.body["detail"],
            "{role}: no more is revealed"
        );
        approve(&app, &admin, &client).await.problem(403, "forbidden");
        let approved = approve(&app, &director, &client).await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert_eq!(approved.body["status"], "active");
        assert_eq!(approved.body["approved_by"], "user-director");
        assert!(approved.body["approved_at"].is_string());
        assert_eq!(token_request(&app, id, &secret).await.status, 200, "{role}");
        approve(&app, &director, &client).await.problem(409, "invalid-state-transition");
    }
    let (integrator, _) = request_client(&app, &admin, &["integrator", "auditor"]).await;
    assert_eq!(integrator["status"], "active", "no personal data, no approval");
    approve(&app, &director, &integrator).await.problem(409, "invalid-state-transition");

    let events =
        app.send(app.request_as(Some(&token_for(&["auditor"])), Method::GET, "/api/v1/audit-events?limit=200")).await;
    let approvals: Vec<&Value> =
        events.body["items"].as_array().unwrap().iter().filter(|e| e["action"] == "approve_api_client").collect();
    assert!(approvals.iter().any(|e| e["outcome"] == "success" && e["subject"] == "user-director"), "{approvals:?}");
}

#[actix_web::test]
async fn nobody_approves_a_client_it_requested_and_a_pending_one_can_be_withdrawn() {
    let app = spawn_app();
    let both = token_for(&["admin", "director"]);
    let (client, _) = request_client(&app, &both, &["kipus"]).await;
    approve(&app, &both, &client).await.problem(403, "forbidden");
    let approved = approve(&app, &token_for(&["director"]), &client).await;
    assert_eq!(approved.body["approved_by"], "user-director", "{}", approved.body);

    let admin = token_for(&["admin"]);
    let (withdrawn, secret) = request_client(&app, &admin, &["ous"]).await;
    let revoked = app.send(app.request_as(Some(&admin), Method::POST, &admin_path(&withdrawn, "/revoke"))).await;
    assert_eq!(revoked.body["status"], "revoked", "{}", revoked.body);
    approve(&app, &token_for(&["director"]), &withdrawn).await.problem(409, "invalid-state-transition");
    token_request(&app, withdrawn["id"].as_str().unwrap(), &secret).await.problem(401, "unauthorized");
    let pending = app
        .send(app.request_as(Some(&token_for(&["director"])), Method::GET, "/api/v1/api-clients?status=pending"))
        .await;
    assert_eq!(pending.status, 200, "directors list the requests they review: {}", pending.body);
}

/// The shortest of a few failed token requests for each id, in milliseconds, measured in turns so
/// that a busy machine slows all of them alike; the shortest is the request's own cost.
async fn failure_times<const N: usize>(app: &TestApp, ids: [&str; N]) -> [f64; N] {
    let mut shortest = [f64::MAX; N];
    for _ in 0..5 {
        for (i, id) in ids.iter().enumerate() {
            let started = std::time::Instant::now();
            token_request(app, id, "cus_wrong").await.problem(401, "unauthorized");
            shortest[i] = shortest[i].min(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    shortest
}

#[actix_web::test]
async fn an_unknown_client_id_costs_a_secret_verification_like_a_known_one() {
    let app = spawn_with(TestDb::new(), &[("CUS_AUTH_MAX_FAILURES", "1000")]);
    let (client, _) = register(&app, json!({"name": "known", "roles": ["integrator"]})).await;
    let (pending, _) = request_client(&app, &token_for(&["admin"]), &["kipus"]).await;
    let ids = [client["id"].as_str().unwrap(), "0193a5f2-0000-7000-8000-000000000009", pending["id"].as_str().unwrap()];
    let [known, unknown, unapproved] = failure_times(&app, ids).await;
    // Generous: a verification costs tens of milliseconds, a miss without one about one.
    assert!(unknown >= 0.3 * known, "unknown id {unknown:.1} ms vs wrong secret {known:.1} ms");
    assert!(unapproved >= 0.3 * known, "pending client {unapproved:.1} ms vs wrong secret {known:.1} ms");
}

fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cus-api"))
        .args(args)
        .env("DATABASE_URL", app.db.url())
        .env("RUST_LOG", "off")
        .output()
        .expect("run the cus-api binary")
}

#[actix_web::test]
async fn the_cli_registers_clients_and_prints_tokens_for_the_same_database() {
    let app = spawn_app();
    let created = cli(&app, &["clients", "create", "--name", "Lokalny system", "--role", "ous"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let printed: Value = serde_json::from_slice(&created.stdout).expect("JSON on stdout");
    assert_eq!(printed["status"], "active", "the operator at the server approves what it registers");
    let id = printed["client_id"].as_str().unwrap();
    let secret = printed["client_secret"].as_str().unwrap();
    assert_eq!(token_request(&app, id, secret).await.status, 200);

    let token = cli(&app, &["token", "--role", "director", "--ttl", "120"]);
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    assert_eq!(token.matches('.').count(), 2, "only the token is printed");
    let reply = app
        .send(app.request_as(Some(&token), Method::POST, "/api/v1/services").json(ServiceBuilder::new("CLI").body()))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);

    let mixed = cli(
        &app,
        &["token", "--role", "provider", "--role", "ous", "--provider", "0193a5f2-0000-7000-8000-0000000000aa"],
    );
    assert!(!mixed.status.success());
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("never combined"));
    let bad = cli(&app, &["token", "--role", "wizard"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role wizard"));
}

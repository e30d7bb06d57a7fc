//! Who may receive a commission in each mode (public benefit act art. 11, 16a, 19a; social
//! assistance act art. 25; Pzp art. 359-361; own units), at creation and at activation.

use serde_json::{json, Value};

use crate::builders::{CommissionBuilder, ProviderBuilder, ServiceBuilder, NIPS};
use crate::helpers::{spawn_app, TestApp};

/// A provider of this form (and statute flag) that offers the service.
async fn provider(app: &TestApp, index: usize, form: &str, statute: bool, service: &Value) -> Value {
    let provider = ProviderBuilder::new(&format!("Podmiot {form} {statute}"), NIPS[index])
        .with("legal_form", json!(form))
        .with("statutory_art_3_3", json!(statute))
        .create(app)
        .await;
    let offers = format!("/api/v1/providers/{}/offers", provider["id"].as_str().unwrap());
    assert_eq!(app.post_json(&offers, &json!({"service_id": service["id"]})).await.status, 201);
    provider
}

fn commission(reference: &str, service: &Value, provider: &Value, mode: &str) -> CommissionBuilder {
    let builder = CommissionBuilder::new(reference, service, provider).with("mode", json!(mode));
    match mode {
        "open_competition" => builder,
        // Within art. 19a's 10,000 PLN and 90 days, its offer published more than 7 days before signing.
        "small_grant" => builder
            .with("form", Value::Null)
            .with("task_scope", json!("local"))
            .with("offer", json!({"published_on": "2026-01-01"}))
            .with("amount", json!("8000.00"))
            .with("tranches", json!([{"date": "2026-03-01", "amount": "8000.00"}]))
            .with("period", json!({"start": "2026-03-01", "end": "2026-05-29"})),
        _ => builder.with("form", Value::Null),
    }
}

#[actix_web::test]
async fn each_mode_is_commissioned_only_to_the_providers_its_act_admits() {
    let app = spawn_app();
    let service = ServiceBuilder::new("S-MODES").create_active(&app).await;
    let forms = [
        ("foundation", false),
        ("church_legal_person", false),
        ("social_cooperative", false),
        ("social_cooperative", true),
        ("company", false),
        ("public_unit", false),
    ];
    let mut providers = Vec::new();
    for (index, (form, statute)) in forms.into_iter().enumerate() {
        providers.push(provider(&app, index, form, statute, &service).await);
    }
    // Admitted per provider above, in order.
    let modes = [
        ("open_competition", [true, true, false, true, false, false], "public benefit act art. 11, 16a and 19a"),
        ("small_grant", [true, true, false, true, false, false], "public benefit act art. 11, 16a and 19a"),
        ("regranting", [true, true, false, true, false, false], "public benefit act art. 11, 16a and 19a"),
        ("social_assistance_act", [true, true, false, false, false, false], "social assistance act art. 25"),
        ("public_procurement", [true, true, true, true, true, true], ""),
        (
            "own_unit",
            [false, false, false, false, false, true],
            "the centre's own units deliver under the CUS act of 19 July 2019, without an agreement",
        ),
    ];
    for (mode, admitted, basis) in modes {
        for (index, (provider, admitted)) in providers.iter().zip(admitted).enumerate() {
            let reference = format!("{mode}/{index}");
            let reply =
                app.post_json("/api/v1/commissions", commission(&reference, &service, provider, mode).body()).await;
            let form = &forms[index];
            if admitted {
                assert_eq!(reply.status, 201, "{mode} to {form:?}: {}", reply.body);
            } else {
                let problem = reply.problem(409, "provider-not-eligible");
                assert_eq!(problem["legal_basis"], basis, "{mode} to {form:?}");
                assert!(problem["detail"].as_str().unwrap().contains(basis), "{}", problem["detail"]);
            }
        }
    }
}

#[actix_web::test]
async fn activation_checks_the_recipient_again() {
    let app = spawn_app();
    let service = ServiceBuilder::new("S-ACT").create_active(&app).await;
    let cooperative = provider(&app, 0, "social_cooperative", true, &service).await;
    let created = commission("ACT/1", &service, &cooperative, "open_competition").create(&app).await;
    let path = format!("/api/v1/providers/{}", cooperative["id"].as_str().unwrap());
    let current = app.get(&path).await;
    let changed = app.patch_json(&path, current.header("etag").unwrap(), &json!({"statutory_art_3_3": false})).await;
    assert_eq!(changed.body["public_benefit_standing"], "none", "{}", changed.body);
    let activated = app.post(&format!("/api/v1/commissions/{}/activate", created["id"].as_str().unwrap())).await;
    let problem = activated.problem(409, "provider-not-eligible");
    assert_eq!(problem["rule"], "NGOs and art. 3 ust. 3 entities");
}

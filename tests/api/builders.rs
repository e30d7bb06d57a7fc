//! Builders for valid request bodies, so that a test states only what it is about.

use serde_json::{json, Value};

use crate::helpers::{token_for, Reply, TestApp};

/// A valid catalogue entry; override fields with `with`.
pub struct ServiceBuilder {
    body: Value,
}

impl ServiceBuilder {
    pub fn new(code: &str) -> Self {
        ServiceBuilder {
            body: json!({
                "code": code,
                "name": format!("Usługa {code}"),
                "description": "Pomoc w codziennych czynnościach",
                "area": "social_assistance",
                "target_groups": ["person"],
                "delivery_mode": "at_home",
                "unit": "hour",
                "unit_cost": "45.00",
                "fee_rule": {"kind": "free"},
                "eligibility": "Osoby wymagające pomocy",
                "delivered_by": "commissioned"
            }),
        }
    }

    pub fn with(mut self, field: &str, value: Value) -> Self {
        if value.is_null() {
            self.body.as_object_mut().unwrap().remove(field);
        } else {
            self.body[field] = value;
        }
        self
    }

    pub fn body(&self) -> &Value {
        &self.body
    }

    /// Creates the entry and returns the created representation (asserting 201).
    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/services", &self.body).await;
        assert_eq!(reply.status, 201, "create failed: {}", reply.body);
        reply.body
    }

    /// Creates and activates the entry, returning the active representation.
    pub async fn create_active(self, app: &TestApp) -> Value {
        let created = self.create(app).await;
        let reply: Reply = app.post(&format!("/api/v1/services/{}/activate", created["id"].as_str().unwrap())).await;
        assert_eq!(reply.status, 200, "activate failed: {}", reply.body);
        reply.body
    }
}

/// Valid NIPs (checksums computed), one per provider a test needs.
pub const NIPS: [&str; 6] = ["8567346215", "5260250274", "7740001454", "5213017228", "1132853869", "9542583988"];

/// A valid provider (a foundation with a NIP); override fields with `with`.
pub struct ProviderBuilder {
    body: Value,
}

impl ProviderBuilder {
    pub fn new(name: &str, nip: &str) -> Self {
        ProviderBuilder {
            body: json!({
                "name": name,
                "legal_form": "foundation",
                "nip": nip,
                "address": {"street": "ul. Kościelna", "building": "12", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
                "contact": {"email": "biuro@example.org", "phone": "+48 41 274 00 00", "website": "https://example.org"},
                "contact_persons": [{"name": "Anna Nowak", "position": "koordynatorka", "phone": "600 100 200"}],
                "areas": ["social_assistance"],
                "description": "Usługi opiekuńcze"
            }),
        }
    }

    pub fn with(mut self, field: &str, value: Value) -> Self {
        if value.is_null() {
            self.body.as_object_mut().unwrap().remove(field);
        } else {
            self.body[field] = value;
        }
        self
    }

    pub fn body(&self) -> &Value {
        &self.body
    }

    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/providers", &self.body).await;
        assert_eq!(reply.status, 201, "create provider failed: {}", reply.body);
        reply.body
    }
}

/// Registers an API client as an admin and returns its representation (asserting 201).
pub async fn create_api_client(app: &TestApp, name: &str, roles: &[&str]) -> Value {
    let admin = token_for(&["admin"]);
    let request = app.request_as(Some(&admin), reqwest::Method::POST, "/api/v1/api-clients");
    let reply = app.send(request.json(&json!({"name": name, "roles": roles}))).await;
    assert_eq!(reply.status, 201, "create API client failed: {}", reply.body);
    reply.body["client"].clone()
}

//! Builders for valid request bodies, so that a test states only what it is about.

use std::marker::PhantomData;

use serde_json::{json, Value};

use crate::helpers::{token_for, Reply, TestApp};

/// A fixture's request body, built from valid defaults: `with` sets a member (a `null` removes
/// it). The marker type `R` says whose defaults and create calls apply (`ServiceBuilder`, ...).
pub struct Builder<R> {
    body: Value,
    resource: PhantomData<R>,
}

impl<R> Builder<R> {
    fn of(body: Value) -> Self {
        Builder { body, resource: PhantomData }
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
}

/// A valid catalogue entry; override fields with `with`.
pub type ServiceBuilder = Builder<ServiceBody>;

/// Marks a [`Builder`] of a service's body.
pub enum ServiceBody {}

impl Builder<ServiceBody> {
    pub fn new(code: &str) -> Self {
        Builder::of(json!({
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
        }))
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
pub type ProviderBuilder = Builder<ProviderBody>;

/// Marks a [`Builder`] of a provider's body.
pub enum ProviderBody {}

impl Builder<ProviderBody> {
    pub fn new(name: &str, nip: &str) -> Self {
        Builder::of(json!({
            "name": name,
            "legal_form": "foundation",
            "nip": nip,
            "address": {"street": "ul. Kościelna", "building": "12", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
            "contact": {"email": "biuro@example.org", "phone": "+48 41 274 00 00", "website": "https://example.org"},
            "contact_persons": [{"name": "Anna Nowak", "position": "koordynatorka", "phone": "600 100 200"}],
            "areas": ["social_assistance"],
            "description": "Usługi opiekuńcze"
        }))
    }

    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/providers", &self.body).await;
        assert_eq!(reply.status, 201, "create provider failed: {}", reply.body);
        reply.body
    }
}

/// A commission's input for a provider and service; override fields with `with`.
pub type CommissionBuilder = Builder<CommissionBody>;

/// Marks a [`Builder`] of a commission's body.
pub enum CommissionBody {}

impl Builder<CommissionBody> {
    pub fn new(reference: &str, service: &Value, provider: &Value) -> Self {
        Builder::of(json!({
            "reference": reference,
            "title": "Usługi opiekuńcze w miejscu zamieszkania",
            "service_id": service["id"],
            "provider_id": provider["id"],
            "mode": "open_competition",
            "form": "powierzenie",
            "agreement": {"number": format!("UM/{reference}"), "signed_on": "2026-01-15"},
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "amount": "60000.00",
            "tranches": [{"date": "2026-01-20", "amount": "30000.00"}, {"date": "2026-07-01", "amount": "30000.00"}],
            "planned_units": 4800,
            "unit": "hour",
            "planned_recipients": 40,
            "expected_results": [{"indicator": "Godziny usług", "unit": "godzina", "planned_value": 4800}],
            "reporting": {"schedule": "quarterly", "due_days": 30}
        }))
    }

    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/commissions", &self.body).await;
        assert_eq!(reply.status, 201, "create commission failed: {}", reply.body);
        reply.body
    }
}

/// An active service, an active provider offering it, and the provider user's token.
pub struct Parties {
    pub service: Value,
    pub provider: Value,
    pub provider_token: String,
}

pub async fn parties(app: &TestApp, nip: &str) -> Parties {
    parties_with(app, nip, ServiceBuilder::new(&format!("S{}", &nip[..6]))).await
}

/// Parties whose service is the one this builder describes.
pub async fn parties_with(app: &TestApp, nip: &str, service: ServiceBuilder) -> Parties {
    let service = service.create_active(app).await;
    let provider = ProviderBuilder::new(&format!("Fundacja {nip}"), nip).create(app).await;
    let offers = format!("/api/v1/providers/{}/offers", provider["id"].as_str().unwrap());
    let offer = app.post_json(&offers, &json!({"service_id": service["id"]})).await;
    assert_eq!(offer.status, 201, "{}", offer.body);
    let provider_token = crate::helpers::provider_token(provider["id"].as_str().unwrap());
    Parties { service, provider, provider_token }
}

/// An active commission of fresh parties.
pub async fn active_commission(
    app: &TestApp,
    reference: &str,
    nip: &str,
    changes: &[(&str, Value)],
) -> (Value, Parties) {
    let parties = parties(app, nip).await;
    let mut builder = CommissionBuilder::new(reference, &parties.service, &parties.provider);
    for (field, value) in changes {
        builder = builder.with(field, value.clone());
    }
    let created = builder.create(app).await;
    let activated = app.post(&format!("/api/v1/commissions/{}/activate", created["id"].as_str().unwrap())).await;
    assert_eq!(activated.status, 200, "activate failed: {}", activated.body);
    (activated.body, parties)
}

/// A valid report of `grant` PLN (one cost line paid from the grant) for a period.
pub fn report_body(kind: &str, start: &str, end: &str, grant: &str) -> Value {
    json!({
        "kind": kind,
        "period": {"start": start, "end": end},
        "units_delivered": 1200,
        "recipients": {"total": 40, "by_sex": {"female": 25, "male": 15}},
        "results": [{"indicator": "Godziny usług", "achieved_value": 1200, "measured_by": "karty pracy"}],
        "activities": {"description": "Usługi opiekuńcze u 40 osób", "deviations": "brak"},
        "cost_lines": [{"section": "activity", "name": "Wynagrodzenia", "planned": grant, "actual": grant, "from_grant": grant}],
        "funding": {"grant": grant},
        "volunteer_hours": 12
    })
}

/// Registers an API client as an admin and, when its roles need it, has a director approve it;
/// returns the (active) client and its secret.
pub async fn register_api_client(app: &TestApp, body: &Value) -> (Value, String) {
    let admin = token_for(&["admin"]);
    let request = app.request_as(Some(&admin), reqwest::Method::POST, "/api/v1/api-clients");
    let reply = app.send(request.json(body)).await;
    assert_eq!(reply.status, 201, "create API client failed: {}", reply.body);
    let (mut client, secret) = (reply.body["client"].clone(), reply.body["client_secret"].as_str().unwrap().to_owned());
    if client["status"] == "pending" {
        let path = format!("/api/v1/api-clients/{}/approve", client["id"].as_str().unwrap());
        let approved = app.send(app.request_as(Some(&token_for(&["director"])), reqwest::Method::POST, &path)).await;
        assert_eq!(approved.status, 200, "approve API client failed: {}", approved.body);
        client = approved.body;
    }
    (client, secret)
}

/// Registers an (active) API client with these roles and returns its representation.
pub async fn create_api_client(app: &TestApp, name: &str, roles: &[&str]) -> Value {
    register_api_client(app, &json!({"name": name, "roles": roles})).await.0
}

/// A small grant (art. 19a) of `amount` PLN for a period, paid in one tranche on its first day,
/// local, its offer published on 2026-01-01 and its agreement signed after the 7 days of it.
pub fn small_grant(reference: &str, parties: &Parties, period: (&str, &str), amount: &str) -> CommissionBuilder {
    CommissionBuilder::new(reference, &parties.service, &parties.provider)
        .with("mode", json!("small_grant"))
        .with("form", Value::Null)
        .with("task_scope", json!("local"))
        .with("offer", json!({"published_on": "2026-01-01", "remarks": "Brak uwag"}))
        .with("amount", json!(amount))
        .with("tranches", json!([{"date": period.0, "amount": amount}]))
        .with("period", json!({"start": period.0, "end": period.1}))
}

/// Records the grants planned for NGOs in a budget year (the base of the small grants' 20% share).
pub async fn plan_grant_year(app: &TestApp, year: i32, planned: &str) {
    let path = format!("/api/v1/settings/grant-years/{year}");
    let reply = app.send(app.request(reqwest::Method::PUT, &path).json(&json!({"planned_ngo_grants": planned}))).await;
    assert_eq!(reply.status, 201, "plan grant year failed: {}", reply.body);
}

/// A valid municipality served by agreement (porozumienie międzygminne); `founder` for the
/// founding gmina. Override fields with `with`.
pub type MunicipalityBuilder = Builder<MunicipalityBody>;

/// Marks a [`Builder`] of a municipality's body.
pub enum MunicipalityBody {}

impl Builder<MunicipalityBody> {
    pub fn new(teryt: &str, name: &str) -> Self {
        Builder::of(json!({
            "teryt": teryt,
            "name": name,
            "role": "agreement_party",
            "agreement": {"number": format!("POR/{teryt}"), "signed_on": "2026-01-15",
                "period": {"start": "2026-02-01", "end": "2028-12-31"}},
            "population": {"count": 47500, "as_of": "2025-12-31"}
        }))
    }

    pub fn founder(teryt: &str, name: &str) -> Self {
        Self::new(teryt, name).with("role", json!("founder")).with("agreement", Value::Null)
    }

    /// Registers the municipality and returns it (asserting 201).
    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/municipalities", &self.body).await;
        assert_eq!(reply.status, 201, "create municipality failed: {}", reply.body);
        reply.body
    }

    /// Registers the municipality unless its TERYT code already is, for fixtures that create
    /// several residents of one gmina.
    pub async fn ensure(self, app: &TestApp) {
        let reply = app.post_json("/api/v1/municipalities", &self.body).await;
        if reply.status != 201 {
            reply.problem(409, "duplicate-teryt");
        }
    }
}

/// A SHA-256 in the form a diagnosis' document takes (of the text "test").
pub const DOCUMENT_SHA256: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A diagnosis complete enough to adopt, covering the given municipalities; override fields with
/// `with` (a `null` removes one).
pub type DiagnosisBuilder = Builder<DiagnosisBody>;

/// Marks a [`Builder`] of a diagnosis's body.
pub enum DiagnosisBody {}

impl Builder<DiagnosisBody> {
    pub fn new(municipalities: &[&Value]) -> Self {
        let ids: Vec<&Value> = municipalities.iter().map(|m| &m["id"]).collect();
        Builder::of(json!({
            "title": "Diagnoza potrzeb i potencjału 2026",
            "municipality_ids": ids,
            "methods": ["analiza danych zastanych", "ankieta", "wywiady"],
            "consultation": {"from": "2026-03-01", "to": "2026-03-21", "how": "Ankieta online i spotkanie otwarte"},
            "document": {"url": "https://bip.example.pl/diagnoza-2026.pdf", "sha256": DOCUMENT_SHA256},
            "needs": [{"area": "social_assistance", "target_group": "special_needs_group",
                "indicator": "Osoby 75+ mieszkające samotnie", "value": "412", "source": "GUS BDL 2025"}],
            "resources": ["12 organizacji pozarządowych", "Klub Seniora"],
            "gaps": ["brak opieki wytchnieniowej"]
        }))
    }

    /// Creates the draft and returns it (asserting 201).
    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/diagnoses", &self.body).await;
        assert_eq!(reply.status, 201, "create diagnosis failed: {}", reply.body);
        reply.body
    }

    /// Creates and adopts the diagnosis on `adopted_on`, returning the adopted representation.
    pub async fn create_adopted(self, app: &TestApp, adopted_on: &str) -> Value {
        let created = self.create(app).await;
        let path = format!("/api/v1/diagnoses/{}/adopt", created["id"].as_str().unwrap());
        let reply = app.post_json(&path, &json!({"adopted_on": adopted_on})).await;
        assert_eq!(reply.status, 200, "adopt diagnosis failed: {}", reply.body);
        reply.body
    }
}

/// A programme of one municipality on an adopted diagnosis, offering the given catalogue services,
/// with its resolution and publication, so that it can go all the way to `in_force`; override
/// fields with `with` (a `null` removes one).
pub type ProgrammeBuilder = Builder<ProgrammeBody>;

/// Marks a [`Builder`] of a programme's body.
pub enum ProgrammeBody {}

impl Builder<ProgrammeBody> {
    pub fn new(municipality: &Value, diagnosis: &Value, services: &[&Value]) -> Self {
        let services: Vec<Value> = services.iter().map(|service| programme_service(service)).collect();
        Builder::of(json!({
            "municipality_id": municipality["id"],
            "title": "Program usług społecznych 2027-2029",
            "diagnosis_id": diagnosis["id"],
            "period": {"start": "2027-01-01", "end": "2029-12-31"},
            "resolution": {"number": "XII/145/2026", "adopted_on": "2026-06-25"},
            "publication": {"year": 2026, "position": 3412},
            "in_force_from": "2027-01-01",
            "consultation": {"from": "2026-05-01", "to": "2026-05-21", "summary": "14 uwag, 9 uwzględnionych"},
            "services": services
        }))
    }

    /// Creates the draft and returns it (asserting 201).
    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/programmes", &self.body).await;
        assert_eq!(reply.status, 201, "create programme failed: {}", reply.body);
        reply.body
    }

    /// Creates the programme and runs it through `actions` (each asserting 200), returning the last state.
    pub async fn create_through(self, app: &TestApp, actions: &[&str]) -> Value {
        let mut programme = self.create(app).await;
        for action in actions {
            let path = format!("/api/v1/programmes/{}/{action}", programme["id"].as_str().unwrap());
            let reply = app.post(&path).await;
            assert_eq!(reply.status, 200, "{action} programme failed: {}", reply.body);
            programme = reply.body;
        }
        programme
    }
}

/// The terms a programme offers a catalogue service under, in a programme body.
pub fn programme_service(service: &Value) -> Value {
    json!({
        "service_id": service["id"],
        "target_groups": ["person", "special_needs_group"],
        "access_criteria": {"age_min": 60, "age_max": 120, "disability_certificate_required": false,
            "income_threshold_per_person": "1823.00", "residence_required": true, "notes": "Pierwszeństwo dla osób samotnych"},
        "how_to_apply": {"where": "Punkt informacyjny CUS", "documents": ["wniosek", "zaświadczenie lekarskie"]},
        "capacity": {"kind": "places", "value": 25},
        "quality_standard": "Standard usług opiekuńczych CUS 2026",
        "fee_rule": null
    })
}

/// A valid location run by the CUS (a day centre open Monday to Friday 08:00-16:00 in
/// Starachowice); override fields with `with`.
pub type LocationBuilder = Builder<LocationBody>;

/// Marks a [`Builder`] of a location's body.
pub enum LocationBody {}

impl Builder<LocationBody> {
    pub fn new(name: &str) -> Self {
        let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];
        Builder::of(json!({
            "name": name,
            "kind": "day_centre",
            "address": {"street": "ul. Radomska", "building": "45", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
            "opening_hours": weekdays.map(|day| json!({"day": day, "from": "08:00", "to": "16:00"})),
            "contact": {"phone": "+48 41 273 00 00"}
        }))
    }

    /// Provider premises run by `provider`.
    pub fn of_provider(name: &str, provider: &Value) -> Self {
        Self::new(name).with("kind", json!("provider_premises")).with("provider_id", provider["id"].clone())
    }

    /// Creates the location as the OUS and returns it (asserting 201).
    pub async fn create(self, app: &TestApp) -> Value {
        let reply = app.post_json("/api/v1/locations", &self.body).await;
        assert_eq!(reply.status, 201, "create location failed: {}", reply.body);
        reply.body
    }
}

/// The TERYT code of the municipality the test residents live in (Starachowice).
const RESIDENTS_TERYT: &str = "2611011";

/// Puts in force, in the residents' municipality (registered if need be), a programme of social
/// services for 2026-2028 offering services under these terms (`programme_service` ones, or
/// changed), so that plan items of them are granted. Returns the programme.
pub async fn programme_in_force(app: &TestApp, terms: Vec<Value>) -> Value {
    MunicipalityBuilder::new(RESIDENTS_TERYT, "Starachowice").ensure(app).await;
    let found = app.get("/api/v1/municipalities?q=starachowice").await;
    let gmina = found.body["items"][0].clone();
    assert_eq!(gmina["teryt"], RESIDENTS_TERYT, "{}", found.body);
    let diagnosis = DiagnosisBuilder::new(&[&gmina]).create_adopted(app, "2025-10-01").await;
    ProgrammeBuilder::new(&gmina, &diagnosis, &[])
        .with("title", json!("Program usług społecznych 2026-2028"))
        .with("period", json!({"start": "2026-01-01", "end": "2028-12-31"}))
        .with("resolution", json!({"number": "XI/120/2025", "adopted_on": "2025-12-15"}))
        .with("publication", json!({"year": 2025, "position": 4120}))
        .with("in_force_from", json!("2026-01-01"))
        .with("consultation", json!({"from": "2025-11-01", "to": "2025-11-21", "summary": "6 uwag"}))
        .with("services", Value::Array(terms))
        .create_through(app, &["consult", "adopt", "put-in-force"])
        .await
}

/// Parties whose service a programme in force in the residents' municipality offers (see
/// `programme_in_force`), for plans.
pub async fn plan_parties(app: &TestApp, nip: &str) -> Parties {
    plan_parties_with(app, nip, ServiceBuilder::new(&format!("S{}", &nip[..6]))).await
}

/// `plan_parties` with the service this builder describes.
pub async fn plan_parties_with(app: &TestApp, nip: &str, service: ServiceBuilder) -> Parties {
    let parties = parties_with(app, nip, service).await;
    programme_in_force(app, vec![programme_service(&parties.service)]).await;
    parties
}

//! Authentication and the authorisation matrix: every operation, every role, every kind of bad token.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::ServiceBuilder;
use crate::helpers::{idp_claims, provider_token, sign, spawn_app, spawn_with, token_for, TestApp, TestDb};

const ROLES: [&str; 8] = ["director", "ous", "kipus", "osl", "provider", "integrator", "auditor", "admin"];
/// The catalogue and the registry: not the admin, who manages accounts and API clients.
const MANAGERS: &[&str] = &["ous", "director"];
const MANAGERS_AND_PROVIDER: &[&str] = &["ous", "director", "provider"];
/// Who reads the centre's settings: the staff.
const SETTINGS_READERS: &[&str] = &["director", "ous", "kipus", "osl", "auditor"];
const GRANT_YEAR: &str = "/api/v1/settings/grant-years/2026";
const COMMISSION_MANAGERS: &[&str] = &["ous", "director"];
const CASE_WORKERS: &[&str] = &["kipus", "director"];
const RESIDENT_READERS: &[&str] = &["kipus", "director", "ous", "provider"];
const PLAN_READERS: &[&str] = &["kipus", "director", "ous"];
const COMMISSION_READERS: &[&str] = &["ous", "director", "kipus", "integrator", "auditor", "provider"];
/// Diagnoses and programmes hold no personal data: staff and municipal systems read them, not
/// providers or admins.
const DIAGNOSIS_READERS: &[&str] = &["director", "ous", "kipus", "osl", "integrator", "auditor"];

/// Ids no record has: authorisation is decided before the record is looked up.
const COMMISSION: &str = "/api/v1/commissions/0193a5f2-0000-7000-8000-0000000000c9";
const REPORT: &str =
    "/api/v1/commissions/0193a5f2-0000-7000-8000-0000000000c9/reports/0193a5f2-0000-7000-8000-0000000000e9";

const RESIDENT: &str = "/api/v1/residents/0193a5f2-0000-7000-8000-000000000a09";
const MUNICIPALITY: &str = "/api/v1/municipalities/0193a5f2-0000-7000-8000-000000000a0c";
const DIAGNOSIS: &str = "/api/v1/diagnoses/0193a5f2-0000-7000-8000-000000000a0d";
const LOCATION: &str = "/api/v1/locations/0193a5f2-0000-7000-8000-000000000a0f";
const PROGRAMME: &str = "/api/v1/programmes/0193a5f2-0000-7000-8000-000000000a0e";
const FEE_ASSESSMENT: &str = "/api/v1/fee-assessments/0193a5f2-0000-7000-8000-000000000a0f";
const PLAN: &str = "/api/v1/service-plans/0193a5f2-0000-7000-8000-000000000b09";
const ITEM: &str = "/api/v1/plan-items/0193a5f2-0000-7000-8000-000000000d09";
const MEMBER: &str = "/api/v1/time-bank/members/0193a5f2-0000-7000-8000-000000000a11";
const TRANSFER: &str = "/api/v1/time-bank/transfers/0193a5f2-0000-7000-8000-000000000a12";
/// The time bank: the community organiser and the director keep it; the auditor reads it.
const TIME_BANK_KEEPERS: &[&str] = &["osl", "director"];
const TIME_BANK_READERS: &[&str] = &["osl", "director", "auditor"];
const HSDS_ID: &str = "0193a5f2-0000-7000-8000-000000000a10";

/// Who may call an operation, written out independently of the service's own table.
enum Allowed {
    /// No token needed; any valid token is accepted too.
    Public,
    /// Tokens are not read (probes, the token endpoint).
    IgnoresTokens,
    Roles(&'static [&'static str]),
}

struct Case {
    operation: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: Allowed,
}

/// Every operation of the API with a request that passes authorisation when allowed.
/// Also returns the provider whose user the `provider` role stands for.
async fn matrix(app: &TestApp) -> (Vec<Case>, String) {
    let service = ServiceBuilder::new("MATRIX").create(app).await;
    let service_path = format!("/api/v1/services/{}", service["id"].as_str().unwrap());
    let client = crate::builders::create_api_client(app, "matrix", &["integrator"]).await;
    let client_path = format!("/api/v1/api-clients/{}", client["id"].as_str().unwrap());
    let provider = crate::builders::ProviderBuilder::new("Matrix", crate::builders::NIPS[0]).create(app).await;
    let provider_path = format!("/api/v1/providers/{}", provider["id"].as_str().unwrap());
    let offer_path = format!("{provider_path}/offers/0193a5f2-0000-7000-8000-0000000000f1");
    let own_provider = provider["id"].as_str().unwrap().to_owned();
    let case = |operation, method, path: &str, body: Option<Value>, allowed| Case {
        operation,
        method,
        path: path.to_owned(),
        body,
        allowed,
    };
    let cases = vec![
        case("health_live", Method::GET, "/health/live", None, Allowed::IgnoresTokens),
        case("health_ready", Method::GET, "/health/ready", None, Allowed::IgnoresTokens),
        case("metrics", Method::GET, "/metrics", None, Allowed::IgnoresTokens),
        case("issue_token", Method::POST, "/api/v1/auth/token", None, Allowed::IgnoresTokens),
        case("list_services", Method::GET, "/api/v1/services", None, Allowed::Public),
        case("get_service", Method::GET, &service_path, None, Allowed::Public),
        case("create_service", Method::POST, "/api/v1/services", Some(json!({})), Allowed::Roles(MANAGERS)),
        case("update_service", Method::PATCH, &service_path, Some(json!({})), Allowed::Roles(MANAGERS)),
        case("delete_service", Method::DELETE, &service_path, None, Allowed::Roles(MANAGERS)),
        case("activate_service", Method::POST, &format!("{service_path}/activate"), None, Allowed::Roles(MANAGERS)),
        case("retire_service", Method::POST, &format!("{service_path}/retire"), None, Allowed::Roles(MANAGERS)),
        case("list_providers", Method::GET, "/api/v1/providers", None, Allowed::Public),
        case("export_providers", Method::GET, "/api/v1/providers/export", None, Allowed::Public),
        case("import_providers", Method::POST, "/api/v1/providers/import", Some(json!([])), Allowed::Roles(MANAGERS)),
        case("create_provider", Method::POST, "/api/v1/providers", Some(json!({})), Allowed::Roles(MANAGERS)),
        case("get_provider", Method::GET, &provider_path, None, Allowed::Public),
        case("update_provider", Method::PATCH, &provider_path, Some(json!({})), Allowed::Roles(MANAGERS_AND_PROVIDER)),
        case("activate_provider", Method::POST, &format!("{provider_path}/activate"), None, Allowed::Roles(MANAGERS)),
        case("suspend_provider", Method::POST, &format!("{provider_path}/suspend"), None, Allowed::Roles(MANAGERS)),
        case("archive_provider", Method::POST, &format!("{provider_path}/archive"), None, Allowed::Roles(MANAGERS)),
        case("list_provider_offers", Method::GET, &format!("{provider_path}/offers"), None, Allowed::Public),
        case(
            "create_provider_offer",
            Method::POST,
            &format!("{provider_path}/offers"),
            Some(json!({})),
            Allowed::Roles(MANAGERS_AND_PROVIDER),
        ),
        case(
            "update_provider_offer",
            Method::PATCH,
            &offer_path,
            Some(json!({})),
            Allowed::Roles(MANAGERS_AND_PROVIDER),
        ),
        case("delete_provider_offer", Method::DELETE, &offer_path, None, Allowed::Roles(MANAGERS_AND_PROVIDER)),
        case("list_commissions", Method::GET, "/api/v1/commissions", None, Allowed::Roles(COMMISSION_READERS)),
        case(
            "create_commission",
            Method::POST,
            "/api/v1/commissions",
            Some(json!({})),
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case("get_commission", Method::GET, COMMISSION, None, Allowed::Roles(COMMISSION_READERS)),
        case("update_commission", Method::PATCH, COMMISSION, Some(json!({})), Allowed::Roles(COMMISSION_MANAGERS)),
        case(
            "activate_commission",
            Method::POST,
            &format!("{COMMISSION}/activate"),
            None,
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case(
            "suspend_commission",
            Method::POST,
            &format!("{COMMISSION}/suspend"),
            None,
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case(
            "resume_commission",
            Method::POST,
            &format!("{COMMISSION}/resume"),
            None,
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case(
            "complete_commission",
            Method::POST,
            &format!("{COMMISSION}/complete"),
            None,
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case(
            "terminate_commission",
            Method::POST,
            &format!("{COMMISSION}/terminate"),
            Some(json!({"reason": "x"})),
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case(
            "list_commission_annexes",
            Method::GET,
            &format!("{COMMISSION}/annexes"),
            None,
            Allowed::Roles(COMMISSION_READERS),
        ),
        case(
            "create_commission_annex",
            Method::POST,
            &format!("{COMMISSION}/annexes"),
            Some(json!({})),
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case(
            "get_commission_summary",
            Method::GET,
            &format!("{COMMISSION}/summary"),
            None,
            Allowed::Roles(COMMISSION_READERS),
        ),
        case("list_reports", Method::GET, "/api/v1/reports", None, Allowed::Roles(COMMISSION_READERS)),
        case(
            "list_commission_reports",
            Method::GET,
            &format!("{COMMISSION}/reports"),
            None,
            Allowed::Roles(COMMISSION_READERS),
        ),
        case(
            "submit_report",
            Method::POST,
            &format!("{COMMISSION}/reports"),
            Some(json!({})),
            Allowed::Roles(&["provider"]),
        ),
        case("get_report", Method::GET, REPORT, None, Allowed::Roles(COMMISSION_READERS)),
        case(
            "list_report_versions",
            Method::GET,
            &format!("{REPORT}/versions"),
            None,
            Allowed::Roles(COMMISSION_READERS),
        ),
        case(
            "correct_report",
            Method::POST,
            &format!("{REPORT}/versions"),
            Some(json!({})),
            Allowed::Roles(&["provider"]),
        ),
        case("accept_report", Method::POST, &format!("{REPORT}/accept"), None, Allowed::Roles(COMMISSION_MANAGERS)),
        case(
            "return_report",
            Method::POST,
            &format!("{REPORT}/return"),
            Some(json!({})),
            Allowed::Roles(COMMISSION_MANAGERS),
        ),
        case("get_grant_year", Method::GET, GRANT_YEAR, None, Allowed::Roles(SETTINGS_READERS)),
        case("put_grant_year", Method::PUT, GRANT_YEAR, Some(json!({})), Allowed::Roles(COMMISSION_MANAGERS)),
        case("list_authorisations", Method::GET, "/api/v1/authorisations", None, Allowed::Roles(&["director", "ous"])),
        case(
            "get_authorisation",
            Method::GET,
            &format!("/api/v1/authorisations/{}", uuid::Uuid::now_v7()),
            None,
            Allowed::Roles(&["director", "ous"]),
        ),
        case(
            "create_authorisation",
            Method::POST,
            "/api/v1/authorisations",
            Some(json!({})),
            Allowed::Roles(&["director"]),
        ),
        case(
            "revoke_authorisation",
            Method::POST,
            &format!("/api/v1/authorisations/{}/revoke", uuid::Uuid::now_v7()),
            None,
            Allowed::Roles(&["director"]),
        ),
        case("list_municipalities", Method::GET, "/api/v1/municipalities", None, Allowed::Public),
        case("get_municipality", Method::GET, MUNICIPALITY, None, Allowed::Public),
        case("list_local_bank_services", Method::GET, "/api/v1/local-bank/services", None, Allowed::Public),
        case("get_hsds_root", Method::GET, "/hsds", None, Allowed::Public),
        case("list_hsds_services", Method::GET, "/hsds/services", None, Allowed::Public),
        case("get_hsds_service", Method::GET, &format!("/hsds/services/{HSDS_ID}"), None, Allowed::Public),
        case("list_hsds_organizations", Method::GET, "/hsds/organizations", None, Allowed::Public),
        case("get_hsds_organization", Method::GET, &format!("/hsds/organizations/{HSDS_ID}"), None, Allowed::Public),
        case("list_hsds_locations", Method::GET, "/hsds/locations", None, Allowed::Public),
        case("get_hsds_location", Method::GET, &format!("/hsds/locations/{HSDS_ID}"), None, Allowed::Public),
        case("list_hsds_service_at_locations", Method::GET, "/hsds/service_at_locations", None, Allowed::Public),
        case(
            "get_hsds_service_at_location",
            Method::GET,
            &format!("/hsds/service_at_locations/{HSDS_ID}"),
            None,
            Allowed::Public,
        ),
        case("list_hsds_taxonomies", Method::GET, "/hsds/taxonomies", None, Allowed::Public),
        case("get_hsds_taxonomy", Method::GET, &format!("/hsds/taxonomies/{HSDS_ID}"), None, Allowed::Public),
        case("list_hsds_taxonomy_terms", Method::GET, "/hsds/taxonomy_terms", None, Allowed::Public),
        case("get_hsds_taxonomy_term", Method::GET, &format!("/hsds/taxonomy_terms/{HSDS_ID}"), None, Allowed::Public),
        case("create_municipality", Method::POST, "/api/v1/municipalities", Some(json!({})), Allowed::Roles(MANAGERS)),
        case("update_municipality", Method::PATCH, MUNICIPALITY, Some(json!({})), Allowed::Roles(MANAGERS)),
        case(
            "activate_municipality",
            Method::POST,
            &format!("{MUNICIPALITY}/activate"),
            None,
            Allowed::Roles(MANAGERS),
        ),
        case(
            "deactivate_municipality",
            Method::POST,
            &format!("{MUNICIPALITY}/deactivate"),
            None,
            Allowed::Roles(MANAGERS),
        ),
        case("list_diagnoses", Method::GET, "/api/v1/diagnoses", None, Allowed::Roles(DIAGNOSIS_READERS)),
        case("get_diagnosis", Method::GET, DIAGNOSIS, None, Allowed::Roles(DIAGNOSIS_READERS)),
        case("create_diagnosis", Method::POST, "/api/v1/diagnoses", Some(json!({})), Allowed::Roles(MANAGERS)),
        case("update_diagnosis", Method::PATCH, DIAGNOSIS, Some(json!({})), Allowed::Roles(MANAGERS)),
        case("adopt_diagnosis", Method::POST, &format!("{DIAGNOSIS}/adopt"), None, Allowed::Roles(MANAGERS)),
        case("supersede_diagnosis", Method::POST, &format!("{DIAGNOSIS}/supersede"), None, Allowed::Roles(MANAGERS)),
        case("list_programmes", Method::GET, "/api/v1/programmes", None, Allowed::Roles(DIAGNOSIS_READERS)),
        case("get_programme", Method::GET, PROGRAMME, None, Allowed::Roles(DIAGNOSIS_READERS)),
        case("create_programme", Method::POST, "/api/v1/programmes", Some(json!({})), Allowed::Roles(MANAGERS)),
        case("update_programme", Method::PATCH, PROGRAMME, Some(json!({})), Allowed::Roles(MANAGERS)),
        case("consult_programme", Method::POST, &format!("{PROGRAMME}/consult"), None, Allowed::Roles(MANAGERS)),
        case("adopt_programme", Method::POST, &format!("{PROGRAMME}/adopt"), None, Allowed::Roles(MANAGERS)),
        case(
            "put_programme_in_force",
            Method::POST,
            &format!("{PROGRAMME}/put-in-force"),
            None,
            Allowed::Roles(MANAGERS),
        ),
        case("expire_programme", Method::POST, &format!("{PROGRAMME}/expire"), None, Allowed::Roles(MANAGERS)),
        case("repeal_programme", Method::POST, &format!("{PROGRAMME}/repeal"), None, Allowed::Roles(MANAGERS)),
        case("list_fee_assessments", Method::GET, "/api/v1/fee-assessments", None, Allowed::Roles(CASE_WORKERS)),
        case("get_fee_assessment", Method::GET, FEE_ASSESSMENT, None, Allowed::Roles(CASE_WORKERS)),
        case(
            "create_fee_assessment",
            Method::POST,
            "/api/v1/fee-assessments",
            Some(json!({})),
            Allowed::Roles(CASE_WORKERS),
        ),
        case(
            "amend_programme",
            Method::POST,
            &format!("{PROGRAMME}/amendments"),
            Some(json!({})),
            Allowed::Roles(MANAGERS),
        ),
        case(
            "list_programme_versions",
            Method::GET,
            &format!("{PROGRAMME}/versions"),
            None,
            Allowed::Roles(DIAGNOSIS_READERS),
        ),
        case(
            "get_programme_version",
            Method::GET,
            &format!("{PROGRAMME}/versions/1"),
            None,
            Allowed::Roles(DIAGNOSIS_READERS),
        ),
        case(
            "list_programme_services",
            Method::GET,
            &format!("{PROGRAMME}/services"),
            None,
            Allowed::Roles(DIAGNOSIS_READERS),
        ),
        case(
            "list_service_programmes",
            Method::GET,
            "/api/v1/services/0193a5f2-0000-7000-8000-000000000a0e/programmes",
            None,
            Allowed::Roles(DIAGNOSIS_READERS),
        ),
        case("list_residents", Method::GET, "/api/v1/residents", None, Allowed::Roles(RESIDENT_READERS)),
        case(
            "search_residents",
            Method::POST,
            "/api/v1/residents/search",
            Some(json!({"name": "x"})),
            Allowed::Roles(CASE_WORKERS),
        ),
        case("list_locations", Method::GET, "/api/v1/locations", None, Allowed::Public),
        case("get_location", Method::GET, LOCATION, None, Allowed::Public),
        case(
            "create_location",
            Method::POST,
            "/api/v1/locations",
            Some(json!({})),
            Allowed::Roles(MANAGERS_AND_PROVIDER),
        ),
        case("update_location", Method::PATCH, LOCATION, Some(json!({})), Allowed::Roles(MANAGERS_AND_PROVIDER)),
        case(
            "archive_location",
            Method::POST,
            &format!("{LOCATION}/archive"),
            None,
            Allowed::Roles(MANAGERS_AND_PROVIDER),
        ),
        case(
            "activate_location",
            Method::POST,
            &format!("{LOCATION}/activate"),
            None,
            Allowed::Roles(MANAGERS_AND_PROVIDER),
        ),
        case(
            "list_time_bank_members",
            Method::GET,
            "/api/v1/time-bank/members",
            None,
            Allowed::Roles(TIME_BANK_READERS),
        ),
        case("get_time_bank_member", Method::GET, MEMBER, None, Allowed::Roles(TIME_BANK_READERS)),
        case(
            "create_time_bank_member",
            Method::POST,
            "/api/v1/time-bank/members",
            Some(json!({})),
            Allowed::Roles(TIME_BANK_KEEPERS),
        ),
        case("leave_time_bank", Method::POST, &format!("{MEMBER}/leave"), None, Allowed::Roles(TIME_BANK_KEEPERS)),
        case("rejoin_time_bank", Method::POST, &format!("{MEMBER}/rejoin"), None, Allowed::Roles(TIME_BANK_KEEPERS)),
        case(
            "list_time_bank_transfers",
            Method::GET,
            "/api/v1/time-bank/transfers",
            None,
            Allowed::Roles(TIME_BANK_READERS),
        ),
        case("get_time_bank_transfer", Method::GET, TRANSFER, None, Allowed::Roles(TIME_BANK_READERS)),
        case(
            "create_time_bank_transfer",
            Method::POST,
            "/api/v1/time-bank/transfers",
            Some(json!({})),
            Allowed::Roles(TIME_BANK_KEEPERS),
        ),
        case(
            "reverse_time_bank_transfer",
            Method::POST,
            &format!("{TRANSFER}/reversal"),
            Some(json!({"reason": "x"})),
            Allowed::Roles(TIME_BANK_KEEPERS),
        ),
        case("create_resident", Method::POST, "/api/v1/residents", Some(json!({})), Allowed::Roles(CASE_WORKERS)),
        case("get_resident", Method::GET, RESIDENT, None, Allowed::Roles(RESIDENT_READERS)),
        case("update_resident", Method::PATCH, RESIDENT, Some(json!({})), Allowed::Roles(CASE_WORKERS)),
        case("export_resident", Method::GET, &format!("{RESIDENT}/export"), None, Allowed::Roles(CASE_WORKERS)),
        case("anonymise_resident", Method::POST, &format!("{RESIDENT}/anonymise"), None, Allowed::Roles(&["director"])),
        case("list_service_plans", Method::GET, "/api/v1/service-plans", None, Allowed::Roles(PLAN_READERS)),
        case(
            "create_service_plan",
            Method::POST,
            "/api/v1/service-plans",
            Some(json!({})),
            Allowed::Roles(CASE_WORKERS),
        ),
        case("get_service_plan", Method::GET, PLAN, None, Allowed::Roles(PLAN_READERS)),
        case("update_service_plan", Method::PATCH, PLAN, Some(json!({})), Allowed::Roles(CASE_WORKERS)),
        case(
            "submit_service_plan_for_approval",
            Method::POST,
            &format!("{PLAN}/submit-for-approval"),
            None,
            Allowed::Roles(CASE_WORKERS),
        ),
        // The OUS passes the role check; the deployment's setting decides in the handler (403 by default).
        case("approve_service_plan", Method::POST, &format!("{PLAN}/approve"), None, Allowed::Roles(&["director"])),
        case("activate_service_plan", Method::POST, &format!("{PLAN}/activate"), None, Allowed::Roles(CASE_WORKERS)),
        case(
            "close_service_plan",
            Method::POST,
            &format!("{PLAN}/close"),
            Some(
                json!({"date": "2026-12-31", "reason": "completed", "summary_interview_on": "2026-12-02", "summary": "x"}),
            ),
            Allowed::Roles(CASE_WORKERS),
        ),
        case(
            "add_plan_monitoring",
            Method::POST,
            &format!("{PLAN}/monitoring"),
            Some(json!({"date": "2026-12-31", "note": "x"})),
            Allowed::Roles(CASE_WORKERS),
        ),
        case("list_plan_revisions", Method::GET, &format!("{PLAN}/revisions"), None, Allowed::Roles(CASE_WORKERS)),
        case(
            "list_plan_items",
            Method::GET,
            "/api/v1/plan-items?provider=me",
            None,
            Allowed::Roles(&["provider", "kipus", "director"]),
        ),
        case(
            "record_delivery",
            Method::POST,
            &format!("{ITEM}/deliveries"),
            Some(json!({"delivered_on": "2026-12-01", "units": 1})),
            Allowed::Roles(&["provider"]),
        ),
        case(
            "list_deliveries",
            Method::GET,
            &format!("{ITEM}/deliveries"),
            None,
            Allowed::Roles(&["provider", "kipus", "director"]),
        ),
        case("create_api_client", Method::POST, "/api/v1/api-clients", Some(json!({})), Allowed::Roles(&["admin"])),
        case("list_api_clients", Method::GET, "/api/v1/api-clients", None, Allowed::Roles(&["admin", "director"])),
        case("get_api_client", Method::GET, &client_path, None, Allowed::Roles(&["admin", "director"])),
        case(
            "approve_api_client",
            Method::POST,
            &format!("{client_path}/approve"),
            None,
            Allowed::Roles(&["director"]),
        ),
        case(
            "rotate_api_client_secret",
            Method::POST,
            &format!("{client_path}/rotate-secret"),
            None,
            Allowed::Roles(&["admin"]),
        ),
        case("revoke_api_client", Method::POST, &format!("{client_path}/revoke"), None, Allowed::Roles(&["admin"])),
        case("list_audit_events", Method::GET, "/api/v1/audit-events", None, Allowed::Roles(&["auditor", "admin"])),
    ];
    (cases, own_provider)
}

async fn call(app: &TestApp, case: &Case, token: Option<&str>) -> u16 {
    let mut request = app.request_as(token, case.method.clone(), &case.path);
    if let Some(body) = &case.body {
        request = request.json(body);
    }
    if case.method == Method::PATCH || case.method == Method::DELETE {
        request = request.header("if-match", "\"0\"");
    }
    app.send(request).await.status
}

fn role_token(role: &str, own_provider: &str) -> String {
    if role == "provider" {
        provider_token(own_provider)
    } else {
        token_for(&[role])
    }
}

#[actix_web::test]
async fn every_operation_admits_exactly_its_roles() {
    let app = spawn_app();
    let (cases, own_provider) = matrix(&app).await;
    for case in &cases {
        let anonymous = call(&app, case, None).await;
        match case.allowed {
            Allowed::Roles(_) => assert_eq!(anonymous, 401, "{} without a token", case.operation),
            _ => assert!(anonymous != 401 && anonymous != 403, "{} without a token: {anonymous}", case.operation),
        }
        for role in ROLES {
            let status = call(&app, case, Some(&role_token(role, &own_provider))).await;
            let allowed = match case.allowed {
                Allowed::Roles(roles) => roles.contains(&role),
                _ => true,
            };
            if allowed {
                assert!(status != 401 && status != 403, "{} as {role}: {status}", case.operation);
            } else {
                assert_eq!(status, 403, "{} as {role}", case.operation);
            }
        }
    }
}

#[actix_web::test]
async fn the_matrix_covers_every_documented_operation() {
    let app = spawn_app();
    let tested: BTreeSet<&str> = matrix(&app).await.0.iter().map(|case| case.operation).collect();
    let document = serde_json::to_value(cus_api::startup::openapi()).unwrap();
    let mut documented = BTreeSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            assert!(cus_api::auth::access::find(&id).is_some(), "{id} declares no access rule");
            assert!(operation["description"].as_str().unwrap().contains("**Access:**"), "{id} documents its access");
            documented.insert(id);
        }
    }
    let tested: BTreeSet<String> = tested.into_iter().map(str::to_owned).collect();
    assert_eq!(tested, documented, "add new operations to this matrix with the roles they allow");
}

/// Tokens that must never be accepted, each with what is wrong with it.
fn bad_tokens() -> Vec<(&'static str, String)> {
    let valid = idp_claims("someone", &["admin"]);
    let with = |field: &str, value: Value| {
        let mut claims = valid.clone();
        claims[field] = value;
        claims
    };
    let now = chrono::Utc::now().timestamp();
    let good = sign(&valid, "idp-rsa", Some("idp-rsa-1"));
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    parts[1] = b64.encode(serde_json::to_vec(&with("sub", json!("someone-else"))).unwrap());
    let tampered = parts.join(".");
    let none_header = b64.encode(br#"{"alg":"none","typ":"JWT","kid":"idp-rsa-1"}"#);
    let none = format!("{none_header}.{}.", b64.encode(serde_json::to_vec(&valid).unwrap()));
    // HS256 keyed with the RSA public key: the classic algorithm confusion.
    let public_pem =
        std::fs::read(format!("{}/tests/fixtures/idp-rsa-public.pem", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("idp-rsa-1".to_owned());
    let confused = jsonwebtoken::encode(&header, &valid, &jsonwebtoken::EncodingKey::from_secret(&public_pem)).unwrap();
    let mut no_sub = valid.clone();
    no_sub.as_object_mut().unwrap().remove("sub");
    vec![
        ("expired", sign(&with("exp", json!(now - 600)), "idp-rsa", Some("idp-rsa-1"))),
        ("not yet valid", sign(&with("nbf", json!(now + 600)), "idp-rsa", Some("idp-rsa-1"))),
        ("wrong issuer", sign(&with("iss", json!("https://evil.test")), "idp-rsa", Some("idp-rsa-1"))),
        ("wrong audience", sign(&with("aud", json!("another-api")), "idp-rsa", Some("idp-rsa-1"))),
        ("wrong key", sign(&valid, "other-rsa", Some("idp-rsa-1"))),
        ("unknown kid", sign(&valid, "idp-rsa", Some("nobody"))),
        ("RSA key with the EC kid", sign(&valid, "idp-rsa", Some("idp-ec-1"))),
        ("alg none", none),
        ("tampered payload", tampered),
        ("HS256 with the RSA public key", confused),
        ("no sub", sign(&no_sub, "idp-rsa", Some("idp-rsa-1"))),
        ("provider without provider id", sign(&with("roles", json!(["provider"])), "idp-rsa", Some("idp-rsa-1"))),
        ("garbage", "not.a.token".to_owned()),
    ]
}

#[actix_web::test]
async fn bad_tokens_are_401_on_every_operation_that_reads_tokens() {
    let app = spawn_app();
    let (cases, _) = matrix(&app).await;
    for (what, token) in bad_tokens() {
        for case in &cases {
            let status = call(&app, case, Some(&token)).await;
            match case.allowed {
                Allowed::IgnoresTokens => assert_ne!(status, 401, "{} ignores tokens ({what})", case.operation),
                _ => assert_eq!(status, 401, "{what} token on {}", case.operation),
            }
        }
    }
    let reply = app.send(app.request_as(Some("garbage"), Method::GET, "/api/v1/services")).await;
    reply.problem(401, "unauthorized");
    assert!(reply.header("www-authenticate").unwrap().starts_with("Bearer"));
}

#[actix_web::test]
async fn ec_keys_verify_and_the_clock_skew_is_tolerated() {
    let app = spawn_app();
    let ec = sign(&idp_claims("ec-user", &["ous"]), "idp-ec", Some("idp-ec-1"));
    let reply = app
        .send(app.request_as(Some(&ec), Method::POST, "/api/v1/services").json(ServiceBuilder::new("EC").body()))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let mut claims = idp_claims("skewed", &["ous"]);
    claims["exp"] = json!(chrono::Utc::now().timestamp() - 10);
    let skewed = sign(&claims, "idp-rsa", Some("idp-rsa-1"));
    let reply = app.send(app.request_as(Some(&skewed), Method::GET, "/api/v1/services?status=draft")).await;
    assert_eq!(reply.status, 200, "expired 10 s ago is within the skew");
}

#[actix_web::test]
async fn a_configurable_nested_roles_claim_and_pem_keys_work() {
    let pem = format!("{}/tests/fixtures/idp-rsa-public.pem", env!("CARGO_MANIFEST_DIR"));
    let app =
        spawn_with(TestDb::new(), &[("CUS_JWT_PUBLIC_KEYS", &pem), ("CUS_JWT_ROLES_CLAIM", "realm_access.roles")]);
    let mut claims = idp_claims("keycloak-user", &[]);
    claims["realm_access"] = json!({"roles": ["offline_access", "ous"]});
    let token = sign(&claims, "idp-rsa", None);
    let reply = app
        .send(app.request_as(Some(&token), Method::POST, "/api/v1/services").json(ServiceBuilder::new("KC").body()))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let ec = sign(&idp_claims("ec", &["ous"]), "idp-ec", None);
    assert_eq!(
        app.send(app.request_as(Some(&ec), Method::GET, "/api/v1/services")).await.status,
        401,
        "only the configured key"
    );
}

#[actix_web::test]
async fn the_public_sees_active_services_roles_see_history_and_managers_everything() {
    let app = spawn_app();
    let draft = ServiceBuilder::new("DRAFT").create(&app).await;
    ServiceBuilder::new("ACTIVE").create_active(&app).await;
    let retired = ServiceBuilder::new("RETIRED").create_active(&app).await;
    let retired_path = format!("/api/v1/services/{}", retired["id"].as_str().unwrap());
    assert_eq!(app.post(&format!("{retired_path}/retire")).await.status, 200);
    let codes = |token: Option<String>| {
        let app = &app;
        async move {
            let reply = app.send(app.request_as(token.as_deref(), Method::GET, "/api/v1/services?sort=code")).await;
            reply.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["code"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(codes(None).await, vec!["ACTIVE"]);
    assert_eq!(codes(Some(token_for(&["integrator"]))).await, vec!["ACTIVE", "RETIRED"]);
    assert_eq!(codes(Some(token_for(&["director"]))).await, vec!["ACTIVE", "DRAFT", "RETIRED"]);
    let draft_path = format!("/api/v1/services/{}", draft["id"].as_str().unwrap());
    app.send(app.request_as(None, Method::GET, &draft_path)).await.problem(404, "not-found");
    app.send(app.request_as(Some(&token_for(&["kipus"])), Method::GET, &draft_path)).await.problem(404, "not-found");
    assert_eq!(app.get(&draft_path).await.status, 200);
    assert_eq!(app.send(app.request_as(None, Method::GET, &retired_path)).await.status, 404);
}

//! Who may call each operation: one table, read by the check in every handler and by the OpenAPI
//! document (security requirement, roles in the description, 401/403 responses).

use actix_web::HttpRequest;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use super::caller::{Actor, Caller, Role};
use crate::app::AppState;
use crate::audit::event::{Event, Outcome};
use crate::audit::model::record;
use crate::db;
use crate::error::{ApiError, ApiResult};

/// The access rule of one operation, named by its operation id.
#[derive(Debug)]
pub struct Access {
    pub operation: &'static str,
    /// What the audit log names as the resource type.
    pub resource: &'static str,
    /// Roles that may call it.
    pub roles: &'static [Role],
    /// Callable without a token; what such a caller sees is narrowed by the handler.
    pub public: bool,
}

use Role::{Admin, Auditor, Director, Integrator, Kipus, Osl, Ous, Provider};

/// Residents' full records and plans: the coordinators (KIPUS) and the director.
const CASE_WORKERS: &[Role] = &[Kipus, Director];
/// Who sees residents at all, each in its own view (see the residents handlers).
const RESIDENT_READERS: &[Role] = &[Kipus, Director, Ous, Provider];
/// Plans: in full for case workers, as an overview for the OUS.
const PLAN_READERS: &[Role] = &[Kipus, Director, Ous];

/// Admins manage accounts and API clients, not the catalogue or the registry.
const CATALOGUE_MANAGERS: &[Role] = &[Ous, Director];
/// Commissions and reports are managed by the OUS and the director.
const COMMISSION_MANAGERS: &[Role] = &[Ous, Director];
/// Who reads commissions and reports; a provider user only its own (checked by the query).
const COMMISSION_READERS: &[Role] = &[Ous, Director, Kipus, Integrator, Auditor, Provider];
const REGISTRY_MANAGERS: &[Role] = &[Ous, Director];
/// Registry managers, and provider users for their own record (checked by the handler).
const REGISTRY_MANAGERS_AND_PROVIDER: &[Role] = &[Ous, Director, Provider];
/// The gminas served (founder, agreement parties) are registered by the director and the OUS.
const MUNICIPALITY_MANAGERS: &[Role] = &[Director, Ous];
/// Diagnoses hold no personal data: the staff and municipal systems read them.
const DIAGNOSIS_READERS: &[Role] = &[Director, Ous, Kipus, Osl, Integrator, Auditor];
/// The director and the OUS prepare, adopt and supersede them.
const DIAGNOSIS_MANAGERS: &[Role] = &[Director, Ous];
/// Programmes of social services are public acts, but the public reads nothing of them yet.
const PROGRAMME_READERS: &[Role] = DIAGNOSIS_READERS;
const PROGRAMME_MANAGERS: &[Role] = DIAGNOSIS_MANAGERS;

pub const HEALTH_LIVE: Access = Access::public("health_live", "health");
pub const HEALTH_READY: Access = Access::public("health_ready", "health");
pub const METRICS: Access = Access::public("metrics", "metrics");
pub const ISSUE_TOKEN: Access = Access::public("issue_token", "token");
pub const LIST_SERVICES: Access = Access::public("list_services", "service");
pub const GET_SERVICE: Access = Access::public("get_service", "service");
pub const CREATE_SERVICE: Access = Access::for_roles("create_service", "service", CATALOGUE_MANAGERS);
pub const UPDATE_SERVICE: Access = Access::for_roles("update_service", "service", CATALOGUE_MANAGERS);
pub const DELETE_SERVICE: Access = Access::for_roles("delete_service", "service", CATALOGUE_MANAGERS);
pub const ACTIVATE_SERVICE: Access = Access::for_roles("activate_service", "service", CATALOGUE_MANAGERS);
pub const RETIRE_SERVICE: Access = Access::for_roles("retire_service", "service", CATALOGUE_MANAGERS);
pub const LIST_PROVIDERS: Access = Access::public("list_providers", "provider");
pub const EXPORT_PROVIDERS: Access = Access::public("export_providers", "provider");
pub const IMPORT_PROVIDERS: Access = Access::for_roles("import_providers", "provider", REGISTRY_MANAGERS);
pub const CREATE_PROVIDER: Access = Access::for_roles("create_provider", "provider", REGISTRY_MANAGERS);
pub const GET_PROVIDER: Access = Access::public("get_provider", "provider");
pub const UPDATE_PROVIDER: Access = Access::for_roles("update_provider", "provider", REGISTRY_MANAGERS_AND_PROVIDER);
pub const ACTIVATE_PROVIDER: Access = Access::for_roles("activate_provider", "provider", REGISTRY_MANAGERS);
pub const SUSPEND_PROVIDER: Access = Access::for_roles("suspend_provider", "provider", REGISTRY_MANAGERS);
pub const ARCHIVE_PROVIDER: Access = Access::for_roles("archive_provider", "provider", REGISTRY_MANAGERS);
pub const LIST_PROVIDER_OFFERS: Access = Access::public("list_provider_offers", "provider");
pub const CREATE_PROVIDER_OFFER: Access =
    Access::for_roles("create_provider_offer", "provider_offer", REGISTRY_MANAGERS_AND_PROVIDER);
pub const UPDATE_PROVIDER_OFFER: Access =
    Access::for_roles("update_provider_offer", "provider_offer", REGISTRY_MANAGERS_AND_PROVIDER);
pub const DELETE_PROVIDER_OFFER: Access =
    Access::for_roles("delete_provider_offer", "provider_offer", REGISTRY_MANAGERS_AND_PROVIDER);
pub const LIST_COMMISSIONS: Access = Access::for_roles("list_commissions", "commission", COMMISSION_READERS);
pub const CREATE_COMMISSION: Access = Access::for_roles("create_commission", "commission", COMMISSION_MANAGERS);
pub const GET_COMMISSION: Access = Access::for_roles("get_commission", "commission", COMMISSION_READERS);
pub const UPDATE_COMMISSION: Access = Access::for_roles("update_commission", "commission", COMMISSION_MANAGERS);
pub const ACTIVATE_COMMISSION: Access = Access::for_roles("activate_commission", "commission", COMMISSION_MANAGERS);
pub const SUSPEND_COMMISSION: Access = Access::for_roles("suspend_commission", "commission", COMMISSION_MANAGERS);
pub const RESUME_COMMISSION: Access = Access::for_roles("resume_commission", "commission", COMMISSION_MANAGERS);
pub const COMPLETE_COMMISSION: Access = Access::for_roles("complete_commission", "commission", COMMISSION_MANAGERS);
pub const TERMINATE_COMMISSION: Access = Access::for_roles("terminate_commission", "commission", COMMISSION_MANAGERS);
pub const LIST_COMMISSION_ANNEXES: Access =
    Access::for_roles("list_commission_annexes", "commission", COMMISSION_READERS);
pub const CREATE_COMMISSION_ANNEX: Access =
    Access::for_roles("create_commission_annex", "commission", COMMISSION_MANAGERS);
pub const GET_COMMISSION_SUMMARY: Access =
    Access::for_roles("get_commission_summary", "commission", COMMISSION_READERS);
pub const LIST_REPORTS: Access = Access::for_roles("list_reports", "report", COMMISSION_READERS);
pub const LIST_COMMISSION_REPORTS: Access = Access::for_roles("list_commission_reports", "report", COMMISSION_READERS);
pub const SUBMIT_REPORT: Access = Access::for_roles("submit_report", "report", &[Provider]);
pub const GET_REPORT: Access = Access::for_roles("get_report", "report", COMMISSION_READERS);
pub const LIST_REPORT_VERSIONS: Access = Access::for_roles("list_report_versions", "report", COMMISSION_READERS);
pub const CORRECT_REPORT: Access = Access::for_roles("correct_report", "report", &[Provider]);
pub const ACCEPT_REPORT: Access = Access::for_roles("accept_report", "report", COMMISSION_MANAGERS);
pub const RETURN_REPORT: Access = Access::for_roles("return_report", "report", COMMISSION_MANAGERS);
/// Everyone authenticated reads municipalities in full; the public the codes and names of active ones.
pub const LIST_MUNICIPALITIES: Access = Access::public("list_municipalities", "municipality");
pub const GET_MUNICIPALITY: Access = Access::public("get_municipality", "municipality");
pub const CREATE_MUNICIPALITY: Access = Access::for_roles("create_municipality", "municipality", MUNICIPALITY_MANAGERS);
pub const UPDATE_MUNICIPALITY: Access = Access::for_roles("update_municipality", "municipality", MUNICIPALITY_MANAGERS);
pub const ACTIVATE_MUNICIPALITY: Access =
    Access::for_roles("activate_municipality", "municipality", MUNICIPALITY_MANAGERS);
pub const DEACTIVATE_MUNICIPALITY: Access =
    Access::for_roles("deactivate_municipality", "municipality", MUNICIPALITY_MANAGERS);
pub const LIST_DIAGNOSES: Access = Access::for_roles("list_diagnoses", "diagnosis", DIAGNOSIS_READERS);
pub const GET_DIAGNOSIS: Access = Access::for_roles("get_diagnosis", "diagnosis", DIAGNOSIS_READERS);
pub const CREATE_DIAGNOSIS: Access = Access::for_roles("create_diagnosis", "diagnosis", DIAGNOSIS_MANAGERS);
pub const UPDATE_DIAGNOSIS: Access = Access::for_roles("update_diagnosis", "diagnosis", DIAGNOSIS_MANAGERS);
pub const ADOPT_DIAGNOSIS: Access = Access::for_roles("adopt_diagnosis", "diagnosis", DIAGNOSIS_MANAGERS);
pub const SUPERSEDE_DIAGNOSIS: Access = Access::for_roles("supersede_diagnosis", "diagnosis", DIAGNOSIS_MANAGERS);
pub const LIST_PROGRAMMES: Access = Access::for_roles("list_programmes", "programme", PROGRAMME_READERS);
pub const GET_PROGRAMME: Access = Access::for_roles("get_programme", "programme", PROGRAMME_READERS);
pub const CREATE_PROGRAMME: Access = Access::for_roles("create_programme", "programme", PROGRAMME_MANAGERS);
pub const UPDATE_PROGRAMME: Access = Access::for_roles("update_programme", "programme", PROGRAMME_MANAGERS);
pub const CONSULT_PROGRAMME: Access = Access::for_roles("consult_programme", "programme", PROGRAMME_MANAGERS);
pub const ADOPT_PROGRAMME: Access = Access::for_roles("adopt_programme", "programme", PROGRAMME_MANAGERS);
pub const PUT_PROGRAMME_IN_FORCE: Access = Access::for_roles("put_programme_in_force", "programme", PROGRAMME_MANAGERS);
pub const EXPIRE_PROGRAMME: Access = Access::for_roles("expire_programme", "programme", PROGRAMME_MANAGERS);
pub const REPEAL_PROGRAMME: Access = Access::for_roles("repeal_programme", "programme", PROGRAMME_MANAGERS);
/// Locations are public; the registry's managers write any, a provider user its own (checked by the model).
pub const LIST_LOCATIONS: Access = Access::public("list_locations", "location");
pub const GET_LOCATION: Access = Access::public("get_location", "location");
pub const CREATE_LOCATION: Access = Access::for_roles("create_location", "location", REGISTRY_MANAGERS_AND_PROVIDER);
pub const UPDATE_LOCATION: Access = Access::for_roles("update_location", "location", REGISTRY_MANAGERS_AND_PROVIDER);
pub const ARCHIVE_LOCATION: Access = Access::for_roles("archive_location", "location", REGISTRY_MANAGERS_AND_PROVIDER);
pub const ACTIVATE_LOCATION: Access =
    Access::for_roles("activate_location", "location", REGISTRY_MANAGERS_AND_PROVIDER);
pub const AMEND_PROGRAMME: Access = Access::for_roles("amend_programme", "programme", PROGRAMME_MANAGERS);
pub const LIST_PROGRAMME_VERSIONS: Access =
    Access::for_roles("list_programme_versions", "programme", PROGRAMME_READERS);
pub const GET_PROGRAMME_VERSION: Access = Access::for_roles("get_programme_version", "programme", PROGRAMME_READERS);
pub const LIST_PROGRAMME_SERVICES: Access =
    Access::for_roles("list_programme_services", "programme", PROGRAMME_READERS);
pub const LIST_SERVICE_PROGRAMMES: Access =
    Access::for_roles("list_service_programmes", "programme", PROGRAMME_READERS);
pub const LIST_RESIDENTS: Access = Access::for_roles("list_residents", "resident", RESIDENT_READERS);
pub const SEARCH_RESIDENTS: Access = Access::for_roles("search_residents", "resident", CASE_WORKERS);
pub const CREATE_RESIDENT: Access = Access::for_roles("create_resident", "resident", CASE_WORKERS);
pub const GET_RESIDENT: Access = Access::for_roles("get_resident", "resident", RESIDENT_READERS);
pub const UPDATE_RESIDENT: Access = Access::for_roles("update_resident", "resident", CASE_WORKERS);
pub const EXPORT_RESIDENT: Access = Access::for_roles("export_resident", "resident", CASE_WORKERS);
pub const ANONYMISE_RESIDENT: Access = Access::for_roles("anonymise_resident", "resident", &[Director]);
/// Fee assessments hold a household's income: the case workers only.
pub const LIST_FEE_ASSESSMENTS: Access = Access::for_roles("list_fee_assessments", "fee_assessment", CASE_WORKERS);
pub const GET_FEE_ASSESSMENT: Access = Access::for_roles("get_fee_assessment", "fee_assessment", CASE_WORKERS);
pub const CREATE_FEE_ASSESSMENT: Access = Access::for_roles("create_fee_assessment", "fee_assessment", CASE_WORKERS);
pub const LIST_SERVICE_PLANS: Access = Access::for_roles("list_service_plans", "service_plan", PLAN_READERS);
pub const CREATE_SERVICE_PLAN: Access = Access::for_roles("create_service_plan", "service_plan", CASE_WORKERS);
pub const GET_SERVICE_PLAN: Access = Access::for_roles("get_service_plan", "service_plan", PLAN_READERS);
pub const UPDATE_SERVICE_PLAN: Access = Access::for_roles("update_service_plan", "service_plan", CASE_WORKERS);
pub const SUBMIT_SERVICE_PLAN_FOR_APPROVAL: Access =
    Access::for_roles("submit_service_plan_for_approval", "service_plan", CASE_WORKERS);
/// The OUS only where the deployment authorises it (checked by the handler).
pub const APPROVE_SERVICE_PLAN: Access = Access::for_roles("approve_service_plan", "service_plan", &[Director, Ous]);
pub const ACTIVATE_SERVICE_PLAN: Access = Access::for_roles("activate_service_plan", "service_plan", CASE_WORKERS);
pub const CLOSE_SERVICE_PLAN: Access = Access::for_roles("close_service_plan", "service_plan", CASE_WORKERS);
pub const ADD_PLAN_MONITORING: Access = Access::for_roles("add_plan_monitoring", "service_plan", CASE_WORKERS);
pub const LIST_PLAN_REVISIONS: Access = Access::for_roles("list_plan_revisions", "service_plan", CASE_WORKERS);
pub const LIST_PLAN_ITEMS: Access = Access::for_roles("list_plan_items", "plan_item", &[Provider, Kipus, Director]);
pub const RECORD_DELIVERY: Access = Access::for_roles("record_delivery", "plan_item", &[Provider]);
pub const LIST_DELIVERIES: Access = Access::for_roles("list_deliveries", "plan_item", &[Provider, Kipus, Director]);
pub const CREATE_API_CLIENT: Access = Access::for_roles("create_api_client", "api_client", &[Admin]);
/// Directors read clients too: they review the pending ones they are asked to approve.
pub const LIST_API_CLIENTS: Access = Access::for_roles("list_api_clients", "api_client", &[Admin, Director]);
pub const GET_API_CLIENT: Access = Access::for_roles("get_api_client", "api_client", &[Admin, Director]);
/// Admins register clients, directors approve those with personal-data roles: never one person.
pub const APPROVE_API_CLIENT: Access = Access::for_roles("approve_api_client", "api_client", &[Director]);
pub const ROTATE_API_CLIENT_SECRET: Access = Access::for_roles("rotate_api_client_secret", "api_client", &[Admin]);
pub const REVOKE_API_CLIENT: Access = Access::for_roles("revoke_api_client", "api_client", &[Admin]);
/// The centre's budget settings: set by the director and the OUS, read by the staff.
pub const GET_GRANT_YEAR: Access =
    Access::for_roles("get_grant_year", "grant_year", &[Director, Ous, Kipus, Osl, Auditor]);
pub const PUT_GRANT_YEAR: Access = Access::for_roles("put_grant_year", "grant_year", &[Director, Ous]);
/// The director's authorisations: granted and revoked by the director, read by it and their subject.
pub const LIST_AUTHORISATIONS: Access = Access::for_roles("list_authorisations", "authorisation", &[Director, Ous]);
pub const GET_AUTHORISATION: Access = Access::for_roles("get_authorisation", "authorisation", &[Director, Ous]);
pub const CREATE_AUTHORISATION: Access = Access::for_roles("create_authorisation", "authorisation", &[Director]);
pub const REVOKE_AUTHORISATION: Access = Access::for_roles("revoke_authorisation", "authorisation", &[Director]);
pub const LIST_AUDIT_EVENTS: Access = Access::for_roles("list_audit_events", "audit_event", &[Auditor, Admin]);
/// The public local bank of services: the same for every caller.
pub const LIST_LOCAL_BANK_SERVICES: Access = Access::public("list_local_bank_services", "local-bank");
/// The HSDS view of the public catalogue: the same for every caller.
pub const GET_HSDS_ROOT: Access = Access::public("get_hsds_root", "hsds");
pub const LIST_HSDS_SERVICES: Access = Access::public("list_hsds_services", "hsds");
pub const GET_HSDS_SERVICE: Access = Access::public("get_hsds_service", "hsds");
pub const LIST_HSDS_ORGANIZATIONS: Access = Access::public("list_hsds_organizations", "hsds");
pub const GET_HSDS_ORGANIZATION: Access = Access::public("get_hsds_organization", "hsds");
pub const LIST_HSDS_LOCATIONS: Access = Access::public("list_hsds_locations", "hsds");
pub const GET_HSDS_LOCATION: Access = Access::public("get_hsds_location", "hsds");
pub const LIST_HSDS_SERVICE_AT_LOCATIONS: Access = Access::public("list_hsds_service_at_locations", "hsds");
pub const GET_HSDS_SERVICE_AT_LOCATION: Access = Access::public("get_hsds_service_at_location", "hsds");
pub const LIST_HSDS_TAXONOMIES: Access = Access::public("list_hsds_taxonomies", "hsds");
pub const GET_HSDS_TAXONOMY: Access = Access::public("get_hsds_taxonomy", "hsds");
pub const LIST_HSDS_TAXONOMY_TERMS: Access = Access::public("list_hsds_taxonomy_terms", "hsds");
pub const GET_HSDS_TAXONOMY_TERM: Access = Access::public("get_hsds_taxonomy_term", "hsds");

/// The time bank is the community organiser's (OSL); its ledger is read by the auditor too.
const TIME_BANK_KEEPERS: &[Role] = &[Osl, Director];
const TIME_BANK_READERS: &[Role] = &[Osl, Director, Auditor];
pub const LIST_TIME_BANK_MEMBERS: Access =
    Access::for_roles("list_time_bank_members", "time_bank_member", TIME_BANK_READERS);
pub const GET_TIME_BANK_MEMBER: Access =
    Access::for_roles("get_time_bank_member", "time_bank_member", TIME_BANK_READERS);
pub const CREATE_TIME_BANK_MEMBER: Access =
    Access::for_roles("create_time_bank_member", "time_bank_member", TIME_BANK_KEEPERS);
pub const LEAVE_TIME_BANK: Access = Access::for_roles("leave_time_bank", "time_bank_member", TIME_BANK_KEEPERS);
pub const REJOIN_TIME_BANK: Access = Access::for_roles("rejoin_time_bank", "time_bank_member", TIME_BANK_KEEPERS);
pub const LIST_TIME_BANK_TRANSFERS: Access =
    Access::for_roles("list_time_bank_transfers", "time_bank_transfer", TIME_BANK_READERS);
pub const GET_TIME_BANK_TRANSFER: Access =
    Access::for_roles("get_time_bank_transfer", "time_bank_transfer", TIME_BANK_READERS);
pub const CREATE_TIME_BANK_TRANSFER: Access =
    Access::for_roles("create_time_bank_transfer", "time_bank_transfer", TIME_BANK_KEEPERS);
pub const REVERSE_TIME_BANK_TRANSFER: Access =
    Access::for_roles("reverse_time_bank_transfer", "time_bank_transfer", TIME_BANK_KEEPERS);

/// Every operation's rule; an operation missing here has no documented access and fails the tests.
pub const OPERATIONS: &[&Access] = &[
    &HEALTH_LIVE,
    &HEALTH_READY,
    &METRICS,
    &ISSUE_TOKEN,
    &LIST_SERVICES,
    &GET_SERVICE,
    &CREATE_SERVICE,
    &UPDATE_SERVICE,
    &DELETE_SERVICE,
    &ACTIVATE_SERVICE,
    &RETIRE_SERVICE,
    &LIST_PROVIDERS,
    &EXPORT_PROVIDERS,
    &IMPORT_PROVIDERS,
    &CREATE_PROVIDER,
    &GET_PROVIDER,
    &UPDATE_PROVIDER,
    &ACTIVATE_PROVIDER,
    &SUSPEND_PROVIDER,
    &ARCHIVE_PROVIDER,
    &LIST_PROVIDER_OFFERS,
    &CREATE_PROVIDER_OFFER,
    &UPDATE_PROVIDER_OFFER,
    &DELETE_PROVIDER_OFFER,
    &LIST_COMMISSIONS,
    &CREATE_COMMISSION,
    &GET_COMMISSION,
    &UPDATE_COMMISSION,
    &ACTIVATE_COMMISSION,
    &SUSPEND_COMMISSION,
    &RESUME_COMMISSION,
    &COMPLETE_COMMISSION,
    &TERMINATE_COMMISSION,
    &LIST_COMMISSION_ANNEXES,
    &CREATE_COMMISSION_ANNEX,
    &GET_COMMISSION_SUMMARY,
    &LIST_REPORTS,
    &LIST_COMMISSION_REPORTS,
    &SUBMIT_REPORT,
    &GET_REPORT,
    &LIST_REPORT_VERSIONS,
    &CORRECT_REPORT,
    &ACCEPT_REPORT,
    &RETURN_REPORT,
    &GET_GRANT_YEAR,
    &LIST_AUTHORISATIONS,
    &GET_AUTHORISATION,
    &CREATE_AUTHORISATION,
    &REVOKE_AUTHORISATION,
    &PUT_GRANT_YEAR,
    &LIST_MUNICIPALITIES,
    &GET_MUNICIPALITY,
    &CREATE_MUNICIPALITY,
    &UPDATE_MUNICIPALITY,
    &ACTIVATE_MUNICIPALITY,
    &DEACTIVATE_MUNICIPALITY,
    &LIST_DIAGNOSES,
    &GET_DIAGNOSIS,
    &CREATE_DIAGNOSIS,
    &UPDATE_DIAGNOSIS,
    &ADOPT_DIAGNOSIS,
    &SUPERSEDE_DIAGNOSIS,
    &LIST_PROGRAMMES,
    &GET_PROGRAMME,
    &CREATE_PROGRAMME,
    &UPDATE_PROGRAMME,
    &CONSULT_PROGRAMME,
    &ADOPT_PROGRAMME,
    &PUT_PROGRAMME_IN_FORCE,
    &EXPIRE_PROGRAMME,
    &REPEAL_PROGRAMME,
    &LIST_LOCATIONS,
    &GET_LOCATION,
    &CREATE_LOCATION,
    &UPDATE_LOCATION,
    &ARCHIVE_LOCATION,
    &ACTIVATE_LOCATION,
    &AMEND_PROGRAMME,
    &LIST_PROGRAMME_VERSIONS,
    &GET_PROGRAMME_VERSION,
    &LIST_PROGRAMME_SERVICES,
    &LIST_SERVICE_PROGRAMMES,
    &LIST_RESIDENTS,
    &SEARCH_RESIDENTS,
    &CREATE_RESIDENT,
    &GET_RESIDENT,
    &UPDATE_RESIDENT,
    &EXPORT_RESIDENT,
    &ANONYMISE_RESIDENT,
    &LIST_FEE_ASSESSMENTS,
    &GET_FEE_ASSESSMENT,
    &CREATE_FEE_ASSESSMENT,
    &LIST_SERVICE_PLANS,
    &CREATE_SERVICE_PLAN,
    &GET_SERVICE_PLAN,
    &UPDATE_SERVICE_PLAN,
    &SUBMIT_SERVICE_PLAN_FOR_APPROVAL,
    &APPROVE_SERVICE_PLAN,
    &ACTIVATE_SERVICE_PLAN,
    &CLOSE_SERVICE_PLAN,
    &ADD_PLAN_MONITORING,
    &LIST_PLAN_REVISIONS,
    &LIST_PLAN_ITEMS,
    &RECORD_DELIVERY,
    &LIST_DELIVERIES,
    &CREATE_API_CLIENT,
    &LIST_API_CLIENTS,
    &GET_API_CLIENT,
    &APPROVE_API_CLIENT,
    &ROTATE_API_CLIENT_SECRET,
    &REVOKE_API_CLIENT,
    &LIST_AUDIT_EVENTS,
    &LIST_LOCAL_BANK_SERVICES,
    &GET_HSDS_ROOT,
    &LIST_HSDS_SERVICES,
    &GET_HSDS_SERVICE,
    &LIST_HSDS_ORGANIZATIONS,
    &GET_HSDS_ORGANIZATION,
    &LIST_HSDS_LOCATIONS,
    &GET_HSDS_LOCATION,
    &LIST_HSDS_SERVICE_AT_LOCATIONS,
    &GET_HSDS_SERVICE_AT_LOCATION,
    &LIST_HSDS_TAXONOMIES,
    &GET_HSDS_TAXONOMY,
    &LIST_HSDS_TAXONOMY_TERMS,
    &GET_HSDS_TAXONOMY_TERM,
    &LIST_TIME_BANK_MEMBERS,
    &GET_TIME_BANK_MEMBER,
    &CREATE_TIME_BANK_MEMBER,
    &LEAVE_TIME_BANK,
    &REJOIN_TIME_BANK,
    &LIST_TIME_BANK_TRANSFERS,
    &GET_TIME_BANK_TRANSFER,
    &CREATE_TIME_BANK_TRANSFER,
    &REVERSE_TIME_BANK_TRANSFER,
];

impl Access {
    /// The audit event of this operation on one record.
    pub fn event(&self, id: uuid::Uuid) -> Event {
        Event::new(self.operation, self.resource, Some(id.to_string()))
    }

    /// The audit event of a read (of one record when `id` is given), naming the ids it returned.
    pub fn read_event<T: serde::Serialize>(&self, id: Option<String>, ids: &[T]) -> Event {
        Event::new(self.operation, self.resource, id).with_detail(serde_json::json!({"ids": ids}))
    }

    const fn public(operation: &'static str, resource: &'static str) -> Access {
        Access { operation, resource, roles: &Role::ALL, public: true }
    }

    const fn for_roles(operation: &'static str, resource: &'static str, roles: &'static [Role]) -> Access {
        Access { operation, resource, roles, public: false }
    }

    /// Checks the caller against this rule: 401 without a (valid, unrevoked) token where one is
    /// needed, 403 without an allowed role. Denials are written to the audit log.
    pub async fn authorize(&'static self, req: &HttpRequest, state: &AppState, caller: Caller) -> ApiResult<Actor> {
        let actor = Actor::of(req, caller);
        let denial = if actor.caller.client_id.is_none() {
            self.denial(&actor.caller)
        } else {
            let client = actor.caller.client_id;
            let active = db::run(&state.pool, move |conn| crate::api_clients::model::is_active(conn, client)).await?;
            if active {
                self.denial(&actor.caller)
            } else {
                Some(ApiError::Unauthorized("the token's API client has been revoked".to_owned()))
            }
        };
        let Some(denial) = denial else {
            return Ok(actor);
        };
        let resource_id = req.match_info().get("id").map(str::to_owned);
        let event = Event::new(self.operation, self.resource, resource_id).failed_with(Outcome::Denied, &denial);
        let recorder = actor.clone();
        if let Err(err) = db::run(&state.pool, move |conn| record(conn, &recorder, &event)).await {
            log::warn!("could not audit a denied request: {err}");
        }
        Err(denial)
    }

    fn denial(&self, caller: &Caller) -> Option<ApiError> {
        if self.public {
            return None;
        }
        if caller.is_anonymous() {
            return Some(ApiError::Unauthorized("this operation needs a bearer token".to_owned()));
        }
        if caller.has_any(self.roles) {
            return None;
        }
        Some(ApiError::Forbidden(format!("this operation is for the roles: {}", role_list(self.roles))))
    }

    /// Probes and metrics (called by infrastructure) and the token endpoint (which takes client
    /// credentials instead) never read bearer tokens.
    fn reads_tokens(&self) -> bool {
        !matches!(self.resource, "health" | "metrics" | "token")
    }

    fn describe(&self) -> String {
        if !self.reads_tokens() {
            "**Access:** public; no token is read.".to_owned()
        } else if self.public {
            "**Access:** public; a token may widen what is shown.".to_owned()
        } else {
            format!("**Access:** roles {}.", role_list(self.roles))
        }
    }
}

fn role_list(roles: &[Role]) -> String {
    roles.iter().map(|role| format!("`{}`", role.as_ref())).collect::<Vec<_>>().join(", ")
}

const BEARER: &str = "bearer";
const CLIENT_CREDENTIALS: &str = "client_credentials";

/// Writes every operation's access rule into the OpenAPI document.
pub fn document(api: &mut OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A JWT of the municipality's identity provider, or one issued by POST /api/v1/auth/token.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        CLIENT_CREDENTIALS,
        SecurityScheme::OAuth2(OAuth2::with_description(
            [Flow::ClientCredentials(ClientCredentials::new("/api/v1/auth/token", Scopes::new()))],
            "API clients (partner and municipal systems) exchange their client id and secret for a short-lived token.",
        )),
    );
    for operation in crate::openapi::operations_mut(api) {
        if let Some(rule) = operation.operation_id.as_deref().and_then(find) {
            apply(rule, operation);
        }
    }
}

pub fn find(operation_id: &str) -> Option<&'static Access> {
    OPERATIONS.iter().copied().find(|rule| rule.operation == operation_id)
}

fn apply(rule: &Access, operation: &mut Operation) {
    let reads_tokens = rule.reads_tokens();
    let mut security = Vec::new();
    if rule.public {
        security.push(SecurityRequirement::default());
    }
    if reads_tokens {
        security.push(SecurityRequirement::new(BEARER, Vec::<String>::new()));
        security.push(SecurityRequirement::new(CLIENT_CREDENTIALS, Vec::<String>::new()));
    }
    operation.security = Some(security);
    let description = operation.description.take().unwrap_or_default();
    operation.description =
        Some(if description.is_empty() { rule.describe() } else { format!("{description}\n\n{}", rule.describe()) });
    if !reads_tokens {
        return;
    }
    let problem = |text: &str| {
        ResponseBuilder::new()
            .description(text)
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build()
    };
    let responses = &mut operation.responses.responses;
    responses
        .entry("401".to_owned())
        .or_insert_with(|| problem("The bearer token is missing where required, invalid, expired or revoked").into());
    if !rule.public {
        responses
            .entry("403".to_owned())
            .or_insert_with(|| problem("The caller's roles do not allow this operation").into());
    }
}

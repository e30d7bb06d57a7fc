//! The HSDS 3.0 shapes (Open Referral's Human Services Data Specification), as far as our data
//! fills them. Field names and meanings are HSDS's; every object validates against its schema
//! (`scripts/hsds-conformance`). Absent data is left out, never sent as `null`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What `GET /hsds/` says about this API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"version": "3.0", "openapi_url": "https://cus.example.gov.pl/openapi.json"}))]
pub struct HsdsRoot {
    /// The HSDS version served.
    pub version: &'static str,
    /// This server's own OpenAPI document, which describes the `/hsds` operations too.
    pub openapi_url: String,
}

/// One page of an HSDS list, with HSDS's paging fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsPage<T> {
    /// Items matching the request, on every page.
    pub total_items: u64,
    /// At least 1, also when nothing matches.
    pub total_pages: u64,
    /// The page served, from 1.
    pub page_number: u64,
    /// Items on this page.
    pub size: u64,
    pub first_page: bool,
    pub last_page: bool,
    /// Nothing matches the request.
    pub empty: bool,
    pub contents: Vec<T>,
}

/// `page` and `per_page` of the lists that take no other parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HsdsPageQuery {
    /// Page number, 1-1000000 (default 1).
    #[param(minimum = 1, maximum = 1_000_000, example = 1)]
    pub page: Option<u32>,
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub per_page: Option<u32>,
}

/// `page`, `per_page` and `modified_after` of the lists of records that change.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HsdsChangesQuery {
    /// Page number, 1-1000000 (default 1).
    #[param(minimum = 1, maximum = 1_000_000, example = 1)]
    pub page: Option<u32>,
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub per_page: Option<u32>,
    /// Only records changed at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub modified_after: Option<DateTime<Utc>>,
}

/// A service of the catalogue (HSDS `service`); `attributes` classify it by statutory area and
/// target groups. Which organizations deliver it is on each organization (`services`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
    "name": "Usługi opiekuńcze w miejscu zamieszkania",
    "alternate_name": "OPIEKA-DOM",
    "description": "Pomoc w codziennych czynnościach, pielęgnacja i kontakt z otoczeniem.",
    "status": "active",
    "eligibility_description": "Osoby, które z powodu wieku lub choroby wymagają pomocy innych osób.",
    "fees_description": "Odpłatność stała: 12.50 zł za godzinę",
    "last_modified": "2026-11-26T10:20:00Z",
    "cost_options": [{"id": "5b1c3f9e-3c84-8e0a-9d55-0f3e2a1b4c6d", "service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
        "option": "Odpłatność stała", "currency": "PLN", "amount": 12.5, "amount_description": "za godzinę"}],
    "attributes": []
}))]
pub struct HsdsService {
    pub id: Uuid,
    pub name: String,
    /// The catalogue code.
    pub alternate_name: String,
    pub description: String,
    /// Always `active`: other entries are not public.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    pub fees_description: String,
    pub last_modified: DateTime<Utc>,
    pub cost_options: Vec<HsdsCostOption>,
    pub attributes: Vec<HsdsAttribute>,
}

/// The fee a resident pays (odpłatność), from the entry's fee rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsCostOption {
    pub id: Uuid,
    pub service_id: Uuid,
    /// `Nieodpłatnie`, `Odpłatność stała` or `Odpłatność zależna od dochodu`.
    pub option: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<&'static str>,
    /// PLN per unit: 0 when free, absent when it depends on income.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// The unit of a fixed fee, or the income rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_description: Option<String>,
}

/// A link of a service to one taxonomy term.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAttribute {
    pub id: Uuid,
    pub link_id: Uuid,
    /// `service`.
    pub link_entity: &'static str,
    pub taxonomy_term_id: Uuid,
    pub taxonomy_term: HsdsTaxonomyTerm,
}

/// A provider of the registry (HSDS `organization`): its public identity only, never contact
/// persons or other personal data.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a42",
    "name": "Fundacja Złota Jesień",
    "description": "Opieka nad osobami starszymi.",
    "legal_status": "fundacja",
    "organization_identifiers": [{"id": "8d2e4c1a-0f3b-8a7c-9e61-2b4d5f6a7c8e",
        "organization_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a42", "identifier_scheme": "PL-NIP",
        "identifier_type": "NIP", "identifier": "8567346215"}]
}))]
pub struct HsdsOrganization {
    pub id: Uuid,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    pub description: String,
    /// The legal form, in Polish (forma prawna).
    pub legal_status: &'static str,
    pub organization_identifiers: Vec<HsdsOrganizationIdentifier>,
    /// Only on `GET /hsds/organizations/{id}`: the active catalogue services it offers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<HsdsService>>,
}

/// A public register number of an organization: NIP, REGON or KRS.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsOrganizationIdentifier {
    pub id: Uuid,
    pub organization_id: Uuid,
    /// `PL-NIP`, `PL-REGON` or `PL-KRS`.
    pub identifier_scheme: &'static str,
    pub identifier_type: &'static str,
    pub identifier: String,
}

/// One of the two taxonomies: the statutory areas and the target groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "2f1e0d9c-8b7a-8695-a4b3-c2d1e0f9a8b7", "name": "Obszary usług społecznych",
    "description": "Obszary usług społecznych z art. 2 ust. 1 ustawy z dnia 19 lipca 2019 r. o realizowaniu usług społecznych przez centrum usług społecznych.",
    "version": "2019"}))]
pub struct HsdsTaxonomy {
    pub id: Uuid,
    pub name: &'static str,
    pub description: &'static str,
    pub version: &'static str,
}

/// A statutory area or a target group as a taxonomy term; `code` is our enum value.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "7a6b5c4d-3e2f-8109-a8b7-c6d5e4f3a2b1", "code": "social_assistance",
    "name": "Pomoc społeczna", "description": "Pomoc społeczna (art. 2 ust. 1 pkt 4)",
    "taxonomy": "Obszary usług społecznych", "taxonomy_id": "2f1e0d9c-8b7a-8695-a4b3-c2d1e0f9a8b7", "language": "pl"}))]
pub struct HsdsTaxonomyTerm {
    pub id: Uuid,
    pub code: &'static str,
    pub name: &'static str,
    pub description: String,
    /// The taxonomy's name.
    pub taxonomy: &'static str,
    pub taxonomy_id: Uuid,
    pub language: &'static str,
}

/// A location or a service at a location: none until the centre's locations are recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HsdsLocationItem {
    pub id: Uuid,
}

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
/// target groups. Which organizations deliver it is on each organization (`services`), where on
/// `GET /hsds/services/{id}` (`service_at_locations`).
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
    /// Only on `GET /hsds/services/{id}`: the locations it is given at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_at_locations: Option<Vec<HsdsServiceAtLocation>>,
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

/// A place where services are given (HSDS `location`, always `physical`): an active location of
/// the CUS or of an active provider, with its public phone, hours and accessibility only.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50", "location_type": "physical",
    "name": "Centrum Usług Społecznych w Starachowicach", "latitude": 51.0486, "longitude": 21.0739,
    "addresses": [{"id": "6c2b1a0f-9e8d-8c7b-a6f5-e4d3c2b1a0f9", "location_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50",
        "address_1": "ul. Radomska 45", "city": "Starachowice", "state_province": "świętokrzyskie",
        "postal_code": "27-200", "country": "PL", "address_type": "physical"}],
    "phones": [{"id": "1d2c3b4a-5f6e-8d7c-b8a9-0f1e2d3c4b5a", "location_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50",
        "number": "+48 41 273 00 00", "type": "voice"}],
    "schedules": [{"id": "2e3d4c5b-6a7f-8e9d-a0b1-c2d3e4f5a6b7", "location_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50",
        "freq": "WEEKLY", "byday": "MO", "opens_at": "08:00", "closes_at": "16:00",
        "description": "poniedziałek 08:00-16:00 (czas polski)"},
        {"id": "3f4e5d6c-7b8a-8f0e-b1c2-d3e4f5a6b7c8", "location_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50",
        "valid_from": "2026-12-25", "valid_to": "2026-12-25", "description": "2026-12-25 nieczynne: Boże Narodzenie"}],
    "accessibility": [{"id": "4a5f6e7d-8c9b-8a1f-82d3-e4f5a6b7c8d9", "location_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50",
        "description": "Wejście bez barier architektonicznych"}],
    "languages": []
}))]
pub struct HsdsLocation {
    pub id: Uuid,
    /// Always `physical`.
    pub location_type: &'static str,
    /// The provider that runs it; absent for the CUS's own offices (the CUS is no HSDS
    /// organization of this view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    pub addresses: Vec<HsdsAddress>,
    pub phones: Vec<HsdsPhone>,
    pub schedules: Vec<HsdsSchedule>,
    pub accessibility: Vec<HsdsAccessibility>,
    /// Polish sign language (`pso`) where staff sign; Polish is not listed.
    pub languages: Vec<HsdsLanguage>,
}

/// The physical address of a location.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAddress {
    pub id: Uuid,
    pub location_id: Uuid,
    /// Street and building number, or the locality and number where there is no street.
    pub address_1: String,
    pub city: String,
    /// The voivodeship (województwo), from the TERYT code.
    pub state_province: &'static str,
    pub postal_code: String,
    /// `PL`.
    pub country: &'static str,
    /// `physical`.
    pub address_type: &'static str,
}

/// The public phone of a location.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsPhone {
    pub id: Uuid,
    pub location_id: Uuid,
    pub number: String,
    /// `voice`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// When a location is open: a weekly interval (`freq` `WEEKLY`, `byday`, wall-clock times in
/// Poland without an offset, which changes with summer time), or a dated exception
/// (`valid_from` = `valid_to` = the date; its times carry that day's offset; a closed day has
/// no times, its `description` says `nieczynne`).
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsSchedule {
    pub id: Uuid,
    /// On a location's own schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<Uuid>,
    /// On the schedules of a service at a location (the location's hours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_at_location_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// The UTC offset in hours of a dated exception's day (1 in winter, 2 in summer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freq: Option<&'static str>,
    /// `MO` to `SU`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byday: Option<&'static str>,
    /// `HH:MM`, `24:00` for midnight at the end of the day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    /// The interval or the exception in Polish.
    pub description: String,
}

/// One accessibility feature of a location, or its free-text note.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAccessibility {
    pub id: Uuid,
    pub location_id: Uuid,
    pub description: String,
}

/// A language spoken at a location.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsLanguage {
    pub id: Uuid,
    pub location_id: Uuid,
    pub name: &'static str,
    /// ISO 639-3.
    pub code: &'static str,
}

/// A catalogue service given at a location (HSDS `service_at_location`): one per pair of an
/// active service and an active location named by an offer of an active provider. Its
/// `schedules` are the location's hours.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5b6a7f8e-9d0c-8b2a-93e4-f5a6b7c8d9e0", "service_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a41",
    "location_id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50", "schedules": [],
    "location": {"id": "0193a5f2-7c1e-7b52-9f3a-2d6c1e0b8a50", "location_type": "physical",
        "name": "Centrum Usług Społecznych w Starachowicach", "addresses": [], "phones": [], "schedules": [],
        "accessibility": [], "languages": []}
}))]
pub struct HsdsServiceAtLocation {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
    pub schedules: Vec<HsdsSchedule>,
    pub location: HsdsLocation,
}

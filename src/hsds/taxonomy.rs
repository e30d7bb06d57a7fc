//! The two fixed taxonomies of the HSDS view: the statutory areas of social services (art. 2
//! ust. 1 of the CUS act) and the target groups, with ids derived from their codes so that they
//! are the same on every deployment and never stored.

use sha2::{Digest, Sha256};
use strum::VariantNames;
use uuid::{Builder, Uuid};

use super::dto::{HsdsAttribute, HsdsTaxonomy, HsdsTaxonomyTerm};
use crate::domain::ServiceArea;
use crate::services::dto::TargetGroup;

/// A stable UUID (version 8) for something of the HSDS view that has no id of its own: a
/// taxonomy, a term, a cost option, an identifier, an attribute.
pub fn derived_id(parts: &[&str]) -> Uuid {
    let digest = Sha256::digest(format!("cus-api/hsds/{}", parts.join("/")).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Builder::from_custom_bytes(bytes).into_uuid()
}

const AREAS: &str = "areas";
const TARGET_GROUPS: &str = "target_groups";

fn taxonomy(code: &'static str) -> HsdsTaxonomy {
    let (name, description) = match code {
        AREAS => (
            "Obszary usług społecznych",
            "Obszary usług społecznych z art. 2 ust. 1 ustawy z dnia 19 lipca 2019 r. o realizowaniu usług \
             społecznych przez centrum usług społecznych.",
        ),
        _ => ("Adresaci usług społecznych", "Komu usługa jest adresowana (art. 2 ust. 1 ustawy o CUS)."),
    };
    HsdsTaxonomy { id: derived_id(&["taxonomy", code]), name, description, version: "2019" }
}

pub fn taxonomies() -> Vec<HsdsTaxonomy> {
    vec![taxonomy(AREAS), taxonomy(TARGET_GROUPS)]
}

fn area_name(area: ServiceArea) -> &'static str {
    match area {
        ServiceArea::FamilyPolicy => "Polityka prorodzinna",
        ServiceArea::FamilySupport => "Wspieranie rodziny",
        ServiceArea::FosterCare => "Piecza zastępcza",
        ServiceArea::SocialAssistance => "Pomoc społeczna",
        ServiceArea::Health => "Promocja i ochrona zdrowia",
        ServiceArea::DisabilitySupport => "Wspieranie osób niepełnosprawnych",
        ServiceArea::PublicEducation => "Edukacja publiczna",
        ServiceArea::CounteractingUnemployment => "Przeciwdziałanie bezrobociu",
        ServiceArea::Culture => "Kultura",
        ServiceArea::PhysicalCultureAndTourism => "Kultura fizyczna i turystyka",
        ServiceArea::CivicActivity => "Pobudzanie aktywności obywatelskiej",
        ServiceArea::Housing => "Mieszkalnictwo",
        ServiceArea::EnvironmentalProtection => "Ochrona środowiska",
        ServiceArea::SocialAndVocationalReintegration => "Reintegracja zawodowa i społeczna",
    }
}

fn target_group_name(group: TargetGroup) -> &'static str {
    match group {
        TargetGroup::Person => "Osoba",
        TargetGroup::Family => "Rodzina",
        TargetGroup::SocialGroup => "Grupa społeczna",
        TargetGroup::SpecialNeedsGroup => "Grupa o szczególnych potrzebach",
        TargetGroup::AllResidents => "Ogół mieszkańców",
    }
}

fn term(taxonomy_code: &'static str, code: &'static str, name: &'static str, number: usize) -> HsdsTaxonomyTerm {
    let of = taxonomy(taxonomy_code);
    let description = match taxonomy_code {
        AREAS => format!("{name} (art. 2 ust. 1 pkt {number} ustawy o CUS)"),
        _ => format!("Usługa adresowana do: {}", name.to_lowercase()),
    };
    HsdsTaxonomyTerm {
        id: derived_id(&["taxonomy_term", taxonomy_code, code]),
        code,
        name,
        description,
        taxonomy: of.name,
        taxonomy_id: of.id,
        language: "pl",
    }
}

pub fn area_term(area: ServiceArea) -> HsdsTaxonomyTerm {
    let number = ServiceArea::VARIANTS.iter().position(|code| *code == area.as_ref()).unwrap_or_default() + 1;
    let code = ServiceArea::VARIANTS[number - 1];
    term(AREAS, code, area_name(area), number)
}

pub fn target_group_term(group: TargetGroup) -> HsdsTaxonomyTerm {
    let number = TargetGroup::VARIANTS.iter().position(|code| *code == group.as_ref()).unwrap_or_default() + 1;
    term(TARGET_GROUPS, TargetGroup::VARIANTS[number - 1], target_group_name(group), number)
}

/// Every term: the 14 areas in statutory order, then the target groups.
pub fn terms() -> Vec<HsdsTaxonomyTerm> {
    let areas = ServiceArea::VARIANTS.iter().filter_map(|code| code.parse().ok()).map(area_term);
    let groups = TargetGroup::VARIANTS.iter().filter_map(|code| code.parse().ok()).map(target_group_term);
    areas.chain(groups).collect()
}

/// A service's link to a term.
pub fn attribute(service_id: Uuid, term: HsdsTaxonomyTerm) -> HsdsAttribute {
    HsdsAttribute {
        id: derived_id(&["attribute", &service_id.to_string(), &term.id.to_string()]),
        link_id: service_id,
        link_entity: "service",
        taxonomy_term_id: term.id,
        taxonomy_term: term,
    }
}

//! Catalogue entries and providers in HSDS's shapes: what of them is public, and how our fee
//! rules, legal forms and classifications read in HSDS's vocabulary.

use uuid::Uuid;

use super::dto::{HsdsCostOption, HsdsOrganization, HsdsOrganizationIdentifier, HsdsService};
use super::taxonomy::{area_term, attribute, derived_id, target_group_term};
use crate::clock;
use crate::domain::fee::{BracketFee, Decimal, FeeBasis, FeeRule, IncomeTable};
use crate::error::ApiResult;
use crate::providers::dto::LegalForm;
use crate::providers::model::ProviderRow;
use crate::services::dto::ServiceUnit;
use crate::services::model::ServiceRow;

/// The unit a fixed fee is charged per (za godzinę, za posiłek, ...).
fn per_unit(unit: ServiceUnit) -> &'static str {
    match unit {
        ServiceUnit::Hour => "za godzinę",
        ServiceUnit::Visit => "za wizytę",
        ServiceUnit::Meal => "za posiłek",
        ServiceUnit::Day => "za dzień",
        ServiceUnit::Session => "za sesję",
        ServiceUnit::Month => "za miesiąc",
        ServiceUnit::Place => "za miejsce",
    }
}

/// The fee rule as one cost option: free is an amount of 0, a fixed fee its amount per unit, an
/// income-dependent one the programme's rule in words.
fn cost_option(row: &ServiceRow, service_id: Uuid, fee: FeeRule) -> (HsdsCostOption, String) {
    let id = derived_id(&["cost_option", &service_id.to_string()]);
    let base =
        |option| HsdsCostOption { id, service_id, option, currency: None, amount: None, amount_description: None };
    match fee {
        FeeRule::Free => {
            let option = base("Nieodpłatnie");
            (HsdsCostOption { currency: Some("PLN"), amount: Some(0.0), ..option }, "Nieodpłatnie".to_owned())
        }
        FeeRule::Fixed { amount } => {
            let unit = per_unit(row.unit);
            let option = HsdsCostOption {
                currency: Some("PLN"),
                // Grosze over 100 is the nearest double to the decimal, which prints as it.
                amount: Some(amount.grosze() as f64 / 100.0),
                amount_description: Some(unit.to_owned()),
                ..base("Odpłatność stała")
            };
            (option, format!("Odpłatność stała: {amount} zł {unit}"))
        }
        FeeRule::IncomeTable(table) => {
            let description = income_table_in_words(&table, per_unit(row.unit));
            let text = format!("Odpłatność zależna od dochodu: {description}");
            (HsdsCostOption { amount_description: Some(description), ..base("Odpłatność zależna od dochodu") }, text)
        }
        FeeRule::NeedsReview { description } => {
            let text = format!("Odpłatność zależna od dochodu: {description}");
            (HsdsCostOption { amount_description: Some(description), ..base("Odpłatność zależna od dochodu") }, text)
        }
    }
}

/// The brackets as a resident reads them: "do 100% kryterium dochodowego: 0.00 zł za godzinę; ...".
fn income_table_in_words(table: &IncomeTable, unit: &str) -> String {
    let bound = |up_to: Decimal| match table.basis {
        FeeBasis::PercentOfCriterion => format!("do {up_to}% kryterium dochodowego"),
        FeeBasis::Pln => format!("do {up_to} zł dochodu na osobę"),
    };
    (table.brackets.iter())
        .map(|bracket| {
            let fee = match bracket.fee {
                BracketFee::PerUnit(amount) => format!("{amount} zł {unit}"),
                BracketFee::PercentOfUnitCost(percent) => format!("{percent}% kosztu {unit}"),
            };
            format!("{}: {fee}", bracket.up_to.map_or_else(|| "powyżej".to_owned(), bound))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn service(row: &ServiceRow) -> ApiResult<HsdsService> {
    let entry = row.to_dto()?;
    let (cost_option, fees_description) = cost_option(row, entry.id, entry.fee_rule);
    let terms = std::iter::once(area_term(entry.area)).chain(entry.target_groups.into_iter().map(target_group_term));
    Ok(HsdsService {
        id: entry.id,
        name: entry.name,
        alternate_name: entry.code,
        description: entry.description,
        status: "active",
        eligibility_description: Some(entry.eligibility).filter(|text| !text.is_empty()),
        fees_description,
        last_modified: clock::utc(row.updated_at),
        cost_options: vec![cost_option],
        attributes: terms.map(|term| attribute(entry.id, term)).collect(),
        service_at_locations: None,
    })
}

/// The legal form in Polish (forma prawna), as HSDS's `legal_status`.
fn legal_status(form: LegalForm) -> &'static str {
    match form {
        LegalForm::Association => "stowarzyszenie",
        LegalForm::OrdinaryAssociation => "stowarzyszenie zwykłe",
        LegalForm::Foundation => "fundacja",
        LegalForm::ChurchLegalPerson => "kościelna osoba prawna",
        LegalForm::SocialCooperative => "spółdzielnia socjalna",
        LegalForm::OtherCooperative => "spółdzielnia",
        LegalForm::NonProfitCompany => "spółka non-profit",
        LegalForm::Company => "spółka handlowa",
        LegalForm::SoleTrader => "jednoosobowa działalność gospodarcza",
        LegalForm::RuralHousewivesCircle => "koło gospodyń wiejskich",
        LegalForm::AssociationOfLocalGovernments => "stowarzyszenie jednostek samorządu terytorialnego",
        LegalForm::PublicUnit => "jednostka sektora publicznego",
        LegalForm::Other => "inna",
    }
}

/// A provider's public identity: names, description, legal form and register numbers; no
/// address, e-mail, phone or contact persons.
pub fn organization(row: &ProviderRow, services: Option<Vec<HsdsService>>) -> HsdsOrganization {
    let id: Uuid = row.id.into();
    let registers = [("PL-NIP", "NIP", &row.nip), ("PL-REGON", "REGON", &row.regon), ("PL-KRS", "KRS", &row.krs)];
    let organization_identifiers = registers
        .into_iter()
        .filter_map(|(scheme, kind, number)| {
            number.as_ref().map(|number| HsdsOrganizationIdentifier {
                id: derived_id(&["organization_identifier", &id.to_string(), scheme]),
                organization_id: id,
                identifier_scheme: scheme,
                identifier_type: kind,
                identifier: number.clone(),
            })
        })
        .collect();
    HsdsOrganization {
        id,
        name: row.name.clone(),
        alternate_name: row.short_name.clone(),
        description: row.description.clone(),
        legal_status: legal_status(row.legal_form),
        organization_identifiers,
        services,
    }
}

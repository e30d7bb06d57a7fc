//! The providers registry's API vocabulary, and validation into a `ProviderDraft`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::parse_date;
use crate::domain::text::clean;
use crate::domain::{Address, Krs, Nip, Regon, ServiceArea};
use crate::error::ApiResult;
use crate::http::pagination::Sort;
use crate::validation::FieldErrors;

crate::text_enum! {
/// Legal form (forma prawna), one per provider: `association` (stowarzyszenie rejestrowe),
/// `ordinary_association` (stowarzyszenie zwykłe), `foundation` (fundacja), `church_legal_person`
/// (kościelna osoba prawna lub jednostka organizacyjna), `social_cooperative` (spółdzielnia
/// socjalna), `other_cooperative` (inna spółdzielnia), `non_profit_company` (spółka non-profit:
/// spółka akcyjna lub z o.o. niedziałająca w celu osiągnięcia zysku), `company` (spółka handlowa),
/// `sole_trader` (jednoosobowa działalność gospodarcza), `rural_housewives_circle` (koło gospodyń
/// wiejskich, KGW), `association_of_local_governments` (stowarzyszenie jednostek samorządu
/// terytorialnego), `public_unit` (jednostka sektora publicznego), `other` (inna). CIS, KIS, ZAZ,
/// WTZ and day centres are not forms: they are `units` a provider runs.
pub enum LegalForm {
    Association,
    OrdinaryAssociation,
    Foundation,
    ChurchLegalPerson,
    SocialCooperative,
    OtherCooperative,
    NonProfitCompany,
    Company,
    SoleTrader,
    RuralHousewivesCircle,
    AssociationOfLocalGovernments,
    PublicUnit,
    Other,
}
}

crate::text_enum! {
/// Standing under the public benefit act, derived from the legal form and (where the act makes it
/// depend on the statute) `statutory_art_3_3`: `ngo` (organizacja pozarządowa, art. 3 ust. 2),
/// `art3_ust3` (podmiot z art. 3 ust. 3: church legal persons, associations of local governments,
/// KGW, and social cooperatives and non-profit companies whose statute qualifies them), `none`.
pub enum PublicBenefitStanding {
    Ngo,
    Art3Ust3,
    None,
}
}

impl LegalForm {
    /// Forms whose art. 3 ust. 3 standing depends on their statute, which staff confirm.
    pub fn standing_depends_on_statute(self) -> bool {
        matches!(self, LegalForm::SocialCooperative | LegalForm::NonProfitCompany)
    }

    /// The standing the law gives this form; `statutory_art_3_3` counts only where the statute decides.
    pub fn standing(self, statutory_art_3_3: bool) -> PublicBenefitStanding {
        match self {
            LegalForm::Association | LegalForm::OrdinaryAssociation | LegalForm::Foundation => {
                PublicBenefitStanding::Ngo
            }
            LegalForm::ChurchLegalPerson
            | LegalForm::AssociationOfLocalGovernments
            | LegalForm::RuralHousewivesCircle => PublicBenefitStanding::Art3Ust3,
            form if form.standing_depends_on_statute() && statutory_art_3_3 => PublicBenefitStanding::Art3Ust3,
            _ => PublicBenefitStanding::None,
        }
    }
}

crate::text_enum! {
/// A unit a provider (or the municipality) runs: `cis` (centrum integracji społecznej), `kis`
/// (klub integracji społecznej), `zaz` (zakład aktywności zawodowej), `wtz` (warsztat terapii
/// zajęciowej), `day_centre` (dzienny dom lub ośrodek wsparcia).
pub enum UnitKind {
    Cis,
    Kis,
    Zaz,
    Wtz,
    DayCentre,
}
}

/// A unit the provider runs, with its own address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    #[schema(required = true, value_type = Option<UnitKind>)]
    pub kind: Option<String>,
    /// 1-300 characters.
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub address: Option<Address>,
}

/// Statuses a provider holds besides its form, each with the date the law gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Statuses {
    /// Public benefit organisation (organizacja pożytku publicznego, OPP) since its entry in the
    /// KRS (art. 20-22 of the public benefit act): needs a KRS number and NGO or art. 3 ust. 3
    /// standing.
    #[schema(value_type = Option<String>, format = Date, example = "2015-06-01")]
    pub public_benefit_organisation_since: Option<String>,
    /// Social economy entity (podmiot ekonomii społecznej, PES, art. 2 pkt 5 of the act of 5 August
    /// 2022 on the social economy): a definition, not a register, so no date.
    pub social_economy_entity: Option<bool>,
    /// Social enterprise (przedsiębiorstwo społeczne) since the voivode's decision (art. 3 of that
    /// act): only a social economy entity may hold it.
    #[schema(value_type = Option<String>, format = Date, example = "2023-03-01")]
    pub social_enterprise_since: Option<String>,
}

/// Validated statuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusDates {
    pub public_benefit_organisation_since: Option<NaiveDate>,
    pub social_economy_entity: bool,
    pub social_enterprise_since: Option<NaiveDate>,
}

impl StatusDates {
    pub fn to_dto(self) -> Statuses {
        Statuses {
            public_benefit_organisation_since: self.public_benefit_organisation_since.map(|d| d.to_string()),
            social_economy_entity: Some(self.social_economy_entity),
            social_enterprise_since: self.social_enterprise_since.map(|d| d.to_string()),
        }
    }
}

crate::text_enum! {
/// `active` (may be commissioned), `suspended` (zawieszony: temporarily not), `archived` (kept for
/// history; its NIP and KRS may be registered again). Changed only by the actions.
pub enum ProviderStatus {
    Active,
    Suspended,
    Archived,
}
}

/// A state change of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsRefStr)]
#[strum(serialize_all = "snake_case")]
pub enum ProviderAction {
    Activate,
    Suspend,
    Archive,
}

impl Lifecycle for ProviderStatus {
    type Action = ProviderAction;

    fn allowed_actions(self) -> &'static [ProviderAction] {
        match self {
            ProviderStatus::Active => &[ProviderAction::Suspend, ProviderAction::Archive],
            ProviderStatus::Suspended => &[ProviderAction::Activate, ProviderAction::Archive],
            ProviderStatus::Archived => &[ProviderAction::Activate],
        }
    }

    fn after(self, action: ProviderAction) -> ProviderStatus {
        match action {
            ProviderAction::Activate => ProviderStatus::Active,
            ProviderAction::Suspend => ProviderStatus::Suspended,
            ProviderAction::Archive => ProviderStatus::Archived,
        }
    }
}

/// The organisation's own contact details (public).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[validate(email)]
    pub email: Option<String>,
    /// 7-20 digits, spaces, `+`, `-`, `(`, `)`.
    pub phone: Option<String>,
    #[validate(url)]
    pub website: Option<String>,
}

/// A person to contact at the provider: personal data, shown only to CUS staff and the provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ContactPerson {
    #[validate(length(min = 1, max = 200))]
    #[schema(required = true)]
    pub name: Option<String>,
    #[validate(length(max = 200))]
    pub position: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A provider in the registry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-0000000000aa",
    "name": "Fundacja Pomocy Seniorom „Złota Jesień”",
    "short_name": "Złota Jesień",
    "legal_form": "foundation",
    "statutory_art_3_3": false,
    "public_benefit_standing": "ngo",
    "legal_form_needs_review": false,
    "statuses": {"public_benefit_organisation_since": "2015-06-01", "social_economy_entity": true, "social_enterprise_since": null},
    "units": [{"kind": "day_centre", "name": "Dzienny Dom Seniora „Złota Jesień”", "address": {"street": "ul. Kościelna", "building": "14", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"}}],
    "nip": "8567346215",
    "regon": "123456785",
    "krs": "0000249506",
    "address": {"street": "ul. Kościelna", "building": "12", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
    "contact": {"email": "biuro@zlotajesien.org.pl", "phone": "+48 41 274 00 00", "website": "https://zlotajesien.org.pl"},
    "contact_persons": [{"name": "Anna Nowak", "position": "koordynatorka", "email": "anna.nowak@zlotajesien.org.pl", "phone": "600 100 200"}],
    "areas": ["social_assistance", "health"],
    "description": "Usługi opiekuńcze i wytchnieniowe dla seniorów.",
    "status": "active",
    "created_at": "2026-11-26T10:00:00Z",
    "updated_at": "2026-11-26T10:00:00Z",
    "version": 1
}))]
pub struct Provider {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub legal_form: LegalForm,
    /// Staff's reading of the statute, for the forms whose art. 3 ust. 3 standing depends on it.
    pub statutory_art_3_3: bool,
    /// Derived from `legal_form` and `statutory_art_3_3`, never typed; decides who may receive
    /// which commissioning mode.
    pub public_benefit_standing: PublicBenefitStanding,
    /// Set by the migration from the old forms `cis`, `kis`, `zaz` and `wtz` (now units, with the
    /// form `other`); cleared when staff send `legal_form` in a change or an import.
    pub legal_form_needs_review: bool,
    pub statuses: Statuses,
    pub units: Vec<Unit>,
    /// Canonical 10 digits.
    pub nip: Option<String>,
    /// Canonical 9 or 14 digits.
    pub regon: Option<String>,
    /// Canonical 10 digits, zero-padded.
    pub krs: Option<String>,
    pub address: Address,
    pub contact: Contact,
    /// Present only for CUS staff and the provider itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_persons: Option<Vec<ContactPerson>>,
    pub areas: Vec<ServiceArea>,
    pub description: String,
    pub status: ProviderStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The writable fields of a provider, as sent on create, as the target of a merge patch, and as
/// one row of an import.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Fundacja Pomocy Seniorom „Złota Jesień”",
    "short_name": "Złota Jesień",
    "legal_form": "foundation",
    "statuses": {"public_benefit_organisation_since": "2015-06-01", "social_economy_entity": true},
    "units": [{"kind": "day_centre", "name": "Dzienny Dom Seniora „Złota Jesień”", "address": {"building": "14", "postal_code": "27-200", "city": "Starachowice"}}],
    "nip": "PL 856-734-62-15",
    "regon": "123456785",
    "krs": "249506",
    "address": {"street": "ul. Kościelna", "building": "12", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
    "contact": {"email": "biuro@zlotajesien.org.pl", "phone": "+48 41 274 00 00", "website": "https://zlotajesien.org.pl"},
    "contact_persons": [{"name": "Anna Nowak", "position": "koordynatorka", "phone": "600 100 200"}],
    "areas": ["social_assistance", "health"],
    "description": "Usługi opiekuńcze i wytchnieniowe dla seniorów."
}))]
pub struct ProviderInput {
    /// 1-300 characters.
    #[schema(required = true)]
    pub name: Option<String>,
    /// At most 100 characters.
    pub short_name: Option<String>,
    #[schema(required = true, value_type = Option<LegalForm>)]
    pub legal_form: Option<String>,
    /// Whether the statute makes a social cooperative or non-profit company an art. 3 ust. 3
    /// entity (no profit distribution, public benefit aims); refused for other forms, whose
    /// standing the law decides.
    pub statutory_art_3_3: Option<bool>,
    pub statuses: Option<Statuses>,
    /// At most 20 units.
    pub units: Option<Vec<Unit>>,
    /// NIP as typed (`PL 856-734-62-15` works); stored as 10 digits. NIP or KRS is required
    /// unless the provider is a public unit.
    pub nip: Option<String>,
    pub regon: Option<String>,
    pub krs: Option<String>,
    #[schema(required = true)]
    pub address: Option<Address>,
    pub contact: Option<Contact>,
    pub contact_persons: Option<Vec<ContactPerson>>,
    #[schema(value_type = Option<Vec<ServiceArea>>)]
    pub areas: Option<Vec<String>>,
    /// At most 5000 characters.
    pub description: Option<String>,
}

/// A validated provider, ready to be stored.
#[derive(Debug, Clone)]
pub struct ProviderDraft {
    pub name: String,
    pub short_name: Option<String>,
    pub legal_form: LegalForm,
    pub statutory_art_3_3: bool,
    pub statuses: StatusDates,
    pub units: Vec<Unit>,
    pub nip: Option<Nip>,
    pub regon: Option<Regon>,
    pub krs: Option<Krs>,
    pub address: Address,
    pub contact: Contact,
    pub contact_persons: Vec<ContactPerson>,
    pub areas: Vec<ServiceArea>,
    pub description: String,
}

const MAX_CONTACT_PERSONS: usize = 20;
const MAX_UNITS: usize = 20;

fn check_length(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) {
    if value.is_some_and(|v| v.chars().count() > max) {
        errors.add(field, "length", format!("{field} must be at most {max} characters long"));
    }
}

/// 7-20 digits, with spaces, `+`, `-` or brackets: the phone numbers the registry and locations publish.
pub fn check_phone(errors: &mut FieldErrors, field: &str, phone: Option<&str>) {
    let Some(phone) = phone else { return };
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !allowed || !(7..=20).contains(&digits) {
        errors.add(field, "phone", format!("{field} must be 7-20 digits, with spaces, +, - or brackets"));
    }
}

/// Parses an identifier with the reason of a failure in the field error.
fn identifier<T>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Result<T, crate::domain::identifiers::IdentifierError>,
) -> Option<T> {
    let value = clean(value)?;
    match parse(&value) {
        Ok(parsed) => Some(parsed),
        Err(err) => {
            errors.add(field, err.code(), err.message());
            None
        }
    }
}

impl ProviderInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<ProviderDraft> {
        let mut errors = FieldErrors::new();
        let name = errors.required("name", clean(self.name.as_deref()));
        check_length(&mut errors, "name", name.as_deref(), 300);
        let short_name = clean(self.short_name.as_deref());
        check_length(&mut errors, "short_name", short_name.as_deref(), 100);
        let legal_form = errors.required_enum::<LegalForm>("legal_form", self.legal_form.as_deref());
        let nip = identifier(&mut errors, "nip", self.nip.as_deref(), Nip::parse);
        let regon = identifier(&mut errors, "regon", self.regon.as_deref(), Regon::parse);
        let krs = identifier(&mut errors, "krs", self.krs.as_deref(), Krs::parse);
        let identified = self.nip.as_deref().and_then(|v| clean(Some(v))).is_some()
            || self.krs.as_deref().and_then(|v| clean(Some(v))).is_some();
        if legal_form.is_some_and(|form| form != LegalForm::PublicUnit) && !identified {
            errors.add("nip", "required", "a non-public provider needs a NIP or a KRS number");
        }
        let address = errors
            .required("address", self.address)
            .and_then(|address| Address::parse_office(&mut errors, "address", address));
        let contact = self.contact.unwrap_or_default();
        errors.check_at("contact", &contact);
        let contact = Contact {
            email: clean(contact.email.as_deref()),
            phone: clean(contact.phone.as_deref()),
            website: clean(contact.website.as_deref()),
        };
        check_phone(&mut errors, "contact.phone", contact.phone.as_deref());
        let contact_persons = self.contact_persons.unwrap_or_default();
        if contact_persons.len() > MAX_CONTACT_PERSONS {
            errors.add("contact_persons", "length", format!("at most {MAX_CONTACT_PERSONS} contact persons"));
        }
        for (index, person) in contact_persons.iter().enumerate() {
            let prefix = format!("contact_persons[{index}]");
            if clean(person.name.as_deref()).is_none() {
                errors.add(format!("{prefix}.name"), "required", "a contact person needs a name");
            }
            errors.check_at(&prefix, person);
            check_phone(&mut errors, &format!("{prefix}.phone"), person.phone.as_deref());
        }
        let statutory_art_3_3 = self.statutory_art_3_3.unwrap_or(false);
        if statutory_art_3_3 && legal_form.is_some_and(|form| !form.standing_depends_on_statute()) {
            errors.add(
                "statutory_art_3_3",
                "not_applicable",
                "only a social cooperative's or non-profit company's standing depends on its statute (public benefit act art. 3 ust. 3); the law decides it for this form",
            );
        }
        let standing = legal_form.map(|form| form.standing(statutory_art_3_3));
        let statuses = parse_statuses(&mut errors, self.statuses.unwrap_or_default(), standing, krs.is_some());
        let units = parse_units(&mut errors, self.units.unwrap_or_default());
        let areas = parse_areas(&mut errors, self.areas.as_deref().unwrap_or_default());
        let description = clean(self.description.as_deref()).unwrap_or_default();
        check_length(&mut errors, "description", Some(&description), 5000);
        errors.finish(|| {
            Some(ProviderDraft {
                name: name?,
                short_name,
                legal_form: legal_form?,
                statutory_art_3_3,
                statuses: statuses?,
                units: units?,
                nip,
                regon,
                krs,
                address: address?,
                contact,
                contact_persons: contact_persons
                    .into_iter()
                    .map(|person| ContactPerson {
                        name: clean(person.name.as_deref()),
                        position: clean(person.position.as_deref()),
                        email: clean(person.email.as_deref()),
                        phone: clean(person.phone.as_deref()),
                    })
                    .collect(),
                areas: areas?,
                description,
            })
        })
    }
}

/// The statuses' dates, and what each status presupposes.
fn parse_statuses(
    errors: &mut FieldErrors,
    input: Statuses,
    standing: Option<PublicBenefitStanding>,
    has_krs: bool,
) -> Option<StatusDates> {
    let mut date = |field: &str, value: Option<&str>| match clean(value) {
        None => Some(None),
        Some(text) => errors.parse_with(&format!("statuses.{field}"), "date", Some(&text), parse_date).map(Some),
    };
    let opp = date("public_benefit_organisation_since", input.public_benefit_organisation_since.as_deref());
    let enterprise = date("social_enterprise_since", input.social_enterprise_since.as_deref());
    let pes = input.social_economy_entity.unwrap_or(false);
    if opp.flatten().is_some() {
        if !has_krs {
            errors.add(
                "statuses.public_benefit_organisation_since",
                "krs_required",
                "the public benefit status is entered in the KRS (public benefit act art. 22): give the KRS number",
            );
        }
        if standing == Some(PublicBenefitStanding::None) {
            errors.add(
                "statuses.public_benefit_organisation_since",
                "standing_required",
                "only an NGO or an art. 3 ust. 3 entity may be a public benefit organisation (public benefit act art. 20)",
            );
        }
    }
    if enterprise.flatten().is_some() && !pes {
        errors.add(
            "statuses.social_enterprise_since",
            "social_economy_entity_required",
            "only a social economy entity may hold the social enterprise status (social economy act of 5 August 2022, art. 3)",
        );
    }
    Some(StatusDates {
        public_benefit_organisation_since: opp?,
        social_economy_entity: pes,
        social_enterprise_since: enterprise?,
    })
}

/// Units, each with a known kind, a name and an office address.
fn parse_units(errors: &mut FieldErrors, units: Vec<Unit>) -> Option<Vec<Unit>> {
    if units.len() > MAX_UNITS {
        errors.add("units", "length", format!("at most {MAX_UNITS} units"));
        return None;
    }
    let mut valid = true;
    let mut parsed = Vec::with_capacity(units.len());
    for (index, unit) in units.into_iter().enumerate() {
        let prefix = format!("units[{index}]");
        let kind = errors.required_enum::<UnitKind>(&format!("{prefix}.kind"), unit.kind.as_deref().map(str::trim));
        let name = errors.required(&format!("{prefix}.name"), clean(unit.name.as_deref()));
        check_length(errors, &format!("{prefix}.name"), name.as_deref(), 300);
        let address = errors
            .required(&format!("{prefix}.address"), unit.address)
            .and_then(|address| Address::parse_office(errors, &format!("{prefix}.address"), address));
        match (kind, name, address) {
            (Some(kind), Some(name), Some(address)) => {
                parsed.push(Unit { kind: Some(kind.as_ref().to_owned()), name: Some(name), address: Some(address) })
            }
            _ => valid = false,
        }
    }
    valid.then_some(parsed)
}

/// Distinct statutory areas.
pub fn parse_areas(errors: &mut FieldErrors, names: &[String]) -> Option<Vec<ServiceArea>> {
    let mut areas = Vec::with_capacity(names.len());
    let mut valid = true;
    for (index, name) in names.iter().enumerate() {
        let field = format!("areas[{index}]");
        match errors.parse_enum::<ServiceArea>(&field, Some(name.trim())) {
            Some(area) if areas.contains(&area) => {
                errors.add(field, "duplicate", format!("{} is listed twice", area.as_ref()));
                valid = false;
            }
            Some(area) => areas.push(area),
            None => valid = false,
        }
    }
    valid.then_some(areas)
}

/// Sort orders of the registry list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, AsRefStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum ProviderSortField {
    /// Polish alphabetical order of the name.
    Name,
    UpdatedAt,
}

/// Filters, search, sort and paging of the registry.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProviderListQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `name` (Polish alphabetical order, the default) or `updated_at`; prefix `-` for descending.
    #[param(schema_with = crate::http::pagination::sort_schema::<ProviderSortField>, example = "name")]
    pub sort: Option<Sort<ProviderSortField>>,
    /// Case- and diacritic-insensitive search in the names; a NIP or KRS number (as typed) matches
    /// exactly.
    #[param(max_length = 200, example = "zlota jesien")]
    pub q: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub status: Option<ProviderStatus>,
    /// Providers working in this area.
    pub area: Option<ServiceArea>,
    /// Providers offering this catalogue service.
    pub service_id: Option<Uuid>,
    /// Providers seated in this municipality (TERYT TERC).
    #[param(example = "2611011")]
    pub teryt: Option<String>,
    /// Only providers changed at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// The list's filters and sort without paging: the export returns every match, so `limit` and
/// `cursor` are unknown parameters there.
#[derive(Debug)]
pub struct ProviderExportQuery(pub ProviderListQuery);

impl<'de> Deserialize<'de> for ProviderExportQuery {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let query = ProviderListQuery::deserialize(deserializer)?;
        let paging = [("limit", query.limit.is_some()), ("cursor", query.cursor.is_some())];
        match paging.into_iter().find(|(_, given)| *given) {
            Some((name, _)) => Err(serde::de::Error::custom(format!(
                "unknown field `{name}`: the export is not paged, it returns every match"
            ))),
            None => Ok(ProviderExportQuery(query)),
        }
    }
}

impl IntoParams for ProviderExportQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let paging = |parameter: &Parameter| matches!(parameter.name.as_str(), "limit" | "cursor");
        ProviderListQuery::into_params(parameter_in).into_iter().filter(|parameter| !paging(parameter)).collect()
    }
}

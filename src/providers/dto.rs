//! The providers registry's API vocabulary, and validation into a `ProviderDraft`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::lifecycle::Lifecycle;
use crate::domain::{Address, Krs, Nip, Regon, ServiceArea};
use crate::error::ApiResult;
use crate::http::pagination::Sort;
use crate::validation::FieldErrors;

crate::text_enum! {
/// Legal form (forma prawna): `association` (stowarzyszenie), `foundation` (fundacja),
/// `social_cooperative` (spółdzielnia socjalna), `church_legal_person` (kościelna osoba prawna),
/// `cis` (centrum integracji społecznej), `kis` (klub integracji społecznej), `zaz` (zakład
/// aktywności zawodowej), `wtz` (warsztat terapii zajęciowej), `public_unit` (jednostka sektora
/// publicznego), `company` (przedsiębiorca, spółka), `other` (inna).
pub enum LegalForm {
    Association,
    Foundation,
    SocialCooperative,
    ChurchLegalPerson,
    Cis,
    Kis,
    Zaz,
    Wtz,
    PublicUnit,
    Company,
    Other,
}
}

crate::text_enum! {
/// Sector, derived from the legal form: `ngo` (organizacje pozarządowe and art. 3 ust. 3
/// entities), `social_economy` (podmioty ekonomii społecznej), `public`, `private`.
pub enum Sector {
    Ngo,
    SocialEconomy,
    Public,
    Private,
}
}

impl LegalForm {
    pub fn sector(self) -> Sector {
        match self {
            LegalForm::Association | LegalForm::Foundation | LegalForm::ChurchLegalPerson => Sector::Ngo,
            LegalForm::SocialCooperative | LegalForm::Cis | LegalForm::Kis | LegalForm::Zaz | LegalForm::Wtz => {
                Sector::SocialEconomy
            }
            LegalForm::PublicUnit => Sector::Public,
            LegalForm::Company | LegalForm::Other => Sector::Private,
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
    "sector": "ngo",
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
    pub sector: Sector,
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

/// Trims a text; blank becomes absent.
fn clean(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn check_length(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) {
    if value.is_some_and(|v| v.chars().count() > max) {
        errors.add(field, "length", format!("{field} must be at most {max} characters long"));
    }
}

fn check_phone(errors: &mut FieldErrors, field: &str, phone: Option<&str>) {
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
        if legal_form.is_some_and(|form| form.sector() != Sector::Public) && !identified {
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
        let areas = parse_areas(&mut errors, self.areas.as_deref().unwrap_or_default());
        let description = clean(self.description.as_deref()).unwrap_or_default();
        check_length(&mut errors, "description", Some(&description), 5000);
        errors.finish(|| {
            Some(ProviderDraft {
                name: name?,
                short_name,
                legal_form: legal_form?,
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
    pub sector: Option<Sector>,
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

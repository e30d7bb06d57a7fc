//! Residents' API vocabulary: the input, its validation (PESEL rules), and the views each role gets.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::identifiers::Sex as PeselSex;
use crate::domain::period::parse_date;
use crate::domain::text::clean;
use crate::domain::{Address, Pesel};
use crate::error::ApiResult;
use crate::validation::FieldErrors;

use super::provider_view::ResidentForProvider;

crate::text_enum! {
/// `female` (kobieta) or `male` (mężczyzna), as PESEL records it.
pub enum Sex {
    Female,
    Male,
}
}

impl From<PeselSex> for Sex {
    fn from(sex: PeselSex) -> Self {
        match sex {
            PeselSex::Female => Sex::Female,
            PeselSex::Male => Sex::Male,
        }
    }
}

/// A legal representative or de facto carer (przedstawiciel ustawowy, opiekun faktyczny).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRepresentative {
    #[schema(required = true, example = "Jan Kowalski")]
    pub name: Option<String>,
    /// Phone or e-mail.
    #[schema(example = "600 200 300")]
    pub contact: Option<String>,
}

/// The writable fields of a resident.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "first_name": "Maria",
    "last_name": "Wiśniewska",
    "pesel": "02211307589",
    "address": {"street": "ul. Polna", "building": "3/2", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
    "phone": "600 100 200",
    "legal_representative": {"name": "Jan Wiśniewski", "contact": "600 200 300"},
    "notes_on_needs": "Wymaga pomocy w codziennych czynnościach po udarze."
}))]
pub struct ResidentInput {
    #[validate(length(max = 100))]
    #[schema(required = true)]
    pub first_name: Option<String>,
    #[validate(length(max = 100))]
    #[schema(required = true)]
    pub last_name: Option<String>,
    /// Optional; when given, `birth_date` and `sex` are derived from it or must agree with it.
    /// Never put a PESEL in a URL: search by POST /api/v1/residents/search.
    pub pesel: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<String>,
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    /// `address.teryt`, when given, must be the TERYT TERC code of a gmina this CUS serves
    /// (`/api/v1/municipalities`): 422 `unknown_municipality` when none has it,
    /// `inactive_municipality` when it is no longer served (checked when set or changed).
    pub address: Option<Address>,
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    pub legal_representative: Option<LegalRepresentative>,
    #[validate(length(max = 10000))]
    pub notes_on_needs: Option<String>,
}

/// A validated resident.
#[derive(Debug, Clone)]
pub struct ResidentDraft {
    pub first_name: String,
    pub last_name: String,
    pub pesel: Option<Pesel>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub address: Address,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub legal_representative: Option<LegalRepresentative>,
    pub notes_on_needs: String,
}

impl ResidentInput {
    /// Checks every field; with a PESEL, the birth date and sex come from it or must agree with it.
    pub fn validate_draft(self) -> ApiResult<ResidentDraft> {
        let mut errors = FieldErrors::new();
        errors.check(&self);
        let first_name = errors.required("first_name", clean(self.first_name.as_deref()));
        let last_name = errors.required("last_name", clean(self.last_name.as_deref()));
        let pesel = match clean(self.pesel.as_deref()) {
            None => None,
            // The message names the rule, never the number.
            Some(text) => match Pesel::parse(&text) {
                Ok(pesel) => Some(pesel),
                Err(err) => {
                    errors.add("pesel", err.code(), err.message());
                    None
                }
            },
        };
        let birth_date = errors.parse_with("birth_date", "invalid_date", self.birth_date.as_deref(), parse_date);
        let sex = errors.parse_enum::<Sex>("sex", self.sex.as_deref());
        if let Some(pesel) = &pesel {
            if birth_date.is_some_and(|date| date != pesel.birth_date()) {
                errors.add("birth_date", "pesel_mismatch", "the birth date does not agree with the PESEL");
            }
            if sex.is_some_and(|sex| sex != Sex::from(pesel.sex())) {
                errors.add("sex", "pesel_mismatch", "the sex does not agree with the PESEL");
            }
        }
        let address = Address::parse_partial(&mut errors, "address", self.address.unwrap_or_default());
        let phone = clean(self.phone.as_deref());
        if phone.as_ref().is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) || p.len() > 30)
        {
            errors.add("phone", "phone", "phone may hold digits, spaces, +, - and brackets");
        }
        let representative = self
            .legal_representative
            .map(|r| LegalRepresentative { name: clean(r.name.as_deref()), contact: clean(r.contact.as_deref()) });
        if representative.as_ref().is_some_and(|r| r.name.is_none()) {
            errors.add("legal_representative.name", "required", "a legal representative needs a name");
        }
        errors.finish(|| {
            Some(ResidentDraft {
                first_name: first_name?,
                last_name: last_name?,
                birth_date: birth_date.or(pesel.as_ref().map(Pesel::birth_date)),
                sex: sex.or(pesel.as_ref().map(|p| Sex::from(p.sex()))),
                pesel,
                address,
                phone,
                email: clean(self.email.as_deref()),
                legal_representative: representative,
                notes_on_needs: clean(self.notes_on_needs.as_deref()).unwrap_or_default(),
            })
        })
    }
}

/// Everything held about a resident: for the coordinator (KIPUS) and the director.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resident {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub pesel: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub address: Address,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub legal_representative: Option<LegalRepresentative>,
    pub notes_on_needs: String,
    /// Identity erased on lawful request; the statistics remain.
    pub anonymised: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The organiser of social services' (OUS) pseudonymous view: enough for planning, no identity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentPseudonym {
    pub id: Uuid,
    pub year_of_birth: Option<i32>,
    /// TERYT TERC of the municipality.
    pub municipality: Option<String>,
    pub active_plans: i64,
}

/// A resident as the caller's role may see it: `kipus` and `director` the full record (Resident),
/// `ous` a pseudonym (ResidentPseudonym), `provider` only residents with an active plan item it
/// delivers, and only name, address, phone and those items (ResidentForProvider). Other roles
/// and the public see no residents.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ResidentView {
    Full(Resident),
    Pseudonymous(ResidentPseudonym),
    ForProvider(ResidentForProvider),
}

/// A search by name and/or exact PESEL, sent in a body so that neither reaches a URL or a log.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "wisniewska", "limit": 20}))]
pub struct ResidentSearch {
    /// Case- and diacritic-insensitive, in first and last names.
    pub name: Option<String>,
    /// Exact match.
    pub pesel: Option<String>,
    /// 1-200, default 50.
    #[schema(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[schema(min_length = 1, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// What a resident search looks for, validated: a name (folded later) and a canonical PESEL.
pub struct SearchTerms {
    pub name: Option<String>,
    pub pesel: Option<String>,
}

impl ResidentSearch {
    /// A name of at most 200 characters, a valid PESEL, at least one of them (422 naming each).
    pub fn validate_terms(&self) -> ApiResult<SearchTerms> {
        let mut errors = FieldErrors::new();
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            errors.add("name", "length", "name must be at most 200 characters long");
        }
        let pesel = self.pesel.as_deref().and_then(|text| match Pesel::parse(text) {
            Ok(pesel) => Some(pesel.as_str().to_owned()),
            Err(err) => {
                errors.add("pesel", err.code(), err.message());
                None
            }
        });
        if name.is_none() && self.pesel.is_none() {
            errors.add("name", "required", "give a name, a PESEL or both");
        }
        errors.finish(|| Some(SearchTerms { name, pesel }))
    }
}

/// Paging and non-identifying filters of the resident list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResidentListQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Residents of this municipality (TERYT TERC).
    pub teryt: Option<String>,
    /// Only residents changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

/// Year of birth from a full date, kept when identity is erased.
pub fn birth_year(date: Option<NaiveDate>) -> Option<i32> {
    date.map(|d| d.year())
}

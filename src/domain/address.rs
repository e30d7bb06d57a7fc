//! Postal addresses, shared by providers (their registered office) and residents.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::text::clean;
use crate::domain::identifiers::IdentifierError;
use crate::domain::{PostalCode, Teryt};
use crate::validation::FieldErrors;

/// Longest `street`, in characters (the schema's `max_length` repeats these limits).
pub const STREET_MAX: usize = 200;
/// Longest `building` (with the flat, e.g. `12/4a`).
pub const BUILDING_MAX: usize = 20;
/// Longest `city`.
pub const CITY_MAX: usize = 100;

/// A postal address: a provider's registered office (siedziba), which needs `building`,
/// `postal_code` and `city`, or a resident's address, which may be partial.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[schema(max_length = 200)]
    pub street: Option<String>,
    /// Building and flat number.
    #[schema(max_length = 20)]
    pub building: Option<String>,
    /// `NN-NNN`.
    #[schema(example = "27-200")]
    pub postal_code: Option<String>,
    #[schema(max_length = 100)]
    pub city: Option<String>,
    /// TERYT TERC code of the municipality (gmina), 7 digits.
    #[schema(example = "2611011")]
    pub teryt: Option<String>,
}

impl Address {
    /// A registered office under `field`: `building`, `postal_code` and `city` are required, the
    /// codes are checked and normalised, and every text is trimmed and within its limit.
    pub fn parse_office(errors: &mut FieldErrors, field: &str, address: Address) -> Option<Address> {
        let building = errors.required(&format!("{field}.building"), clean(address.building.as_deref()));
        let city = errors.required(&format!("{field}.city"), clean(address.city.as_deref()));
        let street = clean(address.street.as_deref());
        check_lengths(errors, field, street.as_deref(), building.as_deref(), city.as_deref());
        let postal_field = format!("{field}.postal_code");
        let postal_code = errors
            .required(&postal_field, clean(address.postal_code.as_deref()))
            .and_then(|code| identifier(errors, &postal_field, &code, PostalCode::parse));
        let teryt = clean(address.teryt.as_deref())
            .and_then(|code| identifier(errors, &format!("{field}.teryt"), &code, Teryt::parse));
        Some(Address {
            street,
            building: Some(building?),
            postal_code: Some(postal_code?.as_str().to_owned()),
            city: Some(city?),
            teryt: teryt.map(|t| t.as_str().to_owned()),
        })
    }

    /// An address under `field` of which any part may be missing; the parts given are checked as
    /// in `parse_office`, the postal code normalised.
    pub fn parse_partial(errors: &mut FieldErrors, field: &str, address: Address) -> Address {
        let (street, building, city) =
            (clean(address.street.as_deref()), clean(address.building.as_deref()), clean(address.city.as_deref()));
        check_lengths(errors, field, street.as_deref(), building.as_deref(), city.as_deref());
        let postal_code = clean(address.postal_code.as_deref())
            .and_then(|code| identifier(errors, &format!("{field}.postal_code"), &code, PostalCode::parse));
        let teryt = clean(address.teryt.as_deref());
        if let Some(code) = &teryt {
            identifier(errors, &format!("{field}.teryt"), code, Teryt::parse);
        }
        Address { street, building, postal_code: postal_code.map(|code| code.as_str().to_owned()), city, teryt }
    }
}

fn check_lengths(
    errors: &mut FieldErrors,
    field: &str,
    street: Option<&str>,
    building: Option<&str>,
    city: Option<&str>,
) {
    for (part, value, max) in
        [("street", street, STREET_MAX), ("building", building, BUILDING_MAX), ("city", city, CITY_MAX)]
    {
        if value.is_some_and(|v| v.chars().count() > max) {
            let name = format!("{field}.{part}");
            errors.add(&name, "length", format!("{name} must be at most {max} characters long"));
        }
    }
}

/// Parses a code, with the reason of a failure in the field error.
fn identifier<T>(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    parse: fn(&str) -> Result<T, IdentifierError>,
) -> Option<T> {
    parse(value).map_err(|err| errors.add(field, err.code(), err.message())).ok()
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn the_documented_limits_are_the_checked_ones() {
        let schema = serde_json::to_value(Address::schema()).unwrap();
        for (part, max) in [("street", STREET_MAX), ("building", BUILDING_MAX), ("city", CITY_MAX)] {
            assert_eq!(schema["properties"][part]["maxLength"], max, "{part}");
        }
    }

    #[test]
    fn an_overlong_part_is_a_field_error() {
        let mut errors = FieldErrors::new();
        let address = Address { city: Some("x".repeat(CITY_MAX + 1)), ..Address::default() };
        Address::parse_partial(&mut errors, "address", address);
        let errors = errors.into_errors();
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("address.city", "length"));
    }
}

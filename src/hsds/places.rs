//! Locations and services at locations in HSDS's shapes: the address with its voivodeship, the
//! public phone, weekly hours and dated exceptions as HSDS schedules, accessibility in Polish.
//! Nothing else of a location (e-mail, website, status, who recorded it) is public here.

use chrono::{Datelike, NaiveDate, Offset, TimeZone};
use chrono_tz::Europe::Warsaw;
use uuid::Uuid;

use super::dto::{
    HsdsAccessibility, HsdsAddress, HsdsLanguage, HsdsLocation, HsdsPhone, HsdsSchedule, HsdsServiceAtLocation,
};
use super::taxonomy::derived_id;
use crate::error::ApiResult;
use crate::locations::dto::{Accessibility, HoursException, Location, Weekday};
use crate::locations::model::LocationRecord;

/// Voivodeships (województwa) by TERYT code: 02, 04, ... 32.
const VOIVODESHIPS: [&str; 16] = [
    "dolnośląskie",
    "kujawsko-pomorskie",
    "lubelskie",
    "lubuskie",
    "łódzkie",
    "małopolskie",
    "mazowieckie",
    "opolskie",
    "podkarpackie",
    "podlaskie",
    "pomorskie",
    "śląskie",
    "świętokrzyskie",
    "warmińsko-mazurskie",
    "wielkopolskie",
    "zachodniopomorskie",
];

/// The voivodeship of a TERYT code's first two digits (a stored code is always valid).
fn voivodeship(teryt: &str) -> &'static str {
    let code = teryt.get(..2).and_then(|digits| digits.parse::<usize>().ok()).unwrap_or_default();
    (code / 2).checked_sub(1).and_then(|index| VOIVODESHIPS.get(index)).copied().unwrap_or_default()
}

/// iCalendar's day code and the day's Polish name.
fn day(day: Weekday) -> (&'static str, &'static str) {
    match day {
        Weekday::Monday => ("MO", "poniedziałek"),
        Weekday::Tuesday => ("TU", "wtorek"),
        Weekday::Wednesday => ("WE", "środa"),
        Weekday::Thursday => ("TH", "czwartek"),
        Weekday::Friday => ("FR", "piątek"),
        Weekday::Saturday => ("SA", "sobota"),
        Weekday::Sunday => ("SU", "niedziela"),
    }
}

/// Poland's UTC offset in hours on a date, taken at noon: summer time changes at night.
fn utc_offset_hours(date: NaiveDate) -> i32 {
    let noon = date.and_hms_opt(12, 0, 0).and_then(|noon| Warsaw.from_local_datetime(&noon).single());
    noon.map_or(1, |at| at.offset().fix().local_minus_utc() / 3600)
}

/// Whose schedules these are: a location's own, or a service's at the location.
#[derive(Clone, Copy)]
enum Owner {
    Location(Uuid),
    ServiceAtLocation(Uuid),
}

impl Owner {
    fn schedule(self, parts: &[&str], description: String) -> HsdsSchedule {
        let (id, location_id, service_at_location_id) = match self {
            Owner::Location(id) => (id, Some(id), None),
            Owner::ServiceAtLocation(id) => (id, None, Some(id)),
        };
        let owner_id = id.to_string();
        let id_parts: Vec<&str> = ["schedule", owner_id.as_str()].into_iter().chain(parts.iter().copied()).collect();
        HsdsSchedule {
            id: derived_id(&id_parts),
            location_id,
            service_at_location_id,
            valid_from: None,
            valid_to: None,
            timezone: None,
            freq: None,
            byday: None,
            opens_at: None,
            closes_at: None,
            description,
        }
    }
}

/// One weekly schedule per interval, then each exception: one dated schedule per interval, or
/// one without times for a closed day.
fn schedules(location: &Location, owner: Owner) -> Vec<HsdsSchedule> {
    let weekly = location.opening_hours.iter().map(|hours| {
        let (code, name) = day(hours.day);
        let description = format!("{name} {}-{} (czas polski)", hours.from, hours.to);
        HsdsSchedule {
            freq: Some("WEEKLY"),
            byday: Some(code),
            opens_at: Some(hours.from.clone()),
            closes_at: Some(hours.to.clone()),
            ..owner.schedule(&["weekly", code, &hours.from], description)
        }
    });
    weekly.chain(location.exceptions.iter().flat_map(|exception| dated(exception, owner))).collect()
}

fn dated(exception: &HoursException, owner: Owner) -> Vec<HsdsSchedule> {
    let date = exception.date.to_string();
    let note = Some(exception.note.as_str()).filter(|note| !note.is_empty());
    let on_date = |schedule: HsdsSchedule| HsdsSchedule {
        valid_from: Some(date.clone()),
        valid_to: Some(date.clone()),
        ..schedule
    };
    if exception.closed || exception.hours.is_empty() {
        let description = note.map_or_else(|| format!("{date} nieczynne"), |note| format!("{date} nieczynne: {note}"));
        return vec![on_date(owner.schedule(&[&date, "closed"], description))];
    }
    let offset = utc_offset_hours(exception.date);
    let weekday = i32::try_from(exception.date.weekday().number_from_monday()).ok().and_then(Weekday::from_iso);
    let code = weekday.map(|weekday| day(weekday).0);
    let with_offset = |time: &str| format!("{time}{offset:+03}:00");
    (exception.hours.iter())
        .map(|interval| {
            let times = format!("{}-{}", interval.from, interval.to);
            let description =
                note.map_or_else(|| format!("{date}: {times}"), |note| format!("{date} ({note}): {times}"));
            on_date(HsdsSchedule {
                timezone: Some(offset),
                freq: Some("WEEKLY"),
                byday: code,
                opens_at: Some(with_offset(&interval.from)),
                closes_at: Some(with_offset(&interval.to)),
                ..owner.schedule(&[&date, &interval.from], description)
            })
        })
        .collect()
}

/// One entry per feature present, in Polish, then the free-text note.
fn accessibility(location_id: Uuid, features: &Accessibility) -> Vec<HsdsAccessibility> {
    let flags = [
        ("step_free", features.step_free, "Wejście bez barier architektonicznych (bez schodów, z podjazdem lub windą)"),
        (
            "accessible_toilet",
            features.accessible_toilet,
            "Toaleta dostosowana do potrzeb osób z niepełnosprawnościami",
        ),
        ("hearing_loop", features.hearing_loop, "Pętla indukcyjna dla osób słabosłyszących"),
        ("sign_language", features.sign_language, "Obsługa w polskim języku migowym (PJM)"),
        ("disabled_parking", features.disabled_parking, "Miejsca parkingowe dla osób z niepełnosprawnościami"),
    ];
    let present = flags.into_iter().filter(|(_, present, _)| *present).map(|(code, _, text)| (code, text.to_owned()));
    (present.chain(features.note.clone().map(|note| ("note", note))))
        .map(|(code, description)| HsdsAccessibility {
            id: derived_id(&["accessibility", &location_id.to_string(), code]),
            location_id,
            description,
        })
        .collect()
}

fn of(location: &Location) -> HsdsLocation {
    let id = location.id;
    let address = &location.address;
    let (building, city) = (address.building.clone().unwrap_or_default(), address.city.clone().unwrap_or_default());
    let address_1 = match &address.street {
        Some(street) => format!("{street} {building}"),
        None => format!("{city} {building}"),
    };
    let phones = location.contact.phone.iter().map(|number| HsdsPhone {
        id: derived_id(&["phone", &id.to_string()]),
        location_id: id,
        number: number.clone(),
        kind: "voice",
    });
    let sign_language = location.accessibility.sign_language.then(|| HsdsLanguage {
        id: derived_id(&["language", &id.to_string(), "pso"]),
        location_id: id,
        name: "polski język migowy",
        code: "pso",
    });
    HsdsLocation {
        id,
        location_type: "physical",
        organization_id: location.provider_id,
        name: location.name.clone(),
        latitude: location.coordinates.map(|at| at.latitude),
        longitude: location.coordinates.map(|at| at.longitude),
        addresses: vec![HsdsAddress {
            id: derived_id(&["address", &id.to_string()]),
            location_id: id,
            address_1,
            city,
            state_province: voivodeship(address.teryt.as_deref().unwrap_or_default()),
            postal_code: address.postal_code.clone().unwrap_or_default(),
            country: "PL",
            address_type: "physical",
        }],
        phones: phones.collect(),
        schedules: schedules(location, Owner::Location(id)),
        accessibility: accessibility(id, &location.accessibility),
        languages: sign_language.into_iter().collect(),
    }
}

pub fn location(record: &LocationRecord) -> ApiResult<HsdsLocation> {
    Ok(of(&record.to_dto()?))
}

/// The stable id of a service at a location, derived from the pair.
pub fn service_at_location_id(service_id: Uuid, location_id: Uuid) -> Uuid {
    derived_id(&["service_at_location", &service_id.to_string(), &location_id.to_string()])
}

pub fn service_at_location(service_id: Uuid, record: &LocationRecord) -> ApiResult<HsdsServiceAtLocation> {
    let location = record.to_dto()?;
    let id = service_at_location_id(service_id, location.id);
    Ok(HsdsServiceAtLocation {
        id,
        service_id,
        location_id: location.id,
        schedules: schedules(&location, Owner::ServiceAtLocation(id)),
        location: of(&location),
    })
}

//! Locations' API vocabulary: the location as everyone reads it, what its managers send, its
//! validation into a `LocationDraft`, and the list's filters (`open_at` in Polish wall-clock time).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Europe::Warsaw;
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Caller;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::parse_date;
use crate::domain::text::clean;
use crate::domain::Address;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::merge_patch;
use crate::providers::dto::{check_phone, Contact};
use crate::validation::FieldErrors;

crate::text_enum! {
/// `cus_office` (a seat of the CUS, run by the CUS itself), `provider_premises` (a provider's
/// premises), `day_centre` (dzienny dom, klub, środowiskowy dom samopomocy) or `other`. A
/// resident's home is never a location: an offer says `at_home` instead.
pub enum LocationKind {
    CusOffice,
    ProviderPremises,
    DayCentre,
    Other,
}
}

crate::text_enum! {
/// `active`: in use, public; `archived`: no longer in use, kept for what refers to it (and for
/// mirrors to see it go). Changed only by the `archive` and `activate` actions.
pub enum LocationStatus {
    Active,
    Archived,
}
}

/// A state change of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LocationAction {
    Archive,
    Activate,
}

impl Lifecycle for LocationStatus {
    type Action = LocationAction;

    fn allowed_actions(self) -> &'static [LocationAction] {
        match self {
            LocationStatus::Active => &[LocationAction::Archive],
            LocationStatus::Archived => &[LocationAction::Activate],
        }
    }

    fn after(self, action: LocationAction) -> LocationStatus {
        match action {
            LocationAction::Archive => LocationStatus::Archived,
            LocationAction::Activate => LocationStatus::Active,
        }
    }
}

crate::text_enum! {
/// A day of the week.
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// ISO 8601 number, 1 (Monday) to 7 (Sunday), as stored.
    pub fn iso(self) -> i32 {
        Weekday::ALL.iter().position(|day| *day == self).map_or(1, |index| index as i32 + 1)
    }

    pub fn from_iso(number: i32) -> Option<Weekday> {
        usize::try_from(number - 1).ok().and_then(|index| Weekday::ALL.get(index).copied())
    }
}

crate::text_enum! {
/// An accessibility feature, as the `accessibility` filter names it.
pub enum AccessibilityFeature {
    StepFree,
    AccessibleToilet,
    HearingLoop,
    SignLanguage,
    DisabledParking,
}
}

/// Local opening hours of one weekday: from `from` (included) to `to` (excluded), `HH:MM` in
/// Polish wall-clock time (Europe/Warsaw, CET/CEST); `to` may be `24:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"day": "monday", "from": "08:00", "to": "16:00"}))]
pub struct WeeklyHours {
    pub day: Weekday,
    #[schema(example = "08:00")]
    pub from: String,
    #[schema(example = "16:00")]
    pub to: String,
}

/// Opening hours of an exception's day, as `WeeklyHours` without the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Interval {
    #[schema(example = "09:00")]
    pub from: String,
    #[schema(example = "12:00")]
    pub to: String,
}

/// A dated exception to the weekly hours (a holiday, shorter hours): `closed`, or open only in
/// its `hours`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"date": "2026-12-24", "closed": false, "hours": [{"from": "08:00", "to": "12:00"}], "note": "Wigilia"}))]
pub struct HoursException {
    pub date: NaiveDate,
    pub closed: bool,
    /// Empty when `closed`.
    pub hours: Vec<Interval>,
    pub note: String,
}

/// WGS 84 coordinates, in degrees (kept to 7 decimal places).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"latitude": 51.0486, "longitude": 21.0739}))]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// What a person with a disability finds there (dostępność architektoniczna i
/// informacyjno-komunikacyjna); every flag `false` unless sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Accessibility {
    /// A step-free entrance, or a ramp or lift.
    pub step_free: bool,
    pub accessible_toilet: bool,
    /// An induction loop for hearing aids (pętla indukcyjna).
    pub hearing_loop: bool,
    /// Staff or an interpreter of Polish sign language (PJM).
    pub sign_language: bool,
    /// Parking places for disabled persons.
    pub disabled_parking: bool,
    #[schema(example = "Wejście od podwórza, dzwonek przy drzwiach.")]
    pub note: Option<String>,
}

impl Accessibility {
    pub fn has(&self, feature: AccessibilityFeature) -> bool {
        match feature {
            AccessibilityFeature::StepFree => self.step_free,
            AccessibilityFeature::AccessibleToilet => self.accessible_toilet,
            AccessibilityFeature::HearingLoop => self.hearing_loop,
            AccessibilityFeature::SignLanguage => self.sign_language,
            AccessibilityFeature::DisabledParking => self.disabled_parking,
        }
    }
}

/// A place where services are given or applied for, with its hours.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000c01", "name": "CUS Starachowice, punkt informacyjny",
    "kind": "cus_office", "provider_id": null,
    "address": {"street": "ul. Radomska", "building": "45", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
    "coordinates": {"latitude": 51.0486, "longitude": 21.0739},
    "opening_hours": [{"day": "monday", "from": "08:00", "to": "16:00"}, {"day": "tuesday", "from": "08:00", "to": "12:00"}, {"day": "tuesday", "from": "13:00", "to": "18:00"}],
    "exceptions": [{"date": "2026-12-25", "closed": true, "hours": [], "note": "Boże Narodzenie"}],
    "accessibility": {"step_free": true, "accessible_toilet": true, "hearing_loop": false, "sign_language": false, "disabled_parking": true, "note": null},
    "contact": {"email": "cus@starachowice.eu", "phone": "+48 41 273 00 00", "website": null},
    "status": "active", "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z", "version": 1
}))]
pub struct Location {
    pub id: Uuid,
    pub name: String,
    pub kind: LocationKind,
    /// The provider that runs it; `null`: the CUS runs it.
    pub provider_id: Option<Uuid>,
    /// Its TERYT TERC code is required.
    pub address: Address,
    pub coordinates: Option<Coordinates>,
    /// Weekly hours, by day and start.
    pub opening_hours: Vec<WeeklyHours>,
    /// Dated exceptions, by date.
    pub exceptions: Vec<HoursException>,
    pub accessibility: Accessibility,
    /// For the public: e-mail, phone and website of the place.
    pub contact: Contact,
    pub status: LocationStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// +1 on every change; the ETag.
    pub version: i64,
}

/// Weekly hours as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHoursInput {
    #[schema(required = true, value_type = Weekday)]
    pub day: Option<String>,
    #[schema(required = true, example = "08:00")]
    pub from: Option<String>,
    #[schema(required = true, example = "16:00")]
    pub to: Option<String>,
}

/// An interval as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntervalInput {
    #[schema(required = true, example = "09:00")]
    pub from: Option<String>,
    #[schema(required = true, example = "12:00")]
    pub to: Option<String>,
}

/// An exception as sent: `closed: true` with no hours, or its hours.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursExceptionInput {
    #[schema(required = true, value_type = String, format = Date, example = "2026-12-24")]
    pub date: Option<String>,
    pub closed: Option<bool>,
    pub hours: Option<Vec<IntervalInput>>,
    pub note: Option<String>,
}

/// Coordinates as sent: both or none.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinatesInput {
    /// -90 to 90.
    #[schema(required = true, example = 51.0486)]
    pub latitude: Option<f64>,
    /// -180 to 180.
    #[schema(required = true, example = 21.0739)]
    pub longitude: Option<f64>,
}

/// The writable fields of a location.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Klub Seniora „Pod Lipami”", "kind": "day_centre", "provider_id": "0193a5f2-0000-7000-8000-0000000000aa",
    "address": {"street": "ul. Kościelna", "building": "12", "postal_code": "27-200", "city": "Starachowice", "teryt": "2611011"},
    "opening_hours": [{"day": "monday", "from": "08:00", "to": "16:00"}],
    "exceptions": [{"date": "2026-12-24", "hours": [{"from": "08:00", "to": "12:00"}], "note": "Wigilia"}],
    "accessibility": {"step_free": true, "hearing_loop": true},
    "contact": {"phone": "+48 41 274 00 00"}
}))]
pub struct LocationInput {
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true, value_type = LocationKind)]
    pub kind: Option<String>,
    /// The provider that runs it (a provider caller: its own); absent for the CUS's own places
    /// (a `cus_office` always).
    pub provider_id: Option<Uuid>,
    /// `building`, `postal_code`, `city` and `teryt` required.
    #[schema(required = true)]
    pub address: Option<Address>,
    pub coordinates: Option<CoordinatesInput>,
    /// Intervals of one day must not overlap.
    pub opening_hours: Option<Vec<WeeklyHoursInput>>,
    /// One per date.
    pub exceptions: Option<Vec<HoursExceptionInput>>,
    pub accessibility: Option<Accessibility>,
    pub contact: Option<Contact>,
}

/// A validated location, ready to be stored.
#[derive(Debug, Clone)]
pub struct LocationDraft {
    pub name: String,
    pub kind: LocationKind,
    pub provider_id: Option<Uuid>,
    pub address: Address,
    pub coordinates: Option<Coordinates>,
    pub opening_hours: Vec<WeeklyHours>,
    pub exceptions: Vec<HoursException>,
    pub accessibility: Accessibility,
    pub contact: Contact,
}

const NAME_MAX: usize = 300;

impl LocationInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<LocationDraft> {
        let mut errors = FieldErrors::new();
        let name = errors.required("name", clean(self.name.as_deref()));
        if name.as_ref().is_some_and(|name| name.chars().count() > NAME_MAX) {
            errors.add("name", "length", format!("name must be at most {NAME_MAX} characters long"));
        }
        let kind = errors.required_enum::<LocationKind>("kind", self.kind.as_deref());
        if kind == Some(LocationKind::CusOffice) && self.provider_id.is_some() {
            errors.add("provider_id", "not_allowed", "a CUS office is run by the CUS, not by a provider");
        }
        let address = errors.required("address", self.address).and_then(|address| {
            errors.required("address.teryt", clean(address.teryt.as_deref()));
            Address::parse_office(&mut errors, "address", address)
        });
        let coordinates = self.coordinates.and_then(|input| parse_coordinates(&mut errors, input));
        let opening_hours = parse_weekly(&mut errors, self.opening_hours.unwrap_or_default());
        let exceptions = parse_exceptions(&mut errors, self.exceptions.unwrap_or_default());
        let mut accessibility = self.accessibility.unwrap_or_default();
        accessibility.note = clean(accessibility.note.as_deref());
        let contact = self.contact.unwrap_or_default();
        errors.check_at("contact", &contact);
        let contact = Contact {
            email: clean(contact.email.as_deref()),
            phone: clean(contact.phone.as_deref()),
            website: clean(contact.website.as_deref()),
        };
        check_phone(&mut errors, "contact.phone", contact.phone.as_deref());
        errors.finish(|| {
            Some(LocationDraft {
                name: name?,
                kind: kind?,
                provider_id: self.provider_id,
                address: address?,
                coordinates,
                opening_hours,
                exceptions,
                accessibility,
                contact,
            })
        })
    }
}

fn parse_coordinates(errors: &mut FieldErrors, input: CoordinatesInput) -> Option<Coordinates> {
    let mut degrees = |field: &str, value: Option<f64>, max: f64| {
        let field = format!("coordinates.{field}");
        let value = errors.required(&field, value)?;
        if !(-max..=max).contains(&value) {
            errors.add(&field, "range", format!("{field} must be between -{max} and {max}"));
            return None;
        }
        Some(value)
    };
    let latitude = degrees("latitude", input.latitude, 90.0);
    let longitude = degrees("longitude", input.longitude, 180.0);
    Some(Coordinates { latitude: latitude?, longitude: longitude? })
}

/// `HH:MM`, 00:00 to 23:59; `24:00` too where it ends an interval.
fn parse_time(errors: &mut FieldErrors, field: &str, value: Option<&str>, end: bool) -> Option<String> {
    let text = errors.required(field, value)?.trim();
    let valid = text.len() == 5
        && text.as_bytes()[2] == b':'
        && match (text[..2].parse::<u8>(), text[3..].parse::<u8>()) {
            (Ok(24), Ok(0)) => end,
            (Ok(hours), Ok(minutes)) => {
                hours < 24 && minutes < 60 && text.bytes().filter(u8::is_ascii_digit).count() == 4
            }
            _ => false,
        };
    if !valid {
        errors.add(field, "time", format!("{field} must be a time HH:MM (00:00-23:59, 24:00 to end a day)"));
        return None;
    }
    Some(text.to_owned())
}

/// One interval under `field`: both times valid and `from` before `to`.
fn parse_interval(errors: &mut FieldErrors, field: &str, from: Option<&str>, to: Option<&str>) -> Option<Interval> {
    let from = parse_time(errors, &format!("{field}.from"), from, false);
    let to = parse_time(errors, &format!("{field}.to"), to, true);
    let (from, to) = (from?, to?);
    if from >= to {
        errors.add(format!("{field}.to"), "interval_order", format!("{field} must end after it starts"));
        return None;
    }
    Some(Interval { from, to })
}

/// Records `overlap` at `field` when the interval overlaps one of `earlier`.
fn check_overlap<'a>(
    errors: &mut FieldErrors,
    field: String,
    interval: &Interval,
    earlier: impl IntoIterator<Item = &'a Interval>,
) {
    if earlier.into_iter().any(|other| interval.from < other.to && other.from < interval.to) {
        errors.add(field, "overlap", "this interval overlaps another one of the same day");
    }
}

fn parse_weekly(errors: &mut FieldErrors, inputs: Vec<WeeklyHoursInput>) -> Vec<WeeklyHours> {
    let mut hours: Vec<WeeklyHours> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        let field = format!("opening_hours[{index}]");
        let day = errors.required_enum::<Weekday>(&format!("{field}.day"), input.day.as_deref());
        let interval = parse_interval(errors, &field, input.from.as_deref(), input.to.as_deref());
        let (Some(day), Some(interval)) = (day, interval) else { continue };
        let same_day = hours
            .iter()
            .filter(|other| other.day == day)
            .map(|other| Interval { from: other.from.clone(), to: other.to.clone() });
        check_overlap(errors, field, &interval, &same_day.collect::<Vec<_>>());
        hours.push(WeeklyHours { day, from: interval.from, to: interval.to });
    }
    hours.sort_by(|a, b| (a.day.iso(), &a.from).cmp(&(b.day.iso(), &b.from)));
    hours
}

fn parse_exceptions(errors: &mut FieldErrors, inputs: Vec<HoursExceptionInput>) -> Vec<HoursException> {
    let mut exceptions: Vec<HoursException> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        let field = format!("exceptions[{index}]");
        let date_field = format!("{field}.date");
        let date = errors.required(&date_field, input.date.as_deref());
        let date = errors.parse_with(&date_field, "invalid_date", date, parse_date);
        if date.is_some_and(|date| exceptions.iter().any(|other| other.date == date)) {
            errors.add(&date_field, "duplicate", "another exception has this date");
        }
        let closed = input.closed.unwrap_or(false);
        let inputs = input.hours.unwrap_or_default();
        let hours_field = format!("{field}.hours");
        if closed && !inputs.is_empty() {
            errors.add(&hours_field, "not_allowed", "a closed day has no hours");
        } else if !closed && inputs.is_empty() {
            errors.add(&hours_field, "required", "an exception is closed or has its hours");
        }
        let mut hours: Vec<Interval> = Vec::with_capacity(inputs.len());
        for (position, input) in inputs.into_iter().enumerate() {
            let field = format!("{hours_field}[{position}]");
            let Some(interval) = parse_interval(errors, &field, input.from.as_deref(), input.to.as_deref()) else {
                continue;
            };
            check_overlap(errors, field, &interval, &hours);
            hours.push(interval);
        }
        hours.sort_by(|a, b| a.from.cmp(&b.from));
        let note = clean(input.note.as_deref()).unwrap_or_default();
        if let Some(date) = date {
            exceptions.push(HoursException { date, closed, hours, note });
        }
    }
    exceptions.sort_by_key(|exception| exception.date);
    exceptions
}

/// Fields a merge patch may not touch: identity, metadata and the status (changed by actions).
const READ_ONLY_FIELDS: [&str; 5] = ["id", "status", "created_at", "updated_at", "version"];

/// Applies a JSON merge patch to the current record and validates the result as a whole.
pub fn apply_patch(current: &Location, patch: &merge_patch::Patch) -> ApiResult<LocationDraft> {
    let input: LocationInput =
        merge_patch::patched(current, patch, &READ_ONLY_FIELDS, "; status changes through the actions")?;
    input.validate_draft()
}

/// Who reads locations, and so which: the public active ones only; a provider caller active
/// ones and every one of its own; the staff every one.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    Public,
    Provider(Uuid),
    Staff,
}

impl Audience {
    pub fn of(caller: &Caller) -> Audience {
        if let Some(own) = caller.provider_scope() {
            Audience::Provider(own)
        } else if caller.is_anonymous() {
            Audience::Public
        } else {
            Audience::Staff
        }
    }

    pub fn can_see(self, status: LocationStatus, provider_id: Option<Uuid>) -> bool {
        match self {
            Audience::Staff => true,
            Audience::Provider(own) if provider_id == Some(own) => true,
            _ => status == LocationStatus::Active,
        }
    }

    /// A write on a location run by `provider_id` (before and after the change): the staff on
    /// any, a provider caller on its own only (403: the location is public, its runner known).
    pub fn ensure_may_write(self, provider_id: Option<Uuid>) -> ApiResult<()> {
        match self {
            Audience::Provider(own) if provider_id != Some(own) => {
                Err(ApiError::Forbidden("a provider manages only its own provider's locations".to_owned()))
            }
            _ => Ok(()),
        }
    }
}

/// A time the list's `open_at` asks about, as the wall clock in Poland shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WallClock {
    pub date: NaiveDate,
    /// ISO weekday, 1 (Monday) to 7.
    pub day: i32,
    /// `HH:MM`: intervals run by whole minutes, so the seconds do not matter.
    pub time: String,
}

impl WallClock {
    /// A time with an offset or `Z` is converted to Europe/Warsaw (CET/CEST); one without is
    /// already Polish wall-clock time.
    pub fn parse(text: &str) -> Option<WallClock> {
        let local = match DateTime::parse_from_rfc3339(text) {
            Ok(at) => at.with_timezone(&Warsaw).naive_local(),
            Err(_) => NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
                .ok()?,
        };
        Some(WallClock {
            date: local.date(),
            day: local.weekday().number_from_monday() as i32,
            time: local.format("%H:%M").to_string(),
        })
    }
}

/// Filters and paging of the list, in creation order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LocationQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only locations run by this provider.
    pub provider_id: Option<Uuid>,
    /// Only locations in this gmina (TERYT TERC code of the address).
    #[param(example = "2611011")]
    pub teryt: Option<String>,
    pub kind: Option<LocationKind>,
    /// The public sees active locations only, a provider also its own archived ones.
    pub status: Option<LocationStatus>,
    /// Comma-separated features, all required: `step_free`, `accessible_toilet`, `hearing_loop`,
    /// `sign_language`, `disabled_parking`.
    #[param(
        example = "step_free,hearing_loop",
        pattern = "^(step_free|accessible_toilet|hearing_loop|sign_language|disabled_parking)(,(step_free|accessible_toilet|hearing_loop|sign_language|disabled_parking))*$"
    )]
    pub accessibility: Option<String>,
    /// Only locations open at this time: without an offset Polish wall-clock time
    /// (`2027-01-04T16:30:00`), with one (`Z`, `%2B01:00`) converted to Europe/Warsaw. A dated
    /// exception replaces the weekly hours of its day.
    #[param(value_type = Option<String>, format = DateTime, example = "2027-01-04T16:30:00+01:00")]
    pub open_at: Option<String>,
    /// Only locations changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// The parsed filters that need more than serde: 400 naming the parameter otherwise.
#[derive(Debug)]
pub struct LocationFilter {
    pub query: LocationQuery,
    pub features: Vec<AccessibilityFeature>,
    pub open_at: Option<WallClock>,
}

impl LocationQuery {
    pub fn parse(self) -> ApiResult<LocationFilter> {
        let invalid = |name: &str, message: &str| {
            ApiError::bad_request(
                format!("invalid query parameter {name}"),
                vec![FieldError::new(name, "invalid_parameter", message)],
            )
        };
        let features = match self.accessibility.as_deref() {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::parse::<AccessibilityFeature>)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    invalid(
                        "accessibility",
                        "a comma-separated list of: step_free, accessible_toilet, hearing_loop, sign_language, disabled_parking",
                    )
                })?,
        };
        let open_at = self
            .open_at
            .as_deref()
            .map(|text| {
                WallClock::parse(text)
                    .ok_or_else(|| invalid("open_at", "a date and time, YYYY-MM-DDTHH:MM:SS with or without an offset"))
            })
            .transpose()?;
        Ok(LocationFilter { query: self, features, open_at })
    }
}

//! Amendments and versions of programmes as the API reads and writes them, and where a service is
//! offered on a day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::period::{DateRange, Period};
use crate::error::ApiResult;
use crate::programmes::dto::{
    date, parse_resolution, parse_services, text, ProgrammeService, ProgrammeServiceInput, Resolution, ResolutionInput,
};
use crate::validation::FieldErrors;

/// A new resolution of the council changing an adopted programme: a new version from
/// `effective_from`. `title`, `period` and `services` (the full list) left out stay as they are.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "resolution": {"number": "XX/201/2027", "adopted_on": "2027-05-27"}, "changes": "Usługi wytchnieniowe dla opiekunów osób z niepełnosprawnościami",
    "effective_from": "2027-07-01",
    "services": [{"service_id": "0193a5f2-0000-7000-8000-000000000011", "target_groups": ["person"],
        "how_to_apply": {"where": "Punkt informacyjny CUS, ul. Radomska 12", "documents": ["wniosek"]},
        "capacity": {"kind": "places", "value": 30}, "quality_standard": "Standard usług opiekuńczych CUS 2027"}]
}))]
pub struct AmendmentInput {
    #[schema(required = true)]
    pub resolution: Option<ResolutionInput>,
    /// What the amendment changed.
    #[schema(required = true, example = "Usługi wytchnieniowe dla opiekunów osób z niepełnosprawnościami")]
    pub changes: Option<String>,
    /// After the previous version's `effective_from` (422 `not_after_previous_version`), within the
    /// period (422 `outside_period`).
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2027-07-01")]
    pub effective_from: Option<String>,
    #[schema(max_length = 300)]
    pub title: Option<String>,
    pub period: Option<Period>,
    /// The full list, as on create (422 `unknown`, `duplicate`, ...).
    pub services: Option<Vec<ProgrammeServiceInput>>,
}

/// A validated amendment; what it leaves out stays as the current version has it.
#[derive(Debug, Clone)]
pub struct AmendmentDraft {
    pub resolution: Resolution,
    pub changes: String,
    pub effective_from: NaiveDate,
    pub title: Option<String>,
    pub period: Option<DateRange>,
    pub services: Option<Vec<ProgrammeService>>,
}

const MAX_TITLE_CHARS: usize = 300;

impl AmendmentInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<AmendmentDraft> {
        let mut errors = FieldErrors::new();
        let resolution = errors.required("resolution", self.resolution).and_then(|r| parse_resolution(&mut errors, r));
        let changes = text(&mut errors, "changes", self.changes.as_deref());
        let effective_from = date(&mut errors, "effective_from", self.effective_from.as_deref());
        let title = self.title.map(|title| {
            let title = text(&mut errors, "title", Some(&title))?;
            if title.chars().count() > MAX_TITLE_CHARS {
                errors.add("title", "length", format!("title must be at most {MAX_TITLE_CHARS} characters"));
                return None;
            }
            Some(title)
        });
        let period = self.period.map(|period| DateRange::parse_required(&mut errors, "period", Some(period)));
        let services = self.services.map(|services| parse_services(&mut errors, services));
        errors.finish(|| {
            Some(AmendmentDraft {
                resolution: resolution?,
                changes: changes?,
                effective_from: effective_from?,
                title: title.map(|t| t.ok_or(())).transpose().ok()?,
                period: period.map(|p| p.ok_or(())).transpose().ok()?,
                services: services.map(|s| s.ok_or(())).transpose().ok()?,
            })
        })
    }
}

/// One version of a programme: its content as one resolution made it, and the days it holds.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "programme_id": "0193a5f2-0000-7000-8000-000000000041", "number": 2, "effective_from": "2027-07-01", "superseded_on": null,
    "resolution": {"number": "XX/201/2027", "adopted_on": "2027-05-27"}, "changes": "Usługi wytchnieniowe dla opiekunów osób z niepełnosprawnościami",
    "title": "Program usług społecznych Starachowic 2027-2029", "period": {"start": "2027-01-01", "end": "2029-12-31"},
    "services": [{"service_id": "0193a5f2-0000-7000-8000-000000000011", "target_groups": ["person"],
        "access_criteria": {"age_min": null, "age_max": null, "disability_certificate_required": false, "income_threshold_per_person": null, "residence_required": false, "notes": null},
        "how_to_apply": {"where": "Punkt informacyjny CUS, ul. Radomska 12", "documents": ["wniosek"]},
        "capacity": {"kind": "places", "value": 30}, "quality_standard": "Standard usług opiekuńczych CUS 2027"}],
    "created_at": "2027-05-28T09:00:00Z"
}))]
pub struct ProgrammeVersion {
    pub programme_id: Uuid,
    /// 1 for the programme as adopted, +1 for each amendment.
    pub number: i32,
    /// Version 1: the programme's `in_force_from` (none until set).
    pub effective_from: Option<NaiveDate>,
    /// The day the next version took effect; none for the newest.
    pub superseded_on: Option<NaiveDate>,
    /// The resolution that adopted (version 1) or amended the programme.
    pub resolution: Option<Resolution>,
    /// What the amendment changed; none for version 1.
    pub changes: Option<String>,
    pub title: String,
    pub period: Period,
    pub services: Vec<ProgrammeService>,
    pub created_at: DateTime<Utc>,
}

/// Paging of a programme's versions, by number.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The day to look at.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// Today (Polish calendar) when absent.
    #[param(value_type = Option<String>, format = Date, example = "2027-09-01")]
    pub on: Option<NaiveDate>,
}

/// The services of the version of a programme in force on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicesInForce {
    pub programme_id: Uuid,
    #[schema(example = "2027-09-01")]
    pub on: NaiveDate,
    /// The version in force that day.
    #[schema(example = 2)]
    pub version: i32,
    pub services: Vec<ProgrammeService>,
}

/// The programmes in force on a day offering a catalogue service, by programme.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfferingQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Today (Polish calendar) when absent.
    #[param(value_type = Option<String>, format = Date, example = "2027-09-01")]
    pub on: Option<NaiveDate>,
    /// Only the programme of this municipality.
    pub municipality_id: Option<Uuid>,
}

/// A programme in force offering a service, and the terms of its version in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceOffering {
    pub programme_id: Uuid,
    /// The title of the version in force.
    pub title: String,
    pub municipality_id: Uuid,
    #[schema(example = 2)]
    pub version: i32,
    pub terms: ProgrammeService,
}
